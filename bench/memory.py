"""Memory and start-up: 10,000 conversations in progress, then a restart with them persisted.

    .venv/bin/python -m bench.memory [--conversations 10000] [--batch 200]

A generated province (bench/province.py: 30,000 people, 800 units; 60,000 registrations over
four years, so that enough people of this year have not registered) with its unregistered
staff linked. thidua runs exactly as `thidua run` starts it, in a subprocess. N people send
/dangky, `--batch` at a time, and each waits for the titles screen: N registrations in
progress (a draft each, the conversation waiting for a tick). Measured:
- start-up: from spawning the process to the first answer, with no conversation stored;
- resident memory (VmRSS) once a first batch is in progress and once all N are, and the
  growth per conversation in between;
- a restart (SIGTERM, as systemd or Docker stop it: time to stop), then start-up again with
  the N conversations persisted, the resident memory after it, and one person carrying on
  (tapping a title on the screen shown before the restart) to prove the state came back.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.common import BotProcess, machine, quiet_emulator, run
from bench.province import Province, ProvinceSpec, generate
from emulator import BotApiEmulator, EmuUser

TOKEN = "123456:BENCH-TOKEN"
TIMEOUT = 300.0
QUIET = {"digest_weekday": 7, "digest_time": "23:59", "daily_digest_time": "23:59",
         "reminder_time": "23:59"}


async def first_answer(bot: BotProcess, user: EmuUser) -> float:
    """Seconds from spawning the bot to its answer to /help (sent before the spawn)."""
    while True:
        bot.check_alive()
        if await user.receive(0.5) is not None:
            return time.monotonic() - bot.started_at


async def start(emu: BotApiEmulator, province: Province, workdir: Path, probe: EmuUser
                ) -> tuple[BotProcess, float]:
    probe.drain()
    await probe.send("/help")
    bot = BotProcess.thidua(emu, province.path, workdir, **QUIET)
    await bot.start()
    return bot, await first_answer(bot, probe)


async def open_registrations(users: list[EmuUser], year: int, batch: int) -> None:
    async def one(user: EmuUser) -> None:
        await user.send("/dangky")
        await user.expect(f"Đăng ký thi đua năm {year}", timeout=TIMEOUT)

    for i in range(0, len(users), batch):
        await asyncio.gather(*(one(u) for u in users[i:i + batch]))


async def settled_rss(bot: BotProcess) -> int:
    await asyncio.sleep(1.0)  # let the last flushes and buffers go
    return bot.rss_kb()


async def main(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="thidua-memory-") as folder:
        workdir = Path(folder)
        province = await generate(workdir / "thidua.sqlite3", ProvinceSpec(
            agencies=args.agencies, units=args.units, people=args.people,
            registrations=args.registrations, linked="staff"))
        if len(province.staff) < args.conversations + 1:
            raise SystemExit(f"only {len(province.staff)} unregistered people: raise --people "
                             "or lower --registrations")
        people = province.staff[:args.conversations]
        async with quiet_emulator(BotApiEmulator(token=TOKEN)) as emu:
            probe = emu.user(Province.telegram_id(province.staff[-1]), "Thử")
            bot, cold_start = await start(emu, province, workdir, probe)
            rss_idle = await settled_rss(bot)
            users = [emu.user(Province.telegram_id(pid), f"Người {pid}") for pid in people]
            first = min(args.batch, len(users))
            started = time.monotonic()
            await open_registrations(users[:first], province.year, args.batch)
            rss_first = await settled_rss(bot)
            await open_registrations(users[first:], province.year, args.batch)
            seconds = time.monotonic() - started
            rss_all = await settled_rss(bot)
            stop_seconds = await bot.stop()

            bot, warm_start = await start(emu, province, workdir, probe)
            rss_restarted = await settled_rss(bot)
            carry_on = users[len(users) // 2]
            await carry_on.tap("☐ Lao động tiên tiến", timeout=TIMEOUT)
            ticked = await carry_on.expect("Chọn danh hiệu", timeout=TIMEOUT)
            assert ticked.has_button("☑ Lao động tiên tiến"), ticked.describe()
            await bot.stop()
        grown = max(0, rss_all - rss_first)
        per_conversation = grown * 1024 / max(1, len(users) - first)
        figures: dict[str, object] = {
            "bench": "memory", "conversations": len(users), "people": province.people,
            "startup_s": round(cold_start, 2),
            "startup_with_conversations_s": round(warm_start, 2),
            "stop_s": round(stop_seconds, 2),
            "rss_idle_mb": round(rss_idle / 1024, 1),
            "rss_first_batch_mb": round(rss_first / 1024, 1),
            "rss_all_mb": round(rss_all / 1024, 1),
            "bytes_per_conversation": round(per_conversation),
            "rss_after_restart_mb": round(rss_restarted / 1024, 1),
            "opened_per_s": round(len(users) / seconds, 1),
            "machine": machine(),
        }
    print(f"start-up {cold_start:.2f} s (no conversation), {warm_start:.2f} s with "
          f"{len(users)} persisted; stop {stop_seconds:.2f} s")
    print(f"resident memory: {figures['rss_idle_mb']} MB idle, {figures['rss_first_batch_mb']} "
          f"MB with {first} conversations, {figures['rss_all_mb']} MB with {len(users)}: "
          f"{per_conversation:.0f} bytes per conversation; {figures['rss_after_restart_mb']} MB "
          "after the restart")
    return figures


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200, help="people starting at once")
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--units", type=int, default=800)
    parser.add_argument("--registrations", type=int, default=60_000,
                        help="confirmed registrations already there (four years)")
    run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
