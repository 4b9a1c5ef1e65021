"""The bot as a real process (`python -m bot run`), and a killer that SIGKILLs it at chosen
points of a conversation and starts it again, against an emulator in the test process.

    async with BotProcess(emu, tmp_path) as bot:
        killer = Killer(bot, random.Random(7), kills=8, steps=20)
        point = killer.plan(chat_id)
        await killer.arm(point, chat_id)      # before the user acts
        await user.send("/start")
        await killer.strike(point, chat_id)   # kills and restarts if the plan says so
        await expect_eventually(user, "chia sẻ số điện thoại")
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sys
from pathlib import Path
from typing import Any

from emulator import BotApiEmulator, BotMessage, EmuChat
from tests.harness import BLOC, SECRETARIAT_CHAT, TOKEN
from tests.reliability.figures import FIGURES

ROOT = Path(__file__).resolve().parents[2]
REPLY_METHODS = ["sendMessage", "editMessageText", "answerCallbackQuery", "sendDocument"]
POINTS = ["at once", "once fetched", "during the reply", "after the reply", "a moment later"]
APOLOGIES = ("Xin lỗi, đã có lỗi xảy ra", "Sorry, something went wrong")


class BotProcess:
    """`python -m bot run` in polling mode, its log in `<tmp>/bot.log`."""

    def __init__(self, emu: BotApiEmulator, tmp_path: Path, **env: str) -> None:
        self.emu = emu
        self.database = tmp_path / "thidua.sqlite3"
        self.log = tmp_path / "bot.log"
        self.cwd = tmp_path  # no stray .env is read
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emu.base_url,
            "TELEGRAM_API_FILE_URL": emu.base_file_url,
            "THIDUA_DATABASE": str(self.database),
            "THIDUA_SECRETARIAT_CHAT_ID": str(SECRETARIAT_CHAT),
            "THIDUA_BLOC_NAME": BLOC,
            "THIDUA_LOG_LEVEL": "INFO",
            **env,
        }
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, timeout: float = 30) -> None:  # noqa: ASYNC109 - an assertion
        mark = len(self.emu.calls)
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=self.cwd, env=self.env,
                stdout=log, stderr=log,
            )
        self.starts += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not any(c.method == "getUpdates" for c in self.emu.calls[mark:]):
            if self.proc.returncode is not None or loop.time() > deadline:
                raise AssertionError(f"the bot did not start:\n{self.log_text()[-3000:]}")
            await asyncio.sleep(0.02)

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        FIGURES["kills"] += 1

    async def stop(self) -> None:
        """SIGTERM: the bot stops cleanly, finishing what it fetched."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                await self.proc.wait()
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError("the bot did not stop on SIGTERM") from None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() \
            else ""

    def replayed(self) -> int:
        return sum(int(n) for n in re.findall(r"replaying (\d+) update", self.log_text()))

    async def __aenter__(self) -> BotProcess:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class Killer:
    """Spreads `kills` SIGKILLs over `steps` user actions, each at a random point."""

    def __init__(self, bot: BotProcess, rng: random.Random, *, kills: int, steps: int) -> None:
        self.bot = bot
        self.rng = rng
        self.left = kills
        self.steps = steps
        self.done: list[str] = []

    def plan(self) -> str | None:
        steps, self.steps = max(self.steps, 1), self.steps - 1
        if self.left <= 0 or self.rng.random() >= self.left / steps:
            return None
        self.left -= 1
        return self.rng.choice(POINTS)

    def arm(self, point: str | None, chat_id: int) -> None:
        """Before the action: hold the bot's reply long enough to kill it meanwhile."""
        if point == "during the reply":
            self.bot.emu.faults.add(REPLY_METHODS, delay=2.0, times=1)

    async def strike(self, point: str | None, chat: EmuChat, seen_events: int) -> None:
        if point is None:
            return
        emu = self.bot.emu
        pushed = emu.world._next_update_id - 1
        if point == "once fetched":
            await _until(lambda: all(u["update_id"] != pushed for u in emu.world.updates))
        elif point == "during the reply":
            await _until(lambda: any(c.status is None and c.method in REPLY_METHODS
                                     for c in emu.calls[-20:]))
        elif point == "after the reply":
            await _until(lambda: len(chat.events) > seen_events)
        elif point == "a moment later":
            await asyncio.sleep(self.rng.uniform(0, 0.08))
        await self.bot.kill()
        self.done.append(point)
        emu.faults.clear()
        await self.bot.start()


async def _until(condition: Any, seconds: float = 10) -> None:
    """Poll a condition on the emulator's state (no event to wait on); give up quietly."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while not condition():  # noqa: ASYNC110 - state of another component
                await asyncio.sleep(0.005)


async def expect_eventually(chat: EmuChat, contains: str, timeout: float = 30) -> BotMessage:  # noqa: ASYNC109
    """The next bot event containing `contains`, skipping repeats of earlier answers (an
    update replayed after a kill may be answered twice); an apology fails at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        event = await chat.receive(max(0.01, deadline - loop.time()))
        if event is None:
            raise AssertionError(f"{chat.label}: no {contains!r} within {timeout}s")
        if any(a in event.plain for a in APOLOGIES):
            raise AssertionError(f"{chat.label}: apology instead of {contains!r}")
        if contains in event.plain:
            return event


async def tap_eventually(chat: Any, text: str, message: BotMessage, **by: Any) -> asyncio.Task:
    """Tap in the background (the bot may die before answering): returns the task."""
    return asyncio.create_task(chat.tap(text, message=message, timeout=40, **by))


def no_secrets_in(text: str, phones: list[str]) -> list[str]:
    found = [p for p in phones if p in text]
    return (["the token"] if TOKEN in text else []) + found


async def cancel(task: asyncio.Task) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
