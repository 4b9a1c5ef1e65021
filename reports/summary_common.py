"""The words of the registration summary (seed 000's annex), shared by text, XLSX and DOCX.

The annex line for line (docs/summary.md shows the table of wordings): counts on two digits,
no added brackets.

* "Đăng ký thi đua của cơ quan": the names of the row's own flags (`summary.agency_titles`,
  CO_CP then CO_TINH).
* "Đăng ký thi đua của các tập thể, cá nhân", in the annex's order: the collectives' lines
  ("01 tập thể Lao động xuất sắc" for the agency itself, or for its units when it does not
  hold the title; "Tập thể Lao động xuất sắc" when a ministry decides it), then the
  individuals ("04 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh": a registration, not a
  proposal), then the units beside the agency's own line ("05 tập thể phòng, ban, đơn vị đạt
  danh hiệu Tập thể lao động xuất sắc"). The totals count the agencies themselves ("03 cơ
  quan đạt danh hiệu …").
* Titles decided by the agency head (LĐTT, CSTĐCS, the units' TTLĐTT and Giấy khen) are not in
  the annex; the chat text lists them on a line of their own (with which collectives, in
  brackets) and the XLSX gives their numbers.

Everything goes through gettext: the official files render this under `use_locale("vi")`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.models import OrgKind
from domain.on_record import Contradiction
from domain.org import OrgTree
from domain.rules import Level, RuleSet, RuleWarning, SubjectKind, Title, TitleKind
from domain.summary import (
    CollectiveCount,
    Summary,
    SummaryGroup,
    SummaryRow,
    SummaryTotals,
    Tally,
)
from locales import _, format_percent, get_locale, ngettext
from reports.rule_warnings import warning_with_citation

COLLECTIVE_PREFIX = "tập thể "


@dataclass(frozen=True)
class CampaignLabel:
    """A campaign whose acknowledgements the summary counts (`Tally.acknowledged` key).

    A campaign may cover only part of the summary (seed 001: one agency of the bloc), so its
    rate counts the people of its own scope: `people` maps a row's org id to the active people
    of that row within the campaign's scope (a row absent: outside it, no rate; a bloc's id
    for its subtotal), and `total_people` does the same for the totals. None: every row and
    total in full."""

    key: str  # the campaign code
    name: str
    people: Mapping[int, int] | None = None
    total_people: int | None = None

    def people_of(self, tally: Tally) -> int | None:
        """The denominator of this campaign's rate for a row or the totals (None: n/a)."""
        if self.people is None:
            return tally.active_people
        if isinstance(tally, SummaryRow):
            return self.people.get(tally.agency.id)
        if isinstance(tally, SummaryTotals) and tally.org_id is not None:
            return self.people.get(tally.org_id)
        return self.total_people

    def rate(self, tally: Tally) -> float | None:
        people = self.people_of(tally)
        return tally.acknowledged.get(self.key, 0) / people if people else None


@dataclass(frozen=True)
class SummaryReport:
    """Everything a renderer needs: the summary, its rule set and how to title it."""

    summary: Summary
    ruleset: RuleSet
    scope_name: str  # the bloc, agency or unit, or the secretariat's whole database
    campaigns: tuple[CampaignLabel, ...] = ()
    as_of: datetime | None = None
    contradictions: tuple[Contradiction, ...] = ()  # claims the results on record contradict

    @property
    def rows_are_agencies(self) -> bool:
        return all(r.agency.kind == OrgKind.AGENCY for r in self.summary.rows)

    @property
    def chart_rows(self) -> tuple[SummaryRow, ...]:
        """Per agency; for a single agency or unit, per sub-unit when it has any."""
        summary = self.summary
        return summary.unit_rows if len(summary.rows) == 1 and summary.unit_rows else summary.rows


@dataclass(frozen=True)
class DocumentScope:
    """What a summary of `target` is called, and who issues its document."""

    name: str  # "Khối Tham mưu Tổng hợp", "Sở Nội vụ", "các khối thi đua"
    issuer: str  # the body at the top left of the document
    kind: str  # "bloc", "agency", "unit", or "province" (several blocs, or none)


