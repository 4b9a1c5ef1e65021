"""Registration drafts: work in progress (ticked titles, answers, the step reached, a version
bumped at every change), and the chat session naming the draft an account answers.

Every write is one transaction with its audit entry; a change made on a stale version
writes nothing. Confirming a draft is `storage.registrations.RegistrationRepository.confirm`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from domain.drafts import Draft, DraftSession
from domain.records import RegistrationRecord, RegistrationStatus
from domain.subjects import Subject
from storage import audit, sessions
from storage.audit import AuditContext
from storage.db import Connection, Database, from_db_time, to_db_time, utcnow
from storage.registration_rows import dumps, fetch_one, row_subject, subject_where, within_scope
from storage.sessions import SessionRepository

SESSION_FLOW = "rg"  # chat_sessions.flow of a registration question


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(
        id=row["id"],
        year=row["year"],
        subject=row_subject(row),
        titles=frozenset(json.loads(row["titles"])),
        answers=json.loads(row["answers"]),
        step=row["step"],
        version=row["version"],
        actor_person_id=row["actor_person_id"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_db_time(row["updated_at"]),  # type: ignore[arg-type]
    )


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def draft(self, year: int, subject: Subject) -> Draft | None:
        where, params = subject_where(subject)
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
        where, params = subject_where(subject)
        async with self.db.transaction() as conn:
            row = await fetch_one(
                conn,
                f"SELECT * FROM registration_drafts WHERE year = ? AND {where}"
                " ORDER BY updated_at DESC LIMIT 1",
                (year, *params),
            )
            if row is None:
                row = await fetch_one(
                    conn,
                    "INSERT INTO registration_drafts (year, subject_kind, person_id, org_id,"
                    " titles, answers, step, version, actor_person_id, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING *",
                    (year, subject.kind.value, subject.person_id, subject.org_id,
                     dumps(sorted(set(titles))), dumps(dict(answers or {})), step,
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
                (draft_id, expected_version, dumps(sorted(new.titles)), dumps(new.answers),
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
            row = await fetch_one(conn, "SELECT * FROM registration_drafts WHERE id = ?",
                                  (draft_id,))
            if row is None:
                return False
            await sessions.forget_refs_in(conn, SESSION_FLOW, f"{draft_id}:")
            await conn.execute("DELETE FROM registration_drafts WHERE id = ?", (draft_id,))
            draft = _draft(row)
            await audit.record(conn, who, "discard", "registration_draft", draft_id,
                               {"titles": sorted(draft.titles), "answers": draft.answers})
        return True

    async def session(self, account: str) -> DraftSession | None:
        """The draft (and version) the account last saw, if it is working on one."""
        found = await SessionRepository(self.db).get(account)
        if found is None or found.flow != SESSION_FLOW:
            return None
        draft_id, _, version = found.ref.partition(":")
        return DraftSession(account, int(draft_id), int(version))

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

    async def records(self, year: int, scope_org_id: int | None = None
                      ) -> list[RegistrationRecord]:
        """Unconfirmed drafts of `year` whose subject lies in `scope_org_id` (None:
        everywhere) as records with status DRAFT (for progress views); a person counts where
        the roster puts them now."""
        drafts = await self.drafts(year)
        inside = await within_scope(self.db, [d.subject for d in drafts], scope_org_id)
        return [
            RegistrationRecord(
                year=d.year, subject_kind=d.subject.kind, person_id=d.subject.person_id,
                org_id=None if d.subject.is_person else d.subject.org_id,
                titles=d.titles, status=RegistrationStatus.DRAFT, updated_at=d.updated_at,
            )
            for d, keep in zip(drafts, inside, strict=True) if keep
        ]
