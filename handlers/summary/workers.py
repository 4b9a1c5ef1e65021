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
no longer waits for (bot.workers).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from bot.workers import Workers
from locales import use_locale

if TYPE_CHECKING:
    from handlers.summary.delivery import SummaryFiles
    from handlers.summary.service import SummaryInputs
    from reports.summary_docx import OfficialHeader

WORKERS = Workers(parallel=min(2, os.cpu_count() or 1))  # the queue: bot.flood.SharedRenders


async def render_in_worker(database: Path, inputs: SummaryInputs, target: int | None,
                           header: OfficialHeader, locale: str) -> SummaryFiles:
    """Raises bot.workers.WorkerFailed if the job did not complete."""
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
