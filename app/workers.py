"""The worker processes of the bot (summary files, parsing uploads): one fork server, and
workers that never outlive the bot.

Workers are forked from a fork server that has the heavy libraries imported already. Neither
may survive the bot, even after `kill -9` (idle summary workers waiting on their queue did,
for minutes, holding 160–400 MB): every worker asks the kernel for SIGKILL when its parent
(the fork server) dies, and the fork server asks the same of the bot (`prctl
PR_SET_PDEATHSIG`, Linux); the fork server also exits as soon as the bot's end of its pipe
closes (CPython's own watch). Elsewhere the requests are no-ops.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.context import ForkServerContext

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
_LIBC = ctypes.util.find_library("c") or "libc.so.6"


@dataclass(frozen=True)
class ParseLimits:
    """How long, and how much more memory than it starts with, a worker parsing one uploaded
    file may take (THIDUA_PARSE_SECONDS, THIDUA_PARSE_MEMORY_MB)."""

    seconds: float
    memory_bytes: int


def die_with_parent(expected: int | None = None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; else nothing).

    If the parent died already (it is not `expected`, or changed during the call), exit now.
    (Comparing with pid 1 would not do: a bot in Docker may itself be pid 1.)"""
    parent = os.getppid() if expected is None else expected
    try:
        libc = ctypes.CDLL(_LIBC, use_errno=True)
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
