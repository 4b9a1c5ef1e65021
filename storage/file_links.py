"""Files handed out as links (migration 0142): a random token of 192 bits per file, of which
only the hash is stored, bound to the account it was made for, gone after it expires."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database, to_db_time, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    account: str
    filename: str
    content_type: str
    content: bytes
    expires_at: datetime


class FileLinkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, account: str, filename: str, content_type: str, content: bytes,
                     ttl: timedelta) -> str:
        """Store a file; returns its token (the only way to fetch it)."""
        token = secrets.token_urlsafe(24)
        now = utcnow()
        await self.db.execute(
            "INSERT INTO file_links (token_hash, account, filename, content_type, content,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_hash(token), account, filename, content_type, content, to_db_time(now),
             to_db_time(now + ttl)),
        )
        return token

    async def fetch(self, token: str, now: datetime | None = None) -> StoredFile | None:
        """The file of a token, if it exists and has not expired (counted as downloaded)."""
        if not token or len(token) > 64:
            return None
        stamp = to_db_time(now or utcnow())
        rows = await self.db.execute_returning(
            "UPDATE file_links SET downloads = downloads + 1"
            " WHERE token_hash = ? AND expires_at > ?"
            " RETURNING account, filename, content_type, content, expires_at",
            (_hash(token), stamp),
        )
        if not rows:
            return None
        row = rows[0]
        return StoredFile(row["account"], row["filename"], row["content_type"],
                          bytes(row["content"]), datetime.fromisoformat(row["expires_at"]))

    async def prune(self, now: datetime | None = None) -> int:
        """Delete expired files; returns how many."""
        return await self.db.execute(
            "DELETE FROM file_links WHERE expires_at <= ?", (to_db_time(now or utcnow()),))
