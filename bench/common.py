"""What the benchmarks share: bots in subprocesses, their memory and CPU, figures, the machine.

Every benchmark runs the emulator and the simulated people in its own process and each bot
(thidua exactly as `thidua run` starts it, or the bare echo bot) in a subprocess of its own,
talking HTTP to the emulator: the bot's CPU, memory and start-up are then its own, as in
production, and both bots of a comparison are measured the same way.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from emulator import BotApiEmulator
from emulator.zalo import ZaloEmulator

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "load_1min": round(os.getloadavg()[0], 2)}


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def latency_ms(values: Sequence[float]) -> dict[str, float]:
    return {f"p{p}": round(percentile(values, p) * 1000, 1) for p in (50, 95, 99)}


def emit(figures: Mapping[str, Any]) -> None:
    """The last line of every benchmark: its figures as one JSON object."""
    print(json.dumps(figures, ensure_ascii=False, separators=(",", ":")), flush=True)


def thidua_env(emu: BotApiEmulator, database: Path, **settings: object) -> dict[str, str]:
    """The environment of `thidua run` against the emulator (settings as THIDUA_* names)."""
    env = {
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "TELEGRAM_API_FILE_URL": emu.base_file_url,
        "THIDUA_DATABASE": str(database),
        "THIDUA_LOG_LEVEL": "WARNING",
    }
    env.update({f"THIDUA_{k.upper()}": str(v) for k, v in settings.items() if v is not None})
    return env


def zalo_env(emu: ZaloEmulator, database: Path, **settings: object) -> dict[str, str]:
    """The environment of `thidua run` on Zalo only, against the Zalo emulator."""
    env = {
        "ZALO_BOT_TOKEN": emu.token,
        "ZALO_API_BASE_URL": emu.base_url,
        "THIDUA_DATABASE": str(database),
        "THIDUA_LOG_LEVEL": "WARNING",
    }
    env.update({f"THIDUA_{k.upper()}": str(v) for k, v in settings.items() if v is not None})
    return env


class BotProcess:
    """A bot in a subprocess, with its resident memory and CPU time read from /proc."""

    running: ClassVar[set[BotProcess]] = set()  # killed by `run` if a benchmark fails

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> None:
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd  # a temporary directory: no developer's .env is read
        self.proc: asyncio.subprocess.Process | None = None
        self.started_at = 0.0

    @classmethod
    def thidua(cls, emu: BotApiEmulator, database: Path, cwd: Path,
               **settings: object) -> BotProcess:
        return cls([sys.executable, "-m", "bot", "run", "--mode", "polling"],
                   thidua_env(emu, database, **settings), cwd)

    @classmethod
    def thidua_zalo(cls, emu: ZaloEmulator, database: Path, cwd: Path,
                    **settings: object) -> BotProcess:
        """thidua as `thidua run` starts it with only a Zalo token (long polling)."""
        return cls([sys.executable, "-m", "bot", "run", "--mode", "polling"],
                   zalo_env(emu, database, **settings), cwd)

    @classmethod
    def echo(cls, emu: BotApiEmulator, cwd: Path, transport: str = "httpx") -> BotProcess:
        return cls([sys.executable, "-m", "bench.echo_bot", emu.base_url, emu.base_file_url,
                    emu.token, transport], {}, cwd)

    @classmethod
    def zalo_echo(cls, emu: ZaloEmulator, cwd: Path, poll_timeout: float = 10) -> BotProcess:
        """The bare Zalo echo bot (bench/zalo_echo_bot.py) on the Zalo emulator."""
        return cls([sys.executable, "-m", "bench.zalo_echo_bot", emu.base_url, emu.token,
                    str(poll_timeout)], {}, cwd)

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("THIDUA_", "TELEGRAM_", "ZALO_"))}
        env.update(self.env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self.started_at = time.monotonic()
        self.proc = await asyncio.create_subprocess_exec(*self.argv, cwd=self.cwd, env=env)
        BotProcess.running.add(self)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def _status(self, key: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def rss_kb(self) -> int:
        return self._status("VmRSS")

    def peak_rss_kb(self) -> int:
        return self._status("VmHWM")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime

    async def stop(self, timeout: float = 30.0) -> float:  # noqa: ASYNC109
        """SIGTERM (a clean stop, as systemd or Docker would), then wait; seconds taken."""
        BotProcess.running.discard(self)
        if self.proc is None or self.proc.returncode is not None:
            return 0.0
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise RuntimeError(f"{self.argv} did not stop within {timeout}s") from None
        return time.monotonic() - started

    def descendants(self) -> list[int]:
        """Processes started by the bot (the summary files' fork server and workers)."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], list(children.get(self.pid, []))
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def check_alive(self) -> None:
        if self.proc is not None and self.proc.returncode is not None:
            raise RuntimeError(f"{self.argv} exited with {self.proc.returncode}")


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout: float,  # noqa: ASYNC109
                   step: float = 0.01, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise TimeoutError(f"{what} not met within {timeout}s")
        await asyncio.sleep(step)


class PeakSampler:
    """The highest resident memory any process started by the bot reaches (its summary file
    workers live a few seconds: VmHWM is read every `step` seconds while they do)."""

    def __init__(self, bot: BotProcess, step: float = 0.05) -> None:
        self.bot, self.step, self.peak_kb = bot, step, 0
        self._task: asyncio.Task[None] | None = None

    def _read(self) -> None:
        for pid in self.bot.descendants():
            try:
                text = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    async def _sample(self) -> None:
        while True:
            self._read()  # /proc is in memory: no real I/O
            await asyncio.sleep(self.step)

    async def __aenter__(self) -> PeakSampler:
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


class Profiler:
    """py-spy attached to a running bot (optional: `pip install py-spy`), collapsed stacks."""

    def __init__(self, bot: BotProcess, out: Path, rate: int = 500) -> None:
        self.bot, self.out, self.rate = bot, out, rate
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Profiler:
        spy = Path(sys.executable).with_name("py-spy")
        self.proc = await asyncio.create_subprocess_exec(
            str(spy), "record", "--pid", str(self.bot.pid), "--rate", str(self.rate),
            "--format", "raw", "--output", str(self.out), "--nonblocking", "--gil",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await asyncio.sleep(0.5)  # attached
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGINT)
            await self.proc.wait()


def run(main: Coroutine[Any, Any, dict[str, Any]]) -> None:
    """Run a benchmark and print its figures; no bot outlives it, whatever happens."""
    try:
        figures = asyncio.run(main)
    finally:
        for bot in list(BotProcess.running):
            if bot.proc is not None and bot.proc.returncode is None:
                bot.proc.kill()
    emit(figures)


Emulator = TypeVar("Emulator", BotApiEmulator, ZaloEmulator)


def quiet_emulator(emu: Emulator) -> Emulator:
    """Keep only counters: a long benchmark must not grow the emulator's call log."""
    emu.record_calls = False
    return emu
