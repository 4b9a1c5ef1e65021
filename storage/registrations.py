"""Confirmed registrations (one row per subject and year, with a stable reference number)
and their reads for summaries and progress.

Every write is one transaction with its audit entry. A confirmed registration is written
from a draft (`confirm`: the content the rules made of it, `domain.registration
.confirmed_content`) or by the bulk import (`store_registration`); it stays intact while an
edit of it is a draft (`storage.drafts`). Windows are in `storage.windows`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.drafts import Draft
from domain.records import Registration, RegistrationRecord, RegistrationStatus
from domain.registration import ConfirmedContent
from domain.subjects import Subject
from storage import audit, sessions
from storage.audit import AuditContext
from storage.db import Connection, Database, from_db_time, to_db_time, utcnow
from storage.drafts import SESSION_FLOW
from storage.registration_rows import (
    Record,
    dumps,
    fetch_one,
    row_subject,
    subject_where,
    within_scope,
)

REFERENCE_DIGITS = 6


def _registration(
    row: Record, titles: Iterable[Record], answers: Iterable[Record]
) -> Registration:
    ticked: set[str] = set()
    implied: set[str] = set()
    for t in titles:
        (implied if t["implied"] else ticked).add(t["title"])
    return Registration(
        id=row["id"],
        year=row["year"],
        subject=row_subject(row),
        status=RegistrationStatus(row["status"]),
        reference=row["reference"],
        source=row["source"],
        revision=row["revision"],
        titles=frozenset(ticked),
        implied=frozenset(implied),
        answers={a["question"]: json.loads(a["value"]) for a in answers},
        actor_person_id=row["actor_person_id"],
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        confirmed_at=from_db_time(row["confirmed_at"]),
        withdrawn_at=from_db_time(row["withdrawn_at"]),
    )


def format_reference(year: int, number: int) -> str:
    return f"{year}-{number:0{REFERENCE_DIGITS}d}"


# --- Shared writes (also used by the bulk import) -------------------------------------------


@dataclass(frozen=True)
class Stored:
    registration_id: int
    reference: str
    created: bool


async def next_reference(conn: Connection, year: int) -> str:
    """The next free reference of `year`; call inside the transaction that uses it."""
    row = await fetch_one(
        conn,
        "SELECT reference FROM registrations WHERE reference LIKE ? ORDER BY reference DESC"
        " LIMIT 1",
        (f"{year}-%",),
    )
    number = int(row["reference"].split("-", 1)[1]) + 1 if row else 1
    return format_reference(year, number)


async def store_registration(
    conn: Connection,
    *,
    year: int,
    subject: Subject,
    ticked: Iterable[str],
    implied: Iterable[str],
    answers: Mapping[str, Any],
    source: str,
    actor_person_id: int | None,
    who: AuditContext,
) -> Stored:
    """Insert or replace the confirmed registration of a subject (inside a transaction)."""
    now = to_db_time(utcnow())
    where, params = subject_where(subject)
    existing = await fetch_one(conn, f"SELECT * FROM registrations WHERE year = ? AND {where}",
                               (year, *params))
    ticked, implied = sorted(set(ticked)), sorted(set(implied) - set(ticked))
    if existing is None:
        reference = await next_reference(conn, year)
        cursor = await conn.execute(
            "INSERT INTO registrations (year, subject_kind, person_id, org_id, status, reference,"
            " source, actor_person_id, created_at, updated_at, confirmed_at, revision)"
            " VALUES (?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, 1)",
            (year, subject.kind.value, subject.person_id, subject.org_id, reference, source,
             actor_person_id, now, now, now),
        )
        registration_id = int(cursor.lastrowid or 0)
        before: dict[str, Any] | None = None
    else:
        registration_id, reference = existing["id"], existing["reference"]
        old = await _registration_in(conn, registration_id)
        before = {"status": old.status.value, "titles": sorted(old.titles),
                  "implied": sorted(old.implied), "answers": old.answers}
        await conn.execute(
            "UPDATE registrations SET status = 'confirmed', source = ?, actor_person_id = ?,"
            " org_id = ?, updated_at = ?, confirmed_at = ?, withdrawn_at = NULL,"
            " revision = revision + 1 WHERE id = ?",
            (source, actor_person_id, subject.org_id, now, now, registration_id),
        )
        await conn.execute("DELETE FROM registration_titles WHERE registration_id = ?",
                           (registration_id,))
        await conn.execute("DELETE FROM registration_answers WHERE registration_id = ?",
                           (registration_id,))
    await conn.executemany(
        "INSERT INTO registration_titles (registration_id, title, implied) VALUES (?, ?, ?)",
        [(registration_id, code, 0) for code in ticked]
        + [(registration_id, code, 1) for code in implied],
    )
    await conn.executemany(
        "INSERT INTO registration_answers (registration_id, question, value) VALUES (?, ?, ?)",
        [(registration_id, key, dumps(value)) for key, value in sorted(answers.items())],
    )
    details: dict[str, Any] = {
        "reference": reference, "year": year, "subject": list(subject.key), "source": source,
        "titles": ticked, "implied": implied, "answers": dict(answers),
    }
    if before is not None:
        details["before"] = before
    await audit.record(conn, who, "confirm" if before is None else "reconfirm",
                       "registration", registration_id, details)
    return Stored(registration_id, reference, existing is None)


async def _registration_in(conn: Connection, registration_id: int) -> Registration:
    """A registration with its titles and answers, in one query (one round trip)."""
    row = await fetch_one(
        conn,
        "SELECT r.*, (SELECT json_group_array(json_array(title, implied))"
        "   FROM registration_titles WHERE registration_id = r.id) AS titles_json,"
        " (SELECT json_group_array(json_array(question, value))"
        "   FROM registration_answers WHERE registration_id = r.id) AS answers_json"
        " FROM registrations r WHERE r.id = ?",
        (registration_id,),
    )
    titles = [{"title": t, "implied": i} for t, i in json.loads(row["titles_json"])]
    answers = [{"question": q, "value": v} for q, v in json.loads(row["answers_json"])]
    return _registration(row, titles, answers)


class RegistrationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def confirm(
        self,
        draft: Draft,
        content: ConfirmedContent,
        who: AuditContext,
        *,
        actor_person_id: int | None = None,
        source: str = "telegram",
    ) -> Registration | None:
        """Turn `draft` (as the caller read it) into the subject's confirmed registration
        with `content` (`domain.registration.confirmed_content` of the draft), in one
        transaction: a reference number allocated for a first registration (kept for later
        versions), the draft's sessions forgotten and the draft deleted. None, with nothing
        written, if the draft is no longer at `draft.version` (stale) or gone."""
        where, params = subject_where(draft.subject)
        async with self.db.transaction() as conn:
            row = await fetch_one(
                conn,
                f"SELECT version FROM registration_drafts WHERE id = ? AND year = ? AND {where}",
                (draft.id, draft.year, *params),
            )
            if row is None or row["version"] != draft.version:
                return None
            stored = await store_registration(
                conn, year=draft.year, subject=draft.subject, ticked=content.ticked,
                implied=content.implied, answers=content.answers, source=source,
                actor_person_id=actor_person_id or draft.actor_person_id, who=who,
            )
            await sessions.forget_refs_in(conn, SESSION_FLOW, f"{draft.id}:")
            await conn.execute("DELETE FROM registration_drafts WHERE id = ?", (draft.id,))
            return await _registration_in(conn, stored.registration_id)

    async def withdraw(
        self, registration_id: int, expected_revision: int, who: AuditContext
    ) -> Registration | None:
        """Withdraw a confirmed registration still at `expected_revision`; None otherwise."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE registrations SET status = 'withdrawn', withdrawn_at = ?, updated_at = ?,"
                " revision = revision + 1"
                " WHERE id = ? AND revision = ? AND status = 'confirmed'",
                (now, now, registration_id, expected_revision),
            )
            if cursor.rowcount != 1:
                return None
            registration = await _registration_in(conn, registration_id)
            await audit.record(conn, who, "withdraw", "registration", registration_id,
                               {"reference": registration.reference,
                                "titles": sorted(registration.titles)})
        return registration

    async def get(self, registration_id: int) -> Registration | None:
        row = await self.db.fetchone("SELECT id FROM registrations WHERE id = ?",
                                     (registration_id,))
        if row is None:
            return None
        return await _registration_in(self.db.conn, registration_id)

    async def by_reference(self, reference: str) -> Registration | None:
        row = await self.db.fetchone("SELECT id FROM registrations WHERE reference = ?",
                                     (reference.strip(),))
        return await self.get(row["id"]) if row else None

    async def current(self, year: int, subject: Subject) -> Registration | None:
        """The subject's registration of `year` (confirmed or withdrawn), if any."""
        where, params = subject_where(subject)
        row = await self.db.fetchone(
            f"SELECT id FROM registrations WHERE year = ? AND {where}", (year, *params)
        )
        return await self.get(row["id"]) if row else None

    async def latest_year(self, subject: Subject) -> int | None:
        """The last year the subject has a registration of (confirmed or withdrawn)."""
        where, params = subject_where(subject)
        row = await self.db.fetchone(
            f"SELECT max(year) AS year FROM registrations WHERE {where}", params
        )
        return row["year"] if row else None

    async def registrations(self, year: int) -> list[Registration]:
        """Every registration of `year` with titles and answers (confirmed and withdrawn)."""
        rows = await self.db.fetchall(
            "SELECT * FROM registrations WHERE year = ? ORDER BY id", (year,)
        )
        titles = await self.db.fetchall(
            "SELECT t.* FROM registration_titles t JOIN registrations r"
            " ON r.id = t.registration_id WHERE r.year = ?", (year,)
        )
        answers = await self.db.fetchall(
            "SELECT a.* FROM registration_answers a JOIN registrations r"
            " ON r.id = a.registration_id WHERE r.year = ?", (year,)
        )
        by_id_titles: dict[int, list[sqlite3.Row]] = {}
        for t in titles:
            by_id_titles.setdefault(t["registration_id"], []).append(t)
        by_id_answers: dict[int, list[sqlite3.Row]] = {}
        for a in answers:
            by_id_answers.setdefault(a["registration_id"], []).append(a)
        return [
            _registration(r, by_id_titles.get(r["id"], []), by_id_answers.get(r["id"], []))
            for r in rows
        ]

    async def records(self, year: int, scope_org_id: int | None = None
                      ) -> list[RegistrationRecord]:
        """Registrations of `year` (confirmed and withdrawn: `record.counts` tells) whose
        subject lies in `scope_org_id` (None: everywhere), for summaries and progress.

        A person counts where the roster puts them now; titles are the ticked ones (the rules
        add implied titles when counting)."""
        registrations = await self.registrations(year)
        inside = await within_scope(self.db, [r.subject for r in registrations], scope_org_id)
        return [r.record() for r, keep in zip(registrations, inside, strict=True) if keep]
