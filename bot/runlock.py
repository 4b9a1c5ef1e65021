"""One bot per database: `thidua run` holds an exclusive lock on `<database>.lock`.

The lock is an OS file lock (flock), so the kernel releases it when the process ends, even
killed with SIGKILL: it never goes stale. `thidua restore` uses it to tell whether a bot is
running on the database it would overwrite.
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
