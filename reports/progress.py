"""Progress digests, reminders and reminder previews as HTML messages (and plain text for the CLI).

Everything is rendered in the current locale (`locales.use_locale` around a call) and kept
within Telegram's 4096 characters: long name lists are shortened ("… and 12 others") rather
than split, so each digest stays one message with its buttons.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

from domain.models import Person
from domain.org import OrgTree
from domain.progress import (
    Breakdown,
    Change,
    Item,
    ItemFigures,
    ItemKind,
    Member,
    Reach,
    Reminder,
    ReminderPlan,
    ScopeView,
    Tally,
    days_left,
    parse_week,
    progress_bar,
)
from locales import N_, _, format_date, format_datetime, format_percent, ngettext, tapped

MAX_MESSAGE = 4096
NAME_LIMITS: tuple[int | None, ...] = (None, 40, 20, 10, 5, 2, 0)  # a head reads every name
SHORT_LIMITS: tuple[int | None, ...] = (30, 20, 10, 5, 2, 0)  # previews and results

REACH_LABELS = {
    Reach.BLOCKED: N_("blocked the bot"),
    Reach.NOT_LINKED: N_("not connected to the bot"),
}

# Callback data of the entry points other features open (registration, campaigns).
OPEN_REGISTER = "open:register"
OPEN_COLLECTIVE = "open:collective"
OPEN_GOALS = "open:goals"


# ---------------------------------------------------------------------------- pieces


def item_title(item: Item) -> str:
    if item.kind == ItemKind.REGISTRATION:
        return _("Emulation registration {year}").format(year=item.year)
    return _("Commitment: {name}").format(name=item.name or item.code)


def deadline_text(deadline: date, today: date) -> str:
    left = days_left(today, deadline)
    when = format_date(deadline)
    if left == 0:
        return _("deadline {date} (today is the last day)").format(date=when)
    if left < 0:
        return ngettext("deadline {date} ({n} day overdue)", "deadline {date} ({n} days overdue)",
                        -left).format(date=when, n=-left)
    return ngettext("deadline {date} ({n} day left)", "deadline {date} ({n} days left)",
                    left).format(date=when, n=left)


def tally_text(tally: Tally) -> str:
    return _("{done}/{total} ({percent})").format(
        done=tally.done, total=tally.total, percent=format_percent(tally.rate))


def bar_line(tally: Tally) -> str:
    return f"<code>{progress_bar(tally.done, tally.total)}</code> " + escape(tally_text(tally))


def change_text(change: Change) -> str:
    if change.done == 0:
        return _("no change since last week")
    sign = "+" if change.done > 0 else "−"
    return ngettext("{sign}{n} person since last week", "{sign}{n} people since last week",
                    abs(change.done)).format(sign=sign, n=abs(change.done))


def names(people: Sequence[Person], limit: int | None) -> str:
    """"A, B, C and 5 others"; `limit` None lists everybody."""
    shown = list(people) if limit is None else list(people)[:limit]
    rest = len(people) - len(shown)
    text = ", ".join(escape(p.full_name) for p in shown)
    if rest and shown:
        return text + " " + ngettext("and {n} other", "and {n} others", rest).format(n=rest)
    if rest:
        return ngettext("{n} person", "{n} people", rest).format(n=rest)
    return text


def member_names(members: Sequence[Member], limit: int | None,
                 tree: OrgTree | None = None) -> str:
    """Names, with where they work when `tree` is given (the secretariat's wide view)."""
    shown = list(members) if limit is None else list(members)[:limit]
    parts = []
    for m in shown:
        where = f" ({escape(tree.label(m.person.org_id))})" if tree is not None else ""
        parts.append(escape(m.person.full_name) + where)
    rest = len(members) - len(shown)
    text = ", ".join(parts)
    if rest and shown:
        return text + " " + ngettext("and {n} other", "and {n} others", rest).format(n=rest)
    if rest:
        return ngettext("{n} person", "{n} people", rest).format(n=rest)
    return text


def unreachable_lines(members: Sequence[Member], limit: int | None,
                      tree: OrgTree | None = None) -> list[str]:
    """People the bot cannot reach, one line per reason."""
    lines = []
    for reach, icon in ((Reach.BLOCKED, "⛔"), (Reach.NOT_LINKED, "📵")):
        group = [m for m in members if m.reach == reach]
        if group:
            label = _capitalised(_(REACH_LABELS[reach]))
            lines.append(f"{icon} {escape(label)} ({len(group)}): "
                         + member_names(group, limit, tree))
    return lines


def week_label(period: str) -> str:
    year, week = parse_week(period)
    return _("week {week}/{year}").format(week=week, year=year)


def root_label(tree: OrgTree, root: int | None) -> str:
    """A scope's name; the whole database is its bloc when there is only one."""
    if root is not None:
        return tree.label(root)
    roots = tree.roots()
    return roots[0].name if len(roots) == 1 else _("All agencies")


def _breakdown_label(row: Breakdown) -> str:
    return escape(row.org.name) if row.org is not None else escape(_("Agency leadership"))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _missing_label(item: Item) -> str:
    if item.kind == ItemKind.REGISTRATION:
        return _("Not registered")
    return _("Not committed")


# ---------------------------------------------------------------------------- digests


def _item_block(figures: ItemFigures, today: date, limit: int | None, *,
                list_missing: bool) -> list[str]:
    item = figures.item
    icon = "📝" if item.kind == ItemKind.REGISTRATION else "✍️"
    lines = [
        f"{icon} <b>{escape(item_title(item))}</b>",
        escape(_capitalised(deadline_text(item.deadline, today))),
    ]
    line = bar_line(figures.tally)
    if figures.change is not None:
        line += " · " + escape(change_text(figures.change))
    lines.append(line)
    for row in figures.breakdown:
        lines.append(f"• {_breakdown_label(row)}: {escape(tally_text(row.tally))}")
    if list_missing and figures.missing:
        lines.append(f"{escape(_missing_label(item))} ({len(figures.missing)}): "
                     + names(figures.missing, limit))
    if figures.collective_missing:
        units = ", ".join(escape(o.name) for o in figures.collective_missing)
        lines.append(escape(_("Collective not registered yet:")) + " " + units)
    return lines


def _view_block(view: ScopeView, tree: OrgTree, today: date, limit: int | None, *,
                secretariat: bool) -> list[str]:
    lines = [f"🏢 <b>{escape(root_label(tree, view.root.id if view.root else None))}</b>"]
    for figures in view.items:
        lines.append("")
        lines.extend(_item_block(figures, today, limit, list_missing=not secretariat))
    if not view.unreachable:
        return lines
    lines.append("")
    # Only people with something left to do: who has done everything is nobody to chase.
    lines.append("⚠️ <b>" + escape(_("Still to do, but cannot receive messages from the bot:"))
                 + "</b>")
    if secretariat:  # names of those who blocked the bot; the others are too many to list
        blocked = [m for m in view.unreachable if m.reach == Reach.BLOCKED]
        lines.extend(unreachable_lines(blocked, limit, tree))
        unlinked = len(view.unreachable) - len(blocked)
        if unlinked:
            lines.append("📵 " + escape(ngettext(
                "{n} person has not connected to the bot yet.",
                "{n} people have not connected to the bot yet.", unlinked).format(n=unlinked)))
    else:
        lines.extend(unreachable_lines(view.unreachable, limit))
        lines.append("<i>" + escape(_("Ask them to open the bot and send /start; someone who "
                                      "blocked the bot must unblock it.")) + "</i>")
    return lines


def render_digest(period: str, views: Sequence[ScopeView], tree: OrgTree, today: date, *,
                  secretariat: bool = False, remind_hint: bool = True,
                  reader: int | None = None, as_of: datetime | None = None,
                  reminded: frozenset[int] = frozenset()) -> str:
    """The weekly digest (or /progress): one block per scope, within one message; `as_of`
    (local time) says when its figures were taken, since a digest may be read hours later."""

    def build(limit: int | None) -> str:
        lines = ["📊 <b>" + escape(_("Emulation progress – {week}").format(
            week=week_label(period))) + "</b>"]
        if as_of is not None:
            lines.append("<i>" + escape(_("As of {time}").format(
                time=format_datetime(as_of))) + "</i>")
        for view in views:
            lines.append("")
            lines.extend(_view_block(view, tree, today, limit, secretariat=secretariat))
        if remind_hint and any(v.remindable(reader, reminded) for v in views):
            lines.append("")
            lines.append("<i>" + escape(_("Tap “Remind” to send a reminder to the people who "
                                          "have not acted yet.") if tapped() else
                                        _("Type the number of “Remind” to send a reminder to "
                                          "the people who have not acted yet.")) + "</i>")
        return "\n".join(lines)

    return fitted(build)


def fitted(build: Callable[[int | None], str], reserve: int = 0,
           limits: Sequence[int | None] = NAME_LIMITS) -> str:
    """The fullest rendering that fits one message (`reserve`: characters added after it).

    Name lists shrink first; should even that not do (hundreds of units), the text is sent
    plain and cut, never cut inside an HTML tag.
    """
    text = ""
    for limit in limits:
        text = build(limit)
        if len(text) + reserve <= MAX_MESSAGE:
            return text
    return escape(as_plain(text)[: MAX_MESSAGE - reserve - 1], quote=False) + "…"


def nothing_open_text() -> str:
    return _("No registration or campaign is open at the moment.")


# ---------------------------------------------------------------------------- reminders


def reminder_text(reminder: Reminder, today: date, *, sender: str | None,
                  registration: Item | None) -> str:
    """The reminder a person receives, with the items they have not done."""
    person = reminder.person
    lines = [
        "🔔 <b>" + escape(_("Reminder")) + "</b>",
        escape(_("Dear {name},")).format(name=f"<b>{escape(person.full_name)}</b>"),
        escape(_("The following are still waiting for you:")),
    ]
    for item in reminder.items:
        when = deadline_text(item.deadline, today)
        lines.append(f"• {escape(item_title(item))} – {escape(when)}")
    for org in reminder.collectives:
        line = "• " + escape(_("Collective registration for {unit}").format(unit=org.name))
        if registration is not None:
            line += " – " + escape(deadline_text(registration.deadline, today))
        lines.append(line)
    lines.append(escape(_("Please complete them before the deadline. Tap a button below to "
                          "start now.") if tapped() else
                        _("Please complete them before the deadline. Type a number below to "
                          "start now.")))
    if sender:
        lines.append("<i>" + escape(_("Reminder from: {sender}").format(sender=sender)) + "</i>")
    else:
        lines.append("<i>" + escape(_("Automatic reminder: the deadline is near.")) + "</i>")
    return "\n".join(lines)


def reminder_buttons(reminder: Reminder) -> list[list[tuple[str, str]]]:
    """(text, callback data) rows: one button per conversation to open."""
    rows = []
    kinds = {i.kind for i in reminder.items}
    if ItemKind.REGISTRATION in kinds:
        rows.append([(_("📝 Register titles"), OPEN_REGISTER)])
    if reminder.collectives:
        rows.append([(_("👥 Register the collective"), OPEN_COLLECTIVE)])
    if ItemKind.ACKNOWLEDGEMENT in kinds:
        rows.append([(_("✍️ Commit to the campaign"), OPEN_GOALS)])
    return rows


def what_text(items: Sequence[Item], today: date) -> str:
    return "; ".join(f"{item_title(i)} – {deadline_text(i.deadline, today)}" for i in items)


def plan_preview(plan: ReminderPlan, scope: str, today: date, tree: OrgTree, *,
                 fit: bool = True, reserve: int = 0, budget: int = MAX_MESSAGE) -> str:
    """What a reminder would do, for the secretariat to confirm: the totals, then unit by
    unit (who is reminded, who was already, who cannot be reached, by name). `fit`: in one
    message of `budget` characters (the channel's), names shortened first, then units
    merged into their agencies, then totals only."""
    if not fit:
        return _plan_preview(plan, scope, today, tree, None, agencies=False)
    text = ""
    for agencies, limit in PREVIEW_LEVELS:
        text = _plan_preview(plan, scope, today, tree, limit, agencies=agencies)
        if len(text) + reserve <= budget:
            return text
    return fitted(lambda n: _plan_preview(plan, scope, today, tree, n, agencies=None),
                  reserve + max(0, MAX_MESSAGE - budget), SHORT_LIMITS)


# Ever shorter previews: every unit with its names, fewer names, then agencies only.
PREVIEW_LEVELS: tuple[tuple[bool, int | None], ...] = (
    (False, None), *((False, n) for n in SHORT_LIMITS), (True, 0))


@dataclass
class _Place:
    """One unit's (or agency's) share of a reminder plan."""

    send: int = 0
    already: int = 0
    unreachable: list[Member] = field(default_factory=list)


def _places(plan: ReminderPlan, tree: OrgTree, agencies: bool) -> list[tuple[str, _Place]]:
    """The plan per unit where people work (or per agency), in roster order."""
    order = {u.id: n for n, u in enumerate(tree.walk())}

    def key(person: Person) -> int:
        if agencies and person.org_id in tree:
            agency = tree.agency_of(person.org_id)
            return agency.id if agency is not None else person.org_id
        return person.org_id

    places: dict[int, _Place] = {}
    for reminder in plan.send:
        places.setdefault(key(reminder.person), _Place()).send += 1
    for person in plan.already:
        places.setdefault(key(person), _Place()).already += 1
    for member in plan.unreachable:
        places.setdefault(key(member.person), _Place()).unreachable.append(member)
    ordered = sorted(places, key=lambda k: order.get(k, len(order)))
    return [(tree.label(k) if k in tree else "?", places[k]) for k in ordered]


def _counts(send: int, already: int, unreachable: int, *, zero: bool = True) -> list[str]:
    """The plan's figures; `zero=False` leaves out the figures that are 0 (a unit's line)."""
    parts = []
    if send or zero:
        parts.append(ngettext("to remind now: {n} person", "to remind now: {n} people", send)
                     .format(n=send))
    if already:
        parts.append(ngettext("already reminded today: {n} person",
                              "already reminded today: {n} people", already).format(n=already))
    if unreachable:
        parts.append(ngettext("cannot be reached through the bot: {n} person",
                              "cannot be reached through the bot: {n} people",
                              unreachable).format(n=unreachable))
    return parts


def _plan_preview(plan: ReminderPlan, scope: str, today: date, tree: OrgTree,
                  limit: int | None, *, agencies: bool | None) -> str:
    """`agencies`: group by agency (True) or by unit (False), or give totals only (None)."""
    lines = [
        "🔔 <b>" + escape(_("Reminder")) + "</b>",
        escape(_("Scope: {scope}").format(scope=scope)),
        escape(_("About: {what}").format(what=what_text(plan.items, today))),
        escape(ngettext("Not done yet: {n} person", "Not done yet: {n} people",
                        plan.missing_count).format(n=plan.missing_count)),
    ]
    lines += ["• " + escape(part) for part in _counts(len(plan.send), len(plan.already),
                                                       len(plan.unreachable))]
    if agencies is None or not plan.missing_count:
        return "\n".join(lines)
    lines += ["", "<b>" + escape(_("By agency:") if agencies else _("By unit:")) + "</b>"]
    for label, place in _places(plan, tree, agencies):
        lines.append(f"🏢 <b>{escape(label)}</b>: " + escape("; ".join(
            _counts(place.send, place.already, len(place.unreachable), zero=False))))
        if not agencies:
            lines.extend(unreachable_lines(place.unreachable, limit))
    return "\n".join(lines)


def plan_result(plan: ReminderPlan, queued: int, *, fit: bool = True) -> str:
    """What a head or the secretariat is told once reminders are queued."""
    if fit:
        return fitted(lambda n: _plan_result(plan, queued, n), limits=SHORT_LIMITS)
    return _plan_result(plan, queued, None)


def _plan_result(plan: ReminderPlan, queued: int, limit: int | None) -> str:
    if not plan.missing_count:
        return "✅ " + escape(_("Everybody has done it: nobody to remind."))
    lines = []
    if queued:
        sent = [r.person for r in plan.send]
        lines.append("🔔 " + escape(ngettext("Reminder sent to {n} person:",
                                            "Reminder sent to {n} people:", queued)
                                   .format(n=queued)) + " " + names(sent, limit))
    else:
        lines.append("ℹ️ " + escape(_("No new reminder was sent.")))
    if plan.already:
        lines.append(escape(_("Already reminded today:")) + " " + names(plan.already, limit))
    if plan.unreachable:
        lines.append("⚠️ " + escape(_("Cannot be reached through the bot:")))
        lines.extend(unreachable_lines(plan.unreachable, limit))
    return "\n".join(lines)


def sender_label(person: Person, tree: OrgTree) -> str:
    """"Hồ Kim Thảo, Trưởng phòng – Phòng Công tác Quốc hội"."""
    parts = [person.full_name]
    if person.position:
        parts.append(person.position)
    label = ", ".join(parts)
    if person.org_id in tree:
        label += " – " + tree.label(person.org_id)
    return label


def as_plain(text: str) -> str:
    """An HTML message as plain text, for the command line."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
