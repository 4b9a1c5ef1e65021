"""Conversation states: written when they change, never when they do not, and read back."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from storage.persistence import SQLitePersistence

KEY = (700000001, 700000001)


async def _rows(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetchall("SELECT key, state, updated_at FROM conversations ORDER BY key")
    return [(r["key"], r["state"], r["updated_at"]) for r in rows]


async def test_states_are_written_on_change_only_and_survive_a_restart(tmp_path: Path):
    async with Database(tmp_path / "t.sqlite3") as db:
        persistence = SQLitePersistence(db)
        assert await persistence.get_conversations("registration") == {}
        await persistence.update_conversation("registration", KEY, "titles")
        [first] = await _rows(db)
        await persistence.update_conversation("registration", KEY, "titles")  # a tick
        assert await _rows(db) == [first]  # not written again
        await persistence.update_conversation("registration", KEY, "answer")
        [(key, state, _at)] = await _rows(db)
        assert (key, state) == ("[700000001, 700000001]", '"answer"')

        again = SQLitePersistence(db)  # the bot restarted
        assert await again.get_conversations("registration") == {KEY: "answer"}
        await again.update_conversation("registration", KEY, "answer")
        assert len(await _rows(db)) == 1
        await again.update_conversation("registration", KEY, None)  # conversation over
        assert await _rows(db) == []
        await again.update_conversation("registration", KEY, None)
        assert await SQLitePersistence(db).get_conversations("registration") == {}
