"""Sending a summary: its messages, then the chart (PNG) and the files (XLSX, DOCX).

The files need the full detail list and take longest to build, so they are rendered in a
worker thread (`render_files` is pure computation) and sent after the text.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from html import escape

from telegram import Bot
from telegram.constants import ParseMode

from bot.services import Services
from domain.text import fold_key
from handlers.summary.service import (
    SummaryDetails,
    SummaryInputs,
    load_details,
    official_header,
    report_for,
)
from locales import _
from reports.messages import caption
from reports.summary_chart import summary_chart
from reports.summary_common import SummaryReport
from reports.summary_docx import OfficialHeader, summary_docx
from reports.summary_xlsx import summary_xlsx

FILE_PREFIX = "tong-hop-dang-ky-thi-dua"


@dataclass(frozen=True)
class SummaryFiles:
    report: SummaryReport  # with its detail rows
    name: str  # file name without extension, e.g. tong-hop-dang-ky-thi-dua-2024
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
    report = report_for(inputs, target, details)
    return SummaryFiles(
        report=report,
        name=file_name(inputs, target),
        chart=summary_chart(report),
        xlsx=summary_xlsx(report),
        docx=summary_docx(report, header),
    )


async def render_files_in_thread(services: Services, inputs: SummaryInputs,
                                 target: int | None) -> SummaryFiles:
    """Load every person and registration, then build the files in a worker thread."""
    details = await load_details(services, inputs)
    header = official_header(services, inputs, target)
    return await asyncio.to_thread(render_files, inputs, details, target, header)


async def send_texts(bot: Bot, chat_id: int, texts: list[str]) -> None:
    for text in texts:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)


async def send_files(bot: Bot, chat_id: int, files: SummaryFiles) -> None:
    scope = escape(files.report.scope_name)
    year = files.report.summary.year
    await bot.send_photo(
        chat_id, files.chart, parse_mode=ParseMode.HTML,
        caption=caption("📊 " + escape(_("Registration and acknowledgement rates")) +
                        f" – {scope} ({year})"),
    )
    count = len(files.report.summary.detail_rows)
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
