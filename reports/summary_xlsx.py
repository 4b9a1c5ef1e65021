"""The summary as an XLSX workbook, always in Vietnamese (an official table).

Sheets: "Tổng hợp" (the annex table with its figures, frozen header, totals row), "Theo đơn
vị" (an agency's or unit's sub-units, when it has any), "Danh sách đăng ký" (every
registration: agency, unit, person, titles, receipt number) and "Cảnh báo" (quota warnings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.models import OrgKind
from domain.rules import SubjectKind
from domain.summary import SummaryGroup, SummaryRow, SummaryTotals, Tally
from locales import N_, _, format_datetime, use_locale
from reports.summary_common import (
    CampaignLabel,
    SummaryReport,
    agency_title_names,
    agency_title_totals,
    contradiction_line,
    group_name,
    own_kind,
    registration_lines,
    roman,
    subtotal_label,
    title_name,
    warning_text,
)
from reports.xlsx_text import append, put

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TABLE_HEADER_ROW = 4


def summary_xlsx(report: SummaryReport) -> bytes:
    with use_locale("vi"):
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("Summary table")[:31]
        _table(sheet, report, report.summary.rows, totals=len(report.summary.rows) > 1,
               groups=report.summary.groups)
        if report.summary.unit_rows:
            units = book.create_sheet(_("By unit")[:31])
            _table(units, report, report.summary.unit_rows, totals=False)
        _details(book.create_sheet(_("All registrations")[:31]), report)
        _warnings(book.create_sheet(_("Quota warnings")[:31]), report)
        buffer = BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def table_title(report: SummaryReport) -> str:
    return _("SUMMARY OF EMULATION TITLE REGISTRATIONS OF {scope} FOR {year}").format(
        scope=report.scope_name.upper(), year=report.summary.year)


class Figure(NamedTuple):
    header: str
    get: Callable[[Tally], Any]
    percent: bool = False


def _acknowledged_of(campaign: Any) -> Callable[[Tally], Any]:
    return lambda t: _acknowledged(campaign, t)


def _own_flag_of(code: str) -> Callable[[Tally], Any]:
    return lambda t: _own_flag(t, code)


def _collective_of(code: str) -> Callable[[Tally], Any]:
    return lambda t: t.collective[code].total


def _individual_of(code: str) -> Callable[[Tally], Any]:
    return lambda t: t.individual[code]


def _figure_columns(report: SummaryReport) -> list[Figure]:
    """The numeric columns: people, rates, the agency's flags, then every title in use."""
    summary, ruleset = report.summary, report.ruleset
    columns = [
        Figure(_("Staff count"), lambda t: t.active_people),
        Figure(_("People registered"), lambda t: t.registered_people),
        Figure(_("Registration rate"), lambda t: t.registration_rate, percent=True),
    ]
    for campaign in report.campaigns:
        key = campaign.key
        columns.append(Figure(_("Acknowledged {campaign}").format(campaign=key),
                              _acknowledged_of(campaign)))
        columns.append(Figure(_("Acknowledgement rate {campaign}").format(campaign=key),
                              campaign.rate, percent=True))
    for code in summary.columns.agency_titles:
        columns.append(Figure(_("{title} (agency itself)").format(title=title_name(ruleset, code)),
                              _own_flag_of(code)))
    totals = summary.totals
    collective = (*summary.columns.collective_proposals, *summary.columns.collective_agency_level)
    for code in ruleset.sort_codes(collective):
        if totals.collective[code].total:
            header = _("{title} (collectives)").format(title=title_name(ruleset, code))
            columns.append(Figure(header, _collective_of(code)))
    individual = (*summary.columns.individual_proposals, *summary.columns.individual_agency_level)
    for code in ruleset.sort_codes(individual):
        if totals.individual[code]:
            header = _("{title} (individuals)").format(title=title_name(ruleset, code))
            columns.append(Figure(header, _individual_of(code)))
    return columns


def _acknowledged(campaign: CampaignLabel, tally: Tally) -> int | None:
    """Empty for a row outside the campaign's scope."""
    if campaign.people_of(tally) is None:
        return None
    return tally.acknowledged.get(campaign.key, 0)


def _own_flag(tally: Tally, code: str) -> int:
    if isinstance(tally, SummaryRow):
        return int(code in tally.agency_titles)
    return tally.agency_titles.get(code, 0)  # type: ignore[attr-defined]


