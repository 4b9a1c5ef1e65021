"""The error handler: log with context, apologise to the user, alert the operators.

A user never sees a traceback. Logs and alerts carry ids, never phone numbers or the bot
token (see bot.logs). Errors are sorted by what they mean:

- Telegram unreachable for a moment (429, 5xx, timeouts): a warning; the request layer has
  already retried what was safe to retry. A read timeout may have delivered the reply, so no
  apology is sent for it.
- The user blocked the bot (403): nothing to say to them; their link is marked unreachable.
- A callback query answered too late, a message "not modified": harmless, a warning.
- Anything else is a bug: logged with the traceback, an apology to the user in their
  language, and a short alert to THIDUA_OPERATORS_CHAT_ID (at most one per kind of error
  and place every few minutes, so a failing database does not flood the operators).
"""

from __future__ import annotations

import contextlib
import html
import logging
import time
import traceback
from dataclasses import dataclass, field

from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.logs import redact
from channels.telegram.context import BotContext
from channels.telegram.identity import resolve_actor
from domain.access import Actor
from locales import _, use_locale

log = logging.getLogger("thidua.errors")
ALERT_INTERVAL = 300.0  # seconds between two alerts about the same error at the same place
HARMLESS_BAD_REQUESTS = ("query is too old", "message is not modified")


def describe_update(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__
    parts = [f"update_id={update.update_id}"]
    if update.effective_user:
        parts.append(f"user={update.effective_user.id}")
    if update.effective_chat:
        parts.append(f"chat={update.effective_chat.id}")
    if update.callback_query:
        parts.append(f"callback={(update.callback_query.data or '')[:64]!r}")
    elif update.effective_message and update.effective_message.text:
        text = update.effective_message.text
        parts.append(f"text={text.split()[0][:32]!r}" if text.startswith("/") else "text=…")
    elif update.effective_message:
        parts.append("message=" + _message_kind(update))
    return redact(" ".join(parts))


def _message_kind(update: Update) -> str:
    message = update.effective_message
    if message is None:
        return "none"
    for kind in ("document", "contact", "photo", "sticker", "location", "voice", "video"):
        if getattr(message, kind, None):
            return kind
    return "other"


def is_transient(error: BaseException | None) -> bool:
    """Telegram or the network failed for a moment; nothing is wrong with our code."""
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def is_harmless(error: BaseException | None) -> bool:
    return isinstance(error, BadRequest) and any(
        text in str(error).lower() for text in HARMLESS_BAD_REQUESTS
    )


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    where = describe_update(update)
    # PTB gives the error handler a fresh context: find out again who was acting.
    actor = await _actor(update, context)
    if isinstance(error, Forbidden):
        log.warning("user unreachable while handling %s: %s", where, error)
        await _mark_unreachable(context, actor)
        return
    if is_transient(error) or is_harmless(error):
        log.warning("telegram refused or unavailable while handling %s: %s", where, error)
        if isinstance(update, Update) and not isinstance(error, TimedOut) \
                and not is_harmless(error):
            await _apologise(update, context, actor)
        return
    log.error("error while handling %s", where, exc_info=error)
    if isinstance(update, Update):
        await _apologise(update, context, actor)
    await alert_operators(context.bot, context.services.settings.operators_chat_id, where, error)


async def _actor(update: object, context: BotContext) -> Actor | None:
    if not isinstance(update, Update):
        return None
    try:
        return await resolve_actor(update, context)
    except Exception:  # the database may be what failed: apologise in the default language
        log.warning("could not resolve who sent %s", describe_update(update))
        return None


async def _mark_unreachable(context: BotContext, actor: Actor | None) -> None:
    if actor is None or actor.person is None or not actor.is_private:
        return
    try:
        await context.services.links.mark_unreachable(actor.person.id, chat_id=actor.chat_id)
    except Exception:
        log.exception("could not mark a person unreachable")


async def _apologise(update: Update, context: BotContext, actor: Actor | None) -> None:
    locale = actor.locale if actor is not None else context.services.settings.locale
    with use_locale(locale):
        text = _("Sorry, something went wrong. Please try again.")
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text, show_alert=True)
            return
        except TelegramError:
            pass  # answered already, or too late: say it in the chat instead
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    with contextlib.suppress(TelegramError):  # unreachable: the log has the error
        await context.bot.send_message(update.effective_chat.id, text)


@dataclass
class AlertThrottle:
    interval: float = ALERT_INTERVAL
    last: dict[tuple[str, str], float] = field(default_factory=dict)
    suppressed: dict[tuple[str, str], int] = field(default_factory=dict)

    def admit(self, key: tuple[str, str], now: float) -> int | None:
        """None to stay quiet, else how many alerts of this key were held back."""
        if now - self.last.get(key, -self.interval) < self.interval:
            self.suppressed[key] = self.suppressed.get(key, 0) + 1
            return None
        self.last[key] = now
        return self.suppressed.pop(key, 0)


THROTTLE = AlertThrottle()


def _origin(error: BaseException) -> str:
    """Where the error was raised: the innermost frame of our own code."""
    frames = list(traceback.extract_tb(error.__traceback__))
    ours = [f for f in frames if "site-packages" not in f.filename]
    found = ours or frames
    if not found:
        return "?"
    frame = found[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"


async def alert_operators(bot: Bot, chat_id: int | None, where: str,
                          error: BaseException | None) -> None:
    """A short alert (error, place, traceback tail) in the operators' chat, if configured."""
    if chat_id is None or error is None:
        return
    key = (type(error).__name__, _origin(error))
    held = THROTTLE.admit(key, time.monotonic())
    if held is None:
        return
    frames = traceback.format_exception(type(error), error, error.__traceback__)
    tail = redact("".join(frames))[-2500:]
    more = f" (+{held} similar)" if held else ""
    text = (
        f"⚠️ <b>thidua</b>: {html.escape(type(error).__name__)} at {html.escape(key[1])}"
        f"{more}\n{html.escape(redact(where))}\n<pre>{html.escape(tail)}</pre>"
    )
    try:
        await bot.send_message(chat_id, text, parse_mode="HTML")
    except TelegramError as exc:
        log.warning("could not alert the operators' chat: %s", exc)
