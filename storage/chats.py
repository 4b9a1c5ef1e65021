"""Chats that changed id: a basic group upgraded to a supergroup (Telegram's migration)."""

from __future__ import annotations

from storage import audit
from storage.audit import AuditContext
from storage.db import Database, to_db_time, utcnow

_MAX_HOPS = 8  # a chain of upgrades is one step long in practice; never loop on bad data


class ChatMigrationRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, old_chat_id: int, new_chat_id: int, who: AuditContext) -> bool:
        """Store the move and send the messages still waiting for the old chat to the new one;
        False if it was known already (Telegram tells it in both chats, and on each refusal)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO chat_migrations (old_chat_id, new_chat_id, migrated_at)"
                " VALUES (?, ?, ?) ON CONFLICT (old_chat_id) DO NOTHING",
                (old_chat_id, new_chat_id, to_db_time(utcnow())),
            )
            await conn.execute(
                "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
                (new_chat_id, old_chat_id),
            )
            if cursor.rowcount != 1:
                return False
            await audit.record(conn, who, "migrate", "chat", old_chat_id,
                               {"new_chat_id": new_chat_id})
            return True

    async def resolve(self, chat_id: int) -> int:
        """The chat's current id, following upgrades."""
        for _ in range(_MAX_HOPS):
            row = await self.db.fetchone(
                "SELECT new_chat_id FROM chat_migrations WHERE old_chat_id = ?", (chat_id,)
            )
            if row is None:
                break
            chat_id = row["new_chat_id"]
        return chat_id
