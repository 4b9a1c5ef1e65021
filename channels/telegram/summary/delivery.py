"""Sending a summary: its messages, then the chart (PNG) and the files (XLSX, DOCX).

The files need the full detail list and take longest to build, so they are rendered in a
worker process (handlers/summary/workers.py; `render_files` is pure computation) and sent
after the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.constants import ParseMode

from app.services import Services
from channels.telegram.summary.service import (
    SummaryDetails,
    SummaryInputs,
    official_header,
    report_for,
)
from channels.telegram.summary.workers import render_in_worker
from domain.text import fold_key
from locales import _, get_locale
from reports.messages import caption

if TYPE_CHECKING:
    from reports.summary_docx import OfficialHeader

FILE_PREFIX = "tong-hop-dang-ky-thi-dua"


@dataclass(frozen=True)
class SummaryFiles:
    name: str  # file name without extension, e.g. tong-hop-dang-ky-thi-dua-2024
    scope_name: str
    year: int
    registrations: int  # rows of the detail list
    chart: bytes
    xlsx: bytes
    docx: bytes


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
    return SummaryFiles(
        name=file_name(inputs, target),
        scope_name=report.scope_name,
        year=report.summary.year,
        registrations=len(report.summary.detail_rows),
        chart=summary_chart(report),
        xlsx=summary_xlsx(report),
        docx=summary_docx(report, header),
    )


async def render_files_in_worker(services: Services, inputs: SummaryInputs,
                                 target: int | None) -> SummaryFiles:
    """Load every person and registration and build the files, in a worker process."""
    header = official_header(services, inputs, target)
    return await render_in_worker(services.db.path, inputs, target, header, get_locale())


async def send_texts(bot: Bot, chat_id: int, texts: list[str]) -> None:
    for text in texts:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)


async def send_files(bot: Bot, chat_id: int, files: SummaryFiles) -> None:
    scope = escape(files.scope_name)
    year = files.year
    await bot.send_photo(
        chat_id, files.chart, parse_mode=ParseMode.HTML,
        caption=caption("📊 " + escape(_("Registration and acknowledgement rates")) +
                        f" – {scope} ({year})"),
    )
    count = files.registrations
    await bot.send_document(
        chat_id, files.xlsx, filename=f"{files.name}.xlsx", parse_mode=ParseMode.HTML,
        caption=caption(escape(_("Summary table (XLSX): the table and all {count} "
                                 "registrations").format(count=count)) + f" – {scope}"),
    )
    await bot.send_document(
        chat_id, files.docx, filename=f"{files.name}.docx", parse_mode=ParseMode.HTML,
        caption=caption(escape(_("Official document (DOCX, Decree 30/2020/ND-CP), ready to "
                                 "sign")) + f" – {scope}"),
    )
