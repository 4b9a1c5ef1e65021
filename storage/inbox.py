"""The update inbox: updates stored on arrival, acknowledged once processed.

Long polling confirms an update to Telegram as soon as the next batch is requested, which is
before the update is processed; a webhook answers 200 before processing too. Storing each
update first closes that gap: whatever a killed process had taken is replayed at start-up.
Processed rows keep only their digest (no personal data) for a while, so an update Telegram
delivers twice is recognised and dropped.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

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
        key = digest(payload)
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT digest FROM update_inbox WHERE update_id = ?", (update_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and row["digest"] == key:
                return False
            await conn.execute(
                "INSERT OR REPLACE INTO update_inbox (update_id, digest, payload, received_at)"
                " VALUES (?, ?, ?, ?)",
                (update_id, key, payload, to_db_time(utcnow())),
            )
        return True

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
        async with self.db.transaction() as conn:
            await ack_in(conn, update_id)

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
