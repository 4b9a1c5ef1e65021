"""Fairness under load: one flooding chat delays only itself, a stranger gets one answer,
/summary requests are shared, throttled and bounded, workers die with the bot, and a restore
waits for no writer."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import uuid
from pathlib import Path

from emulator import BotApiEmulator
from tests.harness import BLOC, SAMPLE_ROSTER, SECRETARIAT_CHAT, TOKEN, BotHarness
from tests.reliability.actors import AGENCY_HEAD, STAFF
from tests.reliability.process import ROOT, BotProcess, expect_eventually
from tests.reliability.test_busy import hold_lock
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


def _describe(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")[:200]
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            state = next((line for line in status if line.startswith("State")), "")
        return f"{pid} {state.strip()} {command}"
    except OSError:
        return f"{pid} (gone)"


async def gone(marker: str, seconds: float = 15) -> list[int]:
    """Wait until no process carries `marker`; the survivors if some remain."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := processes_with(marker)) and loop.time() < deadline:  # noqa: ASYNC110
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
    left = await gone(marker)
    assert left == [], [_describe(pid) for pid in left]


# --------------------------------------------------------------------------- one chat's 429


async def test_a_429_in_one_chat_delays_that_chat_only(bot: BotHarness):
    stranger = bot.user(8901, "Spam")
    khanh = await bot.person_user(STAFF)
    # Telegram answers the stranger's chat "retry after 6 s" (it flooded); nobody else's.
    bot.emu.faults.add("sendMessage", status=429, retry_after=6, chat_id=stranger.id)
    await stranger.send("alo alo")
    await _until_called(bot, "sendMessage", stranger.id)  # the 429 was answered
    await khanh.send("/help")
    await khanh.expect("Các lệnh", timeout=5)  # not held behind the stranger's pause
    assert stranger.messages == []  # the stranger's answer waits for its own chat's delay
    await stranger.expect("chưa được liên kết", timeout=20)  # … and then arrives


async def _until_called(bot: BotHarness, method: str, chat_id: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while not any(c.method == method and str(c.params.get("chat_id")) == str(chat_id)
                  for c in bot.emu.calls):
        assert loop.time() < deadline, f"no {method} to {chat_id}"
        await asyncio.sleep(0.01)


# --------------------------------------------------------------------------- strangers


async def test_a_flooding_stranger_gets_a_few_answers_not_one_per_message(bot: BotHarness):
    stranger = bot.user(8902, "Lạ", phone="0912000777")
    for n in range(12):
        await stranger.send(f"xin chào lần {n}")
    await stranger.share_contact()  # what links an account is always read …
    await expect_eventually(stranger, "không có trong danh sách", timeout=20)
    answers = [m for m in stranger.messages if "chưa được liên kết" in m.plain]
    assert 1 <= len(answers) <= 5, len(answers)  # … the flood is not answered message by message
    linked = await bot.person_user(STAFF)  # and people on the roster are not throttled
    for _ in range(6):
        await linked.send("/help")
        await linked.expect("Các lệnh")


# --------------------------------------------------------------------------- /tonghop spam


async def test_summary_requests_are_shared_throttled_and_bounded(bot: BotHarness):
    head = await bot.person_user(AGENCY_HEAD)
    bot.emu.faults.add("sendPhoto", delay=2.0, times=None)  # files in flight for a while
    for _ in range(10):
        await head.send("/tonghop")
    await expect_eventually(head, "Văn bản tổng hợp", timeout=60)  # the last file
    waiting = [m for m in head.messages if "vẫn đang được chuẩn bị" in m.plain]
    assert len(waiting) == 9  # every repeat while the first was in flight: one short answer
    assert sum(1 for m in head.messages
               if m.document is not None and m.document.filename.endswith(".xlsx")) == 1

    # Different requests at once: a few are built, the rest are told to come back later.
    heads = [await bot.person_user(phone) for phone in OTHER_AGENCY_HEADS]
    for other in heads:
        await other.send("/tonghop")
    busy = 0
    for other in heads:
        first = await other.expect("", timeout=30)
        busy += "Nhiều bản tổng hợp đang được chuẩn bị" in first.plain
    assert busy == len(heads) - RENDERS_AT_ONCE


RENDERS_AT_ONCE = 4  # app.flood.SharedRenders.max_pending
OTHER_AGENCY_HEADS = ["0894634682", "0902469764", "0977887281", "0931723003", "0904681898",
                      "0935656598"]


# --------------------------------------------------------------------------- restore


async def test_restore_refuses_while_a_cli_import_is_writing(tmp_path: Path, cli):  # type: ignore[no-untyped-def]
    database = tmp_path / "thidua.sqlite3"
    await import_sample(database)
    backup = tmp_path / "before.sqlite3"
    assert (await cli(database, "backup", str(backup)))[0] == 0
    bigger = tmp_path / "bigger.csv"
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    extra = [f"Sở Nội vụ,Văn phòng Sở,Người Mới {n},Chuyên viên,không,staff,09120{n:05d}"
             for n in range(2000)]
    bigger.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")

    holder = await hold_lock(database, 6)  # the import will have to wait for it
    importer = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--database", str(database), "roster", "import",
        str(bigger), "--bloc", BLOC, cwd=tmp_path, env={"PYTHONPATH": str(ROOT),
                                                        "PATH": os.environ.get("PATH", "")},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    await _until_in_use(database)  # the import has the database open
    code, out = await cli(database, "restore", str(backup), "--force")
    assert code == 1 and "đang dùng" in out, out  # refused: the import is writing
    assert await holder.wait() == 0
    printed = (await importer.communicate())[0].decode()
    assert importer.returncode == 0 and "Đã nhập danh sách cán bộ" in printed, printed
    with sqlite3.connect(database) as conn:  # what the import said it did is there
        assert conn.execute("SELECT count(*) FROM people").fetchone()[0] == 300 + 2000


async def _until_in_use(database: Path) -> None:
    from bot.runlock import InUse, UsersLock

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while True:
        try:
            UsersLock(database).exclusive().release()
        except InUse:
            return
        assert loop.time() < deadline, "the import never opened the database"
        await asyncio.sleep(0.05)
