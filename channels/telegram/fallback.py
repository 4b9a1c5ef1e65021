"""Whatever no feature took: expired buttons, unknown commands, stray text and files.

Registered last in group 0, so it only sees updates no feature handler matched.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from channels.telegram.context import BotContext
from locales import _


async def expired_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(_("This button has expired."), show_alert=True)


async def unknown_in_private(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if context.actor.person is None:
        await message.reply_text(
            _("You are not linked yet. Send /start to link your Telegram account.")
        )
        return
    if message.text and message.text.startswith("/"):
        await message.reply_text(_("I do not know this command. Send /help to see what I can do."))
        return
    await message.reply_text(_("I did not understand that. Send /help to see what I can do."))


async def unknown_command_in_group(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not context.actor.in_secretariat_chat:
        return  # other groups: stay quiet unless addressed by a known command
    await message.reply_text(_("I do not know this command. Send /help to see what I can do."))


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(expired_button))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, unknown_in_private)
    )
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.COMMAND & filters.UpdateType.MESSAGE,
            unknown_command_in_group,
        )
    )
