"""Copies of the database: SQLite's online backup API, and checks that a file is ours.

The backup API copies a consistent snapshot while the bot keeps writing (WAL readers never
block the writer). A backup is written to `<file>.partial`, checked, then renamed, so a file
with the final name is always complete. Blocking sqlite3 calls: run them in a thread.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from storage.db import migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000  # a backup runs in a thread of its own: it may wait inside SQLite
FOUNDATION = "0001_foundation.sql"


class Problem(StrEnum):
    MISSING = "missing"
    NOT_SQLITE = "not_sqlite"
    DAMAGED = "damaged"
    NOT_THIDUA = "not_thidua"
    NEWER = "newer"


class InvalidDatabase(Exception):
    def __init__(self, problem: Problem, detail: str = "") -> None:
        super().__init__(f"{problem}: {detail}" if detail else str(problem))
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class DatabaseInfo:
    migrations: tuple[str, ...]
    people: int
    size: int


def _connect_ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def inspect(path: Path) -> DatabaseInfo:
    """Check that `path` is an intact thidua database this version understands."""
    if not path.is_file():
        raise InvalidDatabase(Problem.MISSING)
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise InvalidDatabase(Problem.NOT_SQLITE)
    try:
        conn = _connect_ro(path)
    except sqlite3.Error as exc:
        raise InvalidDatabase(Problem.DAMAGED, str(exc)) from exc
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()
        if check is None or check[0] != "ok":
            raise InvalidDatabase(Problem.DAMAGED, str(check[0] if check else "?"))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_migrations" not in tables:
            raise InvalidDatabase(Problem.NOT_THIDUA)
        applied = tuple(sorted(r[0] for r in conn.execute("SELECT name FROM schema_migrations")))
        if FOUNDATION not in applied or "people" not in tables:
            raise InvalidDatabase(Problem.NOT_THIDUA)
        unknown = sorted(set(applied) - {name for _v, name, _sql in migrations()})
        if unknown:
            raise InvalidDatabase(Problem.NEWER, ", ".join(unknown))
        people = conn.execute("SELECT count(*) FROM people WHERE active = 1").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InvalidDatabase(Problem.DAMAGED, str(exc)) from exc
    finally:
        conn.close()
    return DatabaseInfo(applied, int(people), path.stat().st_size)


def _copy(source: sqlite3.Connection, target: Path, journal_mode: str) -> None:
    destination = sqlite3.connect(target)
    try:
        destination.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        source.backup(destination)  # all pages in one step: one consistent snapshot
        destination.execute(f"PRAGMA journal_mode = {journal_mode}")
    finally:
        destination.close()


def backup(database: Path, target: Path) -> DatabaseInfo:
    """Copy the (possibly running) database to `target`, a self-contained file."""
    inspect(database)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = _connect_ro(database)
    try:
        _copy(source, partial, "DELETE")
    finally:
        source.close()
    try:
        info = inspect(partial)
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return DatabaseInfo(info.migrations, info.people, target.stat().st_size)


def restore(source_file: Path, database: Path) -> DatabaseInfo:
    """Replace the content of `database` by the backup (which must pass `inspect`).

    Updates the backup caught in flight are dropped: they belong to the past the restore
    goes back to, and their users were answered long ago (or the backup holds their effect).
    The caller makes sure no bot runs on `database` (bot.runlock).
    """
    inspect(source_file)
    source = _connect_ro(source_file)
    try:
        _copy(source, database, "WAL")
    finally:
        source.close()
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "update_inbox" in tables:
            conn.execute("UPDATE update_inbox SET processed_at = received_at, payload = ''"
                         " WHERE processed_at IS NULL")
    return inspect(database)


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
