"""Long polling through the real pieces: the API client over HTTP against the emulator, the
receiver on a real SQLite inbox. Each update is stored before it is handled, a re-delivered
message id is handled once, an update left unfinished by a crash is replayed at the next
start, and one that keeps crashing the bot is given up after three attempts."""

from __future__ import annotations

import pytest

from channels.zalo import GROUP, PRIVATE
from channels.zalo.updates import IMAGE, STICKER, TEXT, UNSUPPORTED
from emulator.zalo import ZaloFormat
from storage.zalo_inbox import MAX_ATTEMPTS
from tests.channels.zalo.support import HANG, EchoBot

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


async def test_each_update_is_stored_then_handled_then_done(emu, echo):
    lan = emu.user(1001, "Lan")
    sent = await lan.send("Xin chào")
    await lan.expect("echo: Xin chào")
    await echo.receiver.join()
    (update,) = echo.handled
    assert (update.message_id, update.user_id, update.display_name, update.chat_type) == (
        sent["message_id"], lan.id, "Lan", PRIVATE)
    assert echo.stored_first == [True]  # in the inbox, not done, while it was handled
    assert await echo.inbox.is_done(sent["message_id"]) is True
    assert await echo.inbox.counts() == (0, 1)


@pytest.mark.parametrize("variant", sorted(ZaloFormat.variants()))
async def test_every_update_variant_is_understood(emu, echo, variant):
    emu.format = ZaloFormat.variants()[variant]
    lan = emu.user(1001, "Lan")
    group = emu.group(7, "Thường trực TĐKT")
    await lan.send("một")
    await lan.send_photo(PNG, caption="ảnh")
    await lan.send_sticker("abc")
    await lan.send_unsupported()
    await group.send(lan, "/tonghop")
    await lan.expect("echo: một")
    await group.expect("echo: /tonghop")
    await echo.receiver.join()
    kinds = {u.kind: u for u in echo.handled}
    assert set(kinds) == {TEXT, IMAGE, STICKER, UNSUPPORTED}
    assert kinds[IMAGE].photo_url and kinds[IMAGE].caption == "ảnh"
    assert kinds[STICKER].sticker == "abc"
    (group_update,) = [u for u in echo.handled if u.is_group]
    assert (group_update.chat_id, group_update.chat_type, group_update.user_id) == (
        group.chat_id, GROUP, lan.id)
    assert {u.display_name for u in echo.handled} == {"Lan"}
    async with emu.http.get(kinds[IMAGE].photo_url) as picture:
        assert await picture.read() == PNG


async def test_a_redelivered_message_is_handled_once(emu, echo):
    lan = emu.user(1001, "Lan")
    sent = await lan.send("một")
    await lan.expect("echo: một")
    emu.redeliver(sent["message_id"])
    await lan.send("hai")
    await lan.expect("echo: hai")
    await lan.expect_silence(0.2)
    assert [u.text for u in echo.handled] == ["một", "hai"]
    assert echo.receiver.duplicates == 1


async def test_an_update_left_unfinished_is_replayed_at_the_next_start(emu, tmp_path):
    database = tmp_path / "thidua.sqlite3"
    lan = emu.user(1001, "Lan")
    first = await EchoBot(emu, database).start_polling()
    await lan.send(HANG)
    await lan.send("sau")  # the same chat: waits for the hanging one
    binh = emu.user(1002, "Bình")
    await binh.send("chào")  # another chat: not held up
    await binh.expect("echo: chào")
    await first.close(timeout=0.1)  # as good as a crash: the handler never finished
    await lan.expect_silence(0.1)

    second = EchoBot(emu, database)
    second.hang = False
    await second.open()
    assert await second.inbox.counts() == (2, 1)
    assert await second.receiver.replay_pending() == 2
    await second.poller.start()
    try:
        await lan.expect(f"echo: {HANG}")
        await lan.expect("echo: sau")
        await second.receiver.join()
        assert [(u.text, u.replayed) for u in second.handled] == [(HANG, True), ("sau", True)]
        assert await second.inbox.counts() == (0, 3)
        await lan.expect_silence(0.1)
    finally:
        await second.close()


async def test_an_update_that_keeps_crashing_the_bot_is_dropped_after_three_attempts(
        emu, tmp_path):
    database = tmp_path / "thidua.sqlite3"
    lan = emu.user(1001, "Lan")
    bot = await EchoBot(emu, database).start_polling()
    await lan.send(HANG)
    await _until(lambda: len(bot.handled) == 1)
    await bot.close(timeout=0)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        bot = await EchoBot(emu, database).start_polling()  # replays it, hangs again
        await _until(lambda b=bot: len(b.handled) == 1)
        assert bot.handled[0].replayed, attempt
        await bot.close(timeout=0)
    last = await EchoBot(emu, database).start_polling()
    try:
        assert await last.inbox.counts() == (0, 1)  # given up, logged
        await lan.send("còn sống")
        await lan.expect("echo: còn sống")
        assert [u.text for u in last.handled] == ["còn sống"]
    finally:
        await last.close()


async def test_polling_survives_failures_and_a_stop_loses_nothing(emu, echo):
    lan = emu.user(1001, "Lan")
    emu.faults.add("getUpdates", status=502, times=2)
    emu.faults.add("getUpdates", status=429, times=1)
    await lan.send("một")
    await lan.expect("echo: một")
    assert echo.poller.errors == 3
    # stopped while its poll waits: the next message stays with the platform
    await echo.poller.stop()
    await lan.send("hai")
    await lan.expect_silence(0.2)
    assert emu.pending_updates == 1
    await echo.poller.start()
    await lan.expect("echo: hai")


async def test_a_webhook_left_set_is_removed_before_polling(emu, tmp_path):
    emu.webhook.url, emu.webhook.secret_token = "https://old.example.org/zalo", "s" * 16
    bot = await EchoBot(emu, tmp_path / "thidua.sqlite3").start_polling()
    try:
        lan = emu.user(1001, "Lan")
        await lan.send("một")
        await lan.expect("echo: một")
        assert emu.webhook.url == ""
    finally:
        await bot.close()


async def _until(condition, seconds: float = 5.0) -> None:
    import asyncio

    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")
