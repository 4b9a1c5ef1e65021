"""What a use case receives: who is asking, from where, the services, and where to say things.

One `Ctx` per event. Use cases append outputs (app.ui) with `say`, `alert`, … and never talk
to a messenger; the channel adapter renders what they appended once the event is handled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from app.events import Capabilities, Source
from app.services import Services
from app.ui import (
    Alert,
    AskContact,
    Busy,
    Choice,
    CommandsChanged,
    Document,
    Later,
    Message,
    Out,
    Photo,
    Rows,
    Settle,
    Toast,
    choices_as_buttons,
)
from domain.access import Actor
from domain.models import Link
from locales import use_locale
from storage.audit import AuditContext

if TYPE_CHECKING:
    from app.features import Registry


@dataclass
class Ctx:
    services: Services
    source: Source
    actor: Actor
    registry: Registry
    link: Link | None = None  # the sender's link to a roster person, read with the actor
    out: list[Out] = field(default_factory=list)

    # --- who, where, when ---------------------------------------------------------------

    @property
    def caps(self) -> Capabilities:
        return self.source.capabilities

    @property
    def is_replay(self) -> bool:
        return self.source.replay

    @property
    def locale(self) -> str:
        return self.actor.locale

    @property
    def tz(self) -> tzinfo:
        return self.services.settings.tz

    def now(self) -> datetime:
        return self.services.now()

    def today(self) -> date:
        return self.services.now().date()

    def who(self) -> AuditContext:
        person = self.actor.person
        return AuditContext(channel=self.source.channel.value,
                            person_id=person.id if person else None,
                            account=self.source.account, chat_id=self.source.chat_id)

    # --- saying things ------------------------------------------------------------------

    def say(self, text: str, choices: Rows | list[list[Choice]] = (), *,
            replace: bool = False, multi: bool = False, expects_text: bool = False,
            remove_keyboard: bool = False) -> None:
        self.out.append(Message(text, tuple(tuple(r) for r in choices if r), replace=replace,
                                multi=multi, expects_text=expects_text,
                                remove_keyboard=remove_keyboard))

    def alert(self, text: str) -> None:
        self.out.append(Alert(text))

    def toast(self, text: str, *, quiet: bool = False) -> None:
        self.out.append(Toast(text, quiet=quiet))

    def settle(self, text: str | None = None) -> None:
        self.out.append(Settle(text))

    def expired(self) -> None:
        from locales import _

        self.alert(_("This button has expired."))

    def document(self, filename: str, content: bytes, caption: str) -> None:
        self.out.append(Document(filename, content, caption))

    def photo(self, filename: str, content: bytes, caption: str) -> None:
        self.out.append(Photo(filename, content, caption))

    def ask_contact(self, text: str, button: str) -> None:
        self.out.append(AskContact(text, button))

    def busy(self, kind: str = "typing") -> None:
        self.out.append(Busy(kind))

    def commands_changed(self, actor: Actor) -> None:
        self.out.append(CommandsChanged(actor))

    def later(self, work: Callable[[Ctx], Awaitable[None]], name: str = "later") -> None:
        """Run `work` after this event is answered, in the background; what it says goes to
        the same chat when it is done (in the language of this event)."""
        locale = self.actor.locale

        async def run() -> list[Out]:
            child = Ctx(self.services, self.source, self.actor, self.registry, self.link)
            with use_locale(locale), choices_as_buttons(self.caps.buttons):
                await work(child)
            return child.out

        self.out.append(Later(run, name))
