"""Telegram's webhook on the bot's web server (bot/web.py), feeding updates to the application.

PTB's own webhook server cannot serve extra routes; ours also serves `GET /health`, Zalo's
webhook and file links. Requests without the secret token are rejected with 403 (logged at
most once a minute, with a count); when
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

from app.ratelog import RefusalLog
from app.settings import Settings, SettingsError
from bot.logs import register_secret
from bot.web import WebServer
from storage.inbox import UpdateInbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RUNNER_KEY = "webhook_runner"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def secret_matches(given: str, secret: str) -> bool:
    # Bytes, not str: compare_digest raises on non-ASCII text, and a header is attacker input.
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode("utf-8"))


def add_telegram_webhook(server: WebServer, app: Application, secret: str, path: str) -> None:
    """Serve Telegram's webhook at POST /<path> of the bot's web server."""
    refusals = RefusalLog("Telegram webhook")  # anyone may send them: one line a minute

    async def receive(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
            refusals.refused(request.remote)
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

    async def health() -> dict[str, object]:
        pending, _processed = await UpdateInbox(server.db).counts()
        return {"ok": app.running, "running": app.running, "updates_pending": pending}

    server.app.router.add_post("/" + path.strip("/"), receive)
    server.checks.append(health)


def webhook_secret(settings: Settings) -> str:
    """THIDUA_WEBHOOK_SECRET, or a random one for this run: never an open endpoint."""
    secret = (settings.webhook_secret.get_secret_value() if settings.webhook_secret
              else secrets.token_urlsafe(32))
    register_secret(secret)
    return secret


async def set_telegram_webhook(app: Application, settings: Settings, path: str,
                               secret: str) -> None:
    if not settings.webhook_url:
        raise SettingsError("THIDUA_WEBHOOK_URL: missing (needed for webhook mode)")
    await app.bot.set_webhook(
        url=settings.webhook_url.rstrip("/") + "/" + path.strip("/"),
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
    )
    log.info("Telegram webhook set")
