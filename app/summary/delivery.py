"""A summary's files: the chart (PNG), XLSX and DOCX, and the outputs that show them.

The files need the full detail list and take longest to build, so they are rendered in a
worker process (app/summary/workers.py runs `render_files`, which is pure computation) and
said after the text. Each file is built on its own: one that fails (a name its library refuses)
is replaced by a short note, and the others are said all the same. This module knows no
process and no messenger.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from app.summary.service import (
    SummaryDetails,
    SummaryInputs,
    report_for,
)
from app.ui import Alert, Document, Out, Photo
from domain.text import fold_key
from locales import _
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
        named = inputs.tree.distinct_name(target)  # "Văn phòng Sở – Sở Nội vụ" when shared
        slug = re.sub(r"[^a-z0-9]+", "-", fold_key(named)).strip("-")
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


def file_outputs(files: SummaryFiles) -> list[Out]:
    """The chart, then the XLSX, then the DOCX, with their captions (in the current locale);
    a note instead of the files that could not be built."""
    scope = escape(files.scope_name)
    year = files.year
    count = files.registrations
    outs: list[Out] = []
    if files.chart is not None:
        outs.append(Photo(f"{files.name}.png", files.chart,
                          caption("📊 " + escape(_("Registration and acknowledgement rates"))
                                  + f" – {scope} ({year})")))
    if files.xlsx is not None:
        outs.append(Document(f"{files.name}.xlsx", files.xlsx,
                             caption(escape(_("Summary table (XLSX): the table and all {count} "
                                              "registrations").format(count=count))
                                     + f" – {scope}")))
    if files.docx is not None:
        outs.append(Document(f"{files.name}.docx", files.docx,
                             caption(escape(_("Official document (DOCX, Decree 30/2020/ND-CP), "
                                              "ready to sign")) + f" – {scope}")))
    if files.failed:
        outs.append(Alert(_("Some files of this summary could not be built (the error is "
                            "logged for the operators); the others were sent.")))
    return outs
