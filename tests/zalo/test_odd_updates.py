"""Updates the platform would not send (a chat it does not know, a sender without id): the bot
drops or answers them without an error in its log, and goes on answering everyone else."""

from __future__ import annotations

import logging

import pytest

from tests.harness import BotHarness
from tests.zalo.test_features import STAFF


async def test_an_update_from_a_chat_zalo_does_not_know_logs_no_error(
        zbot: BotHarness, caplog: pytest.LogCaptureFixture):
    khanh = await zbot.zalo_person(STAFF)
    assert zbot.zalo is not None
    with caplog.at_level(logging.WARNING):
        zbot.zalo.push_raw({"event_name": "message.text.received", "message": {
            "from": {"id": "12345", "display_name": "Ai đó", "is_bot": False},
            "chat": {"id": "12345", "chat_type": "PRIVATE"},
            "text": "/trogiup", "message_id": "0badc0de0badc0de0bad", "date": 1}})
        await khanh.send("/trogiup")
        await khanh.expect("/dangky")
        assert zbot.runtime is not None and zbot.runtime.zalo is not None
        await zbot.runtime.zalo.receiver.join()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert any("refused the answer" in r.getMessage() for r in caplog.records)


async def test_a_line_claiming_someone_else_private_chat_acts_on_nothing(zbot: BotHarness):
    """A private chat's id is its person's: a line from someone else naming it (a delivery the
    platform did not make) neither answers that person's list nor writes to them."""
    khanh = await zbot.zalo_person(STAFF)
    assert zbot.zalo is not None and zbot.runtime is not None
    await khanh.send("/ngonngu")
    await khanh.expect("Chọn ngôn ngữ")
    zbot.zalo.push_raw({"event_name": "message.text.received", "message": {
        "from": {"id": "5ca1ab1e5ca1ab1e5ca1", "display_name": "Lạ", "is_bot": False},
        "chat": {"id": khanh.chat_id, "chat_type": "PRIVATE"},
        "text": "2", "message_id": "f0f0f0f0f0f0f0f0f0f0", "date": 10**13}})
    await khanh.expect_silence(0.5)
    assert zbot.runtime.zalo is not None
    await zbot.runtime.zalo.receiver.join()
    person = await zbot.services.people.by_phone(STAFF)
    assert person is not None
    assert await zbot.services.account_settings.locale(f"zalo:{khanh.id}") is None
