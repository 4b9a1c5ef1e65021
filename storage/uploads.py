"""Files sent to the bot that wait for their sender to confirm a preview."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.db import Database, to_db_time, utcnow


@dataclass(frozen=True)
class PendingUpload:
    id: int
    kind: str
    chat_id: int
    telegram_user_id: int
    filename: str
    content: bytes
    options: dict[str, Any]
    status: str


class UploadRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, kind: str, chat_id: int, telegram_user_id: int, filename: str,
                  content: bytes, options: dict[str, Any] | None = None) -> int:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO pending_uploads (kind, chat_id, telegram_user_id, filename, content,"
                " options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, chat_id, telegram_user_id, filename, content,
                 json.dumps(options or {}), to_db_time(utcnow())),
            )
            return int(cursor.lastrowid or 0)

    async def get(self, upload_id: int) -> PendingUpload | None:
        row = await self.db.fetchone("SELECT * FROM pending_uploads WHERE id = ?", (upload_id,))
        if row is None:
            return None
        return PendingUpload(
            id=row["id"], kind=row["kind"], chat_id=row["chat_id"],
            telegram_user_id=row["telegram_user_id"], filename=row["filename"],
            content=bytes(row["content"]), options=json.loads(row["options"]),
            status=row["status"],
        )

    async def close(self, upload_id: int, status: str) -> bool:
        """Move a pending upload to `status`; False if it was not pending any more."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE pending_uploads SET status = ? WHERE id = ? AND status = 'pending'",
                (status, upload_id),
            )
            return cursor.rowcount == 1
