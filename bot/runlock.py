"""One bot per database, and no restore under anyone using it.

`thidua run` holds an exclusive lock on `<database>.lock`: one bot per database. Every
process that uses the database (the bot, and every CLI command that opens it: imports,
invites, backups, …) holds a shared lock on `<database>.users.lock` for as long as it does;
`thidua restore` takes that one exclusively, so it refuses while anything else has the
database open, and nothing opens it while a restore replaces the file. (A restore during a
CLI import lost the committed 50,000-row import, which had printed success.)

The locks are OS file locks (flock), so the kernel releases them when the process ends, even
killed with SIGKILL: they never go stale.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, no protection
    fcntl = None  # type: ignore[assignment]


class AlreadyRunning(RuntimeError):
    def __init__(self, path: Path, pid: str) -> None:
        super().__init__(f"another thidua process (pid {pid or '?'}) is using {path}")
        self.pid = pid


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class RunLock:
    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise AlreadyRunning; records our pid for the error message."""
        if self._fd is not None or fcntl is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.read(fd, 32).decode(errors="replace").strip()
            os.close(fd)
            raise AlreadyRunning(self.database, pid) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor releases the flock

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def running_pid(database: Path) -> str | None:
    """The pid of the bot running on `database` ("" if unknown), or None if none runs."""
    if not lock_path(database).exists():
        return None
    probe = RunLock(database)
    try:
        probe.acquire()
    except AlreadyRunning as exc:
        return exc.pid
    probe.release()
    return None


class InUse(RuntimeError):
    """Another process uses the database (shared lock held), or a restore replaces it."""


def users_lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".users.lock")


class UsersLock:
    """`shared()` while using the database; `exclusive()` to replace it (restore)."""

    def __init__(self, database: Path) -> None:
        self.path = users_lock_path(database)
        self._fd: int | None = None

    def _take(self, mode: int) -> None:
        if self._fd is not None or fcntl is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InUse(str(self.path)) from None
        self._fd = fd

    def shared(self) -> UsersLock:
        """Raise InUse if a restore is replacing the database."""
        self._take(fcntl.LOCK_SH if fcntl else 0)
        return self

    def exclusive(self) -> UsersLock:
        """Raise InUse if any other process uses the database."""
        self._take(fcntl.LOCK_EX if fcntl else 0)
        return self

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def __enter__(self) -> UsersLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
