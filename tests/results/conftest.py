from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import BotHarness
from tests.results.helpers import import_demo_results


@pytest.fixture
async def rbot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot on Telegram and Zalo, the sample roster, and the demo decision lists
    (initiatives, then results of 2021–2024) imported."""
    bot = BotHarness(tmp_path, zalo=True)
    await bot.start()
    try:
        await bot.import_roster()
        await import_demo_results(bot)
        yield bot
    finally:
        await bot.close()
