"""Logging that never writes a phone number or a secret.

`redact()` masks Vietnamese phone numbers (0…, +84…, 84…, with spaces or dots) and every
registered secret (the bot token, the webhook secret) plus anything shaped like a bot token.
`configure_logging()` installs `RedactingFilter` on the root handlers, so every record — ours,
python-telegram-bot's, the Bot API client's request lines whose URLs carry the token (bot.http
at DEBUG), and tracebacks — is masked before it is written. The operators' alerts go
through `redact()` too.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback

# A mobile or landline number as people and Telegram write it: 0912345678, 0912 345 678,
# 091.234.5678, +84912345678, 84 912 345 678, and the 11-digit numbers from before 2018.
PHONE = re.compile(r"(?<![\w+])(?:\+?84[ .]?|0)[1-9](?:[ .]?\d){7,9}(?!\d)")
# Telegram bot tokens: "<bot id>:<35 characters>".
BOT_TOKEN = re.compile(r"\d{5,12}:[A-Za-z0-9_-]{30,}")
PHONE_MASK = "<phone>"
SECRET_MASK = "<secret>"

_secrets: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Mask this value wherever it appears from now on (too short values are ignored)."""
    if secret and len(secret) >= 6:
        _secrets.add(secret)
        _bot_id, _, rest = secret.partition(":")
        if rest:
            _secrets.add(rest)  # the secret half of a token, e.g. in a URL-encoded form


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, SECRET_MASK)
    text = BOT_TOKEN.sub(SECRET_MASK, text)
    return PHONE.sub(PHONE_MASK, text)


class RedactingFilter(logging.Filter):
    """Renders the record's message and traceback, masked, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_thidua_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what we have
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._thidua_redacted = True
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def configure_logging(level: str, secrets: tuple[str | None, ...] = ()) -> None:
    numeric = getattr(logging, level.upper(), logging.INFO)
    logging.basicConfig(
        level=numeric,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL (with the token) at INFO: only when debugging.
    logging.getLogger("httpx").setLevel(logging.DEBUG if numeric <= logging.DEBUG
                                        else logging.WARNING)
    for secret in secrets:
        register_secret(secret)
    install_redaction()