def document_scope(tree: OrgTree, target: int | None) -> DocumentScope:
    """A bloc, agency or unit is named as it is; a scope spanning several blocs, or
    agencies outside any bloc (a province's office), is "các khối thi đua" (or "các cơ quan,
    đơn vị"), issued by the province's Hội đồng Thi đua – Khen thưởng, never "all agencies"."""
    if target is None:
        roots = tree.roots()
        if len(roots) == 1:
            target = roots[0].id
        else:
            blocs = bool(roots) and all(r.kind == OrgKind.BLOC for r in roots)
            name = _("The emulation blocs") if blocs else _("The agencies and units")
            return DocumentScope(name, _("Provincial Emulation and Commendation Council"),
                                 "province")
    org = tree.get(target)
    return DocumentScope(tree.distinct_name(org.id), org.name, org.kind.value)


def two_digits(count: int) -> str:
    return f"{count:02d}"


def title_name(ruleset: RuleSet, code: str) -> str:
    return ruleset.title(code).name.get(get_locale())


def _collective_name(title: Title) -> str | None:
    """For a title named "Tập thể …" (decided on its Vietnamese, official name): "Lao động
    xuất sắc" in Vietnamese, the whole name in English; None for other titles."""
    if not title.name.vi.casefold().startswith(COLLECTIVE_PREFIX):
        return None
    if get_locale() != "vi":
        return title.name.get(get_locale())
    rest = title.name.vi[len(COLLECTIVE_PREFIX):]
    return rest[:1].upper() + rest[1:]


def _who(count: CollectiveCount, *, own_kind: OrgKind, total: bool) -> str:
    """Which collectives: "(cơ quan và 01 phòng, ban, đơn vị)"."""
    parts = []
    if count.itself:
        if total:
            parts.append(
                ngettext("{count} agency", "{count} agencies", count.itself).format(
                    count=two_digits(count.itself))
                if own_kind == OrgKind.AGENCY
                else ngettext("{count} unit", "{count} units", count.itself).format(
                    count=two_digits(count.itself))
            )
        else:
            parts.append(_("the agency") if own_kind == OrgKind.AGENCY else _("the unit"))
    if count.units:
        units = two_digits(count.units)
        parts.append(
            ngettext("{count} office or unit", "{count} offices or units", count.units).format(
                count=units)
            if own_kind == OrgKind.AGENCY
            else ngettext("{count} sub-unit", "{count} sub-units", count.units).format(count=units)
        )
    if len(parts) == 2:
        return "(" + _("{first} and {second}").format(first=parts[0], second=parts[1]) + ")"
    return "(" + parts[0] + ")"


def collective_line(
    ruleset: RuleSet, code: str, count: CollectiveCount, *, own_kind: OrgKind, total: bool
) -> str:
    """A count of collectives with which ones in brackets: the chat's line of the titles
    decided by the agency (not the annex, which adds no brackets)."""
    title = ruleset.title(code)
    n = count.total
    short = _collective_name(title)
    text = ngettext("{count} collective: {title}", "{count} collectives: {title}", n)
    text = text.format(count=two_digits(n), title=short or title.name.get(get_locale()))
    return f"{text} {_who(count, own_kind=own_kind, total=total)}"


def individual_line(ruleset: RuleSet, code: str, n: int) -> str:
    """The chat's line of an individual title decided by the agency."""
    name = ruleset.title(code).name.get(get_locale())
    template = ngettext("{count} individual: {title}", "{count} individuals: {title}", n)
    return template.format(count=two_digits(n), title=name)


def _collective_counts(
    summary: Summary, tally: Tally, codes: Sequence[str], own_flags: Sequence[str] | None
) -> list[tuple[str, CollectiveCount]]:
    """Counts to word, leaving out the flags the agency column already shows.

    `own_flags`: the row's agency titles; None for the totals (every agency flag is shown
    in the agency column of the totals)."""
    found = []
    for code in codes:
        count = tally.collective[code]
        if code in summary.columns.agency_titles:
            shown_itself = own_flags is None or code in own_flags
            if shown_itself:
                count = CollectiveCount(units=count.units)
        if count.total:
            found.append((code, count))
    return found


def _is_title(ruleset: RuleSet, code: str) -> bool:
    return ruleset.title(code).kind == TitleKind.TITLE


def _own_line(ruleset: RuleSet, code: str, *, reported: bool) -> str:
    """The row's collective itself: "01 tập thể Lao động xuất sắc"; named only when its
    ministry decides it ("Tập thể Lao động xuất sắc")."""
    title = ruleset.title(code)
    short = _collective_name(title)
    if reported:
        if short is None:
            return title.name.get(get_locale())
        return _("Collective {title}, decided by its ministry").format(title=short)
    if short is not None:
        return ngettext("{count} collective: {title}", "{count} collectives: {title}", 1
                        ).format(count=two_digits(1), title=short)
    return ngettext("{count} collective for {title}", "{count} collectives for {title}", 1
                    ).format(count=two_digits(1), title=title.name.get(get_locale()))


