"""What use cases and jobs need at hand: settings, the database and the core repositories.

Feature repositories are cheap objects over `db`; features construct them where needed
(`WindowRepository(services.db)`) instead of growing this container. What runs the bot
(bot.runtime) plugs in the senders that drain the outbox and the scheduler; the use cases
only know them through `wake_sender()`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from app.flood import SharedRenders, Throttle
from app.settings import Settings
from app.ui import Out
from domain.org import OrgTree
from domain.text import fold_key
from storage.audit import AuditContext
from storage.chats import ChatMigrationRepository
from storage.db import Database
from storage.invites import InviteRepository
from storage.links import AccountSettingsRepository, LinkRepository
from storage.orgs import OrgRepository
from storage.people import PeopleRepository


class Sender(Protocol):
    """A channel's outbox sender (bot.outbox, channels.zalo)."""

    def wake(self) -> None: ...


# Direct delivery of outputs to a chat of a channel (chat id, outputs), for jobs that post
# files the text outbox cannot carry (the final summary); set by the runtime per channel.
Deliverer = Callable[[str, "list[Out]"], Awaitable[None]]


class Ticker(Protocol):
    async def tick(self, now: datetime | None = None) -> list[tuple[str, str]]: ...


NO_ORG = -1
log = logging.getLogger(__name__)
# Settings naming a chat, which Telegram may move (a basic group upgraded to a supergroup).
CHAT_SETTINGS = {"secretariat_chat_id": "THIDUA_SECRETARIAT_CHAT_ID",
                 "operators_chat_id": "THIDUA_OPERATORS_CHAT_ID"}


@dataclass
class Services:
    settings: Settings
    db: Database
    orgs: OrgRepository
    people: PeopleRepository
    links: LinkRepository
    account_settings: AccountSettingsRepository
    invites: InviteRepository
    # Set by the runtime once the bot runs (absent in plain CLI commands): one outbox sender
    # per channel, and the periodic jobs' scheduler.
    senders: list[Sender] = field(default_factory=list)
    scheduler: Ticker | None = field(default=None)
    deliverers: dict[str, Deliverer] = field(default_factory=dict)
    # Called when a configured chat moved (old id, new id): the runtime follows it.
    chat_moved_hooks: list[Callable[[int, int], None]] = field(default_factory=list)
    # Tests set a fixed clock; production reads the wall clock.
    clock: Callable[[], datetime] | None = field(default=None)
    # Answers to people linked to nobody: a few, then one per period (app/flood.py).
    strangers: Throttle = field(default_factory=Throttle)
    # The summary files: shared, one per person, a bounded number at once (app/flood.py).
    summaries: SharedRenders = field(default_factory=SharedRenders)

    def wake_sender(self) -> None:
        """Call after queuing messages in the outbox so they go out at once."""
        for sender in self.senders:
            sender.wake()

    @classmethod
    def create(cls, settings: Settings, db: Database) -> Services:
        return cls(
            settings=settings,
            db=db,
            orgs=OrgRepository(db),
            people=PeopleRepository(db),
            links=LinkRepository(db),
            account_settings=AccountSettingsRepository(db),
            invites=InviteRepository(db),
        )

    async def follow_chat_migration(self, old: int, new: int,
                                    who: AuditContext) -> frozenset[str]:
        """A group became a supergroup: remember it (messages waiting for the old chat go to
        the new one) and, if settings name it, use the new id from now on. Returns the names
        of the settings that moved (the first time only: Telegram tells it more than once)."""
        if not await ChatMigrationRepository(self.db).record(old, new, who):
            return frozenset()
        return self._chat_moved(old, new)

    async def resolve_configured_chats(self) -> None:
        """At start-up: configured chats that moved since the setting was written."""
        repo = ChatMigrationRepository(self.db)
        for name in CHAT_SETTINGS:
            configured = getattr(self.settings, name)
            if configured is not None:
                current = await repo.resolve(configured)
                if current != configured:
                    self._chat_moved(configured, current)

    def _chat_moved(self, old: int, new: int) -> frozenset[str]:
        moved = {name: new for name in CHAT_SETTINGS if getattr(self.settings, name) == old}
        for name in moved:
            log.warning("%s=%s: that group became the supergroup %s; thidua uses the new id, "
                        "update the setting", CHAT_SETTINGS[name], old, new)
        if moved:
            self.settings = self.settings.model_copy(update=moved)
        for hook in self.chat_moved_hooks:
            hook(old, new)
        return frozenset(moved)

    async def deliver(self, channel: str, chat_id: str, outs: list[Out]) -> bool:
        """Say `outs` in a chat now (not through the outbox); False if the channel is off."""
        deliverer = self.deliverers.get(channel)
        if deliverer is None:
            return False
        await deliverer(chat_id, outs)
        return True

    def is_secretariat_chat(self, channel: str, chat_id: str | None) -> bool:
        """Whether a chat is the secretariat's group on that channel."""
        if chat_id is None:
            return False
        if channel == "telegram":
            configured = self.settings.secretariat_chat_id
            return configured is not None and str(configured) == chat_id
        if channel == "zalo":
            return self.settings.zalo_secretariat_chat_id == chat_id
        return False

    def secretariat_chats(self) -> list[tuple[str, str]]:
        """(channel, chat id) of every secretariat group configured."""
        chats = []
        if self.settings.secretariat_chat_id is not None:
            chats.append(("telegram", str(self.settings.secretariat_chat_id)))
        if self.settings.zalo_secretariat_chat_id is not None:
            chats.append(("zalo", self.settings.zalo_secretariat_chat_id))
        return chats

    def now(self) -> datetime:
        """Current time in the configured time zone (deadlines are local dates)."""
        if self.clock is not None:
            return self.clock().astimezone(self.settings.tz)
        return datetime.now(self.settings.tz)

    async def secretariat_scope_id(self, tree: OrgTree | None = None) -> int | None:
        """The org named by THIDUA_SECRETARIAT_SCOPE (None = the whole database).

        A configured name that matches nothing yields an id no org has: a typo in the
        setting must narrow the secretariat's view to nothing, never widen it to everything.
        """
        name = self.settings.secretariat_scope
        if not name:
            return None
        tree = tree or await self.orgs.tree()
        wanted = fold_key(name)
        for unit in tree.walk():
            if fold_key(unit.name) == wanted:
                return unit.id
        return NO_ORG
