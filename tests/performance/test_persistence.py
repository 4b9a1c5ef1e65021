"""Conversation states: written with their update's acknowledgement, when they change and
never when they do not; each chat's with its own update; read back after a restart."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database
from storage.inbox import UpdateInbox
from storage.persistence import SQLitePersistence

LAN = (700000001, 700000001)
MINH = (700000002, 700000002)


async def _rows(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetchall("SELECT key, state, updated_at FROM conversations ORDER BY key")
    return [(r["key"], r["state"], r["updated_at"]) for r in rows]


async def test_states_are_written_on_change_only_and_survive_a_restart(tmp_path: Path):
    async with Database(tmp_path / "t.sqlite3") as db:
        inbox = UpdateInbox(db)
        persistence = SQLitePersistence(db)
        assert await persistence.get_conversations("registration") == {}
        await persistence.update_conversation("registration", LAN, "titles")
        assert await _rows(db) == []  # collected, written with the update's acknowledgement
        assert await inbox.receive(1, '{"update_id": 1}')
        await persistence.commit(1)
        [first] = await _rows(db)
        assert await inbox.counts() == (0, 1)

        await persistence.update_conversation("registration", LAN, "titles")  # a tick
        await persistence.commit()
        assert await _rows(db) == [first]  # not written again
        await persistence.update_conversation("registration", LAN, "answer")
        await persistence.commit()
        [(key, state, _at)] = await _rows(db)
        assert (key, state) == ("[700000001, 700000001]", '"answer"')

        again = SQLitePersistence(db)  # the bot restarted
        assert await again.get_conversations("registration") == {LAN: "answer"}
        await again.update_conversation("registration", LAN, "answer")
        await again.commit()
        assert len(await _rows(db)) == 1
        await again.update_conversation("registration", LAN, None)  # conversation over
        await again.commit()
        assert await _rows(db) == []
        await again.update_conversation("registration", LAN, None)
        await again.commit()
        assert await SQLitePersistence(db).get_conversations("registration") == {}


async def test_an_update_commits_its_own_chat_and_leaves_the_others_to_theirs(tmp_path: Path):
    async with Database(tmp_path / "t.sqlite3") as db:
        inbox = UpdateInbox(db)
        persistence = SQLitePersistence(db)
        await persistence.get_conversations("registration")
        for update_id in (1, 2):
            await inbox.receive(update_id, f'{{"update_id": {update_id}}}')
        await persistence.update_conversation("registration", LAN, "titles")
        await persistence.update_conversation("registration", MINH, "answer")

        await persistence.commit(1, only=lambda key: key[0] == LAN[0])  # Lan's update
        assert [r[1] for r in await _rows(db)] == ['"titles"']
        assert await inbox.counts() == (1, 1)  # Minh's update is still being processed

        await persistence.update_conversation("registration", MINH, "titles")
        await persistence.commit(2, only=lambda key: key[0] == MINH[0])
        assert [r[1] for r in await _rows(db)] == ['"titles"', '"titles"']
        assert await inbox.counts() == (0, 2)
