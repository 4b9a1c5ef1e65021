"""Annual title registration: windows, drafts, confirmed registrations, reference numbers.

Every write is one transaction with its audit entry. A draft holds work in progress (ticked
titles, answers, the step reached, a version bumped at every change); confirming copies it
into `registrations` (one row per subject and year, with a stable reference number) and
deletes it, so a confirmed registration stays intact while an edit of it is a draft.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from domain.records import RegistrationRecord, RegistrationStatus
from domain.registration import expand_implied, explicit_choice, prune_answers
from domain.rules import RuleSet, SubjectKind, ruleset_for_year
from domain.subjects import Subject
from domain.windows import MAX_YEAR, MIN_YEAR, RegistrationWindow
from storage import audit, sessions
from storage.audit import AuditContext
from storage.db import Connection, Database, from_db_time, to_db_time, utcnow
from storage.orgs import OrgRepository
from storage.sessions import SessionRepository

# A row as read (sqlite3.Row) or rebuilt from JSON (dict): both index by column name.
Record = sqlite3.Row | Mapping[str, Any]

SESSION_FLOW = "rg"  # chat_sessions.flow of a registration question

REFERENCE_DIGITS = 6


class WindowError(ValueError):
    """A window that cannot be opened or changed; `code` names why.

    Codes: exists, not_found, bad_year, deadline_before_opening, no_ruleset, unknown_scope.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code, params)


@dataclass(frozen=True)
class Draft:
    id: int
    year: int
    subject: Subject
    titles: frozenset[str]  # as ticked
    answers: dict[str, Any]
    step: str  # "titles", "q:<question key>", "review"
    version: int
    actor_person_id: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Registration:
    id: int
    year: int
    subject: Subject
    status: RegistrationStatus
    reference: str
    source: str  # telegram, import
    revision: int
    titles: frozenset[str]  # ticked (explicit)
    implied: frozenset[str]  # came with a ticked title
    answers: dict[str, Any] = field(default_factory=dict)
    actor_person_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    confirmed_at: datetime | None = None
    withdrawn_at: datetime | None = None

    @property
    def all_titles(self) -> frozenset[str]:
        return self.titles | self.implied

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    def record(self) -> RegistrationRecord:
        return RegistrationRecord(
            year=self.year,
            subject_kind=self.subject.kind,
            person_id=self.subject.person_id,
            org_id=None if self.subject.is_person else self.subject.org_id,
            titles=self.titles,
            status=self.status,
            reference=self.reference,
            updated_at=self.updated_at,
        )


@dataclass(frozen=True)
class Session:
    """The draft an account is working on and the version it last saw."""

    account: str
    draft_id: int
    version: int


# --- Row mapping ---------------------------------------------------------------------------


