"""The outbox and job runs at the storage level: leases, order per chat, runs taken over."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from storage.db import Database, utcnow
from storage.jobs import JobRuns
from storage.outbox import LEASE, NewMessage, OutboxRepository


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "outbox.sqlite3")
    await database.open()
    try:
        yield database
    finally:
        await database.close()


def _message(chat_id: int, n: int) -> NewMessage:
    return NewMessage(batch="b", kind="test", chat_id=chat_id, text=f"{chat_id}/{n}",
                      dedupe_key=f"test:{chat_id}:{n}")


async def test_a_lease_belongs_to_one_sender_until_it_expires(db: Database):
    repo = OutboxRepository(db)
    assert await repo.enqueue([_message(1, 1), _message(2, 1)]) == 2
    assert await repo.enqueue([_message(1, 1)]) == 0  # the dedupe key

    now = utcnow()
    first = await repo.claim(10, "bot", now)
    assert [m.text for m in first] == ["1/1", "2/1"]
    assert await repo.claim(10, "cli", now) == []
    assert await repo.renew(first[0].id, "bot", now)
    assert not await repo.renew(first[0].id, "cli", now)

    # The bot died without giving the leases back: once they expire the CLI takes over,
    # and the bot, should it wake up, may no longer send them.
    later = now + LEASE + timedelta(seconds=1)
    taken = await repo.claim(10, "cli", later)
    assert [m.id for m in taken] == [m.id for m in first]
    assert not await repo.renew(first[0].id, "bot", later)
    assert await repo.renew(first[0].id, "cli", later)

    await repo.release([m.id for m in taken], "bot")  # not the bot's to give back
    assert await repo.claim(10, "other", later) == []
    await repo.release([m.id for m in taken], "cli")
    assert len(await repo.claim(10, "other", later)) == 2


async def test_only_the_oldest_pending_message_of_a_chat_can_be_claimed(db: Database):
    repo = OutboxRepository(db)
    await repo.enqueue([_message(1, 1), _message(1, 2), _message(2, 1), _message(1, 3)])
    batch = await repo.claim(10, "s")
    assert [m.text for m in batch] == ["1/1", "2/1"]
    await repo.mark_sent(batch[0].id, 100)
    await repo.retry_later(batch[1].id, utcnow() + timedelta(hours=1), "429",
                           failed_attempt=False)
    assert [m.text for m in await repo.claim(10, "s")] == ["1/2"]
    # A failed message does not hold its chat back.
    second = await repo.claim(10, "t", utcnow() + LEASE * 2)
    await repo.finish(second[0].id, "failed", "400")
    assert [m.text for m in await repo.claim(10, "s", utcnow() + LEASE * 2)] == ["1/3"]
    status = await repo.batch_status("b")
    assert (status.sent, status.failed, status.pending) == (1, 1, 2)


async def test_a_run_that_never_finished_is_taken_over_later(db: Database):
    runs = JobRuns(db)
    now = utcnow()
    assert await runs.claim("weekly-digest", "2024-W11", now)
    assert not await runs.claim("weekly-digest", "2024-W11", now + timedelta(minutes=5))
    # The process was killed mid-run: after a while another process runs it again.
    assert await runs.claim("weekly-digest", "2024-W11", now + timedelta(minutes=16))
    await runs.finish("weekly-digest", "2024-W11")
    assert not await runs.claim("weekly-digest", "2024-W11", now + timedelta(days=3))
    await runs.abandon("weekly-digest", "2024-W11")  # a finished run stays
    assert not await runs.claim("weekly-digest", "2024-W11", now + timedelta(days=3))
