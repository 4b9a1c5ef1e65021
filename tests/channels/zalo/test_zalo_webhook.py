"""Webhook mode through the real pieces: the bot's aiohttp route, registered with the emulator
over HTTP, storing into a real SQLite inbox. Only requests with the secret are taken; a
refused one changes nothing; a delivery made twice is handled once; an update that cannot be
stored is asked for again (500)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from channels.zalo import SECRET_HEADER, ZaloWebhook, add_zalo_webhook, register_zalo_webhook
from emulator.zalo import ZaloEmulator, ZaloFormat
from tests.channels.zalo.support import EchoBot

SECRET = "bí-mật-của-webhook-zalo"


class WebhookBot:
    def __init__(self, bot: EchoBot, webhook: ZaloWebhook, runner: web.AppRunner) -> None:
        self.bot = bot
        self.webhook = webhook
        self.runner = runner
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}/zalo"


@pytest.fixture
async def hooked(emu: ZaloEmulator, tmp_path: Path) -> AsyncIterator[WebhookBot]:
    bot = await EchoBot(emu, tmp_path / "thidua.sqlite3").open()
    app = web.Application()
    webhook = add_zalo_webhook(app, "/zalo/", SECRET, bot.receiver)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    info = await register_zalo_webhook(bot.api, base + "/", "zalo", SECRET)
    assert info.url == base + "/zalo" and emu.webhook.secret_token == SECRET
    try:
        yield WebhookBot(bot, webhook, runner)
    finally:
        await runner.cleanup()
        await bot.close()


async def post(url: str, body: object, secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http, http.post(
            url, data=json.dumps(body), headers=headers) as response:
        return response.status


async def test_updates_arrive_wrapped_or_bare_and_are_answered(emu, hooked):
    lan = emu.user(1001, "Lan")
    await lan.send("một")
    await lan.expect("echo: một")
    emu.format = ZaloFormat(wrapped=False, sender_name="first_name", event_name=False)
    await lan.send("hai")
    await lan.expect("echo: hai")
    await hooked.bot.receiver.join()
    assert [u.display_name for u in hooked.bot.handled] == ["Lan", "Lan"]
    assert hooked.bot.stored_first == [True, True]
    assert await hooked.bot.inbox.counts() == (0, 2)


async def test_a_request_without_the_secret_changes_nothing(emu, hooked, caplog):
    lan = emu.user(1001, "Lan")
    await lan.send("một")
    await lan.expect("echo: một")
    forged = {"ok": True, "result": {"event_name": "message.text.received", "message": {
        "from": {"id": lan.id, "display_name": "Lan"}, "chat": {"id": lan.id,
                                                                "chat_type": "PRIVATE"},
        "message_id": "00000000000000000001", "date": 1, "text": "/tonghop"}}}
    caplog.set_level(logging.WARNING, "channels.zalo.webhook")
    for secret in ("wrong", None, "", SECRET + "x", SECRET[:-1], "bí-mật"):
        assert await post(hooked.url, forged, secret) == 403
    assert await hooked.bot.inbox.counts() == (0, 1)
    await lan.expect_silence(0.2)
    assert [u.text for u in hooked.bot.handled] == ["một"]
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1  # logged once a minute, whatever the number
    assert hooked.webhook.refusals.total == 6


async def test_the_same_delivery_twice_is_handled_once(emu, hooked):
    lan = emu.user(1001, "Lan")
    sent = await lan.send("một")
    await lan.expect("echo: một")
    update = {"ok": True, "result": {"event_name": "message.text.received", "message": {
        "from": {"id": lan.id, "display_name": "Lan"},
        "chat": {"id": lan.id, "chat_type": "PRIVATE"},
        "message_id": sent["message_id"], "date": sent["date"], "text": "một"}}}
    assert await post(hooked.url, update, SECRET) == 200
    emu.redeliver(sent["message_id"])  # and the platform's own retry
    await lan.send("hai")
    await lan.expect("echo: hai")
    await lan.expect_silence(0.2)
    assert hooked.bot.receiver.duplicates == 2


async def test_a_body_without_an_update_is_accepted_and_skipped(emu, hooked):
    for body in ({"ok": True}, {"event_name": "webhook.test"}, [], "x"):
        assert await post(hooked.url, body, SECRET) == 200
    assert await hooked.bot.inbox.counts() == (0, 0)
    assert hooked.bot.handled == []


async def test_an_update_that_cannot_be_stored_is_asked_for_again(emu, hooked):
    lan = emu.user(1001, "Lan")
    await hooked.bot.db.close()  # the database is gone for a moment
    await lan.send("một")
    for _ in range(100):
        if emu.webhook.last_error:
            break
        await emu.world.updates_changed.wait(0.02)
    assert emu.webhook.last_error == "HTTP 500" and emu.pending_updates == 1
    await hooked.bot.db.open()
    await lan.expect("echo: một")  # delivered again, stored, handled once
    await lan.expect_silence(0.2)
    assert [u.text for u in hooked.bot.handled] == ["một"]
