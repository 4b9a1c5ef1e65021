from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.core.support import CoreDesk


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[CoreDesk]:
    """The core on a real SQLite file with the sample roster; the secretariat on Zalo."""
    opened = await CoreDesk(tmp_path).open()
    try:
        yield opened
    finally:
        await opened.close()
