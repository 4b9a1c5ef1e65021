"""Registered vs achieved as files, always in Vietnamese: an XLSX workbook (the table with
both sides' lines and figures, and the list of who registered but did not achieve) and an
official DOCX under Nghị định 30/2020/NĐ-CP (letterhead, title, the table, the list, "Nơi
nhận", signature), laid out as the registration summary's document (reports/summary_docx).
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.models import OrgKind
from domain.summary import SummaryRow, SummaryTotals
from locales import _, format_datetime, use_locale
from reports import summary_docx as official
from reports.achievement import ComparisonReport, miss_line, side_lines
from reports.summary_common import agency_title_names, own_kind, title_name
from reports.summary_xlsx import BORDER, CENTER, FONT, HEADER_FILL, WRAP_TOP

TABLE_WIDTHS = (Cm(1.0), Cm(3.6), Cm(2.4), Cm(2.4), Cm(3.6), Cm(3.5))


def _headers() -> list[str]:
    return [_("No."), _("Agency or unit"), _("Agency's own: registered"),
            _("Agency's own: achieved"), _("Collectives and individuals: registered"),
            _("Collectives and individuals: achieved")]


def _cells(report: ComparisonReport, registered: SummaryRow | SummaryTotals,
           achieved: SummaryRow | SummaryTotals, kind: OrgKind) -> list[list[str]]:
    if isinstance(registered, SummaryRow) and isinstance(achieved, SummaryRow):
        flags = [agency_title_names(report.registered, registered),
                 agency_title_names(report.achieved, achieved)]
    else:
        assert isinstance(registered, SummaryTotals) and isinstance(achieved, SummaryTotals)
        flags = [[f"{n:02d} {title_name(report.ruleset, c)}"
                  for c, n in side.agency_titles.items() if n]
                 for side in (registered, achieved)]
    return [*flags, side_lines(report.registered, registered, kind),
            side_lines(report.achieved, achieved, kind)]


def comparison_title(report: ComparisonReport) -> str:
    return _("REGISTERED AND ACHIEVED EMULATION TITLES OF {scope} FOR {year}").format(
        scope=report.scope_name.upper(), year=report.year)


# --- XLSX -----------------------------------------------------------------------------------


def comparison_xlsx(report: ComparisonReport) -> bytes:
    with use_locale("vi"):
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("Registered and achieved")[:31]
        _table(sheet, report)
        _misses(book.create_sheet(_("Not achieved")[:31]), report)
        buffer = BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _header(sheet: Worksheet, row: int, values: Sequence[str]) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=col, value=value)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTER


def _table(sheet: Worksheet, report: ComparisonReport) -> None:
    sheet.cell(row=1, column=1, value=comparison_title(report)).font = Font(name=FONT, bold=True,
                                                                            size=13)
    if report.as_of is not None:
        sheet.cell(row=2, column=1, value=_("As of {time}").format(
            time=format_datetime(report.as_of))).font = Font(name=FONT, italic=True)
    codes = report.ruleset.sort_codes(
        c for side in (report.comparison.registered.totals, report.comparison.achieved.totals)
        for c in (*(k for k, v in side.collective.items() if v.total),
                  *(k for k, v in side.individual.items() if v)))
    figures = []
    for code in codes:
        name = title_name(report.ruleset, code)
        figures += [_("{title}: registered").format(title=name),
                    _("{title}: achieved").format(title=name)]
    _header(sheet, 4, [*_headers(), _("Not achieved"), *figures])
    kind = OrgKind.AGENCY if report.rows_are_agencies else OrgKind.UNIT
    row = 5

    def add(stt: str, name: str, registered: SummaryRow | SummaryTotals,
            achieved: SummaryRow | SummaryTotals, misses: int | None, bold: bool) -> None:
        nonlocal row
        cells = _cells(report, registered, achieved,
                       own_kind(registered) if isinstance(registered, SummaryRow) else kind)
        values: list[object] = [stt, name, *("\n".join(c) for c in cells), misses]
        for code in codes:
            values += [_count(registered, code), _count(achieved, code)]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.font = Font(name=FONT, bold=bold)
            cell.border = BORDER
            cell.alignment = WRAP_TOP
        row += 1

    comparison = report.comparison
    for registered, achieved in comparison.pairs():
        add(str(registered.stt), registered.agency.name, registered, achieved,
            report.miss_counts.get(registered.agency.id, 0), False)
    if len(comparison.pairs()) > 1:
        add("", _("Total"), comparison.registered.totals, comparison.achieved.totals,
            len(comparison.misses), True)
    widths = [6, 34, 24, 24, 46, 46, 12, *([14] * len(figures))]
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "C5"


def _count(tally: SummaryRow | SummaryTotals, code: str) -> int:
    if tally.individual.get(code):
        return tally.individual[code]
    return tally.collective[code].total if code in tally.collective else 0


def _misses(sheet: Worksheet, report: ComparisonReport) -> None:
    _header(sheet, 1, [_("No."), _("Agency"), _("Unit"), _("Individual or collective"),
                       _("Registered, not achieved"), _("Achieved")])
    tree, ruleset = report.tree, report.ruleset
    for n, miss in enumerate(report.comparison.misses, start=1):
        agency = tree.agency_of(miss.org_id) if miss.org_id in tree else None
        unit = tree.get(miss.org_id) if miss.org_id in tree else None
        unit_name = unit.name if unit is not None and unit.kind == OrgKind.UNIT else ""
        who = miss.name if miss.person_id is not None else _("the collective")
        sheet.append([n, agency.name if agency else "", unit_name, who,
                      ", ".join(title_name(ruleset, c) for c in miss.missed),
                      ", ".join(title_name(ruleset, c) for c in miss.achieved)])
    for col, width in enumerate([6, 34, 34, 28, 40, 40], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"


# --- DOCX -----------------------------------------------------------------------------------


def comparison_docx(report: ComparisonReport, header: official.OfficialHeader) -> bytes:
    with use_locale("vi"):
        document = Document()
        official._page_and_fonts(document)
        official._page_numbers(document)
        official._letterhead(document, header)
        heading = document.add_paragraph()
        heading.paragraph_format.space_before = Pt(18)
        official._write(heading, comparison_title(report), bold=True,
                        align=WD_ALIGN_PARAGRAPH.CENTER)
        if report.as_of is not None:
            note = document.add_paragraph()
            note.paragraph_format.space_after = Pt(12)
            official._write(note, _("(As of {time})").format(time=format_datetime(report.as_of)),
                            size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _docx_table(document, report)
        _docx_misses(document, report)
        official._closing(document, header)
        buffer = BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def _docx_table(document: object, report: ComparisonReport) -> None:
    table = document.add_table(rows=1, cols=6)  # type: ignore[attr-defined]
    table.style = document.styles["Table Grid"]  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    center = WD_ALIGN_PARAGRAPH.CENTER
    for cell, text in zip(table.rows[0].cells, _headers(), strict=True):
        official._fill(cell, [text], bold=True, align=center)
    official._repeat_as_header(table.rows[0])
    kind = OrgKind.AGENCY if report.rows_are_agencies else OrgKind.UNIT
    comparison = report.comparison
    for registered, achieved in comparison.pairs():
        cells = table.add_row().cells
        official._fill(cells[0], [str(registered.stt)], align=center)
        official._fill(cells[1], [registered.agency.name])
        for cell, lines in zip(cells[2:], _cells(report, registered, achieved,
                                                  own_kind(registered)), strict=True):
            official._fill(cell, lines)
    if len(comparison.pairs()) > 1:
        cells = table.add_row().cells
        official._fill(cells[1], [_("Total")], bold=True)
        for cell, lines in zip(cells[2:], _cells(report, comparison.registered.totals,
                                                  comparison.achieved.totals, kind), strict=True):
            official._fill(cell, lines, bold=True)
    for row in table.rows:
        for cell, width in zip(row.cells, TABLE_WIDTHS, strict=True):
            cell.width = width


def _docx_misses(document: object, report: ComparisonReport) -> None:
    heading = document.add_paragraph()  # type: ignore[attr-defined]
    heading.paragraph_format.space_before = Pt(12)
    misses = report.comparison.misses
    if not misses:
        official._write(heading, _("Everyone who registered achieved what they registered."),
                        size=13, italic=True)
        return
    official._write(heading, _("Registered but not achieved:"), size=13, bold=True)
    for n, miss in enumerate(misses, start=1):
        official._write(document.add_paragraph(),  # type: ignore[attr-defined]
                        f"{n}. {miss_line(report, miss)}", size=13)
