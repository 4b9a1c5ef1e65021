"""Worker processes for the summary files: the bot's event loop is never held up by them.

Building a province's files is seconds of pure Python (loading 30,000 people and 25,000
registrations, openpyxl writing as many rows, matplotlib): in a thread it would hold the GIL,
and everyone registering meanwhile would wait for it (measured: the bot's throughput fell
from ~280 to ~100 updates a second while the secretariat pulled summaries). In a process of
its own it runs on another core. The process reads the database itself (read-only, committed
data, as the thread did), so only the small summary inputs cross over and only the files come
back; each job gets a fresh process (forked from a server that has the report libraries
imported already), which gives its memory back to the system when it is done. The server
and its workers die with the bot, even after `kill -9` (bot.workers).
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from bot.workers import context, die_with_parent
from locales import use_locale

if TYPE_CHECKING:
    from handlers.summary.delivery import SummaryFiles
    from handlers.summary.service import SummaryInputs
    from reports.summary_docx import OfficialHeader

_pool: ProcessPoolExecutor | None = None
# False once the bot stops: work its lingering tasks still ask for is refused (BrokenProcessPool,
# reported as files not built) instead of starting a pool nobody would ever stop.
_accepting = True


def start() -> None:
    """The bot starts (again, in tests): files may be built."""
    global _accepting
    _accepting = True


def _executor() -> ProcessPoolExecutor:
    global _pool
    if not _accepting:
        raise BrokenProcessPool("the bot is stopping")
    if _pool is None:  # the fork server preloads the report libraries (bot.workers.PRELOAD)
        _pool = ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1),
                                    mp_context=context(), max_tasks_per_child=1,
                                    initializer=die_with_parent)
    return _pool


async def render_in_worker(database: Path, inputs: SummaryInputs, target: int | None,
                           header: OfficialHeader, locale: str) -> SummaryFiles:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), _render, str(database), inputs, target,
                                      header, locale)


def shutdown() -> None:
    """Stop the workers (the bot is stopping): a job in progress is abandoned.

    The workers are killed: with one task per worker, jobs already handed to the pool's queue
    would otherwise wait forever for a worker the stopped pool no longer starts, and so would
    whoever awaits them (the application's stop, the interpreter's exit). Their futures fail
    (BrokenProcessPool), which the delivery reports as files that could not be built."""
    global _pool, _accepting
    _accepting = False
    if _pool is not None:
        # No public way to stop a ProcessPoolExecutor's workers before Python 3.14.
        processes = list((getattr(_pool, "_processes", None) or {}).values())
        _pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        _pool = None


def _render(database: str, inputs: SummaryInputs, target: int | None, header: OfficialHeader,
            locale: str) -> SummaryFiles:
    """In the worker: load every person and registration, then build the files."""
    from handlers.summary.delivery import render_files
    from handlers.summary.service import load_details_from
    from storage.db import Database

    async def load() -> object:
        db = await Database(database).open(migrate=False)
        try:
            return await load_details_from(db, inputs)
        finally:
            await db.close()

    details = asyncio.run(load())
    with use_locale(locale):
        return render_files(inputs, details, target, header)  # type: ignore[arg-type]
