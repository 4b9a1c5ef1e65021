"""Waiting for another process's lock and large reads must not stop the bot from doing
anything else meanwhile; one-statement writes are atomic; cached data follows every write."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from storage.db import Database, tokens_once


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


async def test_a_crowd_meeting_a_cold_cache_builds_it_once(tmp_path: Path):
    async with Database(tmp_path / "t.sqlite3") as db:
        builds = 0

        async def build() -> str:
            nonlocal builds
            builds += 1
            await db.fetchall("SELECT * FROM org_units")  # a round trip: others come meanwhile
            return "tree"

        values = await asyncio.gather(*(db.cached("org_units", "tree", build) for _ in range(50)))
        assert values == ["tree"] * 50 and builds == 1


async def test_within_an_update_tokens_are_read_once_and_again_after_its_own_write(
    tmp_path: Path,
):
    async with Database(tmp_path / "t.sqlite3") as db:
        reads: list[str] = []
        await db.conn.set_trace_callback(reads.append)

        async def windows() -> int:
            return len(await db.fetchall("SELECT id FROM registration_windows"))

        def token_reads() -> int:
            return sum("data_versions" in sql and sql.startswith("SELECT") for sql in reads)

        with tokens_once():
            assert await db.cached("registration_windows", "n", windows) == 0
            assert await db.cached("org_units", "tree", windows) == 0  # same tokens
            assert token_reads() == 1
            await db.execute(
                "INSERT INTO registration_windows (year, scope_org_id, opens_on, deadline,"
                " ruleset_id, created_at, updated_at) VALUES (2026, NULL, '2026-01-01',"
                " '2026-12-31', 'default', '2026-01-01', '2026-01-01')"
            )
            assert await db.cached("registration_windows", "n", windows) == 1  # re-read
            assert token_reads() == 2
        assert await db.cached("registration_windows", "n", windows) == 1
        assert token_reads() == 3  # outside an update: every use checks its token
        await db.conn.set_trace_callback(None)
