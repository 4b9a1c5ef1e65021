"""What the summary reads, in a few set-based queries, and what its digests remember.

The reads cover a whole scope (up to a province): they run in the database's reader thread
(`fetchall_large`), so the bot goes on answering people meanwhile.

Reading: the active people of a scope, the confirmed registrations of a year with their
ticked titles (one grouped query, no answers: the summary does not need them), the campaigns
of a year and their acknowledgements. Writing: a digest row (what it covered), in the same
transaction as the outbox messages that post it and, for the final summary, the closing of
the registration window.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from domain.models import Person
from domain.records import RegistrationRecord, RegistrationStatus
from domain.rules import SubjectKind
from domain.summary_digest import Snapshot
from domain.tally import PeopleRows
from storage import audit
from storage.audit import AuditContext
from storage.db import Database, from_db_time, to_db_time, utcnow
from storage.outbox import NewMessage, enqueue_in
from storage.people import person_from_row


def _json_ids(ids: Iterable[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    code: str
    name: str
    scope_org_id: int | None
    period_start: date
    period_end: date
    status: str


@dataclass(frozen=True)
class StoredDigest:
    id: int
    window_id: int
    kind: str  # daily, final
    period: str
    covered_until: datetime
    snapshot: Snapshot
    messages: int


class SummaryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- Reading ------------------------------------------------------------------------

    async def people(self, org_ids: Collection[int] | None) -> list[Person]:
        """Active people of these orgs (None: everybody)."""
        sql = "SELECT * FROM people WHERE active = 1"
        params: tuple[Any, ...] = ()
        if org_ids is not None:
            sql += " AND org_id IN (SELECT value FROM json_each(?))"
            params = (_json_ids(org_ids),)
        return await self.db.fetchall_large(sql + " ORDER BY id", params, person_from_row)

    async def people_rows(
        self,
        year: int,
        org_ids: Collection[int] | None,
        campaigns: Sequence[CampaignInfo] = (),
    ) -> PeopleRows:
        """The people figures per org as SQLite groups them (`domain.tally.count_people`
        reads them with the rule set): active people, and registrations and
        acknowledgements of active people grouped by org, leadership and ticked titles. A
        few thousand groups come back for tens of thousands of people."""
        where, params = "", cast(tuple[str, ...], ())
        if org_ids is not None:
            where, params = " AND p.org_id IN (SELECT value FROM json_each(?))", (
                _json_ids(org_ids),)
        active = [(r[0], r[1]) for r in await self.db.fetchall_large(
            f"SELECT p.org_id, count(*) FROM people p WHERE p.active = 1{where} GROUP BY 1",
            params,
        )]
        registered = [(r[0], bool(r[1]), tuple(r[2].split(",")), r[3])
                      for r in await self.db.fetchall_large(
            "SELECT p.org_id, p.is_leader, x.titles, count(*) FROM ("
            " SELECT r.person_id, group_concat(t.title) AS titles FROM registrations r"
            " JOIN registration_titles t ON t.registration_id = r.id AND t.implied = 0"
            " WHERE r.year = ? AND r.status = 'confirmed' AND r.subject_kind = 'person'"
            " GROUP BY r.id) x"
            f" JOIN people p ON p.id = x.person_id AND p.active = 1{where}"
            " GROUP BY 1, 2, 3",
            (year, *params),
        )]
        acknowledged: list[tuple[Hashable, int, int]] = []
        if campaigns:
            codes = {c.id: c.code for c in campaigns}
            acknowledged = [(codes[r[0]], r[1], r[2]) for r in await self.db.fetchall_large(
                "SELECT a.campaign_id, p.org_id, count(*) FROM acknowledgements a"
                f" JOIN people p ON p.id = a.person_id AND p.active = 1{where}"
                " WHERE a.campaign_id IN (SELECT value FROM json_each(?)) GROUP BY 1, 2",
                (*params, _json_ids(codes)),
            )]
        return PeopleRows(active, registered, acknowledged)

    async def records(
        self, year: int, org_ids: Collection[int] | None, *, collectives_only: bool = False
    ) -> list[RegistrationRecord]:
        """Confirmed registrations of `year` whose subject is in these orgs (a person where the
        roster puts them now), with their ticked titles."""
        sql = (
            "SELECT r.subject_kind, r.person_id, r.org_id, r.reference, r.updated_at,"
            " group_concat(t.title) AS titles"
            " FROM registrations r"
            " JOIN registration_titles t ON t.registration_id = r.id AND t.implied = 0"
        )
        params: tuple[Any, ...] = (year,)
        if org_ids is not None:
            sql += (
                " LEFT JOIN people p ON p.id = r.person_id"
                " WHERE r.year = ? AND r.status = 'confirmed'"
                " AND coalesce(p.org_id, r.org_id) IN (SELECT value FROM json_each(?))"
            )
            params = (year, _json_ids(org_ids))
        else:
            sql += " WHERE r.year = ? AND r.status = 'confirmed'"
        if collectives_only:
            sql += " AND r.subject_kind != 'person'"
        rows = await self.db.fetchall_large(sql + " GROUP BY r.id ORDER BY r.id", params)
        records = []
        for r in rows:
            person = r["subject_kind"] == SubjectKind.PERSON
            records.append(RegistrationRecord(
                year=year,
                subject_kind=SubjectKind(r["subject_kind"]),
                person_id=r["person_id"] if person else None,
                org_id=None if person else r["org_id"],
                titles=frozenset(r["titles"].split(",")),
                status=RegistrationStatus.CONFIRMED,
                reference=r["reference"],
                updated_at=from_db_time(r["updated_at"]),
            ))
        return records

    async def latest_year(self) -> int | None:
        """The newest year with a registration window or a registration."""
        row = await self.db.fetchone(
            "SELECT max(year) FROM (SELECT max(year) AS year FROM registration_windows"
            " UNION ALL SELECT max(year) FROM registrations)"
        )
        return int(row[0]) if row and row[0] is not None else None

    async def registration_years(self) -> list[int]:
        """Years with a registration (any status), oldest first."""
        rows = await self.db.fetchall("SELECT DISTINCT year FROM registrations ORDER BY year")
        return [int(r[0]) for r in rows]

    async def years(self) -> set[int]:
        """Years a summary has something for: a window, a registration, or a launched
        campaign's period."""
        rows = await self.db.fetchall(
            "SELECT year FROM registration_windows UNION SELECT year FROM registrations")
        found = {int(r[0]) for r in rows}
        spans = await self.db.fetchall(
            "SELECT substr(period_start, 1, 4), substr(period_end, 1, 4) FROM campaigns"
            " WHERE status IN ('launched', 'ended')")
        for start, end in spans:
            found.update(range(int(start), int(end) + 1))
        return found

    async def campaigns(self, year: int) -> list[CampaignInfo]:
        """Launched (or ended) campaigns whose period touches `year`, oldest first."""
        rows = await self.db.fetchall_large(
            "SELECT * FROM campaigns WHERE status IN ('launched', 'ended')"
            " AND substr(period_start, 1, 4) <= ? AND substr(period_end, 1, 4) >= ?"
            " ORDER BY period_start, id",
            (str(year), str(year)),
        )
        return [_campaign(r) for r in rows]

    async def campaign_by_code(self, code: str) -> CampaignInfo | None:
        row = await self.db.fetchone(
            "SELECT * FROM campaigns WHERE lower(code) = lower(?) AND status IN"
            " ('launched', 'ended')", (code,)
        )
        return _campaign(row) if row else None

    async def campaign_codes(self) -> list[str]:
        rows = await self.db.fetchall_large(
            "SELECT code FROM campaigns WHERE status IN ('launched', 'ended')"
        )
        return [r["code"] for r in rows]

    async def acknowledgements(self, campaigns: Sequence[CampaignInfo]) -> dict[str, set[int]]:
        """Campaign code → the people who acknowledged it."""
        result: dict[str, set[int]] = {c.code: set() for c in campaigns}
        if not campaigns:
            return result
        codes = {c.id: c.code for c in campaigns}
        rows = await self.db.fetchall_large(
            "SELECT campaign_id, person_id FROM acknowledgements"
            " WHERE campaign_id IN (SELECT value FROM json_each(?))",
            (_json_ids(codes),),
        )
        for r in rows:
            result[codes[r["campaign_id"]]].add(r["person_id"])
        return result

    # --- Digests ------------------------------------------------------------------------

    async def last_digest(self, window_id: int) -> StoredDigest | None:
        row = await self.db.fetchone(
            "SELECT * FROM summary_digests WHERE window_id = ? ORDER BY id DESC LIMIT 1",
            (window_id,),
        )
        return _digest(row) if row else None

    async def digests(self, window_id: int) -> list[StoredDigest]:
        rows = await self.db.fetchall_large(
            "SELECT * FROM summary_digests WHERE window_id = ? ORDER BY id", (window_id,)
        )
        return [_digest(r) for r in rows]

    async def save_digest(
        self,
        *,
        window_id: int,
        kind: str,
        period: str,
        covered_until: datetime,
        snapshot: Snapshot,
        messages: Sequence[NewMessage],
        who: AuditContext,
        posted: int | None = None,
    ) -> bool:
        """Record a digest and queue its messages in one transaction; a final one also closes
        the window. False (and nothing queued) if this window, kind and period exist."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO summary_digests (window_id, kind, period, covered_until, snapshot,"
                " messages, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (window_id, kind, period) DO NOTHING",
                (window_id, kind, period, to_db_time(covered_until),
                 snapshot.model_dump_json(), len(messages) if posted is None else posted,
                 to_db_time(utcnow())),
            )
            if cursor.rowcount != 1:
                return False
            await enqueue_in(conn, messages)
            if kind == "final":
                await conn.execute(
                    "UPDATE registration_windows SET closed_at = ?, updated_at = ?"
                    " WHERE id = ? AND closed_at IS NULL",
                    (to_db_time(utcnow()), to_db_time(utcnow()), window_id),
                )
            await audit.record(
                conn, who, f"post_{kind}_summary", "registration_window", window_id,
                {"period": period, "messages": len(messages) if posted is None else posted,
                 "covered_until": to_db_time(covered_until)},
            )
        return True


def _campaign(row: Any) -> CampaignInfo:
    return CampaignInfo(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        scope_org_id=row["scope_org_id"],
        period_start=date.fromisoformat(row["period_start"]),
        period_end=date.fromisoformat(row["period_end"]),
        status=row["status"],
    )


def _digest(row: Any) -> StoredDigest:
    covered = from_db_time(row["covered_until"])
    assert covered is not None
    return StoredDigest(
        id=row["id"],
        window_id=row["window_id"],
        kind=row["kind"],
        period=row["period"],
        covered_until=covered,
        snapshot=Snapshot.model_validate(json.loads(row["snapshot"])),
        messages=row["messages"],
    )
