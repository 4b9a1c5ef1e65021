"""The update inbox: updates stored on arrival, acknowledged once processed.

Long polling confirms an update to Telegram as soon as the next batch is requested, which is
before the update is processed; a webhook answers 200 before processing too. Storing each
update first closes that gap: whatever a killed process had taken is replayed at start-up.
Processed rows keep only their digest (no personal data) for a while, so an update Telegram
delivers twice is recognised and dropped.

Each of these is one statement, so one round trip to the database's thread: storing updates
(an upsert that says which ones are new) and finishing them (their conversation states and
acknowledgements, written by the trigger of the `update_done` view, migration 0061: SQLite
applies a statement and its triggers atomically).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

import aiosqlite

from storage.db import Database, to_db_time, utcnow

log = logging.getLogger(__name__)
KEEP_PROCESSED = timedelta(days=2)  # Telegram keeps undelivered updates for 24 hours
MAX_ATTEMPTS = 3  # an update that was being processed at three crashes in a row is dropped


@dataclass(frozen=True)
class PendingUpdate:
    update_id: int
    payload: str
    attempts: int


class StateChange(NamedTuple):
    """A conversation state to store (json), or to delete (state None)."""

    name: str
    key: str
    state: str | None


def digest(payload: str) -> str:
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


async def ack_in(conn: aiosqlite.Connection, update_id: int) -> None:
    """Mark an update processed, inside the caller's transaction."""
    await conn.execute(
        "UPDATE update_inbox SET processed_at = ?, payload = '' WHERE update_id = ?"
        " AND processed_at IS NULL",
        (to_db_time(utcnow()), update_id),
    )


class UpdateInbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def receive(self, update_id: int, payload: str) -> bool:
        """Store an update; False if this very update was stored before (a redelivery).

        An id seen before with other content is a new update (Telegram restarts its sequence
        after a quiet week): it replaces the old row.
        """
        changed = await self.db.execute(
            "INSERT INTO update_inbox (update_id, digest, payload, received_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO UPDATE SET"
            " digest = excluded.digest, payload = excluded.payload,"
            " received_at = excluded.received_at, attempts = 0, processed_at = NULL"
            " WHERE update_inbox.digest <> excluded.digest",
            (update_id, digest(payload), payload, to_db_time(utcnow())),
        )
        return changed > 0

    async def receive_many(self, updates: Sequence[tuple[int, str]]) -> set[int]:
        """Store a batch of (update_id, payload) in one statement; the ids that were new (the
        others were stored before: redeliveries)."""
        if not updates:
            return set()
        batch = json.dumps([[update_id, digest(payload), payload]
                            for update_id, payload in updates], ensure_ascii=False)
        rows = await self.db.execute_returning(
            "INSERT INTO update_inbox (update_id, digest, payload, received_at)"
            " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
            " json_extract(value, '$[2]'), ? FROM json_each(?) WHERE true"
            " ON CONFLICT (update_id) DO UPDATE SET"
            " digest = excluded.digest, payload = excluded.payload,"
            " received_at = excluded.received_at, attempts = 0, processed_at = NULL"
            " WHERE update_inbox.digest <> excluded.digest RETURNING update_id",
            (to_db_time(utcnow()), batch),
        )
        return {r[0] for r in rows}

    async def take_pending(self) -> list[PendingUpdate]:
        """Updates received but never processed, oldest first, counting this replay.

        Those already replayed MAX_ATTEMPTS times are given up (logged), so one update that
        crashes the process cannot keep it from starting.
        """
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT update_id, payload, attempts FROM update_inbox"
                " WHERE processed_at IS NULL ORDER BY received_at, update_id"
            ) as cursor:
                rows = list(await cursor.fetchall())
            pending = []
            for row in rows:
                if row["attempts"] >= MAX_ATTEMPTS:
                    log.error("update %s was being processed at %d crashes: dropped",
                              row["update_id"], row["attempts"])
                    await ack_in(conn, row["update_id"])
                    continue
                pending.append(PendingUpdate(row["update_id"], row["payload"],
                                             row["attempts"] + 1))
            await conn.execute(
                "UPDATE update_inbox SET attempts = attempts + 1 WHERE processed_at IS NULL"
            )
        return pending

    async def ack(self, update_id: int) -> None:
        await finish(self.db, [(update_id, ())])

    async def prune(self, keep: timedelta = KEEP_PROCESSED) -> None:
        await self.db.execute(
            "DELETE FROM update_inbox WHERE processed_at IS NOT NULL AND processed_at < ?",
            (to_db_time(utcnow() - keep),),
        )

    async def counts(self) -> tuple[int, int]:
        """(pending, processed) rows."""
        row = await self.db.fetchone(
            "SELECT count(*) FILTER (WHERE processed_at IS NULL) AS pending,"
            " count(*) FILTER (WHERE processed_at IS NOT NULL) AS processed FROM update_inbox"
        )
        return (int(row["pending"]), int(row["processed"])) if row else (0, 0)


async def finish(db: Database, updates: Sequence[tuple[int | None, Sequence[StateChange]]]
                 ) -> None:
    """Store the conversation states of updates and mark them processed, in one statement."""
    batch = [[update_id, [list(change) for change in states]] for update_id, states in updates]
    await db.execute(
        "INSERT INTO update_done (update_id, states, at) SELECT json_extract(value, '$[0]'),"
        " json_extract(value, '$[1]'), ? FROM json_each(?)",
        (to_db_time(utcnow()), json.dumps(batch, ensure_ascii=False)),
    )


class Finisher:
    """Finishes updates in groups: while one statement is in the database's thread, updates
    that finish meanwhile wait for the next one, which writes them all (one round trip and one
    commit for many updates on a busy day, one per update on a quiet one). Each caller returns
    once its own update is written, so an update still ends before the next of its chat."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._waiting: list[tuple[int | None, Sequence[StateChange], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def finish(self, update_id: int | None, states: Sequence[StateChange]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((update_id, states, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                await finish(self.db, [(update_id, states) for update_id, states, _ in group])
            except BaseException as exc:
                for *_, done in group:
                    if not done.done():
                        done.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
            else:
                for *_, done in group:
                    if not done.done():
                        done.set_result(None)
