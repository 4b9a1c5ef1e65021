"""Registered vs achieved, in words: each agency's registration beside its results, in the
annex's lines (reports.summary_common words both sides), and who registered a title without
achieving it. Chat messages (HTML) and plain text; the files are reports/achievement_files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from html import escape

from domain.achievement import Comparison, Miss
from domain.models import OrgKind
from domain.org import OrgTree
from domain.rules import RuleSet
from domain.summary import SummaryGroup, SummaryRow, SummaryTotals
from locales import _, format_datetime, ngettext
from reports.messages import MESSAGE_LIMIT, plain_text, split_blocks
from reports.summary_common import (
    SummaryReport,
    agency_title_names,
    agency_title_totals,
    group_heading,
    own_kind,
    registration_lines,
    subtotal_label,
    title_name,
    two_digits,
)

CHAT_ROWS = 20  # agencies shown one by one in a chat; a province gets its blocs
CHAT_MISSES = 30  # people and collectives named in a chat; the rest in the files


@dataclass(frozen=True)
class ComparisonReport:
    comparison: Comparison
    ruleset: RuleSet
    tree: OrgTree
    scope_name: str
    as_of: datetime | None = None

    @cached_property
    def miss_counts(self) -> dict[int, int]:
        """Subjects registered without achieving, per org's subtree."""
        return self.comparison.miss_counts(self.tree)

    @property
    def registered(self) -> SummaryReport:
        return SummaryReport(self.comparison.registered, self.ruleset, self.scope_name)

    @property
    def achieved(self) -> SummaryReport:
        return SummaryReport(self.comparison.achieved, self.ruleset, self.scope_name)

    @property
    def year(self) -> int:
        return self.comparison.year

    @property
    def rows_are_agencies(self) -> bool:
        return self.registered.rows_are_agencies


def title(report: ComparisonReport) -> str:
    return _("REGISTERED AND ACHIEVED {year}").format(year=report.year)


def miss_line(report: ComparisonReport, miss: Miss) -> str:
    """"Bùi Thúy Hà – Phòng Công tác Quốc hội: Chiến sĩ thi đua cấp tỉnh (achieved: …)"."""
    ruleset = report.ruleset
    where = report.tree.label(miss.org_id) if miss.org_id in report.tree else ""
    who = f"{miss.name} – {where}" if miss.person_id is not None and where else miss.name
    text = f"{who}: " + ", ".join(title_name(ruleset, c) for c in miss.missed)
    if miss.achieved:
        text += " " + _("(achieved: {titles})").format(
            titles=", ".join(title_name(ruleset, c) for c in miss.achieved))
    return text


def side_lines(report: SummaryReport, tally: SummaryRow | SummaryTotals,
               kind: OrgKind) -> list[str]:
    """The annex column of collectives and individuals, "none" when empty."""
    return registration_lines(report, tally, kind) or [_("none")]


def _flags(report: SummaryReport, row: SummaryRow) -> str:
    names = agency_title_names(report, row)
    return "; ".join(names) if names else _("none")


def row_block(report: ComparisonReport, registered: SummaryRow, achieved: SummaryRow) -> str:
    kind = own_kind(registered)
    lines = [f"<b>{registered.stt}. {escape(registered.agency.name)}</b>"]
    own = _("Agency's own") if kind == OrgKind.AGENCY else _("Unit's own")
    lines.append(escape(_("{own}: registered {registered} · achieved {achieved}").format(
        own=own, registered=_flags(report.registered, registered),
        achieved=_flags(report.achieved, achieved))))
    lines.append(escape(_("Collectives and individuals registered:")))
    lines += ["• " + escape(line) for line in side_lines(report.registered, registered, kind)]
    lines.append(escape(_("Achieved:")))
    lines += ["• " + escape(line) for line in side_lines(report.achieved, achieved, kind)]
    missed = report.miss_counts.get(registered.agency.id, 0)
    if missed:
        lines.append(escape(ngettext("Registered but not achieved: {count} subject",
                                     "Registered but not achieved: {count} subjects",
                                     missed).format(count=two_digits(missed))))
    return "\n".join(lines)


