"""/lichsu (/history): titles and commendations on record, year by year.

Who sees what: everyone their own history; a head also the units (or the agency) they head,
and anyone in them by name; the secretariat anyone within its scope, by name, diacritics
aside (`/lichsu nguyen van a`). A name outside the asker's scope is answered exactly like a
name nobody has. Choices: `lh:p:<person>` (a person's history), `lh:o:<org>` (a unit's),
rechecked against the asker's scope at every tap; reading only, nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from app.access import not_linked_text
from app.context import Ctx
from app.results.choices import (
    ORG,
    PERSON,
    SubjectRef,
    history_data,
    record_data,
    unpack_history,
)
from app.services import Services
from app.ui import Choice
from domain.access import scope_roots
from domain.models import OrgKind, Person
from domain.org import OrgTree
from domain.subjects import Subject
from domain.summary_request import find_orgs
from domain.text import fold_key, vietnamese_sort_key
from locales import _, ngettext
from reports.history import person_heading, subject_history, unit_history
from reports.messages import split_blocks
from storage.results import ResultsRepository

SHOWN = 10  # people offered as choices for a search
PEOPLE_YEARS = 3  # a unit's people: their results of the last years only


@dataclass(frozen=True)
class Viewer:
    """Who asks, and what they may see: their own history, and the roots' subtrees."""

    person: Person | None
    roots: list[int | None]
    tree: OrgTree

    def sees_person(self, person: Person) -> bool:
        if self.person is not None and person.id == self.person.id:
            return True
        return person.active and any(self.tree.is_within(person.org_id, r) for r in self.roots)

    def sees_org(self, org_id: int) -> bool:
        return org_id in self.tree and any(self.tree.is_within(org_id, r) for r in self.roots)


def refused(ctx: Ctx) -> bool:
    """Private chats and the secretariat's group only; linked people in private."""
    actor = ctx.actor
    if not actor.is_private and not actor.in_secretariat_chat:
        ctx.alert(_("Please use this command in a private chat with me."))
        return True
    if actor.is_private and actor.person is None:
        ctx.alert(not_linked_text())
        return True
    return False


async def viewer(ctx: Ctx) -> Viewer:
    tree = await ctx.services.orgs.tree()
    person = ctx.actor.person if ctx.actor.is_private else None
    return Viewer(person, scope_roots(ctx.actor, tree), tree)


def _say(ctx: Ctx, blocks: list[str], choices: list[list[Choice]] | None = None) -> None:
    messages = split_blocks(blocks, ctx.caps.max_text - 200)
    for text in messages[:-1]:
        ctx.say(text)
    ctx.say(messages[-1], choices or [])


async def history_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    if refused(ctx):
        return
    seen = await viewer(ctx)
    text = " ".join(args).strip()
    if text and seen.roots:
        await _search(ctx, seen, text)
        return
    if seen.person is not None:
        await show_person(ctx, seen, seen.person)
    if ctx.actor.is_secretariat:
        ctx.say(escape(_("To look someone up, send /lichsu with their name (with or without "
                         "diacritics), for example /lichsu nguyen van an.")))


async def _search(ctx: Ctx, seen: Viewer, text: str) -> None:
    hits = await ResultsRepository(ctx.services.db).search_people(
        text, seen.roots, seen.tree)
    wanted = fold_key(text)
    people = sorted(hits.people, key=lambda p: (fold_key(p.full_name) != wanted,
                                                vietnamese_sort_key(p.full_name)))
    orgs = [u for u in find_orgs(seen.tree, text)
            if u.kind != OrgKind.BLOC and seen.sees_org(u.id)][:3]
    if not people and not orgs:
        ctx.say(escape(_("Nobody matching “{text}” within what you may see.").format(
            text=text)))
        return
    if len(people) == 1 and not orgs:
        await show_person(ctx, seen, people[0])
        return
    lines = ["<b>" + escape(_("Matching “{text}”:").format(text=text)) + "</b>"]
    choices: list[list[Choice]] = []
    labels = person_labels(people[:SHOWN], seen.tree)
    for person, label in zip(people[:SHOWN], labels, strict=True):
        lines.append(f"• {escape(person.full_name)} ({escape(seen.tree.label(person.org_id))})")
        choices.append([Choice(label, history_data(SubjectRef(PERSON, person.id)))])
    for org in orgs:
        lines.append("• " + escape(seen.tree.label(org.id)))
        choices.append([Choice("👥 " + org.name[:56], history_data(SubjectRef(ORG, org.id)))])
    if len(people) > SHOWN or hits.more:
        lines.append(escape(_("More people match: the first {count} are shown; please be "
                              "more precise.").format(count=SHOWN)))
    lines.append(escape(_("Choose whose history to see.")))
    ctx.say("\n".join(lines), choices)


