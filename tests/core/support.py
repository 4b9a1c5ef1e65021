"""The core without any messenger: events in through `Core.handle`, outputs out, on a real
SQLite file, with the features the core serves. Zalo's side (what the Zalo adapter and sender
will do) is played by `ZaloSide`: it takes what the outbox queued for Zalo and what jobs
deliver directly, and keeps what each chat received, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from app import help as help_feature
from app import onboarding, progress, registration, summary
from app.core import Core
from app.events import Channel, ChatKind, Command, Event, Pick, Source
from app.features import PeriodicJob, Registry
from app.services import Services
from app.settings import Settings
from app.ui import Alert, Choice, Document, Later, Message, Out, Photo
from domain.roster import parse_roster
from storage.audit import AuditContext
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.roster import apply_roster
from tests.harness import BLOC, SAMPLE_ROSTER
from tests.summary.helpers import import_registrations

ZALO_GROUP = "zalo-group-thuong-truc"  # the secretariat's Zalo group


class ZaloSide:
    """Zalo's end of the outbox and of direct delivery, for tests without the Zalo adapter."""

    def __init__(self, db: Database) -> None:
        self.outbox = OutboxRepository(db)
        self.received: dict[str, list[Any]] = {}  # chat id -> texts (str) and outputs
        self._tasks: set[asyncio.Task[None]] = set()

    def wake(self) -> None:  # app.services.Sender
        task = asyncio.get_running_loop().create_task(self._drain())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self) -> None:
        while batch := await self.outbox.claim(20, owner="zalo-side", channel="zalo"):
            for message in batch:
                self.received.setdefault(str(message.chat_id), []).append(message.text)
                await self.outbox.mark_sent(message.id, None)

    async def idle(self) -> None:
        """Until everything woken for is sent."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    async def deliver(self, chat_id: str, outs: list[Out]) -> None:  # app.services.Deliverer
        self.received.setdefault(chat_id, []).extend(outs)


class CoreDesk:
    """A database with the sample roster, the services and the core; people as sources."""

    def __init__(self, tmp_path: Path, **settings: Any) -> None:
        values: dict[str, Any] = {"database": tmp_path / "thidua.sqlite3", "bloc_name": BLOC,
                                  "zalo_secretariat_chat_id": ZALO_GROUP,
                                  "secretariat_chat_id": None}
        values.update(settings)
        self.settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        self.db = Database(self.settings.database)
        self.registry = Registry([onboarding.FEATURE, help_feature.FEATURE,
                                  registration.FEATURE, summary.FEATURE, progress.FEATURE])
        self._services: Services | None = None
        self._core: Core | None = None
        self.zalo: ZaloSide | None = None

    async def open(self) -> CoreDesk:
        await self.db.open()
        self._services = Services.create(self.settings, self.db)
        self.registry.start()  # the summary's worker processes, as the runtime starts them
        self._core = Core(self._services, self.registry)
        self.zalo = ZaloSide(self.db)
        self._services.senders.append(self.zalo)
        self._services.deliverers["zalo"] = self.zalo.deliver
        roster = parse_roster(await asyncio.to_thread(SAMPLE_ROSTER.read_bytes),
                              SAMPLE_ROSTER.name, BLOC)
        assert roster.ok, roster.problems
        await apply_roster(self.db, roster, AuditContext.cli())
        return self

    async def close(self) -> None:
        self.registry.stop()  # the summary's worker processes
        if self.zalo is not None:
            await self.zalo.idle()
        await self.db.close()

    @property
    def services(self) -> Services:
        assert self._services is not None
        return self._services

    def freeze(self, now: datetime) -> None:
        self.services.clock = lambda: now

    async def handle(self, source: Source, event: Event) -> list[Out]:
        assert self._core is not None
        return await self._core.handle(source, event)

    async def command(self, source: Source, text: str) -> list[Out]:
        name, *args = text.lstrip("/").split()
        return await self.handle(source, Command(name, tuple(args)))

    async def pick(self, source: Source, data: str) -> list[Out]:
        return await self.handle(source, Pick(data))

    # --- who ------------------------------------------------------------------------------

    def zalo_group(self, user_id: str = "zalo-member-hang") -> Source:
        """Someone writing in the secretariat's Zalo group."""
        return Source(Channel.ZALO, user_id, ZALO_GROUP, ChatKind.GROUP)

    async def on_zalo(self, phone: str) -> Source:
        """The roster person with this phone, linked on Zalo, in their private chat."""
        return await self.linked(phone, Channel.ZALO)

    async def linked(self, phone: str, channel: Channel) -> Source:
        person = await self.services.people.by_phone(phone)
        assert person is not None, phone
        user_id = f"{channel.value[0]}{phone}"
        chat_id = user_id if channel == Channel.ZALO else str(500_000_000 + int(phone[-8:]))
        await self.services.links.link(person, channel.value, user_id, chat_id, "contact",
                                       AuditContext.cli())
        return Source(channel, user_id, chat_id, ChatKind.PRIVATE)

    # --- data -----------------------------------------------------------------------------

    async def register(self, *phones: str, year: int = 2024) -> None:
        """Confirmed individual registrations (Lao động tiên tiến), imported."""
        tree = await self.services.orgs.tree()
        rows = ["year,agency,unit,full_name,phone,title"]
        for phone in phones:
            person = await self.services.people.by_phone(phone)
            assert person is not None, phone
            agency = tree.agency_of(person.org_id)
            assert agency is not None
            unit = "" if person.org_id == agency.id else tree.get(person.org_id).name
            rows.append(f"{year},{agency.name},{unit},{person.full_name},{phone},LDTT")
        await import_registrations(self.db, ("\n".join(rows) + "\n").encode(), "dang-ky.csv")

    def job(self, name: str) -> PeriodicJob:
        return next(j for j in self.registry.jobs() if j.name == name)

    async def run_job(self, name: str, now: datetime) -> str | None:
        """Run a core job if it is due at `now`, as bot.schedule does; returns its period."""
        job = self.job(name)
        period = await job.due_period(self.services, now)
        if period is not None:
            await job.run(self.services, period, now)
        return period

    async def queued(self, **where: Any) -> list[dict[str, Any]]:
        """Rows of the outbox (channel, chat_id, person_id, batch, payload…)."""
        sql = "SELECT * FROM outbox"
        if where:
            sql += " WHERE " + " AND ".join(f"{k} = ?" for k in where)
        rows = await self.db.fetchall(sql + " ORDER BY id", tuple(where.values()))
        return [dict(r) for r in rows]


# --- reading outputs --------------------------------------------------------------------


def messages(outs: Sequence[Out]) -> list[Message]:
    return [o for o in outs if isinstance(o, Message)]


def only_message(outs: Sequence[Out]) -> Message:
    found = messages(outs)
    assert len(found) == 1, outs
    return found[0]


def choice(message: Message, label: str) -> Choice:
    """The choice whose label contains `label` (what a Zalo user types the number of)."""
    found = [c for c in message.all_choices if label in c.label]
    assert len(found) == 1, (label, [c.label for c in message.all_choices])
    return found[0]


def alerts(outs: Sequence[Out]) -> list[str]:
    return [o.text for o in outs if isinstance(o, Alert)]


def laters(outs: Sequence[Out]) -> list[Later]:
    return [o for o in outs if isinstance(o, Later)]


def files(outs: Sequence[Out]) -> list[Document | Photo]:
    return [o for o in outs if isinstance(o, Document | Photo)]
