from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import BotHarness


@pytest.fixture
async def cbot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot on Telegram and Zalo with the sample roster."""
    bot = BotHarness(tmp_path, zalo=True)
    await bot.start()
    try:
        await bot.import_roster()
        yield bot
    finally:
        await bot.close()
