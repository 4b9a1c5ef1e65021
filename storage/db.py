"""The SQLite database: one connection on the event loop, serialised write transactions,
migrations, and a reader thread for large reads.

Statements run on the event loop thread itself: an indexed SQLite statement takes a few
microseconds, whereas handing it to a worker thread and back (aiosqlite) costs about a hundred
times that, a dozen times per update. Two things could block the loop, and neither does:
- waiting for another process's write lock (a CLI import while the bot runs): SQLite's own busy
  handler would sleep inside the call, so it is off (`busy_timeout = 0`) and a busy statement
  is retried after an asyncio sleep instead, for up to BUSY_TIMEOUT_MS;
- large reads (tens of thousands of rows for summaries, boards and files): `fetchall_large`
  runs them in a thread of their own on a second, read-only connection (WAL readers never
  wait for the writer), so other people are answered meanwhile.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

BUSY_TIMEOUT_MS = 10_000
_BUSY_FIRST_WAIT = 0.001  # seconds; doubled after each busy answer, up to _BUSY_MAX_WAIT
_BUSY_MAX_WAIT = 0.05
T = TypeVar("T")


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


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == sqlite3.SQLITE_BUSY
    return "database is locked" in str(exc)


async def _patiently(run: Callable[[], T]) -> T:
    """Run a statement; while another connection holds the lock, wait without blocking the
    loop and try again (nothing was done by a statement that answered busy)."""
    wait = _BUSY_FIRST_WAIT
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(wait)
        wait = min(wait * 2, _BUSY_MAX_WAIT)


class Cursor:
    """The result of a statement (rows already computed by SQLite on demand)."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def fetchone(self) -> sqlite3.Row | None:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[sqlite3.Row]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()


class _Statement:
    """`await conn.execute(...)` gives the cursor; `async with conn.execute(...) as cursor`
    closes it afterwards (the two forms aiosqlite offered)."""

    __slots__ = ("_conn", "_cursor", "_params", "_sql")

    def __init__(self, conn: Connection, sql: str, params: Sequence[Any]) -> None:
        self._conn, self._sql, self._params = conn, sql, params
        self._cursor: Cursor | None = None

    async def _run(self) -> Cursor:
        raw = self._conn.raw
        return Cursor(await _patiently(lambda: raw.execute(self._sql, self._params)))

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._run()
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Connection:
    """A sqlite3 connection with the async interface the repositories use."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Iterable[Any] = ()) -> _Statement:
        return _Statement(self, sql, params if isinstance(params, (tuple, list)) else
                          tuple(params))

    async def executemany(self, sql: str, params: Iterable[Iterable[Any]]) -> Cursor:
        rows = list(params)  # a generator could not be replayed after a busy answer
        return Cursor(await _patiently(lambda: self.raw.executemany(sql, rows)))

    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self.execute(sql, params) as cursor:
            return await cursor.fetchall()

    @property
    def total_changes(self) -> int:
        return self.raw.total_changes

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        self.raw.set_trace_callback(callback)

    async def close(self) -> None:
        self.raw.close()


def _connect(path: Path) -> sqlite3.Connection:
    raw = sqlite3.connect(path, isolation_level=None)
    raw.row_factory = sqlite3.Row
    return raw


class Database:
    """A single connection shared by the bot's coroutines.

    SQLite allows one writer; an asyncio lock serialises our own write transactions so two
    handlers never interleave statements inside one BEGIN…COMMIT. Other processes (a CLI
    import while the bot runs) are handled by WAL and patient retries (see the module's
    docstring).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: Connection | None = None
        self._write_lock = asyncio.Lock()
        self._reader: sqlite3.Connection | None = None
        self._reader_lock = threading.Lock()
        self._reader_pool: ThreadPoolExecutor | None = None
        self._cache: dict[tuple[str, Hashable], tuple[bytes, Any]] = {}

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self, *, migrate: bool = True) -> Database:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = Connection(_connect(self.path))
        await self._conn.execute("PRAGMA busy_timeout = 0")  # waits happen in _patiently
        await self._conn.execute("PRAGMA journal_mode = WAL")
        await self._conn.execute("PRAGMA synchronous = NORMAL")
        await self._conn.execute("PRAGMA foreign_keys = ON")
        if migrate:
            await self.migrate()
        return self

    async def close(self) -> None:
        if self._reader_pool is not None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._reader_pool, self._close_reader)
            self._reader_pool.shutdown(wait=True)
            self._reader_pool = None
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
    async def transaction(self) -> AsyncIterator[Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        async with self._write_lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchall()

    async def cached(self, table: str, key: Hashable, build: Callable[[], Awaitable[T]]) -> T:
        """What `build()` makes of `table`, kept in memory until the table changes (its token
        in data_versions, changed by triggers whoever writes: see migration 0060)."""
        row = await self.fetchone("SELECT token FROM data_versions WHERE name = ?", (table,))
        if row is None:  # not a versioned table
            return await build()
        hit = self._cache.get((table, key))
        if hit is not None and hit[0] == row[0]:
            return hit[1]
        value = await build()
        self._cache[(table, key)] = (row[0], value)
        return value

    async def fetchall_large(self, sql: str, params: Iterable[Any] = (),
                             convert: Callable[[sqlite3.Row], T] | None = None) -> list[Any]:
        """A read of many rows, in a worker thread on a read-only connection of its own: the
        event loop goes on answering people meanwhile. It sees committed data only. Rows are
        turned into objects by `convert` in that thread too."""
        if self._conn is None:
            raise RuntimeError("database is not open")
        if self._reader_pool is None:
            self._reader_pool = ThreadPoolExecutor(1, thread_name_prefix="thidua-reader")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader_pool, self._read, sql, tuple(params),
                                          convert)

    def _close_reader(self) -> None:
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def _read(self, sql: str, params: tuple[Any, ...],
              convert: Callable[[sqlite3.Row], Any] | None) -> list[Any]:
        with self._reader_lock:
            if self._reader is None:
                self._reader = _connect(self.path)
                self._reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                self._reader.execute("PRAGMA query_only = ON")
            rows = self._reader.execute(sql, params).fetchall()
        return rows if convert is None else [convert(r) for r in rows]

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        """A single write statement in its own transaction."""
        async with self.transaction() as conn:
            await conn.execute(sql, tuple(params))

    async def backup_to(self, target: Path | str) -> None:
        """SQLite online backup: a consistent copy while the bot keeps running."""
        destination = sqlite3.connect(str(target))
        try:
            self.conn.raw.backup(destination)
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
