"""The worker processes of the bot (summary files, parsing uploads): one fork server, a job
runner (`Workers`), and workers that never outlive the bot.

Each job runs in a fresh process forked from the fork server (which has the heavy libraries
imported already) and gives its memory back when it ends; `Workers` bounds how many run and
wait, can bound each job's time and memory, and kills the running ones when the bot stops.
(It replaced a ProcessPoolExecutor with one task per worker: stopped while jobs were queued,
that pool left a worker blocked forever on its queue's lock, and the interpreter waiting for
it at exit.)

Workers are forked from a fork server that has the heavy libraries imported already. Neither
may survive the bot, even after `kill -9` (idle summary workers waiting on their queue did,
for minutes, holding 160–400 MB): every worker asks the kernel for SIGKILL when its parent
(the fork server) dies, and the fork server asks the same of the bot (`prctl
PR_SET_PDEATHSIG`, Linux); the fork server also exits as soon as the bot's end of its pipe
closes (CPython's own watch). Elsewhere the requests are no-ops.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import functools
import math
import multiprocessing
import os
import resource
import signal
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any

PR_SET_PDEATHSIG = 1
# Set in the bot before the fork server starts: the server finds its parent's pid here
# (app.worker_guard, imported first by the server) and asks to die with it.
GUARD_VARIABLE = "THIDUA_FORKSERVER_PARENT"
# Imported once by the fork server, then shared by every worker forked from it.
PRELOAD = [
    "app.worker_guard",  # first: the server dies with the bot even while importing the rest
    "domain.uploads",
    "app.summary.delivery", "reports.summary_chart", "reports.summary_docx",
    "reports.summary_xlsx", "reports.achievement_files",
]
_context: ForkServerContext | None = None


@dataclass(frozen=True)
class ParseLimits:
    """How long, and how much more memory than it starts with, a worker parsing one uploaded
    file may take (THIDUA_PARSE_SECONDS, THIDUA_PARSE_MEMORY_MB)."""

    seconds: float
    memory_bytes: int


@functools.cache
def _libc() -> ctypes.CDLL:
    """Found once (find_library runs ldconfig): by the fork server, before it forks."""
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def die_with_parent(expected: int | None = None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; else nothing).

    If the parent died already (it is not `expected`, or changed during the call), exit now.
    (Comparing with pid 1 would not do: a bot in Docker may itself be pid 1.)"""
    parent = os.getppid() if expected is None else expected
    try:
        libc = _libc()
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the fork server's pipe watch remains
        return
    if os.getppid() != parent:
        os._exit(1)


def context() -> ForkServerContext:
    """The fork server context every worker of the bot uses, its server running.

    Call it from the event loop's thread: the server is started by the thread that first
    needs it, and its death signal is tied to that thread (a worker thread of a pool may end
    long before the bot)."""
    global _context
    if _context is None:
        os.environ[GUARD_VARIABLE] = str(os.getpid())
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _context = ctx
    forkserver.ensure_running()  # a no-op while it runs; restarted if it died
    return _context


class WorkerFailed(Exception):
    """A job did not return: `reason` is "timeout", "memory" (past its memory bound),
    "crashed" (an exception, whose type is `detail`, or the process killed), "busy" (too many
    jobs waiting) or "stopped" (the bot is stopping)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} {detail}".strip())
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class JobStats:
    """What a job cost: wall time seen by the bot, peak memory (RSS) of its process."""

    seconds: float
    peak_bytes: int


class _Gate:
    def __init__(self, parallel: int) -> None:
        self.slots = asyncio.Semaphore(parallel)
        self.waiting = 0


class Workers:
    """Runs module-level functions in fresh worker processes: at most `parallel` at once and
    `queue` more waiting (None: no bound; beyond it WorkerFailed("busy")); each job within
    `limits` if given; `stop()` kills the running jobs and refuses new ones until `start()`."""

    def __init__(self, parallel: int, queue: int | None = None) -> None:
        self.parallel = parallel
        self.queue = queue
        self.last_stats: JobStats | None = None
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Gate] = \
            weakref.WeakKeyDictionary()
        self._live: set[BaseProcess] = set()
        self._accepting = True

    def start(self) -> None:
        self._accepting = True

    def stop(self) -> None:
        """The bot stops: jobs in progress are abandoned (their callers get "stopped")."""
        self._accepting = False
        for process in list(self._live):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.kill()

    async def run(self, function: Callable[..., Any], *args: Any,
                  limits: ParseLimits | None = None) -> Any:
        if not self._accepting:
            raise WorkerFailed("stopped")
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = _Gate(self.parallel)
        if self.queue is not None and gate.waiting >= self.parallel + self.queue:
            raise WorkerFailed("busy")
        gate.waiting += 1
        try:
            async with gate.slots:
                if not self._accepting:
                    raise WorkerFailed("stopped")
                ctx = context()  # here, on the event loop's thread (see context())
                return await asyncio.to_thread(self._run, ctx, function, args, limits)
        finally:
            gate.waiting -= 1

    def _run(self, ctx: ForkServerContext, function: Callable[..., Any], args: tuple[Any, ...],
             limits: ParseLimits | None) -> Any:
        """In a thread of the bot: start the job's process, wait for its answer."""
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_job, args=(send, function, args, limits), daemon=True,
                              name=f"thidua-{getattr(function, '__name__', 'job')}")
        started = time.monotonic()
        try:
            process.start()
        except OSError as exc:  # the fork server could not fork (memory, process limits)
            receive.close()
            raise WorkerFailed("crashed", type(exc).__name__) from None
        finally:
            send.close()
        self._live.add(process)
        try:
            outcome, payload, peak = self._receive(receive, process, limits, started)
        finally:
            self._live.discard(process)
            receive.close()
            if process.is_alive():
                process.kill()
            process.join(5)
        self.last_stats = JobStats(time.monotonic() - started, peak)
        if outcome == "ok":
            return payload
        raise WorkerFailed(outcome, payload or "")

    def _receive(self, receive: Connection, process: BaseProcess, limits: ParseLimits | None,
                 started: float) -> tuple[str, Any, int]:
        deadline = None if limits is None else started + limits.seconds
        while True:
            wait = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
            if wait <= 0:
                return "timeout", None, 0
            if receive.poll(wait):
                try:
                    return receive.recv()  # type: ignore[no-any-return]
                except (EOFError, OSError):  # killed (stop, RLIMIT_CPU, the OOM killer)
                    return ("crashed" if self._accepting else "stopped"), None, 0


def _address_space() -> int:
    """This process's mapped address space now (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _job(send: Connection, function: Callable[..., Any], args: tuple[Any, ...],
         limits: ParseLimits | None) -> None:
    """In the worker: bound ourselves, run, send (outcome, result, peak memory). Nothing is
    logged here: no filter would mask the phone numbers a message could quote."""
    die_with_parent()
    if limits is not None:
        with contextlib.suppress(ValueError, OSError):
            cpu = math.ceil(limits.seconds) + 1  # the kernel stops it even if the bot cannot
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            base = _address_space()
            if base:
                budget = base + limits.memory_bytes
                resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    result: tuple[str, Any, int]
    try:
        result = ("ok", function(*args), _peak_rss())
    except (MemoryError, RecursionError):
        result = ("memory", None, _peak_rss())
    except Exception as exc:
        result = ("crashed", type(exc).__name__, _peak_rss())
    try:
        send.send(result)
    except MemoryError:
        send.send(("memory", None, _peak_rss()))
    finally:
        send.close()
