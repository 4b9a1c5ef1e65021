from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import BotHarness


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """A running bot on an empty database, talking to a fresh emulator."""
    bot = BotHarness(tmp_path)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.close()


@pytest.fixture
async def bot(harness: BotHarness) -> BotHarness:
    """A running bot with the sample roster of seed 000's bloc imported."""
    await harness.import_roster()
    return harness
