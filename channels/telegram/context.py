"""The CallbackContext of thidua's few Telegram handlers (the adapter, chat migrations, the
error handler): the services, from the application's data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ExtBot

if TYPE_CHECKING:
    from app.services import Services

SERVICES_KEY = "services"
COMMANDS_KEY = "commands"  # every feature's commands (channels.telegram.features)
REPLAYED_KEY = "replayed_updates"  # ids of updates replayed from the inbox (bot.inbox)


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """One context per update. Who sent it is the core's business (app.core.resolve_actor)."""

    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]
