"""A real process killed (SIGKILL) between storing an update and finishing it: the next
process replays it from the SQLite inbox, and the person gets exactly one answer."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

from emulator.zalo import ZaloEmulator
from tests.channels.zalo.support import HANG

ROOT = Path(__file__).resolve().parents[3]


async def spawn(emu: ZaloEmulator, database: Path, *, hang: bool) -> asyncio.subprocess.Process:
    mark = len(emu.calls_to("getUpdates"))
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
           "ZALO_ECHO_HANG": "1" if hang else "0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.channels.zalo.echo_process", emu.base_url, emu.token,
        str(database), cwd=database.parent, env=env)
    for _ in range(1500):
        if len(emu.calls_to("getUpdates")) > mark:
            return process
        assert process.returncode is None, "the echo process died"
        await asyncio.sleep(0.01)
    raise AssertionError("the echo process did not start polling")


def inbox_row(database: Path, message_id: str) -> tuple[str | None, int] | None:
    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT processed_at, attempts FROM zalo_inbox WHERE message_id = ?",
                           (message_id,)).fetchone()
    return None if row is None else (row[0], row[1])


async def test_a_process_killed_after_storing_replays_the_update(tmp_path):
    database = tmp_path / "thidua.sqlite3"
    async with ZaloEmulator() as emu:
        lan = emu.user(1001, "Lan")
        first = await spawn(emu, database, hang=True)
        try:
            sent = await lan.send(HANG)
            for _ in range(1000):  # stored, being handled (and never finishing)
                if database.exists() and inbox_row(database, sent["message_id"]) is not None:
                    break
                await asyncio.sleep(0.01)
            assert inbox_row(database, sent["message_id"]) == (None, 0)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert emu.pending_updates == 0  # the platform handed it out: only our inbox has it

        second = await spawn(emu, database, hang=False)
        try:
            await lan.expect(f"echo: {HANG}", timeout=10)
            await lan.send("sau đó")
            await lan.expect("echo: sau đó", timeout=10)
            await lan.expect_silence(0.3)
            processed_at, attempts = inbox_row(database, sent["message_id"]) or (None, -1)
            assert processed_at is not None and attempts == 1
        finally:
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 15) == 0
