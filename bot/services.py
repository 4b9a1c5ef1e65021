"""What handlers and jobs need at hand: settings, the database and the core repositories.

Feature repositories are cheap objects over `db`; features construct them where needed
(`RegistrationRepository(services.db)`) instead of growing this container.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.settings import Settings
from domain.org import OrgTree
from domain.text import fold_key
from storage.db import Database
from storage.invites import InviteRepository
from storage.links import LinkRepository, UserSettingsRepository
from storage.orgs import OrgRepository
from storage.people import PeopleRepository

if TYPE_CHECKING:
    from bot.outbox import OutboxSender
    from bot.schedule import Scheduler


NO_ORG = -1


@dataclass
class Services:
    settings: Settings
    db: Database
    orgs: OrgRepository
    people: PeopleRepository
    links: LinkRepository
    user_settings: UserSettingsRepository
    invites: InviteRepository
    # Set by the runtime once the application runs (absent in plain CLI commands).
    sender: OutboxSender | None = field(default=None)
    scheduler: Scheduler | None = field(default=None)
    # Tests set a fixed clock; production reads the wall clock.
    clock: Callable[[], datetime] | None = field(default=None)

    def wake_sender(self) -> None:
        """Call after queuing messages in the outbox so they go out at once."""
        if self.sender is not None:
            self.sender.wake()

    @classmethod
    def create(cls, settings: Settings, db: Database) -> Services:
        return cls(
            settings=settings,
            db=db,
            orgs=OrgRepository(db),
            people=PeopleRepository(db),
            links=LinkRepository(db),
            user_settings=UserSettingsRepository(db),
            invites=InviteRepository(db),
        )

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
