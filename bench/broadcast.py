"""Broadcast: the weekly digest to every head of a province, under Telegram's flood limits.

    .venv/bin/python -m bench.broadcast [--heads 2000] [--restart-after N] [--send-rate R]

A generated province (bench/province.py: 30,000 people, 60 agencies, 800 units, `--heads` unit
heads, each unit with one or more; the current registration window open and a campaign
running) with every head linked to Telegram. thidua runs exactly as `thidua run` starts it, in
a subprocess, with the weekly digest due now: its scheduler builds every head's digest (and
the secretariat's overview), queues them in the outbox in one transaction, and the outbox
sender delivers them. The emulator enforces Telegram's limits (30 messages a second overall,
about one a second per chat, 20 a minute per group) and answers 429 beyond them.

Measured: the time from the start of the digest job (`job_runs.started_at`) to the last
delivery, against the floor those limits set (messages ÷ 30 per second); the time to build
and queue; the 429s received; messages lost (a head without the digest) or duplicated.
`--restart-after N` stops the bot (SIGTERM) after N deliveries and starts it again: nothing
may be lost or sent twice. `--send-rate` overrides THIDUA_SEND_RATE (the default is the
setting's default).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from app.settings import Settings
from bench.common import BotProcess, machine, quiet_emulator, run, wait_for
from bench.province import Province, ProvinceSpec, generate
from emulator import BotApiEmulator

TOKEN = "123456:BENCH-TOKEN"
SECRETARIAT_CHAT = -1001000000001
TELEGRAM_PER_SECOND = 30
DIGEST_JOB = "weekly-digest"


def _db_time(path: Path, sql: str) -> float | None:
    """A UTC timestamp from the bot's database, as seconds since the epoch."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(sql).fetchone()
    finally:
        conn.close()
    return datetime.fromisoformat(row[0]).timestamp() if row and row[0] else None


async def main(args: argparse.Namespace) -> dict[str, object]:
    default_rate = Settings.model_fields["send_rate"].default
    rate = args.send_rate or default_rate
    tz = ZoneInfo(Settings.model_fields["timezone"].default)
    with tempfile.TemporaryDirectory(prefix="thidua-broadcast-") as folder:
        workdir = Path(folder)
        province = await generate(workdir / "thidua.sqlite3", ProvinceSpec(
            agencies=args.agencies, units=args.units, people=args.people, heads=args.heads,
            registrations=args.registrations, linked="heads"))
        heads = province.heads + province.agency_heads
        async with quiet_emulator(BotApiEmulator(token=TOKEN)) as emu:
            emu.flood_limits()  # Telegram's
            chats = [emu.user(Province.telegram_id(pid), f"Người {pid}").chat_id
                     for pid in heads]
            group = emu.group(SECRETARIAT_CHAT, "Thường trực Hội đồng TĐKT")
            # The weekly digest is due from today 00:00; reminders and the daily summary are not.
            settings = {"secretariat_chat_id": SECRETARIAT_CHAT, "send_rate": rate,
                        "digest_weekday": datetime.now(tz).isoweekday(),
                        "digest_time": "00:00", "daily_digest_time": "23:59",
                        "reminder_time": "23:59"}
            bot = BotProcess.thidua(emu, province.path, workdir, **settings)
            await bot.start()

            def delivered() -> int:
                stats = emu.stats.delivered
                return sum(1 for c in chats if stats[c]) + (1 if stats[group.chat_id] else 0)

            expected = len(chats) + 1
            restarted = None
            if args.restart_after:
                async def halfway() -> bool:
                    bot.check_alive()
                    return delivered() >= args.restart_after

                await wait_for(halfway, 600, what="deliveries before the restart")
                restarted = delivered()
                await bot.stop()
                bot = BotProcess.thidua(emu, province.path, workdir, **settings)
                await bot.start()

            async def everyone() -> bool:
                bot.check_alive()
                return delivered() >= expected

            await wait_for(everyone, 900, step=0.02, what="every digest delivered")
            finished = time.time()
            await asyncio.sleep(1.0)  # anything sent twice would show now
            rss = bot.rss_kb()
            await bot.stop()
        started = _db_time(province.path, "SELECT started_at FROM job_runs WHERE job ="
                                          f" '{DIGEST_JOB}'")
        queued = _db_time(province.path, "SELECT max(created_at) FROM outbox")
        assert started is not None and queued is not None
        per_chat = [emu.stats.delivered[c] for c in [*chats, group.chat_id]]
        floor = expected / TELEGRAM_PER_SECOND
        total = finished - started
        figures: dict[str, object] = {
            "bench": "broadcast", "heads": len(heads), "messages": expected,
            "send_rate": rate, "floor_s": round(floor, 1), "total_s": round(total, 1),
            "vs_floor": round(total / floor, 3), "queued_after_s": round(queued - started, 2),
            "rate_limited_429": emu.stats.rate_limited,
            "lost": sum(1 for n in per_chat if n == 0),
            "duplicates": sum(n - 1 for n in per_chat if n > 1),
            "restarted_after": restarted, "bot_rss_mb": round(rss / 1024, 1),
            "machine": machine(),
        }
    print(f"{expected} digests ({len(heads)} heads and the secretariat's group) at "
          f"{rate:g}/s: {total:.1f} s from the job's start to the last delivery, floor "
          f"{floor:.1f} s ({total / floor:.2f}×); built and queued in "
          f"{figures['queued_after_s']} s; 429s {figures['rate_limited_429']}, lost "
          f"{figures['lost']}, duplicates {figures['duplicates']}"
          + (f"; restarted after {restarted} deliveries" if restarted else ""))
    return figures


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--heads", type=int, default=2_000, help="unit heads (all linked)")
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--units", type=int, default=800)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--send-rate", type=float, default=0.0,
                        help="messages per second the sender allows itself (THIDUA_SEND_RATE)")
    parser.add_argument("--restart-after", type=int, default=0, metavar="N",
                        help="stop and restart the bot after N deliveries")
    run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