def _window(row: sqlite3.Row) -> RegistrationWindow:
    return RegistrationWindow(
        id=row["id"],
        year=row["year"],
        scope_org_id=row["scope_org_id"],
        opens_on=date.fromisoformat(row["opens_on"]),
        deadline=date.fromisoformat(row["deadline"]),
        ruleset_id=row["ruleset_id"],
        closed_at=from_db_time(row["closed_at"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
    )


def _subject(row: Record) -> Subject:
    return Subject(SubjectKind(row["subject_kind"]), row["org_id"], row["person_id"])


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(
        id=row["id"],
        year=row["year"],
        subject=_subject(row),
        titles=frozenset(json.loads(row["titles"])),
        answers=json.loads(row["answers"]),
        step=row["step"],
        version=row["version"],
        actor_person_id=row["actor_person_id"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_db_time(row["updated_at"]),  # type: ignore[arg-type]
    )


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
        subject=_subject(row),
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


async def _one(conn: Connection, sql: str, params: Iterable[Any] = ()) -> Any:
    return next(iter(await conn.execute_fetchall(sql, tuple(params))), None)  # one round trip


async def _all(conn: Connection, sql: str, params: Iterable[Any] = ()) -> list[Any]:
    return list(await conn.execute_fetchall(sql, tuple(params)))


def _subject_where(subject: Subject) -> tuple[str, tuple[Any, ...]]:
    """SQL matching a subject's rows: a person by id (whatever unit they are in now)."""
    if subject.person_id is not None:
        return "subject_kind = 'person' AND person_id = ?", (subject.person_id,)
    return "subject_kind = ? AND org_id = ? AND person_id IS NULL", (
        subject.kind.value,
        subject.org_id,
    )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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
    row = await _one(
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
    where, params = _subject_where(subject)
    existing = await _one(conn, f"SELECT * FROM registrations WHERE year = ? AND {where}",
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
        [(registration_id, key, _dumps(value)) for key, value in sorted(answers.items())],
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
    row = await _one(
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


# --- Repository ----------------------------------------------------------------------------


class RegistrationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # Windows

    async def windows(self, year: int | None = None) -> list[RegistrationWindow]:
        """Every window (of `year`), newest year first; kept in memory until one changes."""

        async def load() -> tuple[RegistrationWindow, ...]:
            rows = await self.db.fetchall("SELECT * FROM registration_windows"
                                          " ORDER BY year DESC, id")
            return tuple(_window(r) for r in rows)

        every = await self.db.cached("registration_windows", "all", load)
        return [w for w in every if year is None or w.year == year]

    async def window(self, window_id: int) -> RegistrationWindow | None:
        row = await self.db.fetchone("SELECT * FROM registration_windows WHERE id = ?",
                                     (window_id,))
        return _window(row) if row else None

    async def window_by_scope(self, year: int, scope_org_id: int | None
                              ) -> RegistrationWindow | None:
        row = await self.db.fetchone(
            "SELECT * FROM registration_windows WHERE year = ? AND"
            " coalesce(scope_org_id, 0) = coalesce(?, 0)",
            (year, scope_org_id),
        )
        return _window(row) if row else None

    async def open_window(
        self,
        year: int,
        scope_org_id: int | None,
        opens_on: date,
        deadline: date,
        who: AuditContext,
        *,
        ruleset_id: str | None = None,
    ) -> RegistrationWindow:
        """Open the registration of `year` for a scope; the rule set the year is judged by
        (`domain.rules.ruleset_for_year`: in force at the year's end) is kept with it unless
        `ruleset_id` pins another."""
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise WindowError("bad_year", year=year)
        if deadline < opens_on:
            raise WindowError("deadline_before_opening", opens_on=opens_on, deadline=deadline)
        if ruleset_id is None:
            try:
                ruleset_id = ruleset_for_year(year).id
            except LookupError:
                raise WindowError("no_ruleset", day=opens_on) from None
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            if scope_org_id is not None and await _one(
                conn, "SELECT id FROM org_units WHERE id = ?", (scope_org_id,)
            ) is None:
                raise WindowError("unknown_scope", scope_org_id=scope_org_id)
            existing = await _one(
                conn,
                "SELECT * FROM registration_windows WHERE year = ? AND"
                " coalesce(scope_org_id, 0) = coalesce(?, 0)",
                (year, scope_org_id),
            )
            if existing is not None:
                raise WindowError("exists", window=_window(existing))
            cursor = await conn.execute(
                "INSERT INTO registration_windows (year, scope_org_id, opens_on, deadline,"
                " ruleset_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (year, scope_org_id, opens_on.isoformat(), deadline.isoformat(), ruleset_id,
                 now, now),
            )
            window_id = int(cursor.lastrowid or 0)
            await audit.record(
                conn, who, "open", "registration_window", window_id,
                {"year": year, "scope_org_id": scope_org_id, "opens_on": opens_on.isoformat(),
                 "deadline": deadline.isoformat(), "ruleset_id": ruleset_id},
            )
            row = await _one(conn, "SELECT * FROM registration_windows WHERE id = ?",
                             (window_id,))
        return _window(row)

    async def set_deadline(
        self, window_id: int, deadline: date, who: AuditContext
    ) -> RegistrationWindow:
        """Extend (or move) a window's deadline; reopens a window whose summary was closed."""
        async with self.db.transaction() as conn:
            row = await _one(conn, "SELECT * FROM registration_windows WHERE id = ?",
                             (window_id,))
            if row is None:
                raise WindowError("not_found", window_id=window_id)
            window = _window(row)
            if deadline < window.opens_on:
                raise WindowError("deadline_before_opening", opens_on=window.opens_on,
                                  deadline=deadline)
            await conn.execute(
                "UPDATE registration_windows SET deadline = ?, closed_at = NULL, updated_at = ?"
                " WHERE id = ?",
                (deadline.isoformat(), to_db_time(utcnow()), window_id),
            )
            await audit.record(
                conn, who, "set_deadline", "registration_window", window_id,
                {"from": window.deadline.isoformat(), "to": deadline.isoformat()},
            )
            row = await _one(conn, "SELECT * FROM registration_windows WHERE id = ?",
                             (window_id,))
        return _window(row)

    async def close_window(self, window_id: int, who: AuditContext) -> bool:
        """Record that the final summary was posted; False if already closed or unknown."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE registration_windows SET closed_at = ?, updated_at = ?"
                " WHERE id = ? AND closed_at IS NULL",
                (to_db_time(utcnow()), to_db_time(utcnow()), window_id),
            )
            if cursor.rowcount != 1:
                return False
            await audit.record(conn, who, "close", "registration_window", window_id, {})
        return True

    # Drafts and sessions

    async def draft(self, year: int, subject: Subject) -> Draft | None:
        where, params = _subject_where(subject)
        row = await self.db.fetchone(
            f"SELECT * FROM registration_drafts WHERE year = ? AND {where}"
            " ORDER BY updated_at DESC LIMIT 1",
            (year, *params),
        )
        return _draft(row) if row else None

    async def draft_by_id(self, draft_id: int) -> Draft | None:
        row = await self.db.fetchone("SELECT * FROM registration_drafts WHERE id = ?",
                                     (draft_id,))
        return _draft(row) if row else None

    async def drafts(self, year: int) -> list[Draft]:
        rows = await self.db.fetchall(
            "SELECT * FROM registration_drafts WHERE year = ? ORDER BY id", (year,)
        )
        return [_draft(r) for r in rows]

    async def start_draft(
        self,
        year: int,
        subject: Subject,
        actor_person_id: int,
        who: AuditContext,
        *,
        titles: Iterable[str] = (),
        answers: Mapping[str, Any] | None = None,
        step: str = "titles",
    ) -> Draft:
        """The subject's draft of `year`: the existing one (work in progress is never
        overwritten), else a new one with the given content."""
        now = to_db_time(utcnow())
        where, params = _subject_where(subject)
        async with self.db.transaction() as conn:
            row = await _one(
                conn,
                f"SELECT * FROM registration_drafts WHERE year = ? AND {where}"
                " ORDER BY updated_at DESC LIMIT 1",
                (year, *params),
            )
            if row is None:
                row = await _one(
                    conn,
                    "INSERT INTO registration_drafts (year, subject_kind, person_id, org_id,"
                    " titles, answers, step, version, actor_person_id, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING *",
                    (year, subject.kind.value, subject.person_id, subject.org_id,
                     _dumps(sorted(set(titles))), _dumps(dict(answers or {})), step,
                     actor_person_id, now, now),
                )
                await audit.record(
                    conn, who, "start", "registration_draft", row["id"],
                    {"year": year, "subject": list(subject.key), "titles": sorted(set(titles)),
                     "answers": dict(answers or {}), "step": step},
                )
            draft = _draft(row)
            await self._remember(conn, who, draft)
        return draft

    async def update_draft(
        self,
        draft_id: int,
        expected_version: int,
        who: AuditContext,
        *,
        titles: Iterable[str] | None = None,
        answers: Mapping[str, Any] | None = None,
        step: str | None = None,
        actor_person_id: int | None = None,
        current: Draft | None = None,
    ) -> Draft | None:
        """Change a draft if it is still at `expected_version`; None when it is not (a stale
        button or a change made elsewhere), in which case nothing is written.

        `current`: the draft as the caller read it; at `expected_version` it is what is
        stored (every change bumps the version), so it is not read again. The change, its
        audit entry and the user's session are one statement (migration 0063), which
        re-checks the version as it writes."""
        if current is not None and (current.id, current.version) == (draft_id,
                                                                     expected_version):
            old: Draft | None = current
        else:
            old = await self.draft_by_id(draft_id)
        if old is None or old.version != expected_version:
            return None
        new = replace(
            old,
            titles=frozenset(titles) if titles is not None else old.titles,
            answers=dict(answers) if answers is not None else old.answers,
            step=step if step is not None else old.step,
            version=old.version + 1,
            actor_person_id=actor_person_id or who.person_id or old.actor_person_id,
        )
        changes: dict[str, Any] = {"version": new.version}
        if new.titles != old.titles:
            changes["titles"] = sorted(new.titles)
        if new.answers != old.answers:
            changes["answers"] = {
                k: new.answers.get(k)
                for k in set(new.answers) | set(old.answers)
                if new.answers.get(k) != old.answers.get(k)
            }
        if new.step != old.step:
            changes["step"] = new.step
        now = to_db_time(utcnow())
        try:
            await self.db.execute(
                "INSERT INTO draft_change (draft_id, expected_version, titles, answers, step,"
                " actor_person_id, at, audit_person_id, audit_account, audit_channel,"
                " audit_chat_id, audit_details, session_account)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (draft_id, expected_version, _dumps(sorted(new.titles)), _dumps(new.answers),
                 new.step, new.actor_person_id, now, who.person_id, who.account,
                 who.channel, who.chat_id, audit.details_json(changes), who.account),
            )
        except sqlite3.IntegrityError as exc:
            if "stale draft" in str(exc):  # changed since it was read: nothing written
                return None
            raise
        return replace(new, updated_at=from_db_time(now))  # type: ignore[arg-type]

    async def discard_draft(self, draft_id: int, who: AuditContext) -> bool:
        async with self.db.transaction() as conn:
            row = await _one(conn, "SELECT * FROM registration_drafts WHERE id = ?", (draft_id,))
            if row is None:
                return False
            await sessions.forget_refs_in(conn, SESSION_FLOW, f"{draft_id}:")
            await conn.execute("DELETE FROM registration_drafts WHERE id = ?", (draft_id,))
            draft = _draft(row)
            await audit.record(conn, who, "discard", "registration_draft", draft_id,
                               {"titles": sorted(draft.titles), "answers": draft.answers})
        return True

    async def session(self, account: str) -> Session | None:
        """The draft (and version) the account last saw, if it is working on one."""
        found = await SessionRepository(self.db).get(account)
        if found is None or found.flow != SESSION_FLOW:
            return None
        draft_id, _, version = found.ref.partition(":")
        return Session(account, int(draft_id), int(version))

    async def remember(self, who: AuditContext, draft: Draft) -> None:
        """Note that the account now sees `draft` at its current version."""
        async with self.db.transaction() as conn:
            await self._remember(conn, who, draft)

    async def forget(self, account: str) -> None:
        await SessionRepository(self.db).forget(account)

    async def forget_draft_session(self, who: AuditContext, draft: Draft) -> None:
        """The account stops answering `draft` (paused): typed text is no answer any more."""
        if who.account is not None:
            await sessions.forget_refs_in_account(self.db, who.account, SESSION_FLOW,
                                                  f"{draft.id}:")

    @staticmethod
    async def _remember(conn: Connection, who: AuditContext, draft: Draft) -> None:
        if who.account is None:
            return
        await sessions.set_in(conn, who.account, SESSION_FLOW, f"{draft.id}:{draft.version}")

    # Confirmed registrations

    async def confirm(
        self,
        draft_id: int,
        expected_version: int,
        ruleset: RuleSet,
        who: AuditContext,
        *,
        actor_person_id: int | None = None,
        source: str = "telegram",
    ) -> Registration | None:
        """Turn a draft into the subject's confirmed registration, in one transaction: implied
        titles added, answers the titles no longer need dropped, a reference number allocated
        for a first registration (kept for later versions). None if the draft is stale."""
        async with self.db.transaction() as conn:
            row = await _one(conn, "SELECT * FROM registration_drafts WHERE id = ?", (draft_id,))
            if row is None or row["version"] != expected_version:
                return None
            draft = _draft(row)
            everything = expand_implied(ruleset, draft.titles)
            ticked = explicit_choice(ruleset, everything)
            answers = prune_answers(ruleset, everything, draft.answers,
                                    subject=draft.subject.kind)
            stored = await store_registration(
                conn, year=draft.year, subject=draft.subject, ticked=ticked,
                implied=everything - ticked, answers=answers, source=source,
                actor_person_id=actor_person_id or draft.actor_person_id, who=who,
            )
            await sessions.forget_refs_in(conn, SESSION_FLOW, f"{draft_id}:")
            await conn.execute("DELETE FROM registration_drafts WHERE id = ?", (draft_id,))
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
        where, params = _subject_where(subject)
        row = await self.db.fetchone(
            f"SELECT id FROM registrations WHERE year = ? AND {where}", (year, *params)
        )
        return await self.get(row["id"]) if row else None

    async def latest_year(self, subject: Subject) -> int | None:
        """The last year the subject has a registration of (confirmed or withdrawn)."""
        where, params = _subject_where(subject)
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
        if scope_org_id is None:
            return [r.record() for r in registrations]
        tree = await OrgRepository(self.db).tree(active_only=False)
        person_orgs = await self._person_orgs(
            r.subject.person_id for r in registrations if r.subject.person_id is not None
        )
        result = []
        for r in registrations:
            org_id = r.subject.org_id
            if r.subject.person_id is not None:
                org_id = person_orgs.get(r.subject.person_id, org_id)
            if org_id in tree and tree.is_within(org_id, scope_org_id):
                result.append(r.record())
        return result

    async def draft_records(self, year: int, scope_org_id: int | None = None
                            ) -> list[RegistrationRecord]:
        """Unconfirmed drafts of `year` as records with status DRAFT (for progress views)."""
        drafts = await self.drafts(year)
        tree = await OrgRepository(self.db).tree(active_only=False)
        person_orgs = await self._person_orgs(
            d.subject.person_id for d in drafts if d.subject.person_id is not None
        )
        result = []
        for d in drafts:
            org_id = d.subject.org_id
            if d.subject.person_id is not None:
                org_id = person_orgs.get(d.subject.person_id, org_id)
            if scope_org_id is not None and not (
                org_id in tree and tree.is_within(org_id, scope_org_id)
            ):
                continue
            result.append(
                RegistrationRecord(
                    year=d.year, subject_kind=d.subject.kind, person_id=d.subject.person_id,
                    org_id=None if d.subject.is_person else d.subject.org_id,
                    titles=d.titles, status=RegistrationStatus.DRAFT, updated_at=d.updated_at,
                )
            )
        return result

    async def _person_orgs(self, person_ids: Iterable[int]) -> dict[int, int]:
        ids = "[" + ",".join(str(int(i)) for i in person_ids) + "]"
        rows = await self.db.fetchall(
            "SELECT id, org_id FROM people WHERE id IN (SELECT value FROM json_each(?))", (ids,)
        )
        return {r["id"]: r["org_id"] for r in rows}
