"""The summary as chat messages (HTML, in the reader's language) and as plain text (CLI)."""

from __future__ import annotations

from html import escape

from domain.models import OrgKind
from domain.summary import SummaryGroup, SummaryRow
from locales import _, format_datetime, ngettext
from reports.messages import MESSAGE_LIMIT, plain_text, split_blocks
from reports.rule_warnings import warning_icon
from reports.summary_common import (
    SummaryReport,
    acknowledgement_lines,
    agency_level_lines,
    agency_title_names,
    agency_title_totals,
    contradiction_line,
    group_heading,
    own_kind,
    people_line,
    rate_text,
    registration_lines,
    subtotal_label,
    two_digits,
    warning_text,
)


def header_block(report: SummaryReport) -> str:
    lines = [
        "<b>" + escape(_("REGISTRATION SUMMARY {year}").format(year=report.summary.year)) + "</b>",
        "<b>" + escape(report.scope_name) + "</b>",
    ]
    if report.as_of is not None:
        lines.append(escape(_("As of {time}").format(time=format_datetime(report.as_of))))
    for campaign in report.campaigns:
        lines.append(escape(_("Campaign: {name} ({code})").format(
            name=campaign.name, code=campaign.key)))
    return "\n".join(lines)


def _people(report: SummaryReport, row: SummaryRow) -> str:
    return " · ".join(escape(t) for t in [people_line(row), *acknowledgement_lines(report, row)])


def row_block(report: SummaryReport, row: SummaryRow) -> str:
    kind = own_kind(row)
    lines = [f"<b>{row.stt}. {escape(row.agency.name)}</b>"]
    flags = agency_title_names(report, row)
    label = (_("Agency's own registration: {titles}") if kind == OrgKind.AGENCY
             else _("Unit's own registration: {titles}"))
    lines.append(escape(label.format(titles="; ".join(flags) if flags else _("none registered"))))
    registrations = registration_lines(report, row, kind)
    if registrations:
        lines.append(escape(_("Collectives and individuals:")))
        lines.extend("• " + escape(line) for line in registrations)
    else:
        lines.append(escape(_("Collectives and individuals: none")))
    agency_level = agency_level_lines(report, row, kind)
    if agency_level:
        lines.append(escape(_("Decided by the agency (implied titles included): {titles}").format(
            titles="; ".join(agency_level))))
    lines.append(_people(report, row))
    return "\n".join(lines)


def totals_block(report: SummaryReport, group: SummaryGroup | None = None,
                 heading: str | None = None) -> str:
    """The totals of the summary, or a bloc's subtotal (under `heading`, HTML, if given)."""
    summary = report.summary
    totals = group.totals if group is not None else summary.totals
    kind = OrgKind.AGENCY if report.rows_are_agencies else OrgKind.UNIT
    n = len(group.rows if group is not None else summary.rows)
    rows = (ngettext("{count} agency", "{count} agencies", n) if kind == OrgKind.AGENCY
            else ngettext("{count} unit", "{count} units", n)).format(count=two_digits(n))
    label = subtotal_label(group) if group is not None else _("Total")
    lines = [f"<b>{escape(label)} ({escape(rows)})</b>"]
    if heading is not None:
        lines.insert(0, heading)
    flags = agency_title_totals(report, totals)
    if flags:
        lines.append(escape("; ".join(flags)))
    lines.extend("• " + escape(line) for line in registration_lines(report, totals, kind))
    agency_level = agency_level_lines(report, totals, kind)
    if agency_level:
        lines.append(escape(_("Decided by the agency (implied titles included): {titles}").format(
            titles="; ".join(agency_level))))
    lines.append(" · ".join(
        escape(t) for t in [people_line(totals), *acknowledgement_lines(report, totals)]))
    return "\n".join(lines)


def unit_rows_block(report: SummaryReport) -> str:
    lines = ["<b>" + escape(_("By office and unit")) + "</b>"]
    for row in report.summary.unit_rows:
        parts = [
            _("{registered}/{active} people registered ({rate})").format(
                registered=row.registered_people, active=row.active_people,
                rate=rate_text(row.registered_people, row.active_people)),
            *registration_lines(report, row, OrgKind.UNIT),
        ]
        lines.append(f"• <b>{escape(row.agency.name)}</b>: " + escape("; ".join(parts)))
    return "\n".join(lines)


def warnings_block(report: SummaryReport) -> str | None:
    warnings = report.summary.warnings
    if not warnings:
        return None
    lines = ["<b>" + escape(_("Warnings (they do not block any registration)")) + "</b>"]
    lines.extend(f"{warning_icon(w)} {escape(warning_text(report, w))}" for w in warnings)
    return "\n".join(lines)


def summary_blocks(report: SummaryReport, *, rows_up_to: int | None = None) -> list[str]:
    """Header, one block per row, the totals, the sub-units and the warnings (HTML).

    Over `rows_up_to` agencies in several blocs (a province), each bloc is its subtotal
    only: the chat stays a few messages, every agency's row is in the files, and the annex of
    one bloc is a `/tonghop` with its name away."""
    summary = report.summary
    blocks = [header_block(report)]
    if not summary.rows:
        blocks.append(escape(_("There is no agency in this scope.")))
    if summary.groups and rows_up_to is not None and len(summary.rows) > rows_up_to:
        blocks.append(escape(_(
            "{count} agencies in {blocs} blocs: the figures of each bloc below, those of "
            "each agency in the XLSX and DOCX files. Send /tonghop with a bloc's name for "
            "its annex.").format(count=len(summary.rows), blocs=len(summary.groups))))
        blocks.extend(
            totals_block(report, group, f"<b>{escape(group_heading(index, group))}</b>")
            for index, group in enumerate(summary.groups, start=1))
    elif summary.groups:
        for index, group in enumerate(summary.groups, start=1):
            heading = f"<b>{escape(group_heading(index, group))}</b>"
            first, *rest = [row_block(report, row) for row in group.rows]
            blocks.append(heading + "\n\n" + first)  # a heading never ends a message
            blocks.extend(rest)
            if len(group.rows) > 1:
                blocks.append(totals_block(report, group))
    else:
        blocks.extend(row_block(report, row) for row in summary.rows)
    if len(summary.rows) > 1:
        blocks.append(totals_block(report))
    if summary.unit_rows:
        blocks.append(unit_rows_block(report))
    warnings = warnings_block(report)
    if warnings is not None:
        blocks.append(warnings)
    contradictions = contradictions_block(report)
    if contradictions is not None:
        blocks.append(contradictions)
    return blocks


def contradictions_block(report: SummaryReport) -> str | None:
    """Registrations claiming years the results on record do not show."""
    if not report.contradictions:
        return None
    lines = ["<b>" + escape(_("Claims the results on record contradict")) + "</b>"]
    lines += [f"⚠️ {escape(contradiction_line(report, c))}" for c in report.contradictions]
    return "\n".join(lines)


CHAT_ROWS = 20  # agencies a chat summary shows one by one; a province gets its blocs


def summary_messages(report: SummaryReport, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Chat messages, each within Telegram's limit, split between rows."""
    return split_blocks(summary_blocks(report, rows_up_to=CHAT_ROWS), limit)


def summary_plain(report: SummaryReport) -> str:
    """The same text without markup, for the terminal and `--format text`."""
    return "\n\n".join(plain_text(block) for block in summary_blocks(report)) + "\n"