def _total_own_line(ruleset: RuleSet, code: str, n: int, own_kind: OrgKind) -> str:
    """The rows' collectives themselves, in the totals: "03 cơ quan đạt danh hiệu …"."""
    name = title_name(ruleset, code)
    count = two_digits(n)
    if own_kind == OrgKind.AGENCY:
        template = (ngettext("{count} agency for the title {title}",
                             "{count} agencies for the title {title}", n)
                    if _is_title(ruleset, code)
                    else ngettext("{count} agency for {title}", "{count} agencies for {title}", n))
    else:
        template = (ngettext("{count} unit for the title {title}",
                             "{count} units for the title {title}", n)
                    if _is_title(ruleset, code)
                    else ngettext("{count} unit for {title}", "{count} units for {title}", n))
    return template.format(count=count, title=name)


def _units_line(ruleset: RuleSet, code: str, n: int, own_kind: OrgKind, *,
                beside_itself: bool) -> str:
    """The collectives below the row's: "05 tập thể phòng, ban, đơn vị đạt danh hiệu …"
    beside the agency's own line; alone, "03 tập thể Lao động xuất sắc" (as seed 000)."""
    title = ruleset.title(code)
    count = two_digits(n)
    if not beside_itself:
        short = _collective_name(title)
        if short is not None:
            return ngettext("{count} collective: {title}", "{count} collectives: {title}", n
                            ).format(count=count, title=short)
        return ngettext("{count} collective for {title}", "{count} collectives for {title}", n
                        ).format(count=count, title=title.name.get(get_locale()))
    name = title.name.get(get_locale())
    if own_kind == OrgKind.AGENCY:
        template = (ngettext("{count} office or unit for the title {title}",
                             "{count} offices or units for the title {title}", n)
                    if _is_title(ruleset, code)
                    else ngettext("{count} office or unit for {title}",
                                  "{count} offices or units for {title}", n))
    else:
        template = (ngettext("{count} sub-unit for the title {title}",
                             "{count} sub-units for the title {title}", n)
                    if _is_title(ruleset, code)
                    else ngettext("{count} sub-unit for {title}", "{count} sub-units for {title}",
                                  n))
    return template.format(count=count, title=name)


def _individuals_line(ruleset: RuleSet, code: str, n: int) -> str:
    """"04 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh": what was registered."""
    template = (ngettext("{count} individual for the title {title}",
                         "{count} individuals for the title {title}", n)
                if _is_title(ruleset, code)
                else ngettext("{count} individual for {title}", "{count} individuals for {title}",
                              n))
    return template.format(count=two_digits(n), title=title_name(ruleset, code))


def registration_lines(report: SummaryReport, tally: Tally, own_kind: OrgKind) -> list[str]:
    """The annex column "Đăng ký thi đua của các tập thể, cá nhân" of a row or the totals,
    in seed 000's order: the collectives' lines ("01 tập thể Lao động xuất sắc": the agency
    itself, or its units when it does not hold the title), the individuals, then the units'
    lines beside the agency's own ("05 tập thể phòng, ban, đơn vị đạt danh hiệu …")."""
    summary, ruleset = report.summary, report.ruleset
    first: list[str] = []
    if isinstance(tally, SummaryRow):
        own_codes = {t.code for t in tally.own}
        first += [_own_line(ruleset, t.code, reported=t.reported) for t in tally.own]
    else:
        own = tally.own if isinstance(tally, SummaryTotals) else {}
        own_codes = set(own)
        first += [_total_own_line(ruleset, code, n, own_kind) for code, n in own.items()]
    last: list[str] = []
    for code in summary.columns.collective_proposals:
        units = tally.collective[code].units
        if units:
            beside = code in own_codes
            (last if beside else first).append(
                _units_line(ruleset, code, units, own_kind, beside_itself=beside))
    individuals = [
        _individuals_line(ruleset, code, tally.individual[code])
        for code in summary.columns.individual_proposals
        if tally.individual[code]
    ]
    return first + individuals + last


