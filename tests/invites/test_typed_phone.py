"""A typed phone number never links anyone (anyone can type anyone's number): the bot says
how to link instead, as each channel allows."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.invites.helpers import STAFF


async def test_a_phone_number_typed_on_telegram_is_explained_and_links_nobody(
        zbot: BotHarness):
    stranger = zbot.user(7301, "Khánh")
    await stranger.send("/start")
    await stranger.expect("chia sẻ số điện thoại")
    for typed in [STAFF, "0935 722 539", "+84 935 722 539"]:
        await stranger.send(typed)
        answer = await stranger.expect("không dùng số điện thoại gõ tay")
        assert "không hợp lệ" not in answer.plain
        assert "nút bên dưới" in answer.plain and "mã mời" in answer.plain
        assert answer.keyboard and answer.keyboard[0][0].request_contact
    await stranger.send(f"/start {STAFF}")
    await stranger.expect("không dùng số điện thoại gõ tay")
    assert await zbot.services.links.by_account("telegram", 7301) is None
    # Not a wrong code either: nothing counts against the account.
    assert await zbot.db.fetchall("SELECT * FROM invite_failures") == []


async def test_a_phone_number_typed_on_zalo_is_explained_and_links_nobody(zbot: BotHarness):
    stranger = zbot.zalo.user(8301, "Khánh")
    await stranger.send("/start")
    await stranger.expect("mã mời")
    await stranger.send("0935.722.539")
    answer = await stranger.expect("không dùng số điện thoại gõ tay")
    assert "trưởng đơn vị" in answer.plain and "không hợp lệ" not in answer.plain
    assert "chia sẻ" not in answer.plain  # Zalo cannot share a contact: not offered
    assert await zbot.services.links.by_account("zalo", stranger.id) is None
    # Words are not codes either: they never count as wrong codes.
    await stranger.send("xin chào, tôi là Khánh")
    await stranger.expect("chưa được liên kết")
    assert await zbot.db.fetchall("SELECT * FROM invite_failures") == []
