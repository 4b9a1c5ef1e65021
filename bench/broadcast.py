"""Broadcast figures: reminders to every person of the sample roster through the emulator.

    /work/venv/bin/python -m bench.broadcast

Each scenario starts a fresh bot on a temporary database, links all 300 people of the sample
roster, opens the 2024 registration window and reminds everyone (one message each), then
reports the time to deliver, the 429s Telegram (the emulator) answered, and duplicates.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.progress.service import Trigger, remind
from storage.audit import AuditContext
from storage.outbox import OutboxRepository
from storage.registrations import RegistrationRepository
from tests.harness import BotHarness

MONDAY = datetime(2024, 3, 11, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@dataclass
class Result:
    name: str
    messages: int
    seconds: float
    rate_limited: int
    delivered: int
    duplicates: int
    note: str = ""


async def _prepare(folder: Path, **settings: object) -> tuple[BotHarness, int]:
    bot = BotHarness(folder, **settings)
    await bot.start()
    await bot.import_roster()
    bot.services.clock = lambda: MONDAY
    await RegistrationRepository(bot.db).open_window(
        2024, None, date(2024, 1, 2), date(2024, 3, 31), AuditContext.cli())
    people = await bot.services.people.all()
    for person in people:
        user = bot.emu.user(600_000_000 + person.id, person.full_name.split()[-1])
        await bot.services.links.link(person, user.id, user.id, "contact", AuditContext.cli())
    return bot, len(people)


async def _poll(condition: Callable[[], Awaitable[bool]], step: float) -> None:
    for _ in range(int(600 / step)):
        if await condition():
            return
        await asyncio.sleep(step)
    raise TimeoutError


async def _wait_sent(bot: BotHarness) -> None:
    repo = OutboxRepository(bot.db)

    async def done() -> bool:
        return await repo.pending_count() == 0

    await _poll(done, 0.02)


def _delivery(bot: BotHarness, count: int) -> tuple[int, int]:
    per_chat = [bot.emu.stats.delivered[600_000_000 + pid] for pid in range(1, count + 1)]
    return sum(1 for n in per_chat if n >= 1), sum(n - 1 for n in per_chat if n > 1)


async def scenario(name: str, *, flood: dict | None = None, faults: int = 0,
                   restart_after: int | None = None, **settings: object) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        bot, count = await _prepare(Path(folder), **settings)
        try:
            if flood is not None:
                bot.emu.flood_limits(**flood)
            if faults:
                bot.emu.faults.add("sendMessage", status=429, retry_after=2, times=faults)
            bot.emu.stats.reset()
            started = time.monotonic()
            await remind(bot.services, [None], None, MONDAY.date(), Trigger("secretariat"),
                         AuditContext.cli(), "all")
            note = ""
            if restart_after is not None:
                async def halfway() -> bool:
                    return sum(bot.emu.stats.delivered.values()) >= restart_after

                await _poll(halfway, 0.005)
                before = sum(bot.emu.stats.delivered.values())
                await bot.restart()
                note = f"restarted after {before} delivered"
            await _wait_sent(bot)
            seconds = time.monotonic() - started
            delivered, duplicates = _delivery(bot, count)
            return Result(name, count, seconds, bot.emu.stats.rate_limited, delivered,
                          duplicates, note)
        finally:
            await bot.close()


async def main() -> None:
    results = [
        await scenario("paced 25/s, no limits"),
        await scenario("paced 25/s, Telegram's limits on", flood={}),
        await scenario("100/s against Telegram's limits", flood={}, send_rate=100),
        await scenario("5 injected 429s (retry after 2 s)", faults=5),
        await scenario("restart mid-broadcast", restart_after=120),
    ]
    print(f"{'scenario':38} {'msgs':>5} {'seconds':>8} {'429s':>5} {'delivered':>9} {'dup':>4}")
    for r in results:
        print(f"{r.name:38} {r.messages:5} {r.seconds:8.1f} {r.rate_limited:5} "
              f"{r.delivered:9} {r.duplicates:4}  {r.note}")


if __name__ == "__main__":
    asyncio.run(main())
