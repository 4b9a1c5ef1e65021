"""Helpers shared by CLI commands: open the database, read a file, print."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from app.services import Services
from app.settings import Settings
from storage.db import Database


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    db = Database(settings.database, lock_wait=settings.db_lock_wait)
    await db.open()
    try:
        yield Services.create(settings, db)
    finally:
        await db.close()


def read_input(path: str) -> tuple[bytes, str]:
    """File content and name; "-" reads standard input."""
    if path == "-":
        return sys.stdin.buffer.read(), "stdin.csv"
    file = Path(path)
    return file.read_bytes(), file.name


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1
