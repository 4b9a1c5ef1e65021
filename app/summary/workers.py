"""Worker processes for the summary files: the bot's event loop is never held up by them.

Building a province's files is seconds of pure Python (loading 30,000 people and 25,000
registrations, openpyxl writing as many rows, matplotlib): in a thread it would hold the GIL,
and everyone registering meanwhile would wait for it (measured: the bot's throughput fell
from ~280 to ~100 updates a second while the secretariat pulled summaries). In a process of
its own it runs on another core. The process reads the database itself (read-only, committed
data, as the thread did), so only the small summary inputs cross over and only the files come
back; each job gets a fresh process (forked from a server that has the report libraries
imported already), which gives its memory back to the system when it is done. The server
and its workers die with the bot, even after `kill -9` (app.workers).

Nothing here knows a messenger: the worker imports only the pure renderers
(app.summary.delivery, reports/).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from app.services import Services
from app.summary.service import official_header
from app.workers import context, die_with_parent
from locales import get_locale, use_locale

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from app.summary.delivery import SummaryFiles
    from app.summary.service import SummaryInputs
    from reports.summary_docx import OfficialHeader

_pool: ProcessPoolExecutor | None = None
T = TypeVar("T")


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:  # the fork server preloads the report libraries (app.workers.PRELOAD)
        _pool = ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1),
                                    mp_context=context(), max_tasks_per_child=1,
                                    initializer=die_with_parent)
    return _pool


async def run_in_worker(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` (a module-level function, picklable arguments) in a worker process:
    pure-Python work too heavy for the bot's event loop (other reports' files)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), function, *args)


async def render_files_in_worker(services: Services, inputs: SummaryInputs,
                                 target: int | None) -> SummaryFiles:
    """Load every person and registration and build the files, in a worker process, in the
    current locale.

    Never raises for a file that cannot be built: the failure is logged and the files come
    back without it (even when the worker itself died)."""
    from app.summary.delivery import SummaryFiles, file_name
    from app.summary.service import report_for

    header = official_header(services, inputs, target)
    try:
        files = await render_in_worker(services.db.path, inputs, target, header, get_locale())
    except Exception as exc:
        if isinstance(exc, BrokenProcessPool):  # stopped with the bot, or killed
            log.warning("the summary files' worker ended before the files were built")
        else:
            log.exception("the summary files' worker failed")
        report = report_for(inputs, target)
        return SummaryFiles(file_name(inputs, target), report.scope_name, report.summary.year,
                            0, None, None, None, (("all", "worker"),))
    for kind, error in files.failed:
        log.error("summary %s file could not be built: %s", kind, error)
    return files


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
    global _pool
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
    from app.summary.delivery import render_files
    from app.summary.service import load_details_from
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
