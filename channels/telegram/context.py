"""The CallbackContext every thidua handler receives: services and the resolved actor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ExtBot

from domain.access import Actor
from domain.models import Link
from storage.audit import AuditContext

if TYPE_CHECKING:
    from app.services import Services
    from channels.telegram.commands import CommandSpec

SERVICES_KEY = "services"
COMMANDS_KEY = "commands"
REPLAYED_KEY = "replayed_updates"  # ids of updates replayed from the inbox (bot.inbox)


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """One context per update (PTB shares it across handler groups).

    `actor` is filled by handlers.identity (group -2) before any feature handler runs.
    """

    def __init__(self, application: Application, chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._actor: Actor | None = None
        # The sender's link to a roster person, as identity read it with the actor.
        self.link: Link | None = None

    @property
    def services(self) -> Services:
        return self.application.bot_data[SERVICES_KEY]

    @property
    def commands(self) -> list[CommandSpec]:
        """Every feature's commands (set by handlers.features.register_all)."""
        return self.application.bot_data[COMMANDS_KEY]

    @property
    def actor(self) -> Actor:
        if self._actor is None:
            raise RuntimeError("identity was not resolved for this update")
        return self._actor

    @actor.setter
    def actor(self, value: Actor) -> None:
        self._actor = value

    @property
    def has_actor(self) -> bool:
        return self._actor is not None

    def is_replay(self, update: object) -> bool:
        """True for an update a previous process received but may not have finished: its
        effect may already be saved. Handlers re-show the current state instead of applying
        an input whose target they cannot recheck (a typed answer)."""
        replayed = self.application.bot_data.get(REPLAYED_KEY, ())
        return getattr(update, "update_id", None) in replayed


def audit_context(update: object, person_id: int | None = None) -> AuditContext:
    """Who acts, for the audit log, from a Telegram update."""
    user = getattr(update, "effective_user", None)
    chat = getattr(update, "effective_chat", None)
    return AuditContext(
        channel="telegram",
        person_id=person_id,
        account=f"telegram:{user.id}" if user else None,
        chat_id=chat.id if chat else None,
    )
