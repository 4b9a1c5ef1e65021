"""The error handler: log with context, apologise to the user, alert the operators.

A user never sees a traceback. Logs carry ids, never phone numbers or the bot token.
"""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from handlers.context import BotContext
from locales import _

log = logging.getLogger("thidua.errors")


def describe_update(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__
    parts = [f"update_id={update.update_id}"]
    if update.effective_user:
        parts.append(f"user={update.effective_user.id}")
    if update.effective_chat:
        parts.append(f"chat={update.effective_chat.id}")
    if update.callback_query:
        parts.append(f"callback={update.callback_query.data!r}")
    elif update.effective_message and update.effective_message.text:
        text = update.effective_message.text
        parts.append(f"text={text.split()[0][:32]!r}" if text.startswith("/") else "text=…")
    return " ".join(parts)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    where = describe_update(update)
    if isinstance(error, RetryAfter | NetworkError) and not isinstance(error, Forbidden):
        log.warning("telegram unavailable while handling %s: %s", where, error)
    else:
        log.error("error while handling %s", where, exc_info=error)
    if isinstance(update, Update):
        await _apologise(update)
    await _alert_operators(context, where, error)


async def _apologise(update: Update) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(
                _("Sorry, something went wrong. Please try again."), show_alert=True
            )
        elif update.effective_message is not None and update.effective_chat is not None:
            await update.effective_message.reply_text(
                _("Sorry, something went wrong. Please try again.")
            )
    except TelegramError:
        pass  # the apology itself cannot reach the user: the log has the error


async def _alert_operators(context: BotContext, where: str, error: BaseException | None) -> None:
    chat_id = context.services.settings.operators_chat_id
    if chat_id is None or error is None or isinstance(error, NetworkError):
        return
    frames = traceback.format_exception(type(error), error, error.__traceback__)
    tail = "".join(frames)[-2500:]
    text = (
        f"⚠️ <b>thidua</b>: {html.escape(type(error).__name__)} — {html.escape(where)}\n"
        f"<pre>{html.escape(tail)}</pre>"
    )
    try:
        await context.bot.send_message(chat_id, text, parse_mode="HTML")
    except TelegramError:
        log.warning("could not alert the operators' chat")
