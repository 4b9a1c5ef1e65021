"""Deadline day: many people registering at once, against a bare echo bot on the same emulator.

    .venv/bin/python -m bench.deadline_day [--users 500] [--concurrency 0] [--skip-echo]
    .venv/bin/python -m bench.deadline_day --channel zalo [--users 500] …

U linked staff members of a province-sized roster (bench/province.py: 30,000 people, 800
units, 100,000 registrations over four years, most people of this year registered already:
it is the last day) each do a full individual registration, all at once (`--concurrency N`
lets only N register at a time): /dangky, tick "Chiến sĩ thi đua cơ sở", Continue, type the
months of service, tap the expected rating, tap the ground "initiative", type its title, tap
Confirm: 8 updates, each timed from the moment the person acts to the moment the screen they
wait for has arrived. Before that, in the same run and on the same emulator, the same number
of people each send 8 messages to the bare python-telegram-bot echo bot (emulator/echo.py) and
wait for each echo: once on PTB's own HTTP transport (httpx: the bare bot), once on thidua's
(aiohttp, bot/http.py: like for like); `--echo-transports` picks.

Every bot runs in a subprocess of its own (thidua exactly as `thidua run`; the echo bot polling
the same way), so each has a core while this process plays the emulator and the people.
Prints the updates per second, p50/p95/p99 latency, CPU per update and Bot API calls per
update of each, the ratios of throughputs, and a JSON line last. `--latency MS` answers every
Bot API call after MS milliseconds (Telegram is far away); `--with-summaries` has the
secretariat pull the province's summary and files meanwhile; `--profile FILE` records each
bot with py-spy. `--channel zalo` runs the same day over Zalo (bench/deadline_day_zalo.py):
people linking with invite codes, then registering by typing numbers, against the bare Zalo
echo bot.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import BotProcess, Profiler, latency_ms, machine, quiet_emulator, run
from bench.province import Province, ProvinceSpec, generate
from emulator import BotApiEmulator, EmuUser
from emulator.zalo import ZaloEmulator, ZaloUser

TOKEN = "123456:BENCH-TOKEN"
ECHO_BASE = 900_000_000
INITIATIVE = "Số hoá quy trình tiếp nhận kiến nghị cử tri"
TIMEOUT = 300.0  # per expected screen: queues are long when everyone acts at once


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    cpu_seconds: float = 0.0
    rss_kb: int = 0
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def updates(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.updates / max(self.finished - self.started, 1e-9)

    def figures(self) -> dict[str, object]:
        return {
            "updates": self.updates,
            "seconds": round(self.finished - self.started, 2),
            "updates_per_s": round(self.per_second, 1),
            "latency_ms": latency_ms(self.latencies),
            "cpu_ms_per_update": round(self.cpu_seconds * 1000 / max(self.updates, 1), 2),
            "rss_mb": round(self.rss_kb / 1024, 1),
            "api_calls_per_update": {m: round(n / max(self.updates, 1), 2)
                                     for m, n in sorted(self.calls.items())},
            "errors": len(self.errors),
        }


async def timed(run: Run, action: Callable[[], Awaitable[object]]) -> None:
    started = time.monotonic()
    await action()
    run.latencies.append(time.monotonic() - started)


async def echo_person(run: Run, user: EmuUser, steps: int) -> None:
    for n in range(steps):
        text = f"tin nhắn {n + 1} của {user.first_name}"

        async def step(text: str = text) -> None:
            await user.send(text)
            await user.expect(text, timeout=TIMEOUT)

        await timed(run, step)


async def register_person(run: Run, user: EmuUser, year: int) -> None:
    """The 8 updates of a full individual registration, as tests/registration tell it."""

    async def start() -> None:
        await user.send("/dangky")
        await user.expect(f"Đăng ký thi đua năm {year}", timeout=TIMEOUT)

    async def tick() -> None:
        await user.tap("☐ Chiến sĩ thi đua cơ sở", timeout=TIMEOUT)
        await user.expect("Chọn danh hiệu", timeout=TIMEOUT)

    async def go_on() -> None:
        await user.tap("Tiếp tục ➡️", timeout=TIMEOUT)  # the titles screen becomes question 1
        await user.expect("Câu hỏi 1/4", timeout=TIMEOUT)

    async def months() -> None:
        await user.send("60")
        await user.expect("Câu hỏi 2/4", timeout=TIMEOUT)

    async def rating() -> None:
        await user.tap("Hoàn thành xuất sắc nhiệm vụ", timeout=TIMEOUT)
        await user.expect("Câu hỏi 3/4", timeout=TIMEOUT)

    async def ground() -> None:
        await user.tap("Có sáng kiến được cơ sở công nhận", timeout=TIMEOUT)
        await user.expect("Câu hỏi 4/4", timeout=TIMEOUT)

    async def initiative() -> None:
        await user.send(INITIATIVE)
        await user.expect("Xem lại đăng ký thi đua năm", timeout=TIMEOUT)

    async def confirm() -> None:
        answer = await user.tap("✅ Xác nhận", timeout=TIMEOUT)
        assert answer.text == "Đã lưu.", answer
        await user.expect("Xem lại", timeout=TIMEOUT)
        await user.expect(f"Đã lưu đăng ký thi đua năm {year}", timeout=TIMEOUT)

    for step in (start, tick, go_on, months, rating, ground, initiative, confirm):
        await timed(run, step)


async def crowd(run: Run, people: list[Callable[[], Awaitable[None]]], concurrency: int,
                bot: BotProcess, emu: BotApiEmulator | ZaloEmulator) -> None:
    """Everyone at once (or `concurrency` at a time); CPU and memory of the bot around it."""
    gate = asyncio.Semaphore(concurrency or len(people))

    async def one(person: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            try:
                await person()
            except AssertionError as exc:
                run.errors.append(str(exc).splitlines()[0])

    cpu = bot.cpu_seconds()
    calls = dict(emu.stats.by_method)
    run.started = time.monotonic()
    await asyncio.gather(*(one(p) for p in people))
    run.finished = time.monotonic()
    run.calls = {m: n - calls.get(m, 0) for m, n in emu.stats.by_method.items()
                 if n > calls.get(m, 0)}
    run.cpu_seconds = bot.cpu_seconds() - cpu
    run.rss_kb = bot.rss_kb()


async def summaries(secretariat: EmuUser, done: asyncio.Event, seconds: list[float]) -> None:
    """The secretariat asks for the province's summary, again and again until `done`; the
    time of each, from /tonghop to its last file."""
    while not done.is_set():
        secretariat.drain()
        started = time.monotonic()
        await secretariat.send("/tonghop")
        while True:
            event = await secretariat.receive(TIMEOUT)
            if event is None:
                raise TimeoutError("/tonghop: no DOCX")
            if event.document is not None and event.document.filename.endswith(".docx"):
                break
        seconds.append(time.monotonic() - started)


async def ready(bot: BotProcess, user: EmuUser | ZaloUser, text: str, expected: str) -> float:
    """Seconds from spawning the bot to its first answer."""
    await user.send(text)
    while True:
        bot.check_alive()
        try:
            await user.expect(expected, timeout=1.0)
            return time.monotonic() - bot.started_at
        except AssertionError as exc:
            if "nothing from the bot" not in str(exc):
                raise


async def run_bot(run: Run, bot: BotProcess, emu: BotApiEmulator,
                  people: list[Callable[[], Awaitable[None]]], args: argparse.Namespace,
                  profile: Path | None, done: asyncio.Event | None = None,
                  meanwhile: asyncio.Task[None] | None = None) -> None:
    if profile is not None:
        async with Profiler(bot, profile):
            await crowd(run, people, args.concurrency, bot, emu)
    else:
        await crowd(run, people, args.concurrency, bot, emu)
    if done is not None:
        done.set()
    if meanwhile is not None:
        await meanwhile  # the summary being built when the people were done
    await bot.stop()
    report(run)


async def echo_run(name: str, transport: str, emu: BotApiEmulator, workdir: Path, users: int,
                   first_id: int, args: argparse.Namespace) -> Run:
    run = Run(name)
    bot = BotProcess.echo(emu, workdir, transport)
    await bot.start()
    await ready(bot, emu.user(first_id, "Khởi động"), "ping", "ping")
    people = [emu.user(first_id + 1 + n, f"Người {n + 1}") for n in range(users)]
    profile = args.profile.with_suffix(f".{name}.txt") if args.profile else None
    await run_bot(run, bot, emu, [lambda u=u: echo_person(run, u, 8) for u in people], args,
                  profile)
    return run


async def main(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="thidua-deadline-") as folder:
        workdir = Path(folder)
        province = await generate(workdir / "thidua.sqlite3", ProvinceSpec(
            agencies=args.agencies, units=args.units, people=args.people,
            registrations=args.registrations, linked="staff,secretariat"))
        if len(province.staff) <= args.users:
            raise SystemExit(f"only {len(province.staff)} people have not registered yet: "
                             "raise --people or lower --registrations")
        staff, warmup = province.staff[:args.users], province.staff[args.users]
        async with quiet_emulator(BotApiEmulator(token=TOKEN)) as emu:
            if args.latency:  # every Bot API call answered after this delay, as from afar
                emu.faults.add(None, delay=args.latency / 1000, times=None)
            figures: dict[str, object] = {"bench": "deadline_day", "users": len(staff),
                                          "concurrency": args.concurrency or len(staff),
                                          "api_latency_ms": args.latency}
            echoes: list[Run] = []
            if not args.skip_echo:
                for n, transport in enumerate(args.echo_transports.split(",")):
                    name = "echo" if transport == "httpx" else f"echo_{transport}"
                    run = await echo_run(name, transport, emu, workdir, len(staff),
                                         ECHO_BASE + n * 100_000, args)
                    figures[name] = run.figures()
                    echoes.append(run)

            thidua = Run("thidua")
            # Only the people: the weekly digest, reminders and daily summary are not due during
            # the run (each is due from Sunday 23:59 at the earliest).
            bot = BotProcess.thidua(emu, province.path, workdir, digest_weekday=7,
                                    digest_time="23:59", daily_digest_time="23:59",
                                    reminder_time="23:59")
            await bot.start()
            warm = emu.user(Province.telegram_id(warmup), "Khởi động")
            figures["thidua_startup_s"] = round(await ready(bot, warm, "/help", "/dangky"), 2)
            users = [emu.user(Province.telegram_id(pid), f"Người {pid}") for pid in staff]
            done, summary_times = asyncio.Event(), []
            asking = None
            if args.with_summaries:
                secretariat = emu.user(Province.telegram_id(province.secretariat), "Hằng")
                asking = asyncio.create_task(summaries(secretariat, done, summary_times))
            await run_bot(thidua, bot, emu, [lambda u=u: register_person(thidua, u, province.year)
                                             for u in users], args, args.profile, done, asking)
            figures["thidua"] = thidua.figures()
            if asking is not None:
                figures["summaries"] = {"served": len(summary_times),
                                        "median_s": round(statistics.median(summary_times), 2)}
                print(f"meanwhile {len(summary_times)} province summaries with their files, "
                      f"{figures['summaries']['median_s']} s each (median)")
            for run in echoes:
                key = "ratio" if run.name == "echo" else f"ratio_{run.name}"
                figures[key] = round(thidua.per_second / run.per_second, 3)
                print(f"thidua / {run.name} throughput: {figures[key]:.0%}")
            figures["machine"] = machine()
            return figures


def report(run: Run) -> None:
    f = run.figures()
    lat = f["latency_ms"]
    print(f"{run.name:7} {f['updates']:6} updates in {f['seconds']:7.1f} s: "
          f"{f['updates_per_s']:7.1f}/s, latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
          f"p99 {lat['p99']} ms, CPU {f['cpu_ms_per_update']} ms/update, "
          f"RSS {f['rss_mb']} MB, errors {f['errors']}")
    print("        API calls per update:", f["api_calls_per_update"])
    for error in run.errors[:5]:
        print("   ", error)


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--channel", choices=("telegram", "zalo"), default="telegram",
                        help="the messenger: telegram (buttons, the default) or zalo (people "
                             "link with invite codes and type numbers; compared with the bare "
                             "Zalo echo bot)")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--people", type=int, default=30_000, help="roster size")
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--units", type=int, default=800)
    parser.add_argument("--registrations", type=int, default=100_000,
                        help="confirmed registrations already there (four years)")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="people acting at the same time (default: everyone)")
    parser.add_argument("--skip-echo", action="store_true", help="thidua only")
    parser.add_argument("--echo-transports", default="httpx,aiohttp",
                        help="echo bots to compare with: httpx (PTB's own, the bare bot), "
                             "aiohttp (thidua's transport)")
    parser.add_argument("--with-summaries", action="store_true",
                        help="meanwhile, the secretariat asks for the province's summary and "
                             "files again and again")
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS",
                        help="answer every Bot API call after MS milliseconds (Telegram is far)")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="record the bots with py-spy (collapsed stacks) into FILE and "
                             "FILE.echo.txt (Telegram)")
    args = parser.parse_args()
    if args.channel == "zalo":
        from bench.deadline_day_zalo import main as zalo_main

        run(zalo_main(args))
    else:
        run(main(args))


if __name__ == "__main__":
    cli()
