from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from storage.audit import AuditContext
from storage.windows import WindowRepository
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


@pytest.fixture
async def zbot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot on Telegram and Zalo, the sample roster, this year's registration open."""
    bot = BotHarness(tmp_path, zalo=True)
    await bot.start()
    try:
        await bot.import_roster()
        today = date.today()
        await WindowRepository(bot.db).open_window(
            today.year, None, date(today.year, 1, 1), date(today.year, 12, 31),
            AuditContext.cli())
        yield bot
    finally:
        await bot.close()
