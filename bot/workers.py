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
from multiprocessing.context import BaseContext

PR_SET_PDEATHSIG = 1
# Set in the bot before the fork server starts: the server finds its parent's pid here
# (bot.worker_guard, imported first by the server) and asks to die with it.
GUARD_VARIABLE = "THIDUA_FORKSERVER_PARENT"
# Imported once by the fork server, then shared by every worker forked from it.
PRELOAD = [
    "bot.worker_guard",  # first: the server dies with the bot even while importing the rest
    "domain.uploads",
    "handlers.summary.delivery", "reports.summary_chart", "reports.summary_docx",
    "reports.summary_xlsx",
]
_context: BaseContext | None = None


@dataclass(frozen=True)
class ParseLimits:
    """How long, and how much more memory than it starts with, a worker parsing one uploaded
    file may take (THIDUA_PARSE_SECONDS, THIDUA_PARSE_MEMORY_MB)."""

    seconds: float
    memory_bytes: int


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; else nothing).

    If the parent died already (between the fork and this call), exit now."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the fork server's pipe watch remains
        return
    if os.getppid() != parent:  # reparented meanwhile (a bot in Docker may itself be pid 1)
        os._exit(1)


def context() -> BaseContext:
    """The fork server context every worker of the bot uses (started on first use)."""
    global _context
    if _context is None:
        os.environ[GUARD_VARIABLE] = str(os.getpid())
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _context = ctx
    return _context
