"""python-telegram-bot persistence for conversation states, in the bot's own SQLite database.

Only conversations are persisted: user, chat and bot data are not used by thidua (answers go
to our own tables the moment they are given). PTB hands states to `update_conversation`, which
only collects them; the application calls `commit(update_id, …)` after every update (see
bot.inbox), writing that update's states and marking it processed in the update inbox in one
statement (storage.inbox.Finisher, which writes the updates finishing together at once). So
after a crash the stored states always match the updates marked processed, and a restart
resumes each conversation where it stood.

Updates of different chats are processed concurrently (bot.updates), so when an update is
committed other chats' states may be waiting too: `commit` takes only the states its caller
selects (the update's own chat), and the others are committed with their own updates.

PTB hands over a conversation's state after every update that touched it, changed or not
(ticking a title leaves the person on the titles screen); what is already stored is not
written again. The table is this object's alone, so what it wrote is what is stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.db import Database
from storage.inbox import Finisher, StateChange

_ABSENT = object()
Change = tuple[str, ConversationKey]  # (handler name, PTB's key)


class SQLitePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, db: Database, update_interval: float = 60.0) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.db = db
        # name -> key -> the state stored in the table (PTB's own key and state objects)
        self._stored: dict[str, dict[ConversationKey, object]] = {}
        self._changes: dict[Change, object | None] = {}
        self._finisher = Finisher(db)

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
            self._changes.pop((name, key), None)  # back to what is stored: nothing to write
            return
        self._changes[(name, key)] = new_state

    async def commit(self, update_id: int | None = None,
                     only: Callable[[ConversationKey], bool] | None = None) -> None:
        """Write the collected states whose key `only` admits (all without it), and mark
        `update_id` processed, at once."""
        chosen = {c: s for c, s in self._changes.items() if only is None or only(c[1])}
        if not chosen and update_id is None:
            return
        for change in chosen:
            del self._changes[change]
        states = [
            StateChange(name, json.dumps(list(key)),
                        None if state is None else json.dumps(state))
            for (name, key), state in chosen.items()
        ]
        try:
            await self._finisher.finish(update_id, states)
        except BaseException:
            for change, state in chosen.items():  # unless a newer state came meanwhile
                self._changes.setdefault(change, state)
            raise
        for (name, key), state in chosen.items():
            stored = self._stored.setdefault(name, {})
            if state is None:
                stored.pop(key, None)
            else:
                stored[key] = state

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
