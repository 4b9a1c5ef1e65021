"""Files sent to the bot that wait for their sender to confirm a preview.

A row keeps the file as parsed once (JSON, `domain.uploads`), the digest of the plan its
preview showed, and when the preview expires. Whatever it holds (every phone number of a
roster) is wiped when it is applied, cancelled or expired: only the fact of the upload stays.

Who sent it where: the chat and the sender's id on the channel named in `options`
("channel", Telegram for rows older than it); the columns keep their first names
(`chat_id`, `telegram_user_id`) and take any channel's ids.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.db import Database, from_db_time, to_db_time, utcnow

OPEN, APPLIED, CANCELLED, EXPIRED = "pending", "applied", "cancelled", "expired"


@dataclass(frozen=True)
class PendingUpload:
    id: int
    kind: str
    channel: str
    chat_id: str  # the channel's own ids, as text
    user_id: str
    filename: str
    parsed: str | None  # JSON of domain.uploads.ParsedUpload; None once decided
    plan_digest: str | None
    options: dict[str, Any]
    status: str
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return self.status == EXPIRED or (self.status == OPEN and now >= self.expires_at)

    @property
    def account(self) -> str:
        """The sender's account ("telegram:123"), as app.events.Source names it."""
        return f"{self.channel}:{self.user_id}"


class UploadRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, kind: str, channel: str, chat_id: str, user_id: str, filename: str,
                  parsed: str, plan_digest: str, ttl: timedelta,
                  options: dict[str, Any] | None = None, now: datetime | None = None) -> int:
        now = now or utcnow()
        stored = {**(options or {}), "channel": channel}
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO pending_uploads (kind, chat_id, telegram_user_id, filename, parsed,"
                " plan_digest, options, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, chat_id, user_id, filename, parsed, plan_digest,
                 json.dumps(stored), to_db_time(now), to_db_time(now + ttl)),
            )
            return int(cursor.lastrowid or 0)

    async def get(self, upload_id: int) -> PendingUpload | None:
        row = await self.db.fetchone("SELECT * FROM pending_uploads WHERE id = ?", (upload_id,))
        if row is None:
            return None
        expires_at = from_db_time(row["expires_at"])
        assert expires_at is not None  # NOT NULL
        options = json.loads(row["options"])
        return PendingUpload(
            id=row["id"], kind=row["kind"], channel=options.pop("channel", "telegram"),
            chat_id=str(row["chat_id"]), user_id=str(row["telegram_user_id"]),
            filename=row["filename"], parsed=row["parsed"], plan_digest=row["plan_digest"],
            options=options, status=row["status"], expires_at=expires_at,
        )

    async def close(self, upload_id: int, status: str, now: datetime | None = None) -> bool:
        """Move a pending upload to `status`, wiping what it held; False if it was not pending
        any more (decided by another tap, or expired)."""
        changed = await self.db.execute(
            "UPDATE pending_uploads SET status = ?, parsed = NULL, content = x''"
            " WHERE id = ? AND status = 'pending' AND (? != 'applied' OR expires_at > ?)",
            (status, upload_id, status, to_db_time(now or utcnow())),
        )
        return changed == 1

    async def expire(self, now: datetime | None = None) -> int:
        """Wipe every preview past its time (the periodic cleanup); returns how many."""
        return await self.db.execute(
            "UPDATE pending_uploads SET status = 'expired', parsed = NULL, content = x''"
            " WHERE status = 'pending' AND expires_at <= ?",
            (to_db_time(now or utcnow()),),
        )

    async def holding_data(self) -> int:
        """Rows that still hold a file's data (for tests and the health of the cleanup)."""
        row = await self.db.fetchone(
            "SELECT count(*) FROM pending_uploads WHERE parsed IS NOT NULL OR length(content) > 0")
        return int(row[0]) if row else 0
