from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from emulator.zalo import ZaloEmulator
from tests.channels.zalo.support import EchoBot


@pytest.fixture
async def emu() -> AsyncIterator[ZaloEmulator]:
    async with ZaloEmulator(allow_insecure_webhook=True) as emu:
        yield emu


@pytest.fixture
async def echo(emu: ZaloEmulator, tmp_path: Path) -> AsyncIterator[EchoBot]:
    bot = EchoBot(emu, tmp_path / "thidua.sqlite3")
    await bot.start_polling()
    try:
        yield bot
    finally:
        await bot.close()