def totals_block(report: ComparisonReport, registered: SummaryTotals, achieved: SummaryTotals,
                 label: str, rows: int, heading: str | None = None) -> str:
    kind = OrgKind.AGENCY if report.rows_are_agencies else OrgKind.UNIT
    count = (ngettext("{count} agency", "{count} agencies", rows) if kind == OrgKind.AGENCY
             else ngettext("{count} unit", "{count} units", rows)).format(count=two_digits(rows))
    lines = [f"<b>{escape(label)} ({escape(count)})</b>"]
    if heading:
        lines.insert(0, heading)
    flags = agency_title_totals(report.registered, registered)
    if flags:
        lines.append(escape(_("Registered: {flags}").format(flags="; ".join(flags))))
    lines += ["• " + escape(line) for line in side_lines(report.registered, registered, kind)]
    got = [ngettext("{count} agency achieved {title}", "{count} agencies achieved {title}", n)
           .format(count=two_digits(n), title=title_name(report.ruleset, code))
           for code, n in achieved.agency_titles.items() if n]
    lines.append(escape(_("Achieved:") + (" " + "; ".join(got) if got else "")))
    lines += ["• " + escape(line) for line in side_lines(report.achieved, achieved, kind)]
    return "\n".join(lines)


def misses_block(report: ComparisonReport, limit: int | None = CHAT_MISSES) -> str:
    misses = report.comparison.misses
    if not misses:
        return "<b>" + escape(_("Everyone who registered achieved what they registered.")) \
            + "</b>"
    lines = ["<b>" + escape(ngettext("Registered but not achieved ({count})",
                                     "Registered but not achieved ({count})",
                                     len(misses)).format(count=len(misses))) + "</b>"]
    shown = misses if limit is None else misses[:limit]
    lines += ["• " + escape(miss_line(report, m)) for m in shown]
    if len(shown) < len(misses):
        lines.append(escape(ngettext("… and {count} more, in the XLSX file.",
                                     "… and {count} more, in the XLSX file.",
                                     len(misses) - len(shown)).format(
            count=len(misses) - len(shown))))
    return "\n".join(lines)


def comparison_blocks(report: ComparisonReport, *, rows_up_to: int | None = None) -> list[str]:
    comparison = report.comparison
    head = ["<b>" + escape(title(report)) + "</b>", "<b>" + escape(report.scope_name) + "</b>"]
    if report.as_of is not None:
        head.append(escape(_("As of {time}").format(time=format_datetime(report.as_of))))
    blocks = ["\n".join(head)]
    pairs = comparison.pairs()
    if not pairs:
        blocks.append(escape(_("There is no agency in this scope.")))
    groups = comparison.group_pairs()
    if groups and rows_up_to is not None and len(pairs) > rows_up_to:
        blocks.append(escape(_("{count} agencies in {blocs} blocs: the figures of each bloc "
                               "below, those of each agency in the XLSX and DOCX files.")
                             .format(count=len(pairs), blocs=len(groups))))
        for index, (group, group_achieved) in enumerate(groups, start=1):
            blocks.append(_group_totals(report, group, group_achieved, index))
    elif groups:
        by_org = {r.agency.id: (r, a) for r, a in pairs}
        for index, (group, group_achieved) in enumerate(groups, start=1):
            heading = f"<b>{escape(group_heading(index, group))}</b>"
            rows = [row_block(report, *by_org[r.agency.id]) for r in group.rows]
            blocks.append(heading + "\n\n" + rows[0])
            blocks.extend(rows[1:])
            if len(group.rows) > 1:
                blocks.append(totals_block(report, group.totals, group_achieved.totals,
                                           subtotal_label(group), len(group.rows)))
    else:
        blocks.extend(row_block(report, r, a) for r, a in pairs)
    if len(pairs) > 1:
        blocks.append(totals_block(report, comparison.registered.totals,
                                   comparison.achieved.totals, _("Total"), len(pairs)))
    units = comparison.unit_pairs()
    if units:
        lines = ["<b>" + escape(_("By office and unit")) + "</b>"]
        for unit, unit_achieved in units:
            got = registration_lines(report.achieved, unit_achieved, OrgKind.UNIT)
            wanted = registration_lines(report.registered, unit, OrgKind.UNIT)
            lines.append(f"• <b>{escape(unit.agency.name)}</b>: " + escape(
                _("registered {registered} · achieved {achieved}").format(
                    registered="; ".join(wanted) or _("none"),
                    achieved="; ".join(got) or _("none"))))
        blocks.append("\n".join(lines))
    blocks.append(misses_block(report, CHAT_MISSES if rows_up_to is not None else None))
    return blocks


def _group_totals(report: ComparisonReport, registered: SummaryGroup, achieved: SummaryGroup,
                  index: int) -> str:
    heading = f"<b>{escape(group_heading(index, registered))}</b>"
    return totals_block(report, registered.totals, achieved.totals,
                        subtotal_label(registered), len(registered.rows), heading)


def comparison_messages(report: ComparisonReport, limit: int = MESSAGE_LIMIT) -> list[str]:
    return split_blocks(comparison_blocks(report, rows_up_to=CHAT_ROWS), limit)


def comparison_plain(report: ComparisonReport) -> str:
    return "\n\n".join(plain_text(block) for block in comparison_blocks(report)) + "\n"
