"""A summary's files: the chart (PNG), XLSX and DOCX, and the outputs that show them.

The files need the full detail list and take longest to build, so they are rendered in a
worker process (app/summary/workers.py runs `render_files`, which is pure computation) and
said after the text. This module knows no process and no messenger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from app.summary.service import (
    SummaryDetails,
    SummaryInputs,
    report_for,
)
from app.ui import Document, Out, Photo
from domain.text import fold_key
from locales import _
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


def file_outputs(files: SummaryFiles) -> list[Out]:
    """The chart, then the XLSX, then the DOCX, with their captions (in the current locale)."""
    scope = escape(files.scope_name)
    year = files.year
    count = files.registrations
    return [
        Photo(f"{files.name}.png", files.chart,
              caption("📊 " + escape(_("Registration and acknowledgement rates")) +
                      f" – {scope} ({year})")),
        Document(f"{files.name}.xlsx", files.xlsx,
                 caption(escape(_("Summary table (XLSX): the table and all {count} "
                                  "registrations").format(count=count)) + f" – {scope}")),
        Document(f"{files.name}.docx", files.docx,
                 caption(escape(_("Official document (DOCX, Decree 30/2020/ND-CP), ready to "
                                  "sign")) + f" – {scope}")),
    ]
