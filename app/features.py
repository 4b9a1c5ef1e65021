"""The contract every feature fulfils, and the registry the core routes events through.

A feature declares what it answers: commands, the prefixes of the choices it offers (`rg:` for
registration), the typed-text flows it owns (a registration question), the files it imports,
its periodic jobs and what it owes someone who just linked. The core checks each route's
`Access` before calling it, so a use case only rechecks what depends on the data (the draft's
owner, the campaign's scope).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from app.access import Access
from app.commands import CommandSpec, CommandTable
from app.services import Services
from domain.models import Link, Person
from storage.audit import AuditContext

if TYPE_CHECKING:
    from app.context import Ctx
    from app.events import Contact, FileIn


@dataclass(frozen=True)
class PickRoute:
    """Choices whose data starts with `prefix` ("rg:"), handled by `run(ctx, data)`."""

    prefix: str
    run: Callable[[Ctx, str], Awaitable[None]] = field(compare=False)
    access: Access = field(default_factory=Access)


@dataclass(frozen=True)
class TextFlow:
    """Typed text while the account's session names `flow`: `run(ctx, ref, text)`."""

    flow: str
    run: Callable[[Ctx, str, str], Awaitable[None]] = field(compare=False)
    access: Access = field(default_factory=Access)


@dataclass(frozen=True)
class PeriodicJob:
    """Periodic work whose due times come from the database (bot.schedule runs it): the
    period due at `now` ("2024-03-11T08" for an hourly job, None when nothing is due), and
    the work of that period."""

    name: str
    due_period: Callable[[Services, datetime], Awaitable[str | None]] = field(compare=False)
    run: Callable[[Services, str, datetime], Awaitable[None]] = field(compare=False)


LinkHook = Callable[[Services, Person, Link, AuditContext], Awaitable[None]]


@dataclass(frozen=True)
class Feature:
    name: str
    commands: Sequence[CommandSpec] = ()
    picks: Sequence[PickRoute] = ()
    texts: Sequence[TextFlow] = ()
    jobs: Sequence[PeriodicJob] = ()
    on_linked: LinkHook | None = None  # someone just linked (a campaign launched before, …)
    # Onboarding only: a shared contact, and text from someone not linked yet.
    on_contact: Callable[[Ctx, Contact], Awaitable[None]] | None = None
    on_unlinked_text: Callable[[Ctx, str], Awaitable[bool]] | None = None
    # Imports only: a file sent to the bot.
    on_file: Callable[[Ctx, FileIn], Awaitable[None]] | None = None
    on_start: Callable[[], None] | None = None  # the bot starts (again, in tests)
    on_stop: Callable[[], None] | None = None


class Registry:
    """Every feature, in order; lookups for the core. These are all the features: an unknown
    command, an expired choice, stray text or a file nobody imports is the core's to answer."""

    def __init__(self, features: Sequence[Feature]) -> None:
        self.features = list(features)
        self.commands = CommandTable(c for f in self.features for c in f.commands)
        self._picks = sorted((p for f in self.features for p in f.picks),
                             key=lambda p: -len(p.prefix))
        self._texts = {t.flow: t for f in self.features for t in f.texts}

    def listed_commands(self) -> list[CommandSpec]:
        """Every command in the features' order (for /trogiup and the command menus)."""
        return self.commands.specs

    def pick_route(self, data: str) -> PickRoute | None:
        return next((p for p in self._picks if data.startswith(p.prefix)), None)

    def text_flow(self, flow: str) -> TextFlow | None:
        return self._texts.get(flow)

    @property
    def pick_prefixes(self) -> list[str]:
        return [p.prefix for p in self._picks]

    def jobs(self) -> list[PeriodicJob]:
        return [job for f in self.features for job in f.jobs]

    def link_hooks(self) -> list[LinkHook]:
        return [f.on_linked for f in self.features if f.on_linked is not None]

    # The one feature hook of a kind: the first feature declaring it (onboarding's contact and
    # unlinked-text handlers, the imports' file handler).

    def contact_hook(self) -> Callable[[Ctx, Contact], Awaitable[None]] | None:
        return next((f.on_contact for f in self.features if f.on_contact is not None), None)

    def file_hook(self) -> Callable[[Ctx, FileIn], Awaitable[None]] | None:
        return next((f.on_file for f in self.features if f.on_file is not None), None)

    def unlinked_text_hook(self) -> Callable[[Ctx, str], Awaitable[bool]] | None:
        return next((f.on_unlinked_text for f in self.features
                     if f.on_unlinked_text is not None), None)

    def start(self) -> None:
        for feature in self.features:
            if feature.on_start is not None:
                feature.on_start()

    def stop(self) -> None:
        for feature in reversed(self.features):
            if feature.on_stop is not None:
                feature.on_stop()
