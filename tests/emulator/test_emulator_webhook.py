"""Webhook mode: the emulator POSTs updates to PTB's own webhook server, in order, with the
secret header, and retries what was refused."""

import socket

import aiohttp
import pytest

from emulator import BotApiEmulator
from emulator.echo import build_echo_application


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def emu():
    async with BotApiEmulator() as emu:
        yield emu


async def test_webhook_delivery_secret_and_retry(emu):
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    app = build_echo_application(emu.base_url, emu.base_file_url, emu.token)
    await app.initialize()
    await app.start()
    await app.updater.start_webhook(
        listen="127.0.0.1", port=port, url_path="hook", webhook_url=url, secret_token="s3cret"
    )
    try:
        assert emu.webhook.url == url and emu.webhook.secret_token == "s3cret"
        alice = emu.user(1001, "Lan")
        await alice.send("một")
        await alice.send("hai")
        await alice.expect("một")
        await alice.expect("hai")

        # PTB refuses a POST without the right secret
        async with aiohttp.ClientSession() as http:
            headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with http.post(url, json={"update_id": 1}, headers=headers) as resp:
                assert resp.status == 403

        # refused deliveries are retried, in order, once the webhook accepts them again
        emu.webhook.secret_token = "wrong"
        await alice.send("ba")
        await alice.send("bốn")
        await alice.expect_silence(0.3)
        info = await app.bot.get_webhook_info()
        assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
        assert info.pending_update_count == 2
        emu.webhook.secret_token = "s3cret"
        await alice.expect("ba")
        await alice.expect("bốn")
        assert (await app.bot.get_webhook_info()).pending_update_count == 0
        assert [c.method for c in emu.calls[:2]] == ["getMe", "setWebhook"]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
