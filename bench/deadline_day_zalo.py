"""Deadline day over Zalo: `python -m bench.deadline_day --channel zalo [--users 500] …`.

The same province and the same U people as the Telegram run, on the Zalo emulator. Each is
handed a one-time invite code (as `thidua invites create` makes it) and links by typing it
(timed apart: `link`); once the bot has been quiet (the newcomers' campaign messages sent),
all register at once by typing numbers, as tests/zalo tell it: /dangky, the number of "Chiến
sĩ thi đua cơ sở", the number of Continue, the months, the number of the rating, the number of
the ground "initiative", its title, the number of Confirm: 8 updates, each timed from the
moment the person types to the moment the screen they wait for has arrived. Before that, in
the same run and on the same emulator, the same number of people each send 8 messages to the
bare Zalo echo bot (bench/zalo_echo_bot.py) and wait for each echo.

thidua runs as `thidua run` with only ZALO_BOT_TOKEN set (long polling), in a subprocess of its
own like the echo bot. Prints the figures of each run, the ratio of throughputs, and a JSON
line last.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.common import BotProcess, Profiler, machine, quiet_emulator
from bench.deadline_day import INITIATIVE, TIMEOUT, Run, crowd, ready, report, timed
from bench.province import ProvinceSpec, generate
from emulator.zalo import ZaloEmulator, ZaloUser
from storage.audit import AuditContext
from storage.db import Database
from storage.invites import InviteRepository
from storage.people import PeopleRepository

ZALO_TOKEN = "4242424242:BENCH-ZALO-TOKEN"
ZALO_BASE = 800_000_000  # Zalo account of person p: the emulator's id for ZALO_BASE + p
ECHO_BASE = 900_000_000
QUIET = 2.5  # seconds without a message from the bot: the newcomers' deliveries are done


async def invite_codes(database: Path, person_ids: list[int]) -> dict[int, str]:
    """A one-time code for each person, stored hashed as the CLI stores it."""
    db = Database(database)
    await db.open()
    try:
        people, invites = PeopleRepository(db), InviteRepository(db)
        codes = {}
        for pid in person_ids:
            person = await people.get(pid)
            assert person is not None, pid
            codes[pid] = await invites.create(person, timedelta(days=14), AuditContext.cli())
        return codes
    finally:
        await db.close()


async def echo_person(run: Run, user: ZaloUser, steps: int) -> None:
    for n in range(steps):
        text = f"tin nhắn {n + 1} của {user.display_name}"

        async def step(text: str = text) -> None:
            await user.send(text)
            await user.expect(text, timeout=TIMEOUT)

        await timed(run, step)


async def link_person(run: Run, user: ZaloUser, code: str) -> None:
    async def step() -> None:
        await user.send(code)
        await user.expect("Đã liên kết tài khoản", timeout=TIMEOUT)

    await timed(run, step)


async def register_person(run: Run, user: ZaloUser, year: int) -> None:
    """The 8 updates of a full individual registration, typed as on Zalo."""

    async def start() -> None:
        await user.send("/dangky")
        await user.expect(f"Đăng ký thi đua năm {year}", timeout=TIMEOUT)

    async def tick() -> None:
        await user.tap("☐ Chiến sĩ thi đua cơ sở")
        await user.expect("☑ Chiến sĩ thi đua cơ sở", timeout=TIMEOUT)

    async def go_on() -> None:
        await user.tap("Tiếp tục ➡️")
        await user.expect("Câu hỏi 1/4", timeout=TIMEOUT)

    async def months() -> None:
        await user.send("60")
        await user.expect("Câu hỏi 2/4", timeout=TIMEOUT)

    async def rating() -> None:
        await user.tap("Hoàn thành xuất sắc nhiệm vụ")
        await user.expect("Câu hỏi 3/4", timeout=TIMEOUT)

    async def ground() -> None:
        await user.tap("Có sáng kiến được cơ sở công nhận")
        await user.expect("Câu hỏi 4/4", timeout=TIMEOUT)

    async def initiative() -> None:
        await user.send(INITIATIVE)
        await user.expect("Xem lại đăng ký thi đua năm", timeout=TIMEOUT)

    async def confirm() -> None:
        await user.tap("✅ Xác nhận")
        await user.expect(f"Đã lưu đăng ký thi đua năm {year}", timeout=TIMEOUT)

    for step in (start, tick, go_on, months, rating, ground, initiative, confirm):
        await timed(run, step)


async def settle(emu: ZaloEmulator, users: list[ZaloUser]) -> None:
    """Wait until the bot has sent nothing for QUIET seconds, then forget what it sent (the
    campaign a newcomer receives on linking), so each person's next screen is the next one."""
    sent = -1
    while sent != (now := sum(emu.stats.delivered.values())):
        sent = now
        await asyncio.sleep(QUIET)
    for user in users:
        user.drain()


