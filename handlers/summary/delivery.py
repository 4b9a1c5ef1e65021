"""Sending a summary: its messages, then the chart (PNG) and the files (XLSX, DOCX).

The files need the full detail list and take longest to build, so they are rendered in a
worker process (handlers/summary/workers.py; `render_files` is pure computation) and sent
after the text. Each file is built on its own: one that fails (a name its library refuses)
is replaced by a short note, and the others are sent all the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.constants import ParseMode

from bot.services import Services
from bot.workers import WorkerFailed
from domain.text import fold_key
from handlers.summary.service import (
    SummaryDetails,
    SummaryInputs,
    official_header,
    report_for,
)
from handlers.summary.workers import render_in_worker
from locales import _, get_locale
from reports.messages import caption

if TYPE_CHECKING:
    from reports.summary_docx import OfficialHeader

FILE_PREFIX = "tong-hop-dang-ky-thi-dua"


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SummaryFiles:
    name: str  # file name without extension, e.g. tong-hop-dang-ky-thi-dua-2024
    scope_name: str
    year: int
    registrations: int  # rows of the detail list
    chart: bytes | None  # None: could not be built (see `failed`)
    xlsx: bytes | None
    docx: bytes | None
    # (file, exception type) of each file that could not be built: the worker does not log
    # (nothing masks its output); the bot logs these.
    failed: tuple[tuple[str, str], ...] = field(default=())


def file_name(inputs: SummaryInputs, target: int | None) -> str:
    """tong-hop-dang-ky-thi-dua-2024, plus the agency or unit when narrowed to one."""
    name = f"{FILE_PREFIX}-{inputs.year}"
    if target is not None and inputs.tree.get(target).kind.value != "bloc":
        slug = re.sub(r"[^a-z0-9]+", "-", fold_key(inputs.tree.get(target).name)).strip("-")
        name += f"-{slug[:60].strip('-')}"
    return name


def render_files(inputs: SummaryInputs, details: SummaryDetails, target: int | None,
                 header: OfficialHeader) -> SummaryFiles:
    # matplotlib, openpyxl and python-docx are imported here, by the first summary files,
    # not by every start of the bot (a second of start-up and ~30 MB it may never need).
    from reports.summary_chart import summary_chart
    from reports.summary_docx import summary_docx
    from reports.summary_xlsx import summary_xlsx

    report = report_for(inputs, target, details)
    failed: list[tuple[str, str]] = []

    def build(kind: str, render: Callable[[], bytes]) -> bytes | None:
        try:
            return render()
        except Exception as exc:  # one bad file must not cost the others
            failed.append((kind, type(exc).__name__))
            return None

    chart = build("chart", lambda: summary_chart(report))
    xlsx = build("xlsx", lambda: summary_xlsx(report))
    docx = build("docx", lambda: summary_docx(report, header))
    return SummaryFiles(
        name=file_name(inputs, target),
        scope_name=report.scope_name,
        year=report.summary.year,
        registrations=len(report.summary.detail_rows),
        chart=chart, xlsx=xlsx, docx=docx, failed=tuple(failed),
    )


async def render_files_in_worker(services: Services, inputs: SummaryInputs,
                                 target: int | None) -> SummaryFiles:
    """Load every person and registration and build the files, in a worker process.

    Never raises for a file that cannot be built: the failure is logged and the files come
    back without it (even when the worker itself died)."""
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


async def send_texts(bot: Bot, chat_id: int, texts: list[str]) -> None:
    for text in texts:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)


async def send_files(bot: Bot, chat_id: int, files: SummaryFiles) -> None:
    scope = escape(files.scope_name)
    year = files.year
    if files.chart is not None:
        await bot.send_photo(
            chat_id, files.chart, parse_mode=ParseMode.HTML,
            caption=caption("📊 " + escape(_("Registration and acknowledgement rates")) +
                            f" – {scope} ({year})"),
        )
    count = files.registrations
    if files.xlsx is not None:
        await bot.send_document(
            chat_id, files.xlsx, filename=f"{files.name}.xlsx", parse_mode=ParseMode.HTML,
            caption=caption(escape(_("Summary table (XLSX): the table and all {count} "
                                     "registrations").format(count=count)) + f" – {scope}"),
        )
    if files.docx is not None:
        await bot.send_document(
            chat_id, files.docx, filename=f"{files.name}.docx", parse_mode=ParseMode.HTML,
            caption=caption(escape(_("Official document (DOCX, Decree 30/2020/ND-CP), ready "
                                     "to sign")) + f" – {scope}"),
        )
    if files.failed:
        await bot.send_message(chat_id, _(
            "Some files of this summary could not be built (the error is logged for the "
            "operators); the others were sent."))
