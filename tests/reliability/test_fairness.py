"""Fairness under load: one flooding chat delays only itself, a stranger gets one answer,
/summary requests are shared, throttled and bounded, workers die with the bot, and a restore
waits for no writer."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from emulator import BotApiEmulator
from tests.harness import SECRETARIAT_CHAT, TOKEN
from tests.reliability.process import BotProcess, expect_eventually
from tests.reliability.test_operations import import_sample


def processes_with(marker: str) -> list[int]:
    """Pids of the processes whose environment carries `marker` (the bot's descendants)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as environ:
                if marker.encode() in environ.read():
                    found.append(int(entry))
        except OSError:  # gone meanwhile, or not ours
            continue
    return found


async def gone(marker: str, seconds: float = 15) -> list[int]:  # noqa: ASYNC109
    """Wait until no process carries `marker`; the survivors if some remain."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := processes_with(marker)) and loop.time() < deadline:
        await asyncio.sleep(0.1)
    return left


async def test_summary_and_parsing_workers_die_with_the_bot_even_after_kill_9(tmp_path: Path):
    await import_sample(tmp_path / "thidua.sqlite3")
    marker = f"THIDUA_TEST_RUN={uuid.uuid4().hex}"
    name, value = marker.split("=")
    async with BotApiEmulator(token=TOKEN) as emu:
        bot = BotProcess(emu, tmp_path, THIDUA_SECRETARIAT_SCOPE="", **{name: value})
        await bot.start()
        try:
            chat = emu.group(SECRETARIAT_CHAT, "Thường trực TĐKT")
            clerk = emu.user(8801, "Hằng")
            await chat.send_document(clerk, "dot.yaml", b"code: [1, 2]\n")  # a parse worker
            await expect_eventually(chat, "lỗi")
            await chat.send(clerk, "/tonghop")  # the summary's fork server and workers
            await expect_eventually(chat, "Văn bản tổng hợp", timeout=60)
            assert len(processes_with(marker)) >= 2  # the bot, its fork server, workers
        finally:
            await bot.kill()
    assert await gone(marker) == []
