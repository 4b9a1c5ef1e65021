"""What the hot paths fold into fewer calls to the database keeps its guarantees: a
getUpdates batch is stored at once and a redelivery is still recognised; a draft changes in
one statement, or not at all when it changed meanwhile; who an account is, kept in memory,
follows a change made by another process."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from telegram import Update

from bot.inbox import InboxQueue
from domain.subjects import Subject
from storage import audit
from storage.audit import AuditContext
from storage.db import Database
from storage.drafts import DraftRepository
from storage.inbox import UpdateInbox
from tests.harness import BotHarness
from tests.registration.helpers import STAFF, today


def _raw(update_id: int, text: str) -> dict:
    user = {"id": 700000001, "is_bot": False, "first_name": "Lan"}
    chat = {"id": 700000001, "type": "private", "first_name": "Lan"}
    return {"update_id": update_id,
            "message": {"message_id": update_id, "date": 1767225600, "chat": chat,
                        "from": user, "text": text}}


async def test_a_batch_is_stored_at_once_and_a_redelivered_update_is_dropped(tmp_path: Path):
    async with Database(tmp_path / "t.sqlite3") as db:
        queue = InboxQueue(UpdateInbox(db))
        batch = [_raw(1, "/start"), _raw(2, "/help")]
        await queue.receive_batch(batch)
        assert await queue.inbox.counts() == (2, 0)  # stored before anything is queued
        for raw in batch:
            await queue.put(Update.de_json(raw, None))
        assert queue.qsize() == 2 and await queue.inbox.counts() == (2, 0)

        await queue.inbox.ack(1)
        await queue.receive_batch([_raw(1, "/start"), _raw(3, "/status")])  # 1 again
        for raw in (_raw(1, "/start"), _raw(3, "/status")):
            await queue.put(Update.de_json(raw, None))
        assert queue.qsize() == 3 and queue.duplicates == 1
        pending = await queue.inbox.take_pending()
        assert [p.update_id for p in pending] == [2, 3]
        assert json.loads(pending[1].payload)["message"]["text"] == "/status"


async def test_a_draft_changes_in_one_statement_or_not_at_all(bot: BotHarness):
    repo = DraftRepository(bot.db)
    person = await bot.services.people.by_phone(STAFF)
    who = AuditContext("telegram", person.id, 700000001, 700000001)
    year = today(bot).year
    draft = await repo.start_draft(year, Subject.of_person(person), person.id, who)

    ticked = await repo.update_draft(draft.id, draft.version, who, titles={"LDTT"},
                                     current=draft)
    assert ticked is not None and ticked.version == draft.version + 1
    assert (await repo.session(700000001)).version == ticked.version
    logged = len(await audit.entries(bot.db, entity="registration_draft"))

    # Another device changed it since `draft` was read: the stale change writes nothing.
    stale = await repo.update_draft(draft.id, draft.version, who, titles={"CSTDCS"},
                                    current=draft)
    assert stale is None
    assert (await repo.draft_by_id(draft.id)).titles == {"LDTT"}
    assert len(await audit.entries(bot.db, entity="registration_draft")) == logged
    assert (await repo.session(700000001)).version == ticked.version


async def test_who_an_account_is_follows_a_change_by_another_process(bot: BotHarness):
    khanh = await bot.person_user(STAFF)
    links = bot.services.links
    before = await links.identity(f"telegram:{khanh.id}")
    assert before.person is not None and before.locale is None
    assert await links.identity(f"telegram:{khanh.id}") is before  # kept

    other = sqlite3.connect(bot.db.path)  # `thidua` CLI, or plain SQL
    other.execute("INSERT INTO account_settings (account, locale) VALUES ('telegram:' || ?, 'en')",
                  (khanh.id,))
    other.commit()
    assert (await links.identity(f"telegram:{khanh.id}")).locale == "en"
    other.execute("UPDATE people SET active = 0 WHERE id = ?", (before.person.id,))
    other.commit()
    other.close()
    assert (await links.identity(f"telegram:{khanh.id}")).person is None
