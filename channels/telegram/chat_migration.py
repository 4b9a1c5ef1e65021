"""A basic group upgraded to a supergroup changes id (Telegram's `migrate_to_chat_id`): when it
is the secretariat's group, thidua follows it at once and says so there; bot.services keeps
the move in SQLite so a restart with the old setting still finds the group."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, MessageHandler, filters

from channels.telegram.context import COMMANDS_KEY, SERVICES_KEY, BotContext
from channels.telegram.publish import publish_default_commands
from locales import _, use_locale
from storage.audit import AuditContext

log = logging.getLogger(__name__)


async def on_migrate(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat_id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat_id
    else:
        return
    who = AuditContext(channel="telegram", chat_id=message.chat_id)
    moved = await context.services.follow_chat_migration(old, new, who)
    if "secretariat_chat_id" in moved:
        await secretariat_chat_moved(context.application, new)


async def secretariat_chat_moved(app: Application, chat_id: int) -> None:
    """Commands of the secretariat published for the new chat, and a word in it."""
    services = app.bot_data[SERVICES_KEY]
    locale = services.settings.locale
    try:
        await publish_default_commands(app.bot, app.bot_data[COMMANDS_KEY], chat_id, locale)
        with use_locale(locale):
            text = _("This group is now a supergroup; I keep working here. For the operators: "
                     "set THIDUA_SECRETARIAT_CHAT_ID={chat_id}.").format(chat_id=chat_id)
        await app.bot.send_message(chat_id, text)
    except TelegramError:
        log.warning("could not greet the secretariat's new chat %s", chat_id, exc_info=True)


def register(app: Application) -> None:
    # Group -1: after identity (-2), before every feature, whatever they match.
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate), group=-1)
