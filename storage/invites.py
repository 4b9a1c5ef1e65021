"""One-time, expiring invite codes: how a person links an account where no verified phone
number can be shared (Zalo), or where sharing it fails.

Only a SHA-256 of each code is stored, so a copy of the database does not leak usable codes.
A code carries 100 random bits (domain.invite_codes); a new code for a person revokes their
earlier unused ones, so only the latest slip handed out works. An account that sends wrong
codes is slowed down (`AttemptLimit`: failures are rows in SQLite, so a restart forgives
nothing), which keeps guessing hopeless on every channel.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.invite_codes import canonical, legacy_form, new_code
from domain.models import Person
from storage import audit
from storage.audit import AuditContext
from storage.db import Connection, Database, from_db_time, to_db_time, utcnow
from storage.people import person_from_row


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"
    REVOKED = "revoked"  # replaced by a newer code for the same person
    THROTTLED = "throttled"  # too many wrong codes from this account lately: not even looked at


@dataclass(frozen=True)
class AttemptLimit:
    """At most `failures` wrong codes per account within `window`."""

    failures: int = 5
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class RedeemResult:
    person: Person | None
    problem: InviteProblem | None
    # When the account may try again: set when it is throttled, and on the failure that used
    # its last attempt.
    retry_at: datetime | None = None


@dataclass(frozen=True)
class Issued:
    person: Person
    code: str  # as printed: groups of four
    expires_at: datetime
    revoked: int  # earlier unused codes of the person this one replaces


@dataclass(frozen=True)
class Candidate:
    """A roster person who may be handed a code, and what they have already."""

    person: Person
    channels: tuple[str, ...]  # the channels the person is linked on
    pending_until: datetime | None  # an unused code of theirs is valid until then


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def code_hashes(text: str) -> list[str]:
    """The stored hashes a typed text may stand for: the canonical form of a new code, and
    the text as typed for a code of the first format."""
    forms = [form for form in (canonical(text), legacy_form(text)) if form is not None]
    return [_hash(form) for form in dict.fromkeys(forms)]


class InviteRepository:
    def __init__(self, db: Database, limit: AttemptLimit | None = None) -> None:
        self.db = db
        self.limit = limit or AttemptLimit()

    async def create(self, person: Person, ttl: timedelta, who: AuditContext) -> str:
        """A new code for one person (earlier unused ones are revoked)."""
        (issued,) = await self.issue([person], ttl, who)
        return issued.code

    async def issue(self, people: Sequence[Person], ttl: timedelta, who: AuditContext, *,
                    batch: dict[str, Any] | None = None) -> list[Issued]:
        """A new code for each person, all or nothing; each person's earlier unused codes are
        revoked. `batch`: details of one audit entry describing the whole request."""
        now = utcnow()
        expires = now + ttl
        issued: list[Issued] = []
        async with self.db.transaction() as conn:
            for person in people:
                code = new_code()
                cursor = await conn.execute(
                    "UPDATE invite_codes SET revoked_at = ? WHERE person_id = ?"
                    " AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
                    (to_db_time(now), person.id, to_db_time(now)),
                )
                revoked = max(cursor.rowcount, 0)
                await conn.execute(
                    "INSERT INTO invite_codes (code_hash, person_id, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?)",
                    (_hash(canonical(code) or code), person.id, to_db_time(now),
                     to_db_time(expires)),
                )
                await audit.record(conn, who, "invite_create", "person", person.id,
                                   {"expires_at": to_db_time(expires), "revoked": revoked})
                issued.append(Issued(person, code, expires, revoked))
            if batch is not None:
                await audit.record(conn, who, "invite_batch", "invites", None,
                                   {**batch, "people": len(issued)})
        return issued

    async def redeem(self, code: str, account: str | int, who: AuditContext, *,
                     now: datetime | None = None) -> RedeemResult:
        """Mark the code used by `account` (atomically, so two redeemers cannot both win).

        A wrong code counts against the account; an account over the limit is refused
        without the code being looked at. The same account redeeming its own code again (a
        replayed update) gets the person again."""
        account = str(account)
        now = now or utcnow()
        async with self.db.transaction() as conn:
            failures = await self._recent_failures(conn, account, now)
            if len(failures) >= self.limit.failures:
                return RedeemResult(None, InviteProblem.THROTTLED,
                                    self._retry_at(failures))
            hashes = code_hashes(code)
            rows = await conn.execute_fetchall(
                "SELECT i.*, p.active AS person_active FROM invite_codes i"
                " JOIN people p ON p.id = i.person_id"
                " WHERE i.code_hash IN (SELECT value FROM json_each(?))",
                (json.dumps(hashes),),
            )
            invite = next(iter(rows), None)
            problem = self._problem(invite, account, now)
            if problem is not None:
                failures.append(to_db_time(now))
                await conn.execute(
                    "INSERT INTO invite_failures (account, at) VALUES (?, ?)",
                    (account, to_db_time(now)))
                await conn.execute("DELETE FROM invite_failures WHERE at <= ?",
                                   (to_db_time(now - self.limit.window),))
                retry = self._retry_at(failures) \
                    if len(failures) >= self.limit.failures else None
                return RedeemResult(None, problem, retry)
            assert invite is not None
            person_rows = await conn.execute_fetchall(
                "SELECT * FROM people WHERE id = ?", (invite["person_id"],))
            person = person_from_row(next(iter(person_rows)))
            if invite["used_at"] is None:
                await conn.execute(
                    "UPDATE invite_codes SET used_at = ?, used_by_account = ?"
                    " WHERE code_hash = ?",
                    (to_db_time(now), account, invite["code_hash"]),
                )
                await audit.record(conn, who, "invite_redeem", "person", person.id, {})
            return RedeemResult(person, None)

    @staticmethod
    def _problem(invite: Any, account: str, now: datetime) -> InviteProblem | None:
        if invite is None:
            return InviteProblem.UNKNOWN
        if invite["used_at"] is not None:
            if invite["used_by_account"] != account:
                return InviteProblem.USED
        elif invite["revoked_at"] is not None:
            return InviteProblem.REVOKED
        elif invite["expires_at"] < to_db_time(now):
            return InviteProblem.EXPIRED
        if not invite["person_active"]:
            return InviteProblem.INACTIVE
        return None

    async def _recent_failures(self, conn: Connection, account: str, now: datetime
                               ) -> list[str]:
        rows = await conn.execute_fetchall(
            "SELECT at FROM invite_failures WHERE account = ? AND at > ? ORDER BY at",
            (account, to_db_time(now - self.limit.window)),
        )
        return [r["at"] for r in rows]

    def _retry_at(self, failures: list[str]) -> datetime:
        """When fewer than the limit's failures are left in the window."""
        oldest_counted = failures[len(failures) - self.limit.failures]
        moment = from_db_time(oldest_counted)
        assert moment is not None
        return moment + self.limit.window

    async def candidates(self, org_ids: Iterable[int] = (), person_ids: Iterable[int] = ()
                         ) -> list[Candidate]:
        """The active people of these org units (and these people), with their links and
        pending codes."""
        rows = await self.db.fetchall(
            "SELECT p.*,"
            " (SELECT json_group_array(l.channel) FROM links l WHERE l.person_id = p.id)"
            "   AS channels,"
            " (SELECT max(i.expires_at) FROM invite_codes i WHERE i.person_id = p.id"
            "   AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?)"
            "   AS pending_until"
            " FROM people p WHERE p.active = 1"
            " AND (p.org_id IN (SELECT value FROM json_each(?))"
            "      OR p.id IN (SELECT value FROM json_each(?)))"
            " ORDER BY p.id",
            (to_db_time(utcnow()), _ids(org_ids), _ids(person_ids)),
        )
        return [Candidate(person_from_row(r), tuple(sorted(json.loads(r["channels"]))),
                          from_db_time(r["pending_until"])) for r in rows]


def _ids(ids: Iterable[int]) -> str:
    return json.dumps([int(i) for i in ids])
