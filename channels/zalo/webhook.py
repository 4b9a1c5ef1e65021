"""Webhook mode: the aiohttp route Zalo POSTs updates to.

Every request must carry the secret given to setWebhook in `X-Bot-Api-Secret-Token`
(compared in constant time); one without it is refused with 403 before its body is read, so
it changes nothing, and refusals are logged at most once a minute (a scanner must not fill
the log). An accepted update is stored in the inbox before the 200 answer; if it cannot be
stored the answer is 500, so the platform delivers it again. A body that holds no usable
update is answered 200 (logged): delivering it again would not help.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets

from aiohttp import web

from app.ratelog import RefusalLog

from .api import WebhookInfo, ZaloBotApi
from .receiver import ZaloReceiver
from .updates import parse_updates

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Bot-Api-Secret-Token"


def secret_matches(given: str, secret: str) -> bool:
    # Bytes, not str: compare_digest raises on non-ASCII text, and a header is attacker input.
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode("utf-8"))


def make_secret() -> str:
    """A secret for one run when none is configured (setWebhook gives it to Zalo each start)."""
    return secrets.token_urlsafe(32)


def webhook_url(public_url: str, path: str) -> str:
    return public_url.rstrip("/") + "/" + path.strip("/")


class ZaloWebhook:
    def __init__(self, secret: str, receiver: ZaloReceiver, *,
                 refusals: RefusalLog | None = None) -> None:
        if not secret:
            raise ValueError("a webhook secret is needed")
        self._secret = secret
        self.receiver = receiver
        self.refusals = refusals or RefusalLog("Zalo webhook")
        self.accepted = 0
        self.skipped = 0

    async def handle(self, request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER, ""), self._secret):
            self.refusals.refused(request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            body = None
        updates = parse_updates(body)
        if not updates:
            self.skipped += 1
            log.warning("Zalo webhook: a request with no usable update was skipped")
            return web.json_response({"ok": True})
        for update in updates:
            try:
                await self.receiver.receive(update)
            except Exception:
                log.exception("could not store Zalo message %s: asking for it again",
                              update.message_id)
                return web.json_response({"ok": False}, status=500)
            self.accepted += 1
        return web.json_response({"ok": True})


def add_zalo_webhook(app: web.Application, path: str, secret: str,
                     receiver: ZaloReceiver) -> ZaloWebhook:
    """Serve the Zalo webhook at POST /<path> of `app` (the bot's web server)."""
    webhook = ZaloWebhook(secret, receiver)
    app.router.add_post("/" + path.strip("/"), webhook.handle)
    return webhook


async def register_zalo_webhook(api: ZaloBotApi, public_url: str, path: str,
                                secret: str) -> WebhookInfo:
    """Tell Zalo where to deliver: `<public_url>/<path>`, with `secret` in every request."""
    return await api.set_webhook(webhook_url(public_url, path), secret)