def agency_level_lines(report: SummaryReport, tally: Tally, own_kind: OrgKind) -> list[str]:
    """Titles decided by the agency head: not in the annex, useful in the chat. The
    agency's own TTLĐTT or Giấy khen is not its head's decision: the annex has it."""
    summary, ruleset = report.summary, report.ruleset
    total = isinstance(tally, SummaryTotals)
    lines = []
    for code, count in _collective_counts(
            summary, tally, summary.columns.collective_agency_level, ()):
        if _decided_above_for_itself(report, tally, code, own_kind):
            count = CollectiveCount(units=count.units)
        if count.total:
            lines.append(collective_line(ruleset, code, count, own_kind=own_kind, total=total))
    lines += [
        individual_line(ruleset, code, tally.individual[code])
        for code in summary.columns.individual_agency_level
        if tally.individual[code]
    ]
    return lines


def _decided_above_for_itself(report: SummaryReport, tally: Tally, code: str,
                              own_kind: OrgKind) -> bool:
    kind = SubjectKind.AGENCY if own_kind == OrgKind.AGENCY else SubjectKind.UNIT
    ruleset = report.ruleset
    if not ruleset.title(code).applies_to(kind):
        return False
    name = tally.agency.name if isinstance(tally, SummaryRow) else None
    level, _rule = ruleset.decider(code, kind, name)
    return level.rank > Level.AGENCY.rank


def agency_title_names(report: SummaryReport, row: SummaryRow) -> list[str]:
    """The annex column "Đăng ký thi đua của cơ quan" of a row."""
    return [title_name(report.ruleset, code) for code in row.agency_titles]


def agency_title_totals(report: SummaryReport, totals: SummaryTotals | None = None) -> list[str]:
    """"04 cơ quan đăng ký Cờ thi đua của Chính phủ", of the summary or of one bloc."""
    totals = totals or report.summary.totals
    return [
        ngettext("{count} agency registered {title}", "{count} agencies registered {title}", n)
        .format(count=two_digits(n), title=title_name(report.ruleset, code))
        for code, n in totals.agency_titles.items()
        if n
    ]


def roman(number: int) -> str:
    """I, II, III…: how official tables number their sections."""
    digits = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in digits:
        while number >= value:
            out += letters
            number -= value
    return out


def group_name(group: SummaryGroup) -> str:
    return group.bloc.name if group.bloc is not None else _("Agencies outside any bloc")


def group_heading(index: int, group: SummaryGroup) -> str:
    """"I. KHỐI THAM MƯU TỔNG HỢP" (index from 1), as the tables' section rows read."""
    return f"{roman(index)}. {group_name(group).upper()}"


def subtotal_label(group: SummaryGroup) -> str:
    return _("Subtotal: {bloc}").format(bloc=group_name(group))


def own_kind(row: SummaryRow) -> OrgKind:
    return OrgKind.AGENCY if row.agency.kind == OrgKind.AGENCY else OrgKind.UNIT


def rate_text(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return format_percent(part / whole)


def people_line(tally: Tally) -> str:
    return _("Registered: {registered}/{active} people ({rate})").format(
        registered=tally.registered_people,
        active=tally.active_people,
        rate=rate_text(tally.registered_people, tally.active_people),
    )


def acknowledgement_lines(report: SummaryReport, tally: Tally) -> list[str]:
    lines = []
    for campaign in report.campaigns:
        people = campaign.people_of(tally)
        if people is None:
            continue
        count = tally.acknowledged.get(campaign.key, 0)
        rate = rate_text(count, people)
        if len(report.campaigns) == 1:
            text = _("Acknowledged the campaign: {count}/{active} ({rate})")
        else:
            text = _("Acknowledged {campaign}: {count}/{active} ({rate})")
        lines.append(text.format(campaign=campaign.key, count=count, active=people, rate=rate))
    return lines


# --- Warnings ---------------------------------------------------------------------------


def warning_text(report: SummaryReport, warning: RuleWarning) -> str:
    """One warning in the current language, with its citation (reports.rule_warnings)."""
    return warning_with_citation(report.ruleset, warning)


def contradiction_line(report: SummaryReport, contradiction: Contradiction) -> str:
    """"Phạm Ngọc Anh (Chiến sĩ thi đua cấp tỉnh): Chiến sĩ thi đua cơ sở 2022, 2023"."""
    ruleset = report.ruleset
    titles = ", ".join(title_name(ruleset, code) for code in contradiction.titles)
    years = ", ".join(str(y) for y in contradiction.years)
    head = f"{contradiction.name} ({titles})" if titles else contradiction.name
    return f"{head}: {title_name(ruleset, contradiction.title)} {years}"
