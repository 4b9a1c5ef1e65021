"""The outbox: every message the bot sends on its own is queued here first.

Queuing happens in one transaction with what caused it, a dedupe key stops the same message
from being queued twice (a digest per person per week, a reminder per person per day), and a
short lease stops two senders (the bot and a CLI command) from sending the same row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from storage.db import Database, to_db_time, utcnow

LEASE = timedelta(seconds=20)


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class NewMessage:
    batch: str
    kind: str
    chat_id: int
    text: str  # HTML, already in the recipient's language
    person_id: int | None = None
    buttons: Sequence[Sequence[Button]] = field(default_factory=tuple)
    dedupe_key: str | None = None

    def payload(self) -> str:
        rows = [[{k: v for k, v in vars(b).items() if v is not None} for b in row]
                for row in self.buttons]
        return json.dumps({"text": self.text, "buttons": rows}, ensure_ascii=False)


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    batch: str
    kind: str
    person_id: int | None
    chat_id: int
    text: str
    buttons: list[list[dict[str, str]]]
    attempts: int


@dataclass(frozen=True)
class BatchStatus:
    pending: int = 0
    sent: int = 0
    failed: int = 0
    unreachable: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


async def enqueue_in(conn: aiosqlite.Connection, messages: Iterable[NewMessage]) -> int:
    """Queue inside the caller's transaction; returns how many were new (not deduplicated)."""
    now = to_db_time(utcnow())
    before = conn.total_changes
    await conn.executemany(
        "INSERT INTO outbox (batch, kind, person_id, chat_id, payload, dedupe_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
        [(m.batch, m.kind, m.person_id, m.chat_id, m.payload(), m.dedupe_key, now)
         for m in messages],
    )
    return conn.total_changes - before


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(self, messages: Iterable[NewMessage]) -> int:
        async with self.db.transaction() as conn:
            return await enqueue_in(conn, messages)

    async def claim(self, limit: int, now: datetime | None = None) -> list[OutboxMessage]:
        """Lease up to `limit` due messages, oldest first."""
        now = now or utcnow()
        stamp = to_db_time(now)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET claimed_until = ? WHERE id IN ("
                " SELECT id FROM outbox WHERE status = 'pending'"
                " AND (not_before IS NULL OR not_before <= ?)"
                " AND (claimed_until IS NULL OR claimed_until <= ?)"
                " ORDER BY id LIMIT ?)"
                " RETURNING id, batch, kind, person_id, chat_id, payload, attempts",
                (to_db_time(now + LEASE), stamp, stamp, limit),
            )
            rows = await cursor.fetchall()
        messages = []
        for r in sorted(rows, key=lambda r: r["id"]):
            payload: dict[str, Any] = json.loads(r["payload"])
            messages.append(OutboxMessage(
                id=r["id"], batch=r["batch"], kind=r["kind"], person_id=r["person_id"],
                chat_id=r["chat_id"], text=payload["text"], buttons=payload.get("buttons", []),
                attempts=r["attempts"],
            ))
        return messages

    async def mark_sent(self, message_id: int, telegram_message_id: int | None) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, claimed_until = NULL,"
            " attempts = attempts + 1 WHERE id = ?",
            (to_db_time(utcnow()), telegram_message_id, message_id),
        )

    async def retry_later(self, message_id: int, not_before: datetime, error: str) -> None:
        await self.db.execute(
            "UPDATE outbox SET not_before = ?, last_error = ?, claimed_until = NULL,"
            " attempts = attempts + 1 WHERE id = ?",
            (to_db_time(not_before), error[:500], message_id),
        )

    async def release(self, message_ids: Iterable[int]) -> None:
        """Give back leases not used (the sender is stopping)."""
        ids = "[" + ",".join(str(int(i)) for i in message_ids) + "]"
        await self.db.execute(
            "UPDATE outbox SET claimed_until = NULL"
            " WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'",
            (ids,),
        )

    async def finish(self, message_id: int, status: str, error: str) -> None:
        """A final outcome other than sent: 'failed' or 'unreachable'."""
        await self.db.execute(
            "UPDATE outbox SET status = ?, last_error = ?, claimed_until = NULL,"
            " attempts = attempts + 1 WHERE id = ?",
            (status, error[:500], message_id),
        )

    async def batch_status(self, batch: str) -> BatchStatus:
        rows = await self.db.fetchall(
            "SELECT status, count(*) AS n FROM outbox WHERE batch = ? GROUP BY status", (batch,)
        )
        counts = {r["status"]: r["n"] for r in rows}
        return BatchStatus(**{k: counts.get(k, 0) for k in
                              ("pending", "sent", "failed", "unreachable")})

    async def pending_count(self) -> int:
        row = await self.db.fetchone("SELECT count(*) FROM outbox WHERE status = 'pending'")
        return int(row[0]) if row else 0
