"""The SQLite database: one aiosqlite connection, serialised write transactions, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

# SQLite waits this long for a lock inside one call; the aiosqlite thread is blocked meanwhile,
# so it stays short and `transaction()` retries BEGIN IMMEDIATE on the event loop instead.
BUSY_TIMEOUT_MS = 500
# How long a write waits for another process (a CLI import, a backup restore) to release the
# database before giving up.
LOCK_WAIT_SECONDS = 60.0
log = logging.getLogger(__name__)


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock, try again later."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_db_time(value: datetime) -> str:
    """Timestamps are stored as UTC ISO-8601 text, which sorts chronologically."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged migration, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration numbers: {versions}")
    return found


class Database:
    """A single connection shared by the bot's coroutines.

    SQLite allows one writer; an asyncio lock serialises our own write transactions so two
    handlers never interleave statements inside one BEGIN…COMMIT. Other processes (a CLI
    import while the bot runs) are handled by WAL, a short busy timeout and retries of
    BEGIN IMMEDIATE for up to `lock_wait` seconds.
    """

    def __init__(self, path: Path | str, *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = Path(path)
        self.lock_wait = lock_wait
        self._conn: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        # The task inside the open transaction: its nested transaction() calls become
        # savepoints of the same transaction instead of waiting for the lock it holds.
        self._owner: asyncio.Task[object] | None = None
        self._savepoints = 0

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self, *, migrate: bool = True) -> Database:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        await self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._conn.execute("PRAGMA journal_mode = WAL")
        await self._conn.execute("PRAGMA synchronous = NORMAL")
        await self._conn.execute("PRAGMA foreign_keys = ON")
        if migrate:
            await self.migrate()
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def applied_migrations(self) -> set[str]:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        rows = await self.fetchall("SELECT name FROM schema_migrations")
        return {r["name"] for r in rows}

    async def migrate(self) -> list[str]:
        """Apply every migration not applied yet, in order, each in its own transaction.

        Applied migrations are tracked by name (not by a single version number), so features
        developed side by side may add their numbered files in any order.
        """
        done = await self.applied_migrations()
        applied = []
        for _version, name, sql in migrations():
            if name in done:
                continue
            async with self.transaction() as conn:
                for statement in _split_sql(sql):
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (name, to_db_time(utcnow())),
                )
            applied.append(name)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception.

        Nested calls from the same task join the open transaction as a SAVEPOINT, so a caller
        can make several repository calls (each opening its own transaction) all-or-nothing.
        """
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            async with self._savepoint() as conn:
                yield conn
            return
        async with self._write_lock:
            conn = self.conn
            await self._begin(conn)
            self._owner = task
            try:
                yield conn
            except BaseException:
                await self._rollback(conn)
                raise
            else:
                try:
                    await conn.execute("COMMIT")
                except BaseException:
                    await self._rollback(conn)
                    raise
            finally:
                self._owner = None

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[aiosqlite.Connection]:
        conn = self.conn
        self._savepoints += 1
        name = f"thidua_sp{self._savepoints}"
        await conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    await conn.execute(f"ROLLBACK TO {name}")
                    await conn.execute(f"RELEASE {name}")
            raise
        else:
            await conn.execute(f"RELEASE {name}")
        finally:
            self._savepoints -= 1

    async def _begin(self, conn: aiosqlite.Connection) -> None:
        """BEGIN IMMEDIATE, waiting on the event loop while another process writes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lock_wait
        pause = 0.02
        waited = False
        while True:
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or loop.time() >= deadline:
                    raise
                if not waited:
                    log.info("database is locked by another process; waiting")
                    waited = True
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.5)
            else:
                return

    @staticmethod
    async def _rollback(conn: aiosqlite.Connection) -> None:
        # SQLite may already have rolled back (e.g. on SQLITE_FULL): keep the original error.
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await conn.execute("ROLLBACK")

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        """A single write statement in its own transaction."""
        async with self.transaction() as conn:
            await conn.execute(sql, tuple(params))

    async def backup_to(self, target: Path | str) -> None:
        """SQLite online backup: a consistent copy while the bot keeps running."""
        destination = sqlite3.connect(str(target))
        try:
            await self.conn.backup(destination)
        finally:
            destination.close()


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner semicolons)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