async def echo_run(emu: ZaloEmulator, workdir: Path, users: int,
                   args: argparse.Namespace) -> Run:
    run = Run("echo_zalo")
    bot = BotProcess.zalo_echo(emu, workdir)
    await bot.start()
    await ready(bot, emu.user(ECHO_BASE, "Khởi động"), "ping", "ping")
    people = [emu.user(ECHO_BASE + 1 + n, f"Người {n + 1}") for n in range(users)]
    await crowd(run, [lambda u=u: echo_person(run, u, 8) for u in people], args.concurrency,
                bot, emu)
    await bot.stop()
    report(run)
    return run


async def main(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="thidua-deadline-zalo-") as folder:
        workdir = Path(folder)
        province = await generate(workdir / "thidua.sqlite3", ProvinceSpec(
            agencies=args.agencies, units=args.units, people=args.people,
            registrations=args.registrations, linked="secretariat"))
        if len(province.staff) <= args.users:
            raise SystemExit(f"only {len(province.staff)} people have not registered yet: "
                             "raise --people or lower --registrations")
        staff = province.staff[:args.users]
        codes = await invite_codes(province.path, staff)
        async with quiet_emulator(ZaloEmulator(token=ZALO_TOKEN)) as emu:
            if args.latency:  # every Bot API call answered after this delay, as from afar
                emu.faults.add(None, delay=args.latency / 1000, times=None)
            figures: dict[str, object] = {"bench": "deadline_day", "channel": "zalo",
                                          "users": len(staff),
                                          "concurrency": args.concurrency or len(staff),
                                          "api_latency_ms": args.latency}
            echo = None
            if not args.skip_echo:
                echo = await echo_run(emu, workdir, len(staff), args)
                figures["echo_zalo"] = echo.figures()

            # Only the people: the weekly digest, reminders and daily summary are not due.
            bot = BotProcess.thidua_zalo(emu, province.path, workdir, digest_weekday=7,
                                         digest_time="23:59", daily_digest_time="23:59",
                                         reminder_time="23:59")
            await bot.start()
            stranger = emu.user(ZALO_BASE, "Khởi động")
            figures["thidua_startup_s"] = round(await ready(bot, stranger, "/start", "mã mời"),
                                                2)
            users = {pid: emu.user(ZALO_BASE + pid, f"Người {pid}") for pid in staff}
            link = Run("link")
            await crowd(link, [lambda p=p, u=u: link_person(link, u, codes[p])
                               for p, u in users.items()], args.concurrency, bot, emu)
            report(link)
            figures["link"] = link.figures()
            await settle(emu, list(users.values()))

            thidua = Run("thidua")
            people = [lambda u=u: register_person(thidua, u, province.year)
                      for u in users.values()]
            if args.profile:
                async with Profiler(bot, args.profile.with_suffix(".thidua_zalo.txt")):
                    await crowd(thidua, people, args.concurrency, bot, emu)
            else:
                await crowd(thidua, people, args.concurrency, bot, emu)
            await bot.stop()
            report(thidua)
            figures["thidua"] = thidua.figures()
            if echo is not None:
                figures["ratio"] = round(thidua.per_second / echo.per_second, 3)
                print(f"thidua / echo_zalo throughput: {figures['ratio']:.0%}")
            figures["machine"] = machine()
            return figures
