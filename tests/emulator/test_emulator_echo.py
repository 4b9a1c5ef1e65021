"""The emulator against an unmodified PTB: the echo bot over polling, and direct Bot calls
that must raise the same exceptions as against Telegram."""

import asyncio
import json

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut

from emulator import BotApiEmulator
from emulator.echo import build_echo_application
from emulator.ptb import polling


def seconds(value):
    """RetryAfter.retry_after is an int or a timedelta depending on PTB's settings."""
    return value.total_seconds() if hasattr(value, "total_seconds") else value


@pytest.fixture
async def emu():
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
async def bot(emu):
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as bot:
        yield bot


async def test_echo_round_trip_over_polling(emu):
    app = build_echo_application(emu.base_url, emu.base_file_url, emu.token)
    async with polling(app):
        alice = emu.user(1001, "Lan", last_name="Nguyễn", phone="0912345678")
        bob = emu.user(1002, "Bình")
        await alice.send("Xin chào")
        await bob.send("/start abc123")
        assert (await alice.expect("Xin chào")).plain == "Xin chào"
        reply = await bob.expect("/start abc123")
        assert reply.chat_id == 1002 and reply.message_id == 2  # ids count per chat
        await alice.expect_silence(0.1)
        # a plain app calls getMe on initialize, deleteWebhook when polling starts
        assert [c.method for c in emu.calls[:3]] == ["getMe", "deleteWebhook", "getUpdates"]
    assert emu.stats.delivered[1001] == 1 and emu.stats.delivered[1002] == 1
    assert emu.stats.updates == 2


async def test_many_users_at_once(emu):
    app = build_echo_application(emu.base_url, emu.base_file_url, emu.token)
    async with polling(app):
        users = [emu.user(5000 + i, f"Người {i}") for i in range(200)]
        for user in users:
            await user.send(f"số {user.id}")
        for user in users:
            await user.expect(f"số {user.id}")


async def test_expect_reports_what_happened(emu, bot):
    alice = emu.user(1001, "Lan")
    await bot.send_message(1001, "Một")
    with pytest.raises(AssertionError, match=r"expected 'Hai', got .*'Một'"):
        await alice.expect("Hai")
    with pytest.raises(BadRequest):
        await bot.send_message(1001, "<b>Ba", parse_mode=ParseMode.HTML)
    with pytest.raises(AssertionError) as caught:
        await alice.expect("Ba", timeout=0.1)
    assert "sendMessage → 400 Bad Request: can't parse entities" in str(caught.value)


