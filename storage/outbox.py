"""The outbox: every message the bot sends on its own is queued here first.

Queuing happens in one transaction with what caused it, a dedupe key stops the same message
from being queued twice (a digest per person per week, a reminder per person per day), and a
lease held by a named sender stops two senders (the bot and a CLI command) from sending the
same row: a sender renews its lease right before each send, and only the holder may renew.
Messages to one chat leave in the order they were queued: only a chat's oldest pending row
can be claimed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from storage.db import Connection, Database, to_db_time, utcnow

# Longer than one send can take (connect + write + read timeouts), renewed before each send.
LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class NewMessage:
    batch: str
    kind: str
    chat_id: int | str
    text: str  # HTML subset (app.ui), already in the recipient's language
    person_id: int | None = None
    buttons: Sequence[Sequence[Button]] = field(default_factory=tuple)
    dedupe_key: str | None = None
    channel: str = "telegram"

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
    chat_id: int | str
    text: str
    buttons: list[list[dict[str, str]]]
    attempts: int
    channel: str = "telegram"


@dataclass(frozen=True)
class BatchStatus:
    pending: int = 0
    sent: int = 0
    failed: int = 0
    unreachable: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0


async def enqueue_in(conn: Connection, messages: Iterable[NewMessage]) -> int:
    """Queue inside the caller's transaction; returns how many were new (not deduplicated)."""
    now = to_db_time(utcnow())
    before = conn.total_changes
    await conn.executemany(
        "INSERT INTO outbox (batch, kind, person_id, channel, chat_id, payload, dedupe_key,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
        [(m.batch, m.kind, m.person_id, m.channel, m.chat_id, m.payload(), m.dedupe_key, now)
         for m in messages],
    )
    return conn.total_changes - before


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(self, messages: Iterable[NewMessage]) -> int:
        async with self.db.transaction() as conn:
            return await enqueue_in(conn, messages)

    async def claim(self, limit: int, owner: str = "", now: datetime | None = None,
                    channel: str = "telegram") -> list[OutboxMessage]:
        """Lease up to `limit` due messages of a channel for `owner`, oldest first, one per
        chat at most."""
        now = now or utcnow()
        stamp = to_db_time(now)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET claimed_until = ?, claimed_by = ? WHERE id IN ("
                " SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.channel = ?"
                " AND (o.not_before IS NULL OR o.not_before <= ?)"
                " AND (o.claimed_until IS NULL OR o.claimed_until <= ?)"
                " AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.channel = o.channel"
                "  AND e.chat_id = o.chat_id AND e.status = 'pending' AND e.id < o.id)"
                " ORDER BY o.id LIMIT ?)"
                " RETURNING id, batch, kind, person_id, channel, chat_id, payload, attempts",
                (to_db_time(now + LEASE), owner, channel, stamp, stamp, limit),
            )
            rows = await cursor.fetchall()
        messages = []
        for r in sorted(rows, key=lambda r: r["id"]):
            payload: dict[str, Any] = json.loads(r["payload"])
            messages.append(OutboxMessage(
                id=r["id"], batch=r["batch"], kind=r["kind"], person_id=r["person_id"],
                chat_id=r["chat_id"], text=payload["text"], buttons=payload.get("buttons", []),
                attempts=r["attempts"], channel=r["channel"],
            ))
        return messages

    async def renew(self, message_id: int, owner: str, now: datetime | None = None) -> bool:
        """Extend `owner`'s lease just before sending; False if the lease was lost."""
        now = now or utcnow()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimed_by = ?"
                " AND status = 'pending' AND claimed_until > ?",
                (to_db_time(now + LEASE), message_id, owner, to_db_time(now)),
            )
            return cursor.rowcount == 1

    async def mark_sent(self, message_id: int, telegram_message_id: object) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, claimed_until = NULL,"
            " claimed_by = NULL, attempts = attempts + 1 WHERE id = ?",
            (to_db_time(utcnow()), telegram_message_id, message_id),
        )

    async def retry_later(self, message_id: int, not_before: datetime, error: str, *,
                          failed_attempt: bool = True) -> None:
        """Back to the queue until `not_before`; a 429 is not a failed attempt."""
        await self.db.execute(
            "UPDATE outbox SET not_before = ?, last_error = ?, claimed_until = NULL,"
            " claimed_by = NULL, attempts = attempts + ? WHERE id = ?",
            (to_db_time(not_before), error[:500], int(failed_attempt), message_id),
        )

    async def release(self, message_ids: Iterable[int], owner: str = "") -> None:
        """Give back leases not used (the sender is stopping, or a chat must wait)."""
        ids = "[" + ",".join(str(int(i)) for i in message_ids) + "]"
        await self.db.execute(
            "UPDATE outbox SET claimed_until = NULL, claimed_by = NULL"
            " WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'"
            " AND coalesce(claimed_by, '') = ?",
            (ids, owner),
        )

    async def finish(self, message_id: int, status: str, error: str) -> None:
        """A final outcome other than sent: 'failed' or 'unreachable'."""
        await self.db.execute(
            "UPDATE outbox SET status = ?, last_error = ?, claimed_until = NULL,"
            " claimed_by = NULL, attempts = attempts + 1 WHERE id = ?",
            (status, error[:500], message_id),
        )

    async def batch_status(self, batch: str) -> BatchStatus:
        rows = await self.db.fetchall(
            "SELECT status, count(*) AS n FROM outbox WHERE batch = ? GROUP BY status", (batch,)
        )
        counts = {r["status"]: r["n"] for r in rows}
        return BatchStatus(**{k: counts.get(k, 0) for k in
                              ("pending", "sent", "failed", "unreachable")})

    async def pending_count(self, batch: str | None = None, channel: str | None = None) -> int:
        sql = "SELECT count(*) FROM outbox WHERE status = 'pending'"
        params: tuple[str, ...] = ()
        if batch is not None:
            sql, params = sql + " AND batch = ?", (*params, batch)
        if channel is not None:
            sql, params = sql + " AND channel = ?", (*params, channel)
        row = await self.db.fetchone(sql, params)
        return int(row[0]) if row else 0

    async def next_due(self, channel: str = "telegram") -> datetime | None:
        """When the earliest pending message of a channel may go (None: nothing pending)."""
        row = await self.db.fetchone(
            "SELECT min(max(coalesce(not_before, ''), coalesce(claimed_until, ''))) AS due"
            " FROM outbox WHERE status = 'pending' AND channel = ?", (channel,)
        )
        if row is None or row["due"] is None:
            return None
        return datetime.fromisoformat(row["due"]) if row["due"] else utcnow()

    async def outcomes(self, batch: str) -> dict[int, str]:
        """person id -> status of a batch's messages to people (for reports)."""
        rows = await self.db.fetchall(
            "SELECT person_id, status FROM outbox WHERE batch = ? AND person_id IS NOT NULL",
            (batch,),
        )
        return {r["person_id"]: r["status"] for r in rows}
