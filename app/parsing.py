"""Uploaded files are parsed once, in a worker process, bounded in time and memory.

A file comes from anyone who can write in the secretariat's group. Parsed on the event loop,
a crafted one froze every user (a 447-byte YAML alias bomb: 27 s and 2.3 GB; a 1.7 KB
workbook declaring 16,384 columns: 21 s and 0.9 GB). Here each file is parsed in its own
process, forked from the workers' fork server (app.workers), which:

- may use at most `memory_bytes` more address space than it starts with (RLIMIT_AS): past
  it, allocations fail and the file is refused as too large;
- is killed after `seconds` (and the kernel stops it after as many CPU seconds, RLIMIT_CPU,
  even if the bot is busy);
- dies with the bot (PR_SET_PDEATHSIG).

At most `PARALLEL` files are parsed at once and `QUEUE` wait; more are refused at once
("busy"), so a burst of uploads cannot queue up work for minutes. The readers' own limits
(domain.tabular, domain.campaign_file) turn honest mistakes into clear messages before these
bounds are ever reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import resource
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from typing import Any

from app.workers import ParseLimits, context, die_with_parent
from domain.uploads import ParsedUpload, parse_upload

log = logging.getLogger(__name__)
PARALLEL = 2  # the machine the bot runs on has a few cores; people's updates need one
QUEUE = 8


class ParseFailed(Exception):
    """The file could not be parsed within the bounds: `reason` is "timeout", "memory",
    "busy" (too many files waiting) or "crashed"."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message or reason


@dataclass(frozen=True)
class ParseStats:
    """What the last parse cost (for the figures in docs/reliability.md)."""

    seconds: float
    peak_bytes: int


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Gate] = \
    weakref.WeakKeyDictionary()
last_stats: ParseStats | None = None


class _Gate:
    def __init__(self) -> None:
        self.slots = asyncio.Semaphore(PARALLEL)
        self.waiting = 0


def _gate() -> _Gate:
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = _Gate()
    return gate


async def parse_in_worker(filename: str, content: bytes, *, default_bloc: str,
                          limits: ParseLimits) -> ParsedUpload:
    """Recognise and parse a file off the event loop; ParseFailed when a bound is hit."""
    gate = _gate()
    if gate.waiting >= PARALLEL + QUEUE:
        raise ParseFailed("busy")
    gate.waiting += 1
    try:
        async with gate.slots:
            ctx = context()  # here, on the event loop's thread (app.workers)
            return await asyncio.to_thread(_run, ctx, filename, content, default_bloc, limits)
    finally:
        gate.waiting -= 1


def _run(ctx: ForkServerContext, filename: str, content: bytes, default_bloc: str,
         limits: ParseLimits) -> ParsedUpload:
    """In a thread of the bot: start the worker, wait for its answer or its deadline."""
    global last_stats
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_work, args=(send, filename, content, default_bloc, limits),
                          name="thidua-parse", daemon=True)
    started = time.monotonic()
    try:
        process.start()
    except OSError:  # the fork server could not fork (out of memory, processes, …)
        log.exception("could not start a worker to parse %s", _kind_of(filename))
        receive.close()
        raise ParseFailed("crashed") from None
    finally:
        send.close()
    try:
        if not receive.poll(limits.seconds):
            log.warning("parsing %s took over %.0f s: stopped", _kind_of(filename),
                        limits.seconds)
            raise ParseFailed("timeout")
        try:
            outcome, payload, peak = receive.recv()
        except (EOFError, OSError):  # killed (RLIMIT_CPU, the OOM killer) or crashed
            raise ParseFailed("crashed") from None
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    last_stats = ParseStats(time.monotonic() - started, peak)
    if outcome == "ok":
        return payload  # type: ignore[no-any-return]
    if outcome == "memory":
        log.warning("parsing %s needed more than %d MB: refused", _kind_of(filename),
                    limits.memory_bytes >> 20)
    elif outcome == "crashed":
        log.error("parsing %s failed: %s", _kind_of(filename), payload)
    raise ParseFailed(outcome)


def _kind_of(filename: str) -> str:
    """A file name can hold personal data: logs name its extension only."""
    return "a ." + filename.rsplit(".", 1)[-1][:8].lower() + " file" if "." in filename \
        else "a file"


def _address_space() -> int:
    """This process's mapped address space now (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _work(send: Connection, filename: str, content: bytes, default_bloc: str,
          limits: ParseLimits) -> None:
    """In the worker: bound ourselves, parse, send (outcome, result, peak memory)."""
    die_with_parent()
    with contextlib.suppress(ValueError, OSError):
        cpu = math.ceil(limits.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        base = _address_space()
        if base:
            budget = base + limits.memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    result: tuple[str, Any, int]
    try:
        parsed = parse_upload(filename, content, default_bloc=default_bloc)
        result = ("ok", parsed, _peak_rss())
    except MemoryError:
        result = ("memory", None, _peak_rss())
    except RecursionError:
        result = ("memory", None, _peak_rss())
    except Exception as exc:  # a reader's bug: refused, and logged by the bot (not here, where
        # no log filter masks the phone numbers a message could quote)
        result = ("crashed", type(exc).__name__, _peak_rss())
    try:
        send.send(result)
    except MemoryError:
        send.send(("memory", None, _peak_rss()))
    finally:
        send.close()
