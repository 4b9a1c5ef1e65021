from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from storage.audit import AuditContext
from storage.windows import WindowRepository
from tests.harness import BotHarness


@pytest.fixture
async def zbot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot on Telegram and Zalo, the sample roster imported, the registration of this
    year open."""
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
