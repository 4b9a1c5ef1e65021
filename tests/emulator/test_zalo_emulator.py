"""The Zalo emulator over real HTTP, spoken to as the platform documents: method names, string
hex ids, millisecond dates, `{ok, result}` / `{ok: false, error_code, description}`, the 408
of an empty long poll, the 2000-character limit, pictures fetched by URL."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from emulator.zalo import ZaloEmulator, ZaloFormat, menu_options, zalo_id

HEX_ID = re.compile(r"[0-9a-f]{20}")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def emu():
    async with ZaloEmulator(allow_insecure_webhook=True) as emu:
        yield emu


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


async def call(http: aiohttp.ClientSession, emu: ZaloEmulator, method: str,
               token: str | None = None, **params: Any) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{emu.base_url}{token or emu.token}/{method}", json=params) as resp:
        return resp.status, await resp.json()


@pytest.fixture
async def files():
    """A web server of the bot's own, serving what sendPhoto points at."""
    served: dict[str, tuple[bytes, str]] = {}

    async def serve(request: web.Request) -> web.Response:
        found = served.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])

    app = web.Application()
    app.router.add_get("/f/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]

    def host(name: str, data: bytes, content_type: str = "image/png") -> str:
        served[name] = (data, content_type)
        return f"http://127.0.0.1:{port}/f/{name}"

    yield host
    await runner.cleanup()


async def test_get_me_and_a_wrong_token(emu, http):
    status, body = await call(http, emu, "getMe")
    assert status == 200 and body["ok"] is True
    assert body["result"] == {"id": "1459232241454765289", "account_name": "bot.thidua",
                              "account_type": "BASIC", "can_join_groups": True}
    status, body = await call(http, emu, "getMe", token="1:wrong")
    assert (status, body["ok"], body["error_code"]) == (401, False, 401)


async def test_a_message_arrives_as_the_documented_update_then_the_poll_answers_408(emu, http):
    lan = emu.user(1001, "Lan")
    sent = await lan.send("Xin chào")
    status, body = await call(http, emu, "getUpdates", timeout="1")
    assert status == 200 and body["ok"] is True
    update = body["result"]
    assert update["event_name"] == "message.text.received"
    message = update["message"]
    assert message["text"] == "Xin chào" and message["message_id"] == sent["message_id"]
    assert HEX_ID.fullmatch(message["message_id"]) and HEX_ID.fullmatch(lan.id)
    assert message["from"] == {"id": lan.id, "display_name": "Lan", "is_bot": False}
    assert message["chat"] == {"id": lan.id, "chat_type": "PRIVATE"}
    assert message["date"] > 1_700_000_000_000  # milliseconds
    # nothing more: after the poll's timeout, 408 with HTTP 200 (as measured on the platform)
    status, body = await call(http, emu, "getUpdates", timeout=0.2)
    assert (status, body) == (200, {"ok": False, "error_code": 408,
                                    "description": "Request timeout"})
    assert lan.id == zalo_id(1001) and emu.user(1001, "Lan") is lan


async def test_a_waiting_poll_answers_when_a_message_comes(emu, http):
    lan = emu.user(1001, "Lan")
    poll = asyncio.create_task(call(http, emu, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    await lan.send("một")
    status, body = await poll
    assert status == 200 and body["result"]["message"]["text"] == "một"


async def test_messages_reach_the_person_within_the_platforms_rules(emu, http):
    lan = emu.user(1001, "Lan")
    status, body = await call(http, emu, "sendMessage", chat_id=lan.id, text="x" * 2000)
    assert status == 200 and HEX_ID.fullmatch(body["result"]["message_id"])
    assert body["result"]["date"] > 1_700_000_000_000
    for text in ("", "x" * 2001):
        status, body = await call(http, emu, "sendMessage", chat_id=lan.id, text=text)
        assert (status, body["error_code"]) == (400, 400), body
    status, _ = await call(http, emu, "sendMessage", chat_id="nobody", text="a")
    assert status == 400
    await call(http, emu, "sendMessage", chat_id=lan.id, text="**Đã lưu** lúc _08:42_",
               parse_mode="markdown")
    await call(http, emu, "sendMessage", chat_id=lan.id, text="<b>Đã</b> gửi &amp; lưu",
               parse_mode="html")
    status, body = await call(http, emu, "sendMessage", chat_id=lan.id, text="a",
                              parse_mode="MarkdownV2")
    assert status == 400 and "parse_mode" in body["description"]
    await lan.expect("x" * 2000)
    assert (await lan.expect("Đã lưu lúc 08:42")).text == "**Đã lưu** lúc _08:42_"
    assert (await lan.expect("Đã gửi & lưu")).parse_mode == "html"
    await lan.expect_silence(0.05)


async def test_telegram_only_methods_and_parameters_are_refused(emu, http):
    lan = emu.user(1001, "Lan")
    for method in ("sendDocument", "editMessageText", "answerCallbackQuery", "setMyCommands",
                   "sendmessage"):  # method names are case-sensitive
        status, body = await call(http, emu, method, chat_id=lan.id, text="a")
        assert (status, body) == (404, {"ok": False, "error_code": 404,
                                        "description": "Not Found"}), method
    assert "Telegram method" in (emu.calls_to("sendDocument")[0].error or "")
    keyboard = {"inline_keyboard": [[{"text": "Lưu", "callback_data": "x"}]]}
    status, body = await call(http, emu, "sendMessage", chat_id=lan.id, text="a",
                              reply_markup=keyboard)
    assert status == 400 and "reply_markup" in body["description"]
    await lan.expect_silence(0.05)


async def test_a_photo_is_fetched_by_url_as_the_person_will_see_it(emu, http, files):
    lan = emu.user(1001, "Lan")
    url = files("chart.png", PNG)
    status, body = await call(http, emu, "sendPhoto", chat_id=lan.id, photo=url,
                              caption="📊 Biểu đồ")
    assert status == 200 and HEX_ID.fullmatch(body["result"]["message_id"])
    photo = await lan.expect_photo("Biểu đồ")
    assert (photo.url, photo.data, photo.content_type) == (url, PNG, "image/png")
    assert lan.photos == [photo]
    for bad in (files("missing", b"", "image/png").replace("missing", "gone"),
                files("page.html", b"<html>login</html>", "text/html"),
                "ftp://example.org/a.png", "attach://chart"):
        status, body = await call(http, emu, "sendPhoto", chat_id=lan.id, photo=bad)
        assert status == 400, bad
    await lan.expect_silence(0.05)


async def test_chat_action_and_sticker(emu, http):
    lan = emu.user(1001, "Lan")
    status, body = await call(http, emu, "sendChatAction", chat_id=lan.id, action="typing")
    assert (status, body) == (200, {"ok": True})  # no result, as documented
    status, _ = await call(http, emu, "sendChatAction", chat_id=lan.id, action="upload_document")
    assert status == 400
    status, _ = await call(http, emu, "sendSticker", chat_id=lan.id, sticker="0e078a2f")
    assert status == 200 and (await lan.expect()).sticker == "0e078a2f"


async def test_people_who_blocked_the_bot_and_groups_it_left_refuse_messages(emu, http):
    lan = emu.user(1001, "Lan")
    group = emu.group(1, "Thường trực TĐKT")
    lan.block_bot()
    status, body = await call(http, emu, "sendMessage", chat_id=lan.id, text="Nhắc việc")
    assert (status, body["error_code"]) == (403, 403)
    lan.unblock_bot()
    status, _ = await call(http, emu, "sendMessage", chat_id=lan.id, text="Nhắc việc")
    assert status == 200
    group.remove_bot()
    status, _ = await call(http, emu, "sendMessage", chat_id=group.chat_id, text="Tổng hợp")
    assert status == 403
    # a platform where a bot may not write first (undocumented): 403 until the person writes
    emu.set_proactive_window(3600)
    binh = emu.user(1002, "Bình")
    status, _ = await call(http, emu, "sendMessage", chat_id=binh.id, text="Chào")
    assert status == 403
    await binh.send("Chào bot")
    status, _ = await call(http, emu, "sendMessage", chat_id=binh.id, text="Chào")
    assert status == 200


async def test_group_messages_name_the_group_and_the_member(emu, http):
    lan = emu.user(1001, "Lan")
    group = emu.group(1, "Thường trực TĐKT")
    await group.send(lan, "/tonghop")
    _, body = await call(http, emu, "getUpdates", timeout=1)
    message = body["result"]["message"]
    assert message["chat"] == {"id": group.chat_id, "chat_type": "GROUP"}
    assert message["from"]["id"] == lan.id and group.chat_id != lan.id
    await call(http, emu, "sendMessage", chat_id=group.chat_id, text="TỔNG HỢP ĐĂNG KÝ")
    await group.expect("TỔNG HỢP")
    await lan.expect_silence(0.05)


async def test_injected_faults_answer_like_the_platform(emu, http):
    lan = emu.user(1001, "Lan")
    emu.faults.add("sendMessage", status=429, retry_after=3)
    emu.faults.add("sendMessage", status=502)
    emu.faults.add("sendMessage", status=403, chat_id=lan.id)
    status, body = await call(http, emu, "sendMessage", chat_id=lan.id, text="a")
    assert (status, body) == (429, {"ok": False, "error_code": 429,
                                    "description": "Quota exceeded"})
    assert (await call(http, emu, "sendMessage", chat_id=lan.id, text="a"))[0] == 502
    assert (await call(http, emu, "sendMessage", chat_id=lan.id, text="a"))[0] == 403
    assert (await call(http, emu, "sendMessage", chat_id=lan.id, text="a"))[0] == 200
    # the variant that says how long to wait, and errors inside an HTTP 200
    emu.format = ZaloFormat(errors_with_http_status=False, retry_after=True)
    emu.faults.add("sendMessage", status=429, retry_after=3)
    status, body = await call(http, emu, "sendMessage", chat_id=lan.id, text="a")
    assert status == 200 and body["error_code"] == 429
    assert body["parameters"] == {"retry_after": 3}
    assert emu.stats.rate_limited == 2 and emu.stats.server_errors == 1


async def test_rate_limits_when_asked(emu, http):
    lan = emu.user(1001, "Lan")
    emu.rate_limits(per_chat_per_second=1)
    assert (await call(http, emu, "sendMessage", chat_id=lan.id, text="a"))[0] == 200
    assert (await call(http, emu, "sendMessage", chat_id=lan.id, text="b"))[0] == 429


async def test_webhook_rules_delivery_with_the_secret_and_retries(emu, http):
    strict = ZaloEmulator()
    await strict.start()
    try:
        for url in ("http://bot.example.org/zalo", "https://127.0.0.1/zalo",
                    "https://localhost/zalo", "https://10.0.0.5/zalo"):
            status, _ = await call(http, strict, "setWebhook", url=url, secret_token="s" * 16)
            assert status == 400, url
        status, body = await call(http, strict, "setWebhook", url="https://bot.example.org/z",
                                  secret_token="s" * 16)
        assert status == 200 and body["result"]["url"] == "https://bot.example.org/z"
    finally:
        await strict.stop()
    for secret in ("short", "s" * 257, None):
        status, _ = await call(http, emu, "setWebhook", url="http://127.0.0.1:1/z",
                               secret_token=secret)
        assert status == 400

    received: list[tuple[str | None, Any]] = []
    answers = [403, 200, 200, 200]

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=answers.pop(0) if answers else 200)

    app = web.Application()
    app.router.add_post("/zalo", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/zalo"
    try:
        status, body = await call(http, emu, "setWebhook", url=url, secret_token="bí-mật-8+")
        assert status == 200 and body["result"]["url"] == url and body["result"]["updated_at"]
        assert (await call(http, emu, "getWebhookInfo"))[1]["result"]["url"] == url
        status, body = await call(http, emu, "getUpdates", timeout=0)
        assert status == 400 and "deleteWebhook" in body["description"]
        lan = emu.user(1001, "Lan")
        first = await lan.send("một")
        await lan.send("hai")
        for _ in range(200):
            if len(received) >= 3:
                break
            await asyncio.sleep(0.02)
        # refused once (403), delivered again, in order, wrapped as documented
        texts = [body["result"]["message"]["text"] for _, body in received]
        assert texts == ["một", "một", "hai"]
        assert {secret for secret, _ in received} == {"bí-mật-8+"}
        assert received[0][1]["ok"] is True
        assert received[1][1]["result"]["message"]["message_id"] == first["message_id"]
        emu.format = ZaloFormat(wrapped=False)
        await lan.send("ba")
        for _ in range(200):
            if len(received) >= 4:
                break
            await asyncio.sleep(0.02)
        assert received[3][1]["event_name"] == "message.text.received"
        assert received[3][1]["message"]["text"] == "ba"
        status, body = await call(http, emu, "deleteWebhook")
        assert status == 200 and body["result"]["url"] == ""
        await lan.send("bốn")
        _, body = await call(http, emu, "getUpdates", timeout=1)
        assert body["result"]["message"]["text"] == "bốn"
    finally:
        await runner.cleanup()


async def test_update_format_variants(emu, http, files):
    lan = emu.user(1001, "Lan")
    variants = ZaloFormat.variants()
    emu.format = variants["getupdates_sample"]
    await lan.send("a")
    _, body = await call(http, emu, "getUpdates", timeout=1)
    assert "event_name" not in body["result"]
    assert body["result"]["message"]["from"] == {"id": lan.id, "first_name": "Lan"}
    emu.format = variants["photo_url"]
    await lan.send_photo(PNG, caption="ảnh", content_type="image/png")
    _, body = await call(http, emu, "getUpdates", timeout=1)
    message = body["result"]["message"]
    assert body["result"]["event_name"] == "message.image.received"
    assert message["caption"] == "ảnh" and "photo" not in message
    async with http.get(message["photo_url"]) as resp:  # the platform's CDN has the picture
        assert await resp.read() == PNG
    emu.format = variants["as_list"]
    await lan.send("b")
    await lan.send("c")
    _, body = await call(http, emu, "getUpdates", timeout=1)
    assert [u["message"]["text"] for u in body["result"]] == ["b", "c"]


async def test_an_update_delivered_again_has_the_same_message_id(emu, http):
    lan = emu.user(1001, "Lan")
    sent = await lan.send("một")
    _, first = await call(http, emu, "getUpdates", timeout=1)
    emu.redeliver(sent["message_id"])
    _, again = await call(http, emu, "getUpdates", timeout=1)
    assert first["result"] == again["result"]


async def test_numbered_menus_are_answered_with_the_number(emu, http):
    lan = emu.user(1001, "Lan")
    menu = ("Chọn danh hiệu:\n1. Lao động tiên tiến\n2) Chiến sĩ thi đua cơ sở\n"
            "[3] Chiến sĩ thi đua cấp tỉnh\n0 - Quay lại")
    assert [o.number for o in menu_options(menu)] == ["1", "2", "3", "0"]
    assert [o.label for o in menu_options("[1] ✅ Xác nhận   [2] ⏸ Để sau")] == [
        "✅ Xác nhận", "⏸ Để sau"]
    assert menu_options("1️⃣ Đăng ký\n2: Tập thể\nGhi chú: 3 ngày")[1].label == "Tập thể"
    assert len(menu_options("1️⃣ Đăng ký\n2: Tập thể\nGhi chú: 3 ngày")) == 2
    await call(http, emu, "sendMessage", chat_id=lan.id, text=menu)
    await lan.tap("Chiến sĩ thi đua cơ sở")
    _, body = await call(http, emu, "getUpdates", timeout=1)
    assert body["result"]["message"]["text"] == "2"
    with pytest.raises(AssertionError, match="ambiguous"):
        await lan.tap("Chiến sĩ thi đua")
    with pytest.raises(AssertionError, match="no numbered option"):
        await lan.tap("Huân chương")


async def test_links_in_messages_open_as_on_the_phone(emu, http, files):
    lan = emu.user(1001, "Lan")
    url = files("tong-hop.xlsx", b"PK\x03\x04data", "application/vnd.ms-excel")
    await call(http, emu, "sendMessage", chat_id=lan.id, text=f"Bảng tổng hợp: {url}\nHết hạn")
    message = await lan.expect("Bảng tổng hợp")
    assert message.links == [url]
    opened = await lan.open_link(message.links[0])
    assert (opened.status, opened.data) == (200, b"PK\x03\x04data")
    assert (await lan.open_link(url + "x")).status == 404
