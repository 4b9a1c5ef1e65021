"""Words of the secretariat's daily digest (changes since the last one) and of the final post."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from domain.rules import SubjectKind
from domain.summary_digest import DigestChanges, RowChange, TitleChange
from locales import _, format_date, format_datetime, format_percent, ngettext
from reports.messages import split_blocks
from reports.rule_warnings import warning_icon
from reports.summary_common import SummaryReport, title_name, warning_text


def _title_label(report: SummaryReport, change: TitleChange) -> str:
    title = report.ruleset.title(change.code)
    name = title_name(report.ruleset, change.code)
    both = SubjectKind.PERSON in title.subjects and len(title.subjects) > 1
    if not both:
        return name
    kind = _("collectives") if change.collective else _("individuals")
    return f"{name} ({kind})"


def _row_line(report: SummaryReport, row: RowChange) -> str:
    parts = []
    if row.registered_before != row.registered_after:
        parts.append(_("people registered {before} → {after} of {active}").format(
            before=row.registered_before, after=row.registered_after, active=row.active_people))
    order = {code: i for i, code in enumerate(t.code for t in report.ruleset.titles)}
    for change in sorted(row.titles, key=lambda c: (not c.collective, order.get(c.code, 99))):
        parts.append(f"{_title_label(report, change)} {change.before} → {change.after}")
    for code in row.flags_added:
        parts.append(_("now registers {title}").format(title=title_name(report.ruleset, code)))
    for code in row.flags_removed:
        parts.append(_("no longer registers {title}").format(
            title=title_name(report.ruleset, code)))
    return f"• <b>{escape(row.name)}</b>: " + escape("; ".join(parts))


def digest_blocks(
    report: SummaryReport,
    changes: DigestChanges,
    *,
    day: date,
    since: datetime | None,
    deadline: date | None,
) -> list[str]:
    """HTML blocks of one digest; the caller posts nothing when `changes.empty`."""
    head = [
        "<b>" + escape(_("📊 Registrations {year}: daily digest of {day}").format(
            year=report.summary.year, day=format_date(day))) + "</b>",
        "<b>" + escape(report.scope_name) + "</b>",
    ]
    if deadline is not None:
        left = (deadline - day).days
        head.append(escape(ngettext(
            "Deadline {deadline} ({days} day left)", "Deadline {deadline} ({days} days left)", left
        ).format(deadline=format_date(deadline), days=left)))
    if changes.first or since is None:
        head.append(escape(_("Registrations so far:")))
    else:
        head.append(escape(_("Changes since the last digest ({time}):").format(
            time=format_datetime(since))))
    blocks = ["\n".join(head)]
    if changes.rows:
        blocks.append("\n".join(_row_line(report, row) for row in changes.rows))
    rate = format_percent(changes.total_after / changes.active_people) \
        if changes.active_people else "—"
    delta = changes.total_after - changes.total_before
    total = _("In all: {registered}/{active} people registered ({rate}), {delta} since the "
              "last digest.") if not changes.first else _(
        "In all: {registered}/{active} people registered ({rate}).")
    blocks.append(escape(total.format(registered=changes.total_after,
                                      active=changes.active_people, rate=rate,
                                      delta=f"{delta:+d}")))
    if changes.new_warnings:
        lines = ["<b>" + escape(_("New warnings")) + "</b>"]
        lines += [f"{warning_icon(w)} {escape(warning_text(report, w))}"
                  for w in changes.new_warnings]
        blocks.append("\n".join(lines))
    if changes.resolved_warnings:
        lines = ["<b>" + escape(_("No longer a warning")) + "</b>"]
        lines += [f"✅ {escape(warning_text(report, w))}" for w in changes.resolved_warnings]
        blocks.append("\n".join(lines))
    blocks.append(escape(_("Send /summary for the full table and the files.")))
    return blocks


def digest_messages(report: SummaryReport, changes: DigestChanges, *, day: date,
                    since: datetime | None, deadline: date | None) -> list[str]:
    return split_blocks(digest_blocks(report, changes, day=day, since=since, deadline=deadline))


def final_intro(report: SummaryReport, deadline: date) -> str:
    return "<b>" + escape(_("🏁 The registration of {year} closed on {deadline}. Here is the "
                            "final summary.").format(year=report.summary.year,
                                                     deadline=format_date(deadline))) + "</b>"
