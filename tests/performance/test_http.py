"""The aiohttp transport fails the way python-telegram-bot expects of any transport."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.http import AiohttpRequest
from emulator import BotApiEmulator


async def test_a_server_too_slow_to_answer_is_a_timeout():
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    request = AiohttpRequest(read_timeout=0.1)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/slow", "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()


async def test_nobody_listening_is_a_network_error():
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{port}/x", "POST")
    finally:
        await request.shutdown()


async def test_files_and_fields_reach_the_bot_api_as_multipart():
    async with BotApiEmulator() as emu:
        chat = emu.user(5001, "Lan")
        request = AiohttpRequest()
        async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url,
                       request=request) as bot:
            await bot.send_document(chat.chat_id, b"a,b\n1,2\n", filename="bang.csv",
                                    caption="Tổng hợp <b>2026</b>", parse_mode="HTML")
            sent = await chat.expect("Tổng hợp 2026")
            assert sent.document is not None
            assert (sent.document.filename, sent.document.data) == ("bang.csv", b"a,b\n1,2\n")


async def test_an_uninitialised_transport_refuses_to_send():
    with pytest.raises(RuntimeError):
        await AiohttpRequest().do_request("http://127.0.0.1:1/x", "POST")
