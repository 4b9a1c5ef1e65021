"""One-time, expiring invite codes (fallback when contact sharing is not possible).

Only a SHA-256 of each code is stored, so a copy of the database does not leak usable codes.
Codes carry 96 random bits and fit Telegram's deep-link alphabet (A-Z a-z 0-9 _ -).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from domain.models import Person
from storage import audit
from storage.audit import AuditContext
from storage.db import Database, to_db_time, utcnow
from storage.people import person_from_row


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class RedeemResult:
    person: Person | None
    problem: InviteProblem | None


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


def looks_like_code(text: str) -> bool:
    return 8 <= len(text) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)


class InviteRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, person: Person, ttl: timedelta, who: AuditContext) -> str:
        code = secrets.token_urlsafe(12)
        now = utcnow()
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO invite_codes (code_hash, person_id, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (_hash(code), person.id, to_db_time(now), to_db_time(now + ttl)),
            )
            await audit.record(conn, who, "invite_create", "person", person.id,
                               {"expires_at": to_db_time(now + ttl)})
        return code

    async def redeem(self, code: str, account: str, who: AuditContext) -> RedeemResult:
        """Mark the code used (atomically, so two redeemers cannot both win)."""
        now = to_db_time(utcnow())
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT i.*, p.id AS pid FROM invite_codes i JOIN people p ON p.id = i.person_id"
                " WHERE i.code_hash = ?",
                (_hash(code),),
            ) as cursor:
                invite = await cursor.fetchone()
            if invite is None:
                return RedeemResult(None, InviteProblem.UNKNOWN)
            if invite["used_at"] is not None:
                return RedeemResult(None, InviteProblem.USED)
            if invite["expires_at"] < now:
                return RedeemResult(None, InviteProblem.EXPIRED)
            async with conn.execute(
                "SELECT * FROM people WHERE id = ?", (invite["person_id"],)
            ) as cursor:
                person_row = await cursor.fetchone()
            if person_row is None or not person_row["active"]:
                return RedeemResult(None, InviteProblem.INACTIVE)
            await conn.execute(
                "UPDATE invite_codes SET used_at = ?, used_by_account = ? WHERE code_hash = ?",
                (now, account, invite["code_hash"]),
            )
            await audit.record(conn, who, "invite_redeem", "person", invite["person_id"], {})
            return RedeemResult(person_from_row(person_row), None)
