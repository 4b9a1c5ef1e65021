"""Worker processes for the summary files: the bot's event loop is never held up by them.

Building a province's files is seconds of pure Python (loading 30,000 people and 25,000
registrations, openpyxl writing as many rows, matplotlib): in a thread it would hold the GIL,
and everyone registering meanwhile would wait for it (measured: the bot's throughput fell
from ~280 to ~100 updates a second while the secretariat pulled summaries). In a process of
its own it runs on another core. The process reads the database itself (read-only, committed
data, as the thread did), so only the small summary inputs cross over and only the files come
back; each job gets a fresh process (forked from a server that has the report libraries
imported already), which gives its memory back to the system when it is done. The server
and its workers die with the bot, even after `kill -9`, and a stopping bot kills the jobs it
no longer waits for (app.workers).

Nothing here knows a messenger: the worker imports only the pure renderers
(app.summary.delivery, reports/).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from app.services import Services
from app.summary.service import official_header
from app.workers import WorkerFailed, Workers
from locales import get_locale, use_locale

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from app.summary.delivery import SummaryFiles
    from app.summary.service import SummaryInputs
    from reports.summary_docx import OfficialHeader

T = TypeVar("T")
WORKERS = Workers(parallel=min(2, os.cpu_count() or 1))  # the queue: app.flood.SharedRenders


async def run_in_worker(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` (a module-level function, picklable arguments) in a worker process:
    pure-Python work too heavy for the bot's event loop (other reports' files). Raises
    app.workers.WorkerFailed if the job did not complete."""
    return await WORKERS.run(function, *args)  # type: ignore[no-any-return]


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
        if isinstance(exc, WorkerFailed) and exc.reason == "stopped":  # the bot is stopping
            log.warning("the summary files were not built: the bot is stopping")
        else:
            log.error("the summary files' worker failed: %s", exc)
        report = report_for(inputs, target)
        return SummaryFiles(file_name(inputs, target), report.scope_name, report.summary.year,
                            0, None, None, None, (("all", "worker"),))
    for kind, error in files.failed:
        log.error("summary %s file could not be built: %s", kind, error)
    return files


async def render_in_worker(database: Path, inputs: SummaryInputs, target: int | None,
                           header: OfficialHeader, locale: str) -> SummaryFiles:
    """Raises app.workers.WorkerFailed if the job did not complete."""
    files = await WORKERS.run(_render, str(database), inputs, target, header, locale)
    return files  # type: ignore[no-any-return]


def start() -> None:
    """The bot starts (again, in tests): files may be built."""
    WORKERS.start()


def shutdown() -> None:
    """Stop the workers (the bot is stopping): a job in progress is abandoned, and its caller
    gets WorkerFailed("stopped"), which the delivery reports as files not built."""
    WORKERS.stop()


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
