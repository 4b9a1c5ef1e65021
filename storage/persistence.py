"""python-telegram-bot persistence for conversation states, in the bot's own SQLite database.

Only conversations are persisted: user, chat and bot data are not used by thidua (answers go
to our own tables the moment they are given). PTB hands changed states to
`update_conversation`, which only collects them; the application calls `commit(update_id)`
after every update (see bot.inbox), writing the states and marking the update processed in the
update inbox in one transaction. So after a crash the stored states always match the updates
marked processed, and a restart resumes each conversation where it stood.
"""

from __future__ import annotations

import json

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.db import Database, to_db_time, utcnow
from storage.inbox import ack_in

ConversationChange = tuple[str, str]  # (handler name, json key)


class SQLitePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, db: Database, update_interval: float = 60.0) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.db = db
        self._changes: dict[ConversationChange, object | None] = {}

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self.db.fetchall(
            "SELECT key, state FROM conversations WHERE name = ?", (name,)
        )
        return {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._changes[(name, json.dumps(list(key)))] = new_state

    async def commit(self, update_id: int | None = None) -> None:
        """Write the collected states, and mark `update_id` processed, in one transaction."""
        changes, self._changes = self._changes, {}
        if not changes and update_id is None:
            return
        try:
            async with self.db.transaction() as conn:
                stamp = to_db_time(utcnow())
                for (name, key), state in changes.items():
                    if state is None:
                        await conn.execute(
                            "DELETE FROM conversations WHERE name = ? AND key = ?", (name, key)
                        )
                    else:
                        await conn.execute(
                            "INSERT INTO conversations (name, key, state, updated_at)"
                            " VALUES (?, ?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET"
                            " state = excluded.state, updated_at = excluded.updated_at",
                            (name, key, json.dumps(state), stamp),
                        )
                if update_id is not None:
                    await ack_in(conn, update_id)
        except BaseException:
            # Keep what was not written, unless a newer state came meanwhile.
            self._changes = {**changes, **self._changes}
            raise

    # Data stores thidua does not use (disabled in store_data above).
    async def get_user_data(self) -> dict[int, dict]:
        return {}

    async def get_chat_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: dict) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        return None

    async def update_bot_data(self, data: dict) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict) -> None:
        return None

    async def flush(self) -> None:
        await self.commit()
