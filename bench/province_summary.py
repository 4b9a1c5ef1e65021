"""Province scale: /summary and its files for a whole province, against the plain SQL floor.

    .venv/bin/python -m bench.province_summary [--people 30000] [--registrations 100000]

A generated province (bench/province.py, seeded: 30,000 people in 60 agencies and 800 units,
100,000 confirmed registrations over four years, the current year's window open, a campaign
acknowledged by 70%) is served by thidua exactly as `thidua run` starts it, in a subprocess.
A secretariat member sends /tonghop `--repeat` times in a private chat with the bot (the
first on a bot that has just started). Each is timed from the message to the arrival of the
summary's last text message, then of the chart (PNG), the XLSX and the DOCX, which are built
in a worker process. In the secretariat's group the work is the same, but Telegram allows 20
messages a minute per group and the province-wide text is a dozen messages: the rate limiter
then spaces a second summary by design, which would measure Telegram's limit, not the bot.

The floor is the plain SQL aggregate a summary cannot do without (confirmed registrations
counted per agency and title, active people counted per unit), run on the same database file
by plain sqlite3 in this process, best of `--repeat`. Also: the bot's resident memory before
and its peak (VmHWM) after, the peak of the files' worker processes, and with `--breakdown`
the time of each step of the files, measured in this process.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import BotProcess, PeakSampler, machine, quiet_emulator, run
from bench.province import Province, ProvinceSpec, generate
from emulator import BotApiEmulator, EmuUser

TOKEN = "123456:BENCH-TOKEN"
SECRETARIAT_CHAT = -1001000000001
TIMEOUT = 120.0
FLOOR_SQL = (
    # confirmed registrations of the year per agency and title…
    "SELECT CASE u.kind WHEN 'unit' THEN u.parent_id ELSE u.id END AS agency, t.title,"
    " count(*) FROM registrations r"
    " JOIN registration_titles t ON t.registration_id = r.id"
    " LEFT JOIN people p ON p.id = r.person_id"
    " JOIN org_units u ON u.id = coalesce(p.org_id, r.org_id)"
    " WHERE r.year = ? AND r.status = 'confirmed' GROUP BY 1, 2",
    # …and the people they are rated against
    "SELECT org_id, count(*) FROM people WHERE active = 1 GROUP BY org_id",
)


def floor_seconds(path: Path, year: int, repeat: int) -> float:
    conn = sqlite3.connect(path)
    times = []
    for _ in range(repeat + 1):  # the first run warms the page cache
        started = time.perf_counter()
        conn.execute(FLOOR_SQL[0], (year,)).fetchall()
        conn.execute(FLOOR_SQL[1]).fetchall()
        times.append(time.perf_counter() - started)
    conn.close()
    return min(times[1:])


async def one_summary(chat: EmuUser) -> dict[str, float]:
    """Seconds from /tonghop to the last text, the chart, the XLSX and the DOCX."""
    chat.drain()
    started = time.monotonic()
    await chat.send("/tonghop")
    arrived: dict[str, float] = {}
    last_text = 0.0
    files = iter(("png", "xlsx", "docx"))
    wanted = next(files)
    while True:
        event = await chat.receive(TIMEOUT)
        if event is None:
            raise TimeoutError(f"/tonghop: nothing more after {sorted(arrived)}")
        now = time.monotonic() - started
        if event.photo is None and event.document is None:
            last_text = now
            continue
        arrived.setdefault("text", last_text)
        kind = "png" if event.photo is not None else event.document.filename.rsplit(".", 1)[1]
        if kind != wanted:
            raise AssertionError(f"expected the {wanted}, got {kind}")
        arrived[kind] = now
        wanted = next(files, "")
        if not wanted:
            return arrived


async def breakdown(path: Path, repeat: int) -> dict[str, float]:
    """Each step of /summary and of its files, timed here (best of `repeat`)."""
    from app.services import Services
    from app.settings import Settings
    from app.summary.service import (
        load_details,
        official_header,
        report_for,
        resolve,
    )
    from domain.summary_request import SummaryRequest
    from locales import use_locale
    from reports.summary_chart import summary_chart
    from reports.summary_docx import summary_docx
    from reports.summary_text import summary_messages
    from reports.summary_xlsx import summary_xlsx
    from storage.db import Database

    db = await Database(path).open()
    services = Services.create(Settings(_env_file=None, database=path), db)  # type: ignore[call-arg]
    steps: dict[str, list[float]] = {}

    def clock(name: str, started: float) -> None:
        steps.setdefault(name, []).append(time.perf_counter() - started)

    for _ in range(repeat):
        started = time.perf_counter()
        tree = await services.orgs.tree()
        inputs = await resolve(services, tree, [None], SummaryRequest())
        clock("load_aggregates", started)
        started = time.perf_counter()
        with use_locale("vi"):
            summary_messages(report_for(inputs, None))
        clock("build_text", started)
        started = time.perf_counter()
        details = await load_details(services, inputs)
        clock("load_details", started)
        started = time.perf_counter()
        detailed = report_for(inputs, None, details)
        clock("detail_report", started)
        header = official_header(services, inputs, None)
        for name, render in (("png", lambda d=detailed: summary_chart(d)),
                             ("xlsx", lambda d=detailed: summary_xlsx(d)),
                             ("docx", lambda d=detailed, h=header: summary_docx(d, h))):
            started = time.perf_counter()
            with use_locale("vi"):
                render()
            clock(name, started)
    await db.close()
    return {name: round(min(times), 3) for name, times in steps.items()}


async def main(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="thidua-province-") as folder:
        workdir = Path(folder)
        province: Province = await generate(workdir / "thidua.sqlite3", ProvinceSpec(
            agencies=args.agencies, units=args.units, people=args.people,
            heads=args.heads, registrations=args.registrations, linked="secretariat"))
        print(f"province: {province.people} people, {len(province.agencies)} agencies, "
              f"{len(province.units)} units, {province.registrations} registrations "
              f"(generated in {province.seconds:.1f} s)")
        floor = floor_seconds(province.path, province.year, args.repeat)
        figures: dict[str, object] = {
            "bench": "province_summary", "people": province.people,
            "agencies": len(province.agencies), "units": len(province.units),
            "registrations": province.registrations, "floor_s": round(floor, 4),
        }
        async with quiet_emulator(BotApiEmulator(token=TOKEN)) as emu:
            bot = BotProcess.thidua(emu, province.path, workdir,
                                    secretariat_chat_id=SECRETARIAT_CHAT,
                                    digest_weekday=7, digest_time="23:59",
                                    daily_digest_time="23:59", reminder_time="23:59")
            await bot.start()
            member = emu.user(Province.telegram_id(province.secretariat), "Hằng")
            await member.send("/help")  # the bot is up once this is answered
            if await member.receive(30.0) is None:
                raise TimeoutError("the bot did not start")
            rss_before = bot.rss_kb()
            async with PeakSampler(bot) as workers:
                runs = [await one_summary(member) for _ in range(args.repeat)]
            figures["bot_rss_before_mb"] = round(rss_before / 1024, 1)
            figures["bot_peak_rss_mb"] = round(bot.peak_rss_kb() / 1024, 1)
            figures["files_worker_peak_rss_mb"] = round(workers.peak_kb / 1024, 1)
            await bot.stop()
        first, warm = runs[0], runs[1:] or runs
        figures["first_s"] = {k: round(v, 3) for k, v in first.items()}
        figures["warm_s"] = {k: round(statistics.median(r[k] for r in warm), 3) for k in first}
        figures["summary_vs_floor"] = round(figures["warm_s"]["text"] / floor, 2)
        if args.breakdown:
            figures["steps_s"] = await breakdown(province.path, args.repeat)
        figures["machine"] = machine()
    _report(figures)
    return figures


def _report(f: dict) -> None:
    print(f"plain SQL floor: {f['floor_s'] * 1000:.0f} ms")
    for label, key in (("first /tonghop", "first_s"), ("warm /tonghop (median)", "warm_s")):
        times = f[key]
        print(f"{label:24} text {times['text'] * 1000:.0f} ms · chart {times['png']:.2f} s · "
              f"XLSX {times['xlsx']:.2f} s · DOCX {times['docx']:.2f} s")
    print(f"/summary text = {f['summary_vs_floor']}× the floor; bot memory "
          f"{f['bot_rss_before_mb']} MB before, peak {f['bot_peak_rss_mb']} MB; the files' "
          f"worker process peak {f['files_worker_peak_rss_mb']} MB")
    if "steps_s" in f:
        print("steps (in this process):", ", ".join(f"{k} {v:.3f} s"
                                                   for k, v in f["steps_s"].items()))


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--units", type=int, default=800)
    parser.add_argument("--heads", type=int, default=2_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="/tonghop this many times")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time each step of the summary and files in this process")
    run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
