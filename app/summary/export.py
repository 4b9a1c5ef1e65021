"""The secretariat's summary in one format (text, XLSX, DOCX, PNG), for `thidua summary`.

The same request, scope and renderers as /summary in the secretariat's chat; built here, in
the caller's process (a command line has no chat to keep responsive).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services import Services
from app.summary.delivery import file_name
from app.summary.service import (
    SummaryInputs,
    check_year,
    load_details,
    official_header,
    report_for,
    resolve,
)
from domain.summary_request import SummaryRequest
from reports.summary_text import summary_plain

FORMATS = ("text", "xlsx", "docx", "png")


@dataclass(frozen=True)
class Export:
    filename: str  # tong-hop-dang-ky-thi-dua-2024[-agency].<format>
    content: bytes


async def secretariat_inputs(services: Services, request: SummaryRequest) -> SummaryInputs:
    """The request within the secretariat's scope (THIDUA_SECRETARIAT_SCOPE); raises Refusal."""
    await check_year(services, request)
    tree = await services.orgs.tree()
    roots = [await services.secretariat_scope_id(tree)]
    return await resolve(services, tree, roots, request)


async def export(services: Services, inputs: SummaryInputs, fmt: str) -> Export:
    """The first target's summary as `fmt` (one of FORMATS)."""
    target = inputs.targets[0]
    details = await load_details(services, inputs) if fmt == "xlsx" else None
    report = report_for(inputs, target, details)
    if fmt == "text":
        content: bytes = summary_plain(report).encode("utf-8")
    elif fmt == "xlsx":
        from reports.summary_xlsx import summary_xlsx  # heavy libraries: when asked for

        content = summary_xlsx(report)
    elif fmt == "docx":
        from reports.summary_docx import summary_docx

        content = summary_docx(report, official_header(services, inputs, target))
    elif fmt == "png":
        from reports.summary_chart import summary_chart

        content = summary_chart(report)
    else:
        raise ValueError(f"unknown summary format: {fmt}")
    return Export(f"{file_name(inputs, target)}.{fmt}", content)
