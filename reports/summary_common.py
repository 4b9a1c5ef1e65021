"""The words of the registration summary (seed 000's annex), shared by text, XLSX and DOCX.

One wording rule for every row and for the totals (docs/summary.md shows examples):

* "Đăng ký thi đua của cơ quan": the names of the row's own flags (`summary.agency_titles`,
  CO_CP then CO_TINH), e.g. "Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh".
* "Đăng ký thi đua của các tập thể, cá nhân": the titles decided by the province or above
  (proposals), collectives first, then individuals, each in catalog order, counts on two
  digits:
  - a collective title named "Tập thể …": "02 tập thể Lao động xuất sắc (cơ quan và 01
    phòng, ban, đơn vị)";
  - any other collective title or form: "01 tập thể đề nghị tặng Bằng khen của Chủ tịch
    UBND tỉnh (01 phòng, ban, đơn vị)";
  - an individual title: "04 cá nhân đề nghị tặng danh hiệu Chiến sĩ thi đua cấp tỉnh";
  - an individual form of commendation: "02 cá nhân đề nghị tặng Bằng khen của …".
  The bracket always says which collectives: "(cơ quan)", "(03 phòng, ban, đơn vị)",
  "(cơ quan và 05 phòng, ban, đơn vị)"; in the totals "(05 cơ quan và 26 phòng, ban, đơn
  vị)". A flag already in the agency column is not repeated for the agency itself.
* Titles decided by the agency head (LĐTT, CSTĐCS, TTLĐTT, Giấy khen) are not in the annex;
  the chat text lists them on a line of their own and the XLSX gives their numbers.

Everything goes through gettext: the official files render this under `use_locale("vi")`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.models import OrgKind
from domain.rules import LegalRef, RuleSet, RuleWarning, Title, TitleKind
from domain.summary import (
    CollectiveCount,
    Summary,
    SummaryGroup,
    SummaryRow,
    SummaryTotals,
    Tally,
)
from locales import _, format_percent, get_locale, ngettext

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

    @property
    def rows_are_agencies(self) -> bool:
        return all(r.agency.kind == OrgKind.AGENCY for r in self.summary.rows)

    @property
    def chart_rows(self) -> tuple[SummaryRow, ...]:
        """Per agency; for a single agency or unit, per sub-unit when it has any."""
        summary = self.summary
        return summary.unit_rows if len(summary.rows) == 1 and summary.unit_rows else summary.rows


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
    ruleset: RuleSet, code: str, count: CollectiveCount, *, own_kind: OrgKind, total: bool,
    proposal: bool = True,
) -> str:
    title = ruleset.title(code)
    n = count.total
    short = _collective_name(title)
    if short is not None or not proposal:
        text = ngettext("{count} collective: {title}", "{count} collectives: {title}", n)
        text = text.format(count=two_digits(n), title=short or title.name.get(get_locale()))
    else:
        text = ngettext(
            "{count} collective proposed for {title}", "{count} collectives proposed for {title}", n
        ).format(count=two_digits(n), title=title.name.get(get_locale()))
    return f"{text} {_who(count, own_kind=own_kind, total=total)}"


def individual_line(ruleset: RuleSet, code: str, n: int, *, proposal: bool = True) -> str:
    title = ruleset.title(code)
    name = title.name.get(get_locale())
    if not proposal:
        template = ngettext("{count} individual: {title}", "{count} individuals: {title}", n)
    elif title.kind == TitleKind.TITLE:
        template = ngettext(
            "{count} individual proposed for the title {title}",
            "{count} individuals proposed for the title {title}",
            n,
        )
    else:
        template = ngettext(
            "{count} individual proposed for {title}", "{count} individuals proposed for {title}", n
        )
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


def registration_lines(report: SummaryReport, tally: Tally, own_kind: OrgKind) -> list[str]:
    """The annex column "Đăng ký thi đua của các tập thể, cá nhân" of a row or the totals."""
    summary, ruleset = report.summary, report.ruleset
    total = isinstance(tally, SummaryTotals)
    own_flags = None if total else tally.agency_titles  # type: ignore[attr-defined]
    lines = [
        collective_line(ruleset, code, count, own_kind=own_kind, total=total)
        for code, count in _collective_counts(
            summary, tally, summary.columns.collective_proposals, own_flags)
    ]
    lines += [
        individual_line(ruleset, code, tally.individual[code])
        for code in summary.columns.individual_proposals
        if tally.individual[code]
    ]
    return lines


def agency_level_lines(report: SummaryReport, tally: Tally, own_kind: OrgKind) -> list[str]:
    """Titles decided by the agency head: not in the annex, useful in the chat."""
    summary, ruleset = report.summary, report.ruleset
    total = isinstance(tally, SummaryTotals)
    lines = [
        collective_line(ruleset, code, count, own_kind=own_kind, total=total, proposal=False)
        for code, count in _collective_counts(
            summary, tally, summary.columns.collective_agency_level, ())
    ]
    lines += [
        individual_line(ruleset, code, tally.individual[code], proposal=False)
        for code in summary.columns.individual_agency_level
        if tally.individual[code]
    ]
    return lines


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


# --- Warnings -----------------------------------------------------------------------------


def _percent(value: object) -> str:
    return format_percent(float(value), 0) if isinstance(value, int | float) else str(value)


def _names(names: Sequence[str], limit: int = 10) -> str:
    """At most `limit` names: a bloc of a hundred agencies must not make a page-long line."""
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        rest = len(names) - limit
        shown += " " + ngettext("and {n} more", "and {n} more", rest).format(n=rest)
    return shown


def _legal(ref: LegalRef | None) -> str:
    if ref is None:
        return ""
    text = ref.doc if ref.article is None else f"{ref.article}, {ref.doc}"
    return " " + _("(under {reference})").format(reference=text)


def warning_text(report: SummaryReport, warning: RuleWarning) -> str:
    """One warning in the current language, with its legal reference."""
    if warning.message is not None:
        return warning.message.get(get_locale()) + _legal(warning.legal_ref)
    p = warning.params
    names = {
        key: title_name(report.ruleset, p[key])
        for key in ("title", "of_title")
        if key in p and report.ruleset.has_title(str(p[key]))
    }
    values = {
        "org": p.get("org_name", ""),
        "count": p.get("count", 0),
        "max": p.get("max", 0),
        "holders": _names(p.get("holders", [])),
        "share": _percent(p.get("share", 0)),
        "min_share": _percent(p.get("min_share", 0)),
        "max_share": _percent(p.get("max_share", 0)),
        "non_leaders": p.get("non_leaders", 0),
        "total": p.get("total", 0),
        "of_count": p.get("of_count", 0),
        "collectives": p.get("collectives", 0),
        "title": names.get("title", p.get("title", "")),
        "of_title": names.get("of_title", p.get("of_title", "")),
    }
    templates = {
        "bloc_title_limit": _(
            "{org}: {count} collectives registered {title}; a bloc may have at most {max} "
            "({holders})."
        ),
        "non_leader_share_low": _(
            "{org}: proposals for people without a leadership post are {share} "
            "({non_leaders}/{total}), below the target of {min_share}."
        ),
        "non_leader_share": _(
            "{org}: proposals for people without a leadership post are {share} "
            "({non_leaders}/{total}), meeting the target of at least {min_share}."
        ),
        "title_share_high": _(
            "{org}: {count} {title} for {of_count} {of_title} ({share}), above the share "
            "of {max_share}."
        ),
        "collective_share_high": _(
            "{org}: {count} of {collectives} collectives registered {title} ({share}), "
            "above the share of {max_share}."
        ),
    }
    template = templates.get(warning.code)
    if template is None:
        return warning.code + _legal(warning.legal_ref)
    return template.format(**values) + _legal(warning.legal_ref)


def warning_icon(warning: RuleWarning) -> str:
    return "ℹ️" if warning.severity == "info" else "⚠️"
