"""Checks every handler makes before acting, with the refusal each one sends.

Use as a decorator: `@guard(private=True, roles=HEADS)`. A refused update gets a clear
message in the user's language (an alert for a button) and nothing else happens.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Collection
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ConversationHandler

from channels.telegram.context import BotContext
from domain.models import Role
from locales import _

Callback = TypeVar("Callback", bound=Callable[..., Awaitable[Any]])


async def refuse(update: Update, text: str) -> None:
    """Tell the user why nothing happened: as an alert for a button, else as a message."""
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(text)


def refusal_for(
    context: BotContext,
    *,
    private: bool,
    linked: bool,
    roles: Collection[Role] | None,
    secretariat: bool,
) -> str | None:
    """The reason the actor may not go on, or None."""
    actor = context.actor
    if secretariat:
        if actor.is_secretariat:
            return None
        if actor.is_private and actor.person is None:
            return _("You are not linked yet. Send /start to link your Telegram account.")
        return _("This is for the emulation and commendation secretariat only.")
    if private and not actor.is_private:
        return _("Please use this command in a private chat with me.")
    if linked and actor.person is None:
        return _("You are not linked yet. Send /start to link your Telegram account.")
    if roles is not None and (actor.person is None or actor.person.role not in roles):
        return _("You do not have permission to use this.")
    return None


def guard(
    *,
    private: bool = True,
    linked: bool = True,
    roles: Collection[Role] | None = None,
    secretariat: bool = False,
    end_conversation: bool = False,
) -> Callable[[Callback], Callback]:
    """Refuse the update unless the actor passes every check.

    `secretariat=True` admits the secretariat's group chat and secretariat members in private.
    `end_conversation=True` makes a refused entry point end a ConversationHandler cleanly.
    """

    def decorate(callback: Callback) -> Callback:
        @functools.wraps(callback)
        async def wrapper(update: Update, context: BotContext, *args: Any) -> Any:
            reason = refusal_for(
                context, private=private, linked=linked, roles=roles, secretariat=secretariat
            )
            if reason is not None:
                await refuse(update, reason)
                return ConversationHandler.END if end_conversation else None
            return await callback(update, context, *args)

        return wrapper  # type: ignore[return-value]

    return decorate
