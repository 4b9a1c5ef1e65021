"""The database runs statements on the event loop: waiting for another process's lock and
large reads must not stop the bot from doing anything else meanwhile."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from storage.db import Database


async def test_a_write_waits_for_another_process_without_blocking_the_loop(tmp_path: Path):
    path = tmp_path / "t.sqlite3"
    async with Database(path) as db:
        await db.execute("CREATE TABLE t (x INTEGER)")
        other = sqlite3.connect(path, isolation_level=None)  # a CLI import, say
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")

        write = asyncio.create_task(db.execute("INSERT INTO t VALUES (2)"))
        await asyncio.sleep(0.05)
        assert not write.done()  # waiting for the lock…
        meanwhile = await db.fetchall("SELECT x FROM t")  # …while the bot goes on reading
        assert meanwhile == []  # (the other transaction is not committed yet)

        other.execute("COMMIT")
        await write
        assert [r["x"] for r in await db.fetchall("SELECT x FROM t ORDER BY x")] == [1, 2]
        other.close()


async def test_a_busy_transaction_is_retried_from_its_beginning_and_then_committed(
    tmp_path: Path,
):
    path = tmp_path / "t.sqlite3"
    async with Database(path) as db:
        await db.execute("CREATE TABLE t (x INTEGER)")
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        async def transfer() -> None:
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO t VALUES (10)")
                cursor = await conn.execute("UPDATE t SET x = x + 1")
                assert cursor.rowcount == 1

        task = asyncio.create_task(transfer())
        await asyncio.sleep(0.05)
        other.execute("ROLLBACK")
        await task
        assert [r["x"] for r in await db.fetchall("SELECT x FROM t")] == [11]
        other.close()


async def test_large_reads_see_committed_data_from_their_own_thread(tmp_path: Path):
    async with Database(tmp_path / "t.sqlite3") as db:
        await db.execute("CREATE TABLE t (x INTEGER)")
        async with db.transaction() as conn:
            await conn.executemany("INSERT INTO t VALUES (?)", ((i,) for i in range(5000)))
        rows = await db.fetchall_large("SELECT count(*) AS n, sum(x) AS s FROM t")
        assert (rows[0]["n"], rows[0]["s"]) == (5000, sum(range(5000)))
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM t WHERE x >= 10")
        assert len(await db.fetchall_large("SELECT x FROM t")) == 10