async def test_telegram_validation_errors(emu, bot):
    emu.user(1001, "Lan")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(1001, "a" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(1001, "<b></b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(1001, "Điểm < 5", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "ai?")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
        await bot.send_message(1001, "x", reply_markup=markup)
    sent = await bot.send_message(1001, "<b>Cũ</b>", parse_mode=ParseMode.HTML)
    assert sent.text_html == "<b>Cũ</b>"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("<b>Cũ</b>", 1001, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", 1001, 99)


async def test_faults_raise_the_ptb_exceptions(emu, bot):
    alice = emu.user(1001, "Lan")
    emu.faults.add("sendMessage", status=429, retry_after=3, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1001, "x")
        assert seconds(caught.value.retry_after) == 3
    await bot.send_message(1001, "qua rồi")
    await alice.expect("qua rồi")

    emu.faults.add("sendMessage", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(1001, "x")
    emu.faults.add("sendMessage", status=403, chat_id=1001)
    with pytest.raises(Forbidden):
        await bot.send_message(1001, "x")
    assert emu.stats.rate_limited == 2 and emu.stats.server_errors == 1

    # a slow answer times the client out, yet the message is delivered, as on Telegram
    emu.faults.add("sendMessage", delay=0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(1001, "chậm", read_timeout=0.1)
    await alice.expect("chậm")


async def test_blocked_user_gives_forbidden_and_a_my_chat_member_update(emu, bot):
    alice = emu.user(1001, "Lan")
    alice.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "x")
    with pytest.raises(AssertionError, match="blocked the bot"):
        await alice.send("hi")
    alice.unblock_bot()
    await bot.send_message(1001, "lại rồi")
    updates = await bot.get_updates()
    statuses = [u.my_chat_member.new_chat_member.status for u in updates]
    assert statuses == ["kicked", "member"]


async def test_flood_limits(emu, bot):
    emu.user(1001, "Lan")
    for chat_id in range(2001, 2031):
        emu.user(chat_id, "X")
    emu.flood_limits(per_chat_per_second=1, per_chat_burst=3, global_per_second=30)
    for _ in range(3):
        await bot.send_message(1001, "ok")  # a short burst in one chat is tolerated
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1001, "quá nhanh")
    assert seconds(caught.value.retry_after) >= 1
    for chat_id in range(2001, 2028):  # 3 + 27 = 30 messages this second
        await bot.send_message(chat_id, "ok")
    with pytest.raises(RetryAfter):
        await bot.send_message(2030, "vượt 30/giây")
    assert emu.stats.rate_limited == 2

    group = emu.group(-100123, "Văn phòng – TĐKT")
    emu.flood_limits(per_chat_per_second=100, per_chat_burst=100, per_group_per_minute=20)
    for _ in range(20):
        await bot.send_message(group.chat_id, "báo cáo")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group.chat_id, "thứ 21")
    assert seconds(caught.value.retry_after) > 50
    emu.flood_limits(enabled=False)
    await bot.send_message(group.chat_id, "hết giới hạn")
    assert len(group.messages) == 21


async def test_raw_http_forms_json_get_and_errors(emu):
    emu.user(1001, "Lan")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.base_url}{emu.token}/getMe") as resp:
            assert (await resp.json())["result"]["username"] == "thidua_test_bot"
        async with http.post(
            f"{emu.base_url}{emu.token}/sendMessage", json={"chat_id": 1001, "text": "json"}
        ) as resp:
            assert (await resp.json())["result"]["chat"]["id"] == 1001
        markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
        form = {"chat_id": "1001", "text": "form", "reply_markup": markup}
        async with http.post(f"{emu.base_url}{emu.token}/sendmessage", data=form) as resp:
            body = await resp.json()
            assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
        async with http.post(f"{emu.base_url}{emu.token}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.get(f"{emu.base_url}999:WRONG/getMe") as resp:
            assert resp.status == 401
    form_call = emu.calls_to("sendMessage")[-1]
    assert form_call.params["chat_id"] == 1001  # form values are typed like JSON ones
    assert form_call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert emu.calls[-1].method == "noSuchMethod" and emu.calls[-1].status == 404


async def test_commands_chat_info_and_members(emu, bot):
    from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

    group = emu.group(-100123, "Văn phòng")
    alice = emu.user(1001, "Lan")
    await bot.set_my_commands([BotCommand("start", "Bắt đầu")], language_code="vi")
    await bot.set_my_commands(
        [BotCommand("summary", "Tổng hợp")], scope=BotCommandScopeChat(group.chat_id)
    )
    await bot.set_my_commands([BotCommand("help", "Help")], scope=BotCommandScopeAllPrivateChats())
    assert emu.get_commands(language_code="vi") == [{"command": "start", "description": "Bắt đầu"}]
    assert ('{"chat_id":-100123,"type":"chat"}', "") in emu.commands
    assert [c.command for c in await bot.get_my_commands(language_code="vi")] == ["start"]
    assert await bot.get_my_commands() == ()  # no fallback between scopes/languages
    await bot.delete_my_commands(language_code="vi")
    assert emu.get_commands(language_code="vi") == []
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])

    chat = await bot.get_chat(group.chat_id)
    assert chat.title == "Văn phòng" and chat.type == "supergroup"
    assert (await bot.get_chat_member(group.chat_id, alice.id)).status == "member"
    group.set_admin(alice)
    assert (await bot.get_chat_member(group.chat_id, alice.id)).status == "administrator"
    assert [m.user.id for m in await bot.get_chat_administrators(group.chat_id)] == [1001]
    assert (await bot.get_my_name()).name == "thidua"
    await bot.set_chat_menu_button()
    await bot.send_chat_action(1001, "typing")


async def test_bot_document_and_photo_reach_the_user(emu, bot):
    alice = emu.user(1001, "Lan")
    sent = await bot.send_document(
        1001, b"a,b\n1,2\n", filename="bao-cao.csv", caption="<b>Báo cáo</b>", parse_mode="HTML"
    )
    msg = await alice.expect("Báo cáo")
    assert msg.document.filename == "bao-cao.csv" and msg.document.data == b"a,b\n1,2\n"
    assert msg.document.mime_type == "text/csv"
    assert sent.document.file_size == 8 and sent.caption == "Báo cáo"
    again = await bot.send_document(1001, sent.document.file_id)  # re-send by file_id
    assert (await alice.expect()).document.data == b"a,b\n1,2\n"
    assert again.document.file_id == sent.document.file_id
    await bot.send_photo(1001, b"\x89PNG fake", caption="Biểu đồ")
    assert (await alice.expect("Biểu đồ")).photo.data == b"\x89PNG fake"
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_document(1001, "nonexistent-file-id")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(1001, b"x", filename="x.txt", caption="a" * 1025)
    file = await bot.get_file(sent.document.file_id)
    assert await file.download_as_bytearray() == bytearray(b"a,b\n1,2\n")


async def test_long_poll_wakes_on_update_and_conflicts_with_webhook(emu, bot):
    alice = emu.user(1001, "Lan")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await alice.send("dậy đi")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message.text == "dậy đi"
    # without a higher offset the update is not confirmed and comes again
    assert (await bot.get_updates())[0].update_id == updates[0].update_id
    assert await bot.get_updates(offset=updates[0].update_id + 1) == ()
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert (await bot.get_webhook_info()).url == "http://127.0.0.1:9/hook"
    await bot.delete_webhook()
