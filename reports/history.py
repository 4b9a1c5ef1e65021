"""The history of titles and commendations, as chat messages (HTML) and plain text.

A person's (or a collective's) history: year by year, newest first, each result with its
decision. A unit's: its own results, then its people's, year by year, one line per person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape

from domain.models import Person
from domain.org import OrgTree
from domain.results import Result, by_year, catalog_for_year
from domain.text import vietnamese_sort_key
from locales import _, format_date, get_locale, ngettext


def title_name(code: str, year: int) -> str:
    ruleset = catalog_for_year(year)
    return ruleset.title(code).name.get(get_locale()) if ruleset.has_title(code) else code


def decision_line(result: Result) -> str:
    """"Quyết định số 125/QĐ-SNV ngày 15/12/2024, Giám đốc Sở Nội vụ"."""
    decision = result.decision
    return _("Decision {number} of {date}, {decided_by}").format(
        number=decision.number, date=format_date(decision.signed_on),
        decided_by=decision.decided_by)


def result_line(result: Result) -> str:
    """HTML: "• Chiến sĩ thi đua cơ sở: Quyết định số … (sáng kiến: …)"."""
    text = f"• <b>{escape(title_name(result.title, result.year))}</b>: " \
        + escape(decision_line(result))
    if result.initiative_title:
        text += " " + escape(_("(initiative: {title})").format(title=result.initiative_title))
    return text


def subject_history(heading: str, results: Sequence[Result]) -> list[str]:
    """HTML blocks: the heading, then a block per year (newest first)."""
    if not results:
        return [heading + "\n" + escape(_("No title or commendation is on record yet."))]
    blocks = [heading + "\n" + escape(ngettext(
        "{count} title or commendation on record.", "{count} titles and commendations on "
        "record.", len(results)).format(count=len(results)))]
    for year, found in by_year(results).items():
        blocks.append("\n".join([f"<b>{year}</b>", *(result_line(r) for r in found)]))
    return blocks


def person_heading(person: Person, tree: OrgTree) -> str:
    place = f" ({escape(tree.label(person.org_id))})" if person.org_id in tree else ""
    return "<b>" + escape(_("History of titles and commendations")) + "</b>\n" + escape(
        _("Individual: {name}")).format(name=f"<b>{escape(person.full_name)}</b>") + place


def org_heading(org_id: int, tree: OrgTree) -> str:
    return "<b>" + escape(_("History of titles and commendations")) + "</b>\n" + escape(
        _("Collective: {name}")).format(name=f"<b>{escape(tree.label(org_id))}</b>")


def unit_history(org_id: int, tree: OrgTree, own: Sequence[Result],
                 people: Mapping[int, Person], results: Iterable[Result]) -> list[str]:
    """HTML blocks of a unit: its own results, then its people's, year by year."""
    blocks = subject_history(org_heading(org_id, tree), own)
    per_year: dict[int, dict[int, list[str]]] = {}
    for result in results:
        if result.subject.person_id is None or result.subject.person_id not in people:
            continue
        per_year.setdefault(result.year, {}).setdefault(result.subject.person_id, []).append(
            title_name(result.title, result.year))
    if not per_year:
        blocks.append(escape(_("Its people: no title or commendation on record yet.")))
        return blocks
    blocks.append("<b>" + escape(_("Its people")) + "</b>")
    for year in sorted(per_year, reverse=True):
        found = per_year[year]
        order = sorted(found, key=lambda p: vietnamese_sort_key(people[p].full_name))
        lines = [f"<b>{year}</b>"]
        lines += [f"• {escape(people[p].full_name)}: {escape(', '.join(found[p]))}"
                  for p in order]
        blocks.append("\n".join(lines))
    return blocks
