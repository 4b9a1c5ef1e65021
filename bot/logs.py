"""Logging that never writes a phone number or a secret.

`redact()` masks Vietnamese phone numbers (0…, +84…, 84…, (+84)…, with spaces, dots, dashes
or slashes), invite codes after `/start`, and every registered secret (the bot token, the
webhook secret) plus anything shaped like a bot token.
`configure_logging()` installs `RedactingFilter` on the root handlers, so every record — ours,
python-telegram-bot's, the Bot API client's request lines whose URLs carry the token (bot.http
at DEBUG), and tracebacks — is masked before it is written. The operators' alerts go
through `redact()` too.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import traceback
from collections.abc import Callable

# A mobile or landline number as people and Telegram write it: 0912345678, 0912 345 678,
# 091.234.5678, 0912/345/678, +84912345678, 84-935-722-539, (+84) 935722539, 84 912 345 678,
# and the 11-digit numbers from before 2018: every form domain.phone accepts.
_SEP = r"[ .\-/]"
PHONE = re.compile(rf"(?<![\w+])(?:\(\+?84\){_SEP}?|\+?84{_SEP}?|0)[1-9](?:{_SEP}?\d){{7,9}}(?!\d)")
# An invite code after /start (typed, or in a t.me deep link): whoever reads the log could
# link an account with it.
INVITE = re.compile(r"((?:/start(?:@\w+)?|[?&]start=)\s*)[A-Za-z0-9_-]{8,64}")
INVITE_MASK = "<code>"
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
    text = INVITE.sub(lambda m: m[1] + INVITE_MASK, text)
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


# Loggers that write what people send and receive, not what the bot does: at DEBUG,
# python-telegram-bot logs every API call with its parameters and result (the texts sent, a
# council member's ballot screen, with its chat), and aiosqlite every statement with its
# parameters. They stay at INFO whatever THIDUA_LOG_LEVEL says (docs/council.md).
CONTENT_LOGGERS = ("aiosqlite", "telegram.Bot", "telegram.ext.ExtBot")


def quiet_content_loggers() -> None:
    for name in CONTENT_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.INFO:
            logger.setLevel(logging.INFO)


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
    quiet_content_loggers()
    for secret in secrets:
        register_secret(secret)
    install_redaction()


class ThrottledLog:
    """A warning that anyone on the network can trigger, written at most once per `interval`
    seconds: the first at once, the next one with how many were left out meanwhile (a flood
    of forged webhook requests must not fill the disk)."""

    def __init__(self, logger: logging.Logger, interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.interval = interval
        self.clock = clock
        self._last: float | None = None
        self._skipped = 0

    def warning(self, message: str, *args: object) -> bool:
        """Log now (True) or count it for the next line (False)."""
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            self._skipped += 1
            return False
        if self._skipped:
            message += " (and %d more like it in the last %d s)"
            since = self._last if self._last is not None else now
            args = (*args, self._skipped, int(now - since))
        self.logger.warning(message, *args)
        self._last, self._skipped = now, 0
        return True
