"""The Zalo inbox: updates stored on arrival, keyed by message id, marked done once processed.

The Telegram inbox (storage/inbox.py) keys updates by Telegram's update id; Zalo has none,
and no offset either: the platform forgets an update once handed out. So each update is
stored before it is processed, keyed by its message id: a re-delivery (webhook retry, the
platform handing it out again) finds the id and is dropped; a process killed before the
update was done replays it at the next start. Processed rows keep only their id for a while.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import timedelta

import aiosqlite

from storage.db import Database, to_db_time, utcnow

log = logging.getLogger(__name__)
KEEP_PROCESSED = timedelta(days=7)  # how long a re-delivery is still recognised
MAX_ATTEMPTS = 3  # an update that was being processed at three crashes in a row is dropped


@dataclass(frozen=True)
class PendingZaloUpdate:
    message_id: str
    payload: str
    attempts: int


async def done_in(conn: aiosqlite.Connection, message_id: str) -> None:
    """Mark an update processed inside the caller's transaction (with what it produced)."""
    await conn.execute(
        "UPDATE zalo_inbox SET processed_at = ?, payload = '' WHERE message_id = ?"
        " AND processed_at IS NULL",
        (to_db_time(utcnow()), message_id),
    )


class ZaloInbox:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Acknowledgements waiting for the statement that writes them (see `done`).
        self._waiting: list[tuple[str, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def receive(self, message_id: str, payload: str) -> bool:
        """Store an update; False if this message id was stored before (a re-delivery)."""
        changed = await self.db.execute(
            "INSERT INTO zalo_inbox (message_id, payload, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT (message_id) DO NOTHING",
            (message_id, payload, to_db_time(utcnow())),
        )
        return changed > 0

    async def done(self, message_id: str) -> None:
        """Mark an update processed. Updates finishing while a statement is in the database's
        thread wait for the next one, which writes them all: one round trip for many updates
        on a busy day, one per update on a quiet one. Returns once this one is written."""
        finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((message_id, finished))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await finished

    async def _write(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting, []
            try:
                await self.db.execute(
                    "UPDATE zalo_inbox SET processed_at = ?, payload = ''"
                    " WHERE message_id IN (SELECT value FROM json_each(?))"
                    " AND processed_at IS NULL",
                    (to_db_time(utcnow()), json.dumps([m for m, _f in group])),
                )
            except BaseException as exc:
                for _m, finished in group:
                    if not finished.done():
                        finished.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
            else:
                for _m, finished in group:
                    if not finished.done():
                        finished.set_result(None)

    async def take_pending(self) -> list[PendingZaloUpdate]:
        """Updates received but never processed, oldest first, counting this replay.

        Those already replayed MAX_ATTEMPTS times are given up (logged), so one update that
        crashes the process cannot keep it from starting.
        """
        async with self.db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT message_id, payload, attempts FROM zalo_inbox"
                " WHERE processed_at IS NULL ORDER BY received_at, rowid")
            pending = []
            for row in rows:
                if row["attempts"] >= MAX_ATTEMPTS:
                    log.error("Zalo update %s was being processed at %d crashes: dropped",
                              row["message_id"], row["attempts"])
                    await done_in(conn, row["message_id"])
                    continue
                pending.append(PendingZaloUpdate(row["message_id"], row["payload"],
                                                 row["attempts"] + 1))
            await conn.execute(
                "UPDATE zalo_inbox SET attempts = attempts + 1 WHERE processed_at IS NULL")
        return pending

    async def prune(self, keep: timedelta = KEEP_PROCESSED) -> None:
        await self.db.execute(
            "DELETE FROM zalo_inbox WHERE processed_at IS NOT NULL AND processed_at < ?",
            (to_db_time(utcnow() - keep),),
        )

    async def counts(self) -> tuple[int, int]:
        """(pending, processed) rows."""
        row = await self.db.fetchone(
            "SELECT count(*) FILTER (WHERE processed_at IS NULL) AS pending,"
            " count(*) FILTER (WHERE processed_at IS NOT NULL) AS processed FROM zalo_inbox"
        )
        return (int(row["pending"]), int(row["processed"])) if row else (0, 0)

    async def is_done(self, message_id: str) -> bool | None:
        """True once processed, False while pending, None if never stored."""
        row = await self.db.fetchone(
            "SELECT processed_at FROM zalo_inbox WHERE message_id = ?", (message_id,))
        return None if row is None else row["processed_at"] is not None