def person_labels(people: list[Person], tree: OrgTree) -> list[str]:
    """Choices naming people: "name – unit"; namesakes of one unit told apart by their
    position, then by a number."""
    labels = [choice_label(p.full_name, tree.get(p.org_id).name) for p in people]
    for i, person in enumerate(people):
        if labels.count(labels[i]) > 1 and person.position:
            labels[i] = choice_label(f"{person.full_name} ({person.position})",
                                     tree.get(person.org_id).name)
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[i] = f"{label[:54]} ({seen[label]})"
    return labels


def choice_label(name: str, place: str) -> str:
    """A choice naming a person: "name – unit", at most 60 characters."""
    text = f"{name} – {place}"
    return text if len(text) <= 60 else text[:59] + "…"


async def person_blocks(services: Services, tree: OrgTree, person: Person) -> list[str]:
    """A person's history as HTML blocks (the chat's and `thidua results history`'s)."""
    results = await ResultsRepository(services.db).of_subject(Subject.of_person(person))
    return subject_history(person_heading(person, tree), results)


async def show_person(ctx: Ctx, seen: Viewer, person: Person) -> None:
    blocks = await person_blocks(ctx.services, seen.tree, person)
    choices: list[list[Choice]] = []
    if seen.person is not None and person.id == seen.person.id:
        for root in seen.roots:
            if root is not None and root in seen.tree and not ctx.actor.is_secretariat:
                choices.append([Choice("👥 " + seen.tree.get(root).name[:56],
                                       history_data(SubjectRef(ORG, root)))])
    if ctx.actor.is_secretariat and ctx.actor.is_private and any(
            seen.tree.is_within(person.org_id, root) for root in seen.roots):
        choices.append([Choice(_("✏️ Record or correct a result"),
                               record_data(SubjectRef(PERSON, person.id)))])
    _say(ctx, blocks, choices)


async def show_org(ctx: Ctx, seen: Viewer, org_id: int) -> None:
    tree = seen.tree
    repo = ResultsRepository(ctx.services.db)
    org = tree.get(org_id)
    own = await repo.of_subject(Subject.of_org(org))
    since = ctx.today().year - PEOPLE_YEARS
    results = await repo.in_orgs(tree.subtree_ids(org_id), since=since)
    people = {p.id: p for p in await ctx.services.people.in_orgs(tree.subtree_ids(org_id))}
    blocks = unit_history(org_id, tree, own, people, results)
    blocks.append("<i>" + escape(ngettext(
        "People's results of the last {count} year; send /lichsu with a name for anyone's "
        "whole history.",
        "People's results of the last {count} years; send /lichsu with a name for anyone's "
        "whole history.", PEOPLE_YEARS).format(count=PEOPLE_YEARS)) + "</i>")
    choices = []
    if ctx.actor.is_secretariat and ctx.actor.is_private:
        choices.append([Choice(_("✏️ Record or correct a result"),
                               record_data(SubjectRef(ORG, org_id)))])
    _say(ctx, blocks, choices)


async def on_pick(ctx: Ctx, data: str) -> None:
    """`lh:p:<person>`, `lh:o:<org>`: shown only within the asker's scope."""
    if refused(ctx):
        return
    subject = unpack_history(data)
    if subject is None:
        ctx.expired()
        return
    seen = await viewer(ctx)
    target = subject.id
    if subject.kind == PERSON:
        person = await ctx.services.people.get(target)
        if person is None or not seen.sees_person(person):
            ctx.expired()
            return
        await show_person(ctx, seen, person)
        return
    if not seen.sees_org(target) or seen.tree.get(target).kind == OrgKind.BLOC:
        ctx.expired()
        return
    await show_org(ctx, seen, target)
