"""python-telegram-bot persistence for conversation states, in the bot's own SQLite database.

Only conversations are persisted: user, chat and bot data are not used by thidua (answers go
to our own tables the moment they are given). The application flushes after every update
(see bot.app), so a restart or a crash resumes each conversation where it stood.

PTB hands over a conversation's state after every update that touched it, changed or not
(ticking a title leaves the person on the titles screen); what is already stored is not
written again, which spares a transaction on most updates. The table is this object's alone.
"""

from __future__ import annotations

import json

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.db import Database, to_db_time, utcnow

_ABSENT = object()


class SQLitePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, db: Database, update_interval: float = 1.0) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.db = db
        # name -> key -> the state stored in the table (PTB's own key and state objects)
        self._stored: dict[str, dict[ConversationKey, object]] = {}

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self.db.fetchall(
            "SELECT key, state FROM conversations WHERE name = ?", (name,)
        )
        conversations = {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}
        self._stored[name] = dict(conversations)
        return conversations

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        stored = self._stored.setdefault(name, {})
        if stored.get(key, _ABSENT) == new_state or (new_state is None and key not in stored):
            return
        encoded_key = json.dumps(list(key))
        if new_state is None:
            await self.db.execute(
                "DELETE FROM conversations WHERE name = ? AND key = ?", (name, encoded_key)
            )
            del stored[key]
            return
        await self.db.execute(
            "INSERT INTO conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (name, encoded_key, json.dumps(new_state), to_db_time(utcnow())),
        )
        stored[key] = new_state

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
        return None
