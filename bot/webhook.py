"""Webhook mode: a small aiohttp server that feeds updates to the application.

PTB's own webhook server cannot serve extra routes; ours adds `GET /health` for the
operators' monitoring. Requests without the secret token are rejected with 403; when
THIDUA_WEBHOOK_SECRET is not set, a random secret is made for each run, so the endpoint is
never open to anyone who learns its URL. Updates are stored in the inbox (bot.inbox) before
the 200 answer, so Telegram never drops an update the bot has not safely received.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.logs import ThrottledLog, register_secret
from bot.settings import Settings, SettingsError
from storage.db import Database
from storage.inbox import UpdateInbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RUNNER_KEY = "webhook_runner"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def secret_matches(given: str, secret: str) -> bool:
    # Bytes, not str: compare_digest raises on non-ASCII text, and a header is attacker input.
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode("utf-8"))


def make_web_app(app: Application, secret: str, path: str, db: Database) -> web.Application:
    forged = ThrottledLog(log, interval=60.0)  # anyone may send them: one line a minute

    async def receive(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
            forged.warning("webhook request without the secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            payload = await request.json()
            if not isinstance(payload, dict):
                raise ValueError("not an object")
            update = Update.de_json(payload, app.bot)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, KeyError,
                AttributeError):
            return web.Response(status=400, text="bad update")
        await app.update_queue.put(update)  # stored in the inbox before we answer
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        try:
            row = await db.fetchone("SELECT 1")
            pending, _processed = await UpdateInbox(db).counts()
            ok = row is not None and app.running
        except Exception:  # the point of a health check is to report, not to raise
            ok, pending = False, -1
        body = {"status": "ok" if ok else "unhealthy", "running": app.running,
                "updates_pending": pending}
        return web.json_response(body, status=200 if ok else 503)

    web_app = web.Application(client_max_size=2 * 1024 * 1024)
    web_app.router.add_post("/" + path.strip("/"), receive)
    web_app.router.add_get("/health", health)
    return web_app


async def start_webhook(app: Application, settings: Settings, path: str) -> None:
    if not settings.webhook_url:
        raise SettingsError("THIDUA_WEBHOOK_URL: missing (needed for webhook mode)")
    secret = (settings.webhook_secret.get_secret_value() if settings.webhook_secret
              else secrets.token_urlsafe(32))
    register_secret(secret)
    services = app.bot_data["services"]
    runner = web.AppRunner(make_web_app(app, secret, path, services.db), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.webhook_listen, settings.webhook_port)
    await site.start()
    app.bot_data[RUNNER_KEY] = runner
    await app.bot.set_webhook(
        url=settings.webhook_url.rstrip("/") + "/" + path.strip("/"),
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
    )
    log.info("webhook listening on %s:%s", settings.webhook_listen, settings.webhook_port)


async def stop_webhook(app: Application) -> None:
    runner = app.bot_data.pop(RUNNER_KEY, None)
    if runner is not None:
        await runner.cleanup()
