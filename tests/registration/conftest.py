from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.roster import parse_roster
from storage.audit import AuditContext
from storage.db import Database
from storage.roster import apply_roster
from tests.harness import BLOC, SAMPLE_ROSTER


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A database holding the sample roster (no bot running)."""
    database = Database(tmp_path / "thidua.sqlite3")
    await database.open()
    roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
    await apply_roster(database, roster, AuditContext.cli())
    try:
        yield database
    finally:
        await database.close()
