"""The SQLite database: one aiosqlite connection, serialised write transactions, migrations,
and a second, read-only aiosqlite connection for large reads.

aiosqlite runs each call in its own thread: the event loop never waits for SQLite, but every
call is a round trip between two threads that costs far more CPU than an indexed statement.
So the paths every update takes make few calls:
- a read is one call (`execute_fetchall`), not execute + fetch + close;
- a single write statement runs on its own (`execute`): SQLite makes one statement atomic, so
  it needs no BEGIN and COMMIT around it;
- what stays in memory across updates (the org tree, the registration windows) is checked
  against a token that triggers change on every write, whoever writes (`cached`), and within
  an update (`tokens_once`) the tokens are read once, with one query.
Waiting for another process's write lock (a CLI import while the bot runs) happens on the event
loop: SQLite's busy handler waits briefly inside the call, then the statement is retried after
an asyncio sleep, for up to `lock_wait` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

# SQLite waits this long for a lock inside one call; the aiosqlite thread, which every update's
# reads go through, is blocked meanwhile, so it stays short and writes are retried after
# asyncio sleeps instead (readers never wait for a writer in WAL mode).
BUSY_TIMEOUT_MS = 50
READER_BUSY_TIMEOUT_MS = 5_000  # the reader's thread serves large reads only
# How long a write waits for another process (a CLI import, a backup restore) to release the
# database before giving up.
LOCK_WAIT_SECONDS = 60.0
log = logging.getLogger(__name__)
T = TypeVar("T")
Connection = aiosqlite.Connection


class _Tokens:
    """data_versions as read once for an update (per database), until the update writes."""

    def __init__(self) -> None:
        self.open = True
        self.read: dict[Database, dict[str, bytes]] = {}


_TOKENS: ContextVar[_Tokens | None] = ContextVar("thidua_tokens", default=None)


@contextmanager
def tokens_once() -> Iterator[None]:
    """Within (an update's processing, and the tasks it starts meanwhile), `Database.cached`
    reads every token of data_versions with one query, once, and again only after this task
    wrote. Other tasks' writes are concurrent with this update anyway: seeing them a moment
    later is as if it had run a moment earlier. Another process's writes are seen by the next
    update."""
    tokens = _Tokens()
    reset = _TOKENS.set(tokens)
    try:
        yield
    finally:
        tokens.open = False
        _TOKENS.reset(reset)


def _wrote(db: Database) -> None:
    tokens = _TOKENS.get()
    if tokens is not None:
        tokens.read.pop(db, None)


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

    SQLite allows one writer; an asyncio lock serialises our own writes so two handlers never
    interleave statements inside one BEGIN…COMMIT. Other processes (a CLI import while the bot
    runs) are handled by WAL, a short busy timeout and retries for up to `lock_wait` seconds.
    """

    def __init__(self, path: Path | str, *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.path = Path(path)
        self.lock_wait = lock_wait
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._reader_lock = asyncio.Lock()
        self._write_lock = asyncio.Lock()
        # The task inside the open transaction: its nested transaction() calls become
        # savepoints of the same transaction instead of waiting for the lock it holds.
        self._owner: asyncio.Task[object] | None = None
        self._savepoints = 0
        # table -> (its token, key -> what was built from it)
        self._cache: dict[str, tuple[bytes, dict[Hashable, Any]]] = {}
        self._building: dict[tuple[str, Hashable, bytes], asyncio.Future[Any]] = {}
        self._tokens_asked: asyncio.Future[dict[str, bytes]] | None = None
        self._tokens_query: asyncio.Future[None] | None = None

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
        # Deleted and overwritten content is zeroed, not left in free space: a cast ballot's
        # draft and a wiped update payload must not be readable from the file
        # (docs/council.md, "Threat model").
        await self._conn.execute("PRAGMA secure_delete = ON")
        if migrate:
            await self.migrate()
        return self

    async def close(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
        self._cache.clear()

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

    def _in_own_transaction(self) -> bool:
        task = asyncio.current_task()
        return task is not None and self._owner is task

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception.

        Nested calls from the same task join the open transaction as a SAVEPOINT, so a caller
        can make several repository calls (each opening its own transaction) all-or-nothing.
        """
        if self._in_own_transaction():
            async with self._savepoint() as conn:
                yield conn
            return
        async with self._write_lock:
            conn = self.conn
            await self._patiently(lambda: conn.execute("BEGIN IMMEDIATE"))
            self._owner = asyncio.current_task()
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
                _wrote(self)

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

    async def _patiently(self, run: Callable[[], Awaitable[T]]) -> T:
        """Run a statement that takes the write lock, waiting on the event loop while another
        process writes (a statement that answered busy did nothing: it is run again)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lock_wait
        pause = 0.02
        waited = False
        while True:
            try:
                return await run()
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or loop.time() >= deadline:
                    raise
                if not waited:
                    log.info("database is locked by another process; waiting")
                    waited = True
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)

    @staticmethod
    async def _rollback(conn: aiosqlite.Connection) -> None:
        # SQLite may already have rolled back (e.g. on SQLITE_FULL): keep the original error.
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await conn.execute("ROLLBACK")

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """The first row (one round trip: use it for queries of a row or a few)."""
        rows = await self.conn.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write statement, atomic on its own (no BEGIN/COMMIT round trips); returns the
        number of rows it changed. Inside the caller's transaction when there is one."""
        conn = self.conn
        args = tuple(params)
        if self._in_own_transaction():
            return (await conn.execute(sql, args)).rowcount
        async with self._write_lock:
            cursor = await self._patiently(lambda: conn.execute(sql, args))
        _wrote(self)
        return cursor.rowcount

    async def execute_returning(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """One write statement with a RETURNING clause, atomic on its own; its rows."""
        conn = self.conn
        args = tuple(params)
        if self._in_own_transaction():
            return list(await conn.execute_fetchall(sql, args))
        async with self._write_lock:
            rows = await self._patiently(lambda: conn.execute_fetchall(sql, args))
        _wrote(self)
        return list(rows)

    async def cached(self, table: str, key: Hashable, build: Callable[[], Awaitable[T]], *,
                     limit: int | None = None) -> T:
        """What `build()` makes of `table`, kept in memory until the table changes (its token
        in data_versions, changed by triggers whoever writes: see migrations 0060 and 0062).
        Whatever is kept is shared: it must be immutable. `limit`: the most recently used
        keys kept for this table."""
        token = await self._token(table)
        if token is None:  # not a versioned table
            return await build()
        held = self._cache.get(table)
        if held is None or held[0] != token:  # everything built before is stale
            held = self._cache[table] = (token, {})
        entries = held[1]
        if key in entries:
            if limit is not None:
                entries[key] = entries.pop(key)  # most recently used last
            return entries[key]
        # One build at a time per key: a cold cache met by a crowd of updates (the bot's start
        # on a busy day) would otherwise build it once per update, all at the same time.
        building = self._building.get((table, key, token))
        if building is None:
            building = asyncio.ensure_future(build())
            self._building[(table, key, token)] = building
            building.add_done_callback(lambda _: self._building.pop((table, key, token), None))
        value = await asyncio.shield(building)
        entries[key] = value
        if limit is not None and len(entries) > limit:
            del entries[next(iter(entries))]
        return value

    async def _token(self, table: str) -> bytes | None:
        tokens = _TOKENS.get()
        if self._in_own_transaction():  # its own writes may have changed them
            row = await self.fetchone("SELECT token FROM data_versions WHERE name = ?", (table,))
            return row[0] if row else None
        if tokens is None or not tokens.open:
            return (await self._read_tokens()).get(table)
        read = tokens.read.get(self)
        if read is None:
            read = tokens.read[self] = await self._read_tokens()
        return read.get(table)

    async def _read_tokens(self) -> dict[str, bytes]:
        """Every token, read for all who ask before the query is sent: updates starting
        together share one round trip. A query sent after one asked sees whatever was
        committed before it asked, which is all a reader may expect."""
        if self._tokens_asked is None:
            self._tokens_asked = asyncio.get_running_loop().create_future()
            self._tokens_query = asyncio.ensure_future(
                self._send_tokens_query(self._tokens_asked))
        return await asyncio.shield(self._tokens_asked)

    async def _send_tokens_query(self, answer: asyncio.Future[dict[str, bytes]]) -> None:
        self._tokens_asked = None  # whoever asks from now on needs a later query
        try:
            rows = await self.fetchall("SELECT name, token FROM data_versions")
        except BaseException as exc:
            answer.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            answer.set_result({r[0]: r[1] for r in rows})

    async def fetchall_large(self, sql: str, params: Iterable[Any] = (),
                             convert: Callable[[sqlite3.Row], T] | None = None) -> list[Any]:
        """A read of many rows on a read-only connection of its own: the writer's thread stays
        free for everybody's updates meanwhile. It sees committed data only. Rows are turned
        into objects by `convert` in that connection's thread, as they are fetched."""
        reader = await self._reader_connection()
        async with reader.execute(sql, tuple(params)) as cursor:
            if convert is not None:
                cursor.row_factory = (
                    lambda c, values: convert(sqlite3.Row(c, values)))  # type: ignore[assignment]
            return list(await cursor.fetchall())

    async def _reader_connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        async with self._reader_lock:
            if self._reader is None:
                reader = await aiosqlite.connect(self.path, isolation_level=None)
                reader.row_factory = sqlite3.Row
                await reader.execute(f"PRAGMA busy_timeout = {READER_BUSY_TIMEOUT_MS}")
                await reader.execute("PRAGMA query_only = ON")
                self._reader = reader
            return self._reader

    async def forget_history(self, attempts: int = 5) -> bool:
        """Copy the write-ahead log into the database file and truncate it to nothing, so the
        file holds the current state only, not the successive versions of each changed page
        (a cast ballot must leave no before-and-after behind). False if readers kept the log
        in use each time (it is truncated at a later call). Never inside a transaction."""
        for attempt in range(attempts):
            async with self._write_lock:
                rows = await self.conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
            row = next(iter(rows), None)
            if row is not None and row[0] == 0:
                return True
            await asyncio.sleep(0.02 * (attempt + 1))
        log.info("the write-ahead log is in use by a reader: truncated later")
        return False

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