def _table(sheet: Worksheet, report: SummaryReport, rows: Sequence[SummaryRow],
           *, totals: bool, groups: Sequence[SummaryGroup] = ()) -> None:
    figures = _figure_columns(report)
    headers = [
        _("No."),
        _("Agency or unit"),
        _("Emulation registration of the agency"),
        _("Emulation registration of collectives and individuals"),
        *(figure.header for figure in figures),
    ]
    last = get_column_letter(len(headers))
    sheet.merge_cells(f"A1:{last}1")
    put(sheet, 1, 1, table_title(report))
    sheet["A1"].font = Font(name=FONT, bold=True, size=14)
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 36
    sheet.merge_cells(f"A2:{last}2")
    if report.as_of is not None:
        put(sheet, 2, 1, _("(As of {time})").format(time=format_datetime(report.as_of)))
    sheet["A2"].font = Font(name=FONT, italic=True, size=12)
    sheet["A2"].alignment = CENTER

    for col, header in enumerate(headers, start=1):
        cell = put(sheet, TABLE_HEADER_ROW, col, header)
        cell.font = Font(name=FONT, bold=True, size=12)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    kind = OrgKind.AGENCY if report.rows_are_agencies else OrgKind.UNIT

    def row_values(row: SummaryRow) -> list[Any]:
        return [
            row.stt,
            row.agency.name,
            "\n".join(agency_title_names(report, row)),
            "\n".join(registration_lines(report, row, own_kind(row))),
            *(figure.get(row) for figure in figures),
        ]

    def totals_values(label: str, tally: SummaryTotals) -> list[Any]:
        return [
            None,
            label,
            "\n".join(agency_title_totals(report, tally)),
            "\n".join(registration_lines(report, tally, kind)),
            *(figure.get(tally) for figure in figures),
        ]

    body: list[tuple[list[Any], bool]] = []  # values, bold
    if groups:  # several blocs: "I. Khối …", its rows, its subtotal
        for index, group in enumerate(groups, start=1):
            heading = [roman(index), group_name(group).upper()]
            body.append((heading + [None] * (2 + len(figures)), True))
            body.extend((row_values(row), False) for row in group.rows)
            if len(group.rows) > 1:
                body.append((totals_values(subtotal_label(group), group.totals), True))
    else:
        body.extend((row_values(row), False) for row in rows)
    if totals:
        body.append((totals_values(_("Total"), report.summary.totals), True))
    rate_columns = {i for i, figure in enumerate(figures, start=5) if figure.percent}
    for r, (values, bold) in enumerate(body, start=TABLE_HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            cell = put(sheet, r, c, value)
            cell.font = Font(name=FONT, size=12, bold=bold)
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="top") if c == 1 \
                else WRAP_TOP
            if c in rate_columns:
                cell.number_format = "0.0%"
        if bold and values[0] is not None:  # a bloc's heading spans the table
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(values))
    widths = [6, 36, 30, 60] + [16] * len(figures)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.row_dimensions[TABLE_HEADER_ROW].height = 48
    sheet.freeze_panes = f"C{TABLE_HEADER_ROW + 1}"  # a coordinate: the cell may be merged
    sheet.print_title_rows = f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1


SUBJECT_LABELS = {
    SubjectKind.PERSON: N_("Individual"),
    SubjectKind.UNIT: N_("Collective: office or unit"),
    SubjectKind.AGENCY: N_("Collective: agency"),
}


def _details(sheet: Worksheet, report: SummaryReport) -> None:
    """Every registration, one row each (written plainly: a bloc may have tens of thousands)."""
    ruleset = report.ruleset
    headers = [
        _("No."), _("Agency"), _("Office or unit"), _("Full name"), _("Position"),
        _("Leadership post"), _("Subject of the registration"), _("Titles registered"),
        _("Implied titles"), _("Title codes"), _("Receipt number"),
    ]
    append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    names = {t.code: t.name.vi for t in ruleset.titles}
    subject = {kind: _(label) for kind, label in SUBJECT_LABELS.items()}
    yes, no = _("yes"), _("no")
    for i, row in enumerate(report.summary.detail_rows, start=1):
        person = row.person
        implied = [c for c in row.titles if c not in row.explicit]
        append(sheet, [
            i,
            row.agency.name if row.agency else "",
            row.unit.name if row.unit else "",
            person.full_name if person else "",
            person.position if person else "",
            (yes if person.is_leader else no) if person else "",
            subject[row.subject_kind],
            "; ".join(names[c] for c in row.explicit),
            "; ".join(names[c] for c in implied),
            ", ".join(row.titles),
            row.reference or "",
        ])
    for col, width in enumerate([7, 34, 34, 26, 22, 12, 22, 50, 36, 28, 16], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{sheet.max_row}"


def _warnings(sheet: Worksheet, report: SummaryReport) -> None:
    append(sheet, [_("No."), _("Warning level"), _("Warning text")])
    for cell in sheet[1]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
    for i, warning in enumerate(report.summary.warnings, start=1):
        level = _("for information") if warning.severity == "info" else _("to check")
        append(sheet, [i, level, warning_text(report, warning)])
        sheet.cell(row=i + 1, column=3).alignment = WRAP_TOP
    first = len(report.summary.warnings)
    for i, contradiction in enumerate(report.contradictions, start=first + 1):
        sheet.append([i, _("to check"), _("Claim the results on record contradict: {claim}")
                      .format(claim=contradiction_line(report, contradiction))])
        sheet.cell(row=i + 1, column=3).alignment = WRAP_TOP
    for col, width in enumerate([7, 14, 110], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
