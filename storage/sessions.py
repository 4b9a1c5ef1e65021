"""What typed text answers, per account: the flow waiting for it and what it acts on.

`chat_sessions` (migration 0200) holds one row per account: the flow ("rg" for a registration
question) and its reference ("<draft id>:<version>"). The registration's one-statement draft
change (the `draft_change` view) writes it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Connection, Database, to_db_time, utcnow


@dataclass(frozen=True)
class Session:
    account: str
    flow: str
    ref: str


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, account: str) -> Session | None:
        row = await self.db.fetchone(
            "SELECT account, flow, ref FROM chat_sessions WHERE account = ?", (account,))
        return Session(row["account"], row["flow"], row["ref"]) if row else None

    async def set(self, account: str, flow: str, ref: str) -> None:
        await self.db.execute(SET_SQL, (account, flow, ref, to_db_time(utcnow())))

    async def forget(self, account: str) -> None:
        await self.db.execute("DELETE FROM chat_sessions WHERE account = ?", (account,))


SET_SQL = (
    "INSERT INTO chat_sessions (account, flow, ref, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (account) DO UPDATE SET flow = excluded.flow, ref = excluded.ref,"
    " updated_at = excluded.updated_at"
)


async def set_in(conn: Connection, account: str, flow: str, ref: str) -> None:
    await conn.execute(SET_SQL, (account, flow, ref, to_db_time(utcnow())))


async def forget_refs_in(conn: Connection, flow: str, ref_prefix: str) -> None:
    """Every account's session on references starting with `ref_prefix` ("12:" = draft 12)."""
    await conn.execute(
        "DELETE FROM chat_sessions WHERE flow = ? AND substr(ref, 1, ?) = ?",
        (flow, len(ref_prefix), ref_prefix),
    )


async def forget_refs_in_account(db: Database, account: str, flow: str, ref_prefix: str) -> None:
    await db.execute(
        "DELETE FROM chat_sessions WHERE account = ? AND flow = ? AND substr(ref, 1, ?) = ?",
        (account, flow, len(ref_prefix), ref_prefix),
    )
