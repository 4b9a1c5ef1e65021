"""The initiatives register as chat messages: each initiative or research topic with its
level, year, decision, authors, and what rests on it (results, registrations), flagged when
it grounds more than one title or year."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from domain.results import catalog_for_year
from domain.results_import import InitiativeView
from domain.text import vietnamese_sort_key
from locales import _, format_date, ngettext
from reports.history import title_name
from reports.results_import import kind_name, level_name
from reports.rule_warnings import citation


def initiative_block(view: InitiativeView, author_name: Callable[[int], str | None],
                     year: int) -> str:
    item = view.initiative
    lines = [f"• <b>{escape(item.title)}</b> "
             + escape(_("({kind}, {level}, {year})").format(
                 kind=kind_name(item.kind), level=level_name(item.level), year=item.year))]
    names = sorted((name for a in item.authors if (name := author_name(a)) is not None),
                   key=vietnamese_sort_key)
    others = len(item.authors) - len(names)
    authors = ", ".join(names)
    if others:
        more = ngettext("{count} other author", "{count} other authors", others).format(
            count=others)
        authors = f"{authors}, {more}" if authors else more
    lines.append("   " + escape(_("Authors: {names}").format(names=authors)))
    if item.decision is not None:
        lines.append("   " + escape(_("Decision {number} of {date}, {decided_by}").format(
            number=item.decision.number, date=format_date(item.decision.signed_on),
            decided_by=item.decision.decided_by)))
    if view.uses:
        uses = []
        for use in view.uses:
            titles = ", ".join(title_name(t, use.year) for t in use.titles) or "?"
            where = _("result") if use.kind == "result" else _("registration")
            uses.append(f"{titles} {use.year} ({where})")
        lines.append("   " + escape(_("Grounds: {uses}").format(uses="; ".join(uses))))
    else:
        lines.append("   " + escape(_("Grounds no title or commendation yet.")))
    if view.reused:
        ruleset = catalog_for_year(year)
        rule = ruleset.record.initiatives
        cited = citation(ruleset, rule.legal_ref) if rule is not None else ""
        text = _("Used for more than one title or year: an initiative is used once only as a "
                 "ground for commendation.")
        if cited:
            text += " " + _("(under {reference})").format(reference=cited)
        lines.append("   ⚠️ " + escape(text))
    return "\n".join(lines)
