"""Showing the outcome of a button where the user tapped it."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest

from channels.telegram.context import BotContext

log = logging.getLogger(__name__)


async def edit_or_reply(update: Update, context: BotContext, text: str, **kwargs: Any) -> None:
    """Replace the tapped message by `text`; if it cannot be edited any more (deleted, too old,
    inaccessible), send `text` as a new message so the outcome is never lost."""
    query = update.callback_query
    if query is not None and query.message is not None and query.message.is_accessible:
        try:
            await query.edit_message_text(text, **kwargs)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("cannot edit the tapped message (%s): sending a new one", exc)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, text, **kwargs)
