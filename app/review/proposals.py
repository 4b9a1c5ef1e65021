"""/denghi (/proposals): each collective's draft proposal list (danh sách đề nghị).

A head opens the list of a collective they head (an agency head: the agency's and its
units'): the first time, it is computed from the rules (who qualifies for what, with the
criteria met) and stored; then the head leaves entries out or puts them back (`pl:t`), adds
what the rules do not compute (`pl:a` → a title → a member), recomputes (`pl:rc`: entries
added by hand and those left out stay so) and submits it (`pl:sub`, confirmed by `pl:sy`):
a submitted list is what the council votes on (issue 18). The secretariat sees every list
of its scope, and gets them as an XLSX file. Every choice carries the list and its version.
"""

from __future__ import annotations

from html import escape

from app.access import not_linked_text
from app.context import Ctx
from app.review.assess import ruleset_of, scope_name
from app.review.choices import ListOrgPick, ListPick, list_data, unpack_list
from app.review.facts import load_scope
from app.summary.workers import run_in_worker
from app.ui import Choice, Document, Role
from domain.access import collective_subjects
from domain.models import OrgKind, Person
from domain.org import OrgTree
from domain.review import Review, review_for
from domain.rules import SubjectKind
from domain.subjects import Subject
from domain.summary_request import find_orgs
from domain.text import vietnamese_sort_key
from locales import _, format_number, get_locale, ngettext
from reports.history import title_name
from reports.messages import caption, split_blocks
from storage.reviews import ProposalEntry, ProposalList, ReviewRepository

PAGE = 8


def _on(stored: ProposalList, action: str, *args: int) -> str:
    """The data of a choice acting on the list at the version shown."""
    return list_data(action, stored.id, stored.version, *args)


def editable(ctx: Ctx, tree: OrgTree) -> list[int]:
    """The collectives whose lists the actor edits: those they head, and for an agency head
    the agency's units too."""
    found = list(collective_subjects(ctx.actor, tree))
    if ctx.actor.is_agency_head and ctx.actor.person is not None:
        agency = tree.agency_of(ctx.actor.person.org_id)
        if agency is not None:
            found += [u.id for u in tree.walk(agency.id)
                      if u.kind == OrgKind.UNIT and u.active and u.id not in found]
    return found


def no_lists_text() -> str:
    return _("The proposal lists are for heads of units and agencies and for the emulation "
             "and commendation secretariat.")


async def proposals_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    if not actor.is_private and not actor.in_secretariat_chat:
        ctx.alert(_("Please use this command in a private chat with me."))
        return
    if actor.is_private and actor.person is None:
        ctx.alert(not_linked_text())
        return
    tree = await ctx.services.orgs.tree()
    if actor.is_secretariat:
        await _overview(ctx, tree, " ".join(args).strip())
        return
    mine = editable(ctx, tree)
    if not mine:
        ctx.say(escape(no_lists_text()))
        return
    reviews = await ReviewRepository(ctx.services.db).reviews()
    open_ones = [o for o in mine if review_for(reviews, tree, o) is not None]
    if not open_ones:
        ctx.say(escape(_("No year-end review is open for the collectives you head.")))
        return
    if len(open_ones) == 1:
        await show_list(ctx, tree, open_ones[0])
        return
    ctx.say(escape(_("Whose proposal list?")),
            [[Choice(tree.get(o).name[:60], ListOrgPick(o).data)] for o in open_ones])


async def _stored_or_computed(ctx: Ctx, tree: OrgTree, review: Review, org_id: int
                              ) -> ProposalList | None:
    repo = ReviewRepository(ctx.services.db)
    stored = await repo.proposal_list(review.year, org_id)
    if stored is not None:
        return stored
    scope = await load_scope(ctx.services.db, tree, ruleset_of(review), review.year, org_id)
    return await repo.save_computed(review, org_id, scope.computed(org_id), ctx.who(),
                                    expected_version=0)


async def show_list(ctx: Ctx, tree: OrgTree, org_id: int, *, page: int = 0,
                    replace: bool = False, note: str | None = None) -> None:
    review = review_for(await ReviewRepository(ctx.services.db).reviews(), tree, org_id)
    if review is None:
        ctx.say(escape(_("No year-end review is open for the collectives you head.")))
        return
    stored = await _stored_or_computed(ctx, tree, review, org_id)
    if stored is None:
        ctx.expired()
        return
    text, choices = await _screen(ctx, tree, review, stored, page, editing=True)
    if note:
        text = f"<i>{escape(note)}</i>\n{text}"
    ctx.say(text, choices, replace=replace)


async def _names(ctx: Ctx, entries: tuple[ProposalEntry, ...]) -> dict[int, Person]:
    ids = {e.subject.person_id for e in entries if e.subject.person_id is not None}
    return {p.id: p for p in await ctx.services.people.all(active_only=False) if p.id in ids}


def _order(entries: tuple[ProposalEntry, ...], people: dict[int, Person], review: Review
           ) -> list[ProposalEntry]:
    ruleset = ruleset_of(review)
    rank = {t.code: i for i, t in enumerate(ruleset.titles)}
    return sorted(entries, key=lambda e: (
        rank.get(e.title, 99), e.subject.person_id is not None,
        vietnamese_sort_key(people[e.subject.person_id].full_name)
        if e.subject.person_id in people else ()))


def _who(entry: ProposalEntry, people: dict[int, Person], tree: OrgTree) -> str:
    if entry.subject.person_id is not None:
        person = people.get(entry.subject.person_id)
        return person.full_name if person else "?"
    return _("the collective itself") if entry.subject.org_id in tree else "?"


async def _screen(ctx: Ctx, tree: OrgTree, review: Review, stored: ProposalList, page: int,
                  *, editing: bool) -> tuple[str, list[list[Choice]]]:
    people = await _names(ctx, stored.entries)
    ordered = _order(stored.entries, people, review)
    org = tree.get(stored.org_id)
    kind = _("Unit: {name}") if org.kind == OrgKind.UNIT else _("Agency: {name}")
    state = _("submitted") if stored.submitted else _("draft")
    lines = ["<b>" + escape(_("Proposal list {year}").format(year=review.year)) + "</b>",
             escape(kind).format(name=f"<b>{escape(tree.label(org.id))}</b>")
             + " · " + escape(state)]
    assessed = await _assessed_line(ctx, tree, review, stored.org_id)
    lines.append(escape(assessed))
    current = None
    for entry in ordered:
        if entry.title != current:
            current = entry.title
            lines.append(f"<b>{escape(title_name(entry.title, review.year))}</b>")
        mark = "☑" if entry.included else "☐"
        added = " " + escape(_("(added by hand)")) if entry.origin == "added" else ""
        lines.append(f"{mark} {escape(_who(entry, people, tree))}{added}")
    if not ordered:
        lines.append(escape(_("Nobody qualifies by the rules yet.")))
    if not editing or stored.submitted or not review.is_open:
        return "\n".join(lines), []
    lines.append(escape(_("Choose a name to leave it out or put it back; “➕ Add” proposes "
                          "what the rules do not compute.")))
    pages = max(1, -(-len(ordered) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = ordered[page * PAGE:(page + 1) * PAGE]
    choices = [[Choice(f"{'☑' if e.included else '☐'} {_who(e, people, tree)} · "
                       f"{title_name(e.title, review.year)}"[:60], _on(stored, "t", e.id))]
               for e in shown]
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(Choice("◀ " + _("Previous page"), _on(stored, "p", page - 1),
                              Role.BACK))
        if page < pages - 1:
            nav.append(Choice(_("Next page") + " ▶", _on(stored, "p", page + 1)))
        choices.append(nav)
    choices.append([Choice(_("➕ Add"), _on(stored, "a")),
                    Choice(_("🔄 Recompute"), _on(stored, "rc"))])
    choices.append([Choice(_("📤 Submit the list"), _on(stored, "sub"))])
    return "\n".join(lines), choices


async def _assessed_line(ctx: Ctx, tree: OrgTree, review: Review, org_id: int) -> str:
    repo = ReviewRepository(ctx.services.db)
    members = [p for p in await ctx.services.people.in_orgs([org_id])]
    assessments = await repo.assessments_in(review.year, [org_id])
    done = sum(1 for a in assessments if a.confirmed and a.subject.person_id is not None)
    own = next((a for a in assessments if a.subject.person_id is None
                and a.subject.org_id == org_id), None)
    collective = _("confirmed") if own is not None and own.confirmed else _("not confirmed")
    return _("Self-assessments: {done}/{total} people confirmed; the collective: "
             "{collective}.").format(done=done, total=len(members), collective=collective)


# --- Choices -----------------------------------------------------------------------------------


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack_list(data)
    tree = await ctx.services.orgs.tree()
    if isinstance(pick, ListOrgPick):
        if pick.org not in editable(ctx, tree):
            ctx.expired()
            return
        await show_list(ctx, tree, pick.org)
        return
    if not isinstance(pick, ListPick):
        ctx.expired()
        return
    repo = ReviewRepository(ctx.services.db)
    stored = await repo.proposal_list_by_id(pick.list)
    if stored is None or stored.version != pick.version or stored.submitted:
        ctx.expired()
        return
    if stored.org_id not in editable(ctx, tree):
        ctx.alert(_("You do not have permission to use this."))
        return
    review = await repo.get(stored.review_id)
    if review is None or not review.is_open:
        ctx.alert(_("The year-end review is closed: nothing can be changed."))
        return
    action, args = pick.action, pick.args
    if action == "p":
        text, choices = await _screen(ctx, tree, review, stored, args[0], editing=True)
        ctx.say(text, choices, replace=True)
    elif action == "t":
        updated = await repo.toggle(stored.id, stored.version, args[0], ctx.who())
        await _after(ctx, tree, updated, stored)
    elif action == "rc":
        scope = await load_scope(ctx.services.db, tree, ruleset_of(review), review.year,
                                 stored.org_id)
        updated = await repo.save_computed(review, stored.org_id, scope.computed(stored.org_id),
                                           ctx.who(), expected_version=stored.version)
        await _after(ctx, tree, updated, stored, _("Recomputed from the rules."))
    elif action == "sub":
        count = sum(1 for e in stored.entries if e.included)
        ctx.say(escape(ngettext(
            "Submit the list with {count} proposal? It can no longer be changed afterwards.",
            "Submit the list with {count} proposals? It can no longer be changed afterwards.",
            count).format(count=format_number(count))),
            [[Choice(_("📤 Yes, submit"), _on(stored, "sy")),
              Choice(_("No"), _on(stored, "p", 0), Role.CANCEL)]])
    elif action == "sy":
        person = ctx.actor.person
        updated = await repo.submit(stored.id, stored.version, person.id if person else None,
                                    ctx.who())
        if updated is None:
            ctx.expired()
            return
        ctx.settle(escape(_("Submitted: the proposal list {year} of {name}.").format(
            year=review.year, name=tree.label(stored.org_id))))
        text, _choices = await _screen(ctx, tree, review, updated, 0, editing=False)
        ctx.say(text)
    elif action == "a":
        _titles(ctx, tree, review, stored)
    elif action == "at":
        await _members(ctx, tree, review, stored, args[0], args[1] if len(args) == 2 else 0)
    elif action == "am":
        await _add(ctx, tree, review, stored, args[0], args[1])
    else:
        ctx.expired()


async def _after(ctx: Ctx, tree: OrgTree, updated: ProposalList | None, stored: ProposalList,
                 note: str | None = None) -> None:
    if updated is None:
        ctx.expired()
        return
    await show_list(ctx, tree, stored.org_id, replace=True, note=note)


def _addable(review: Review, org_kind: OrgKind) -> list[tuple[int, str]]:
    """(index in the catalog, code) of the titles a list may add: for people, and for the
    collective itself."""
    ruleset = ruleset_of(review)
    kind = SubjectKind.AGENCY if org_kind == OrgKind.AGENCY else SubjectKind.UNIT
    return [(i, t.code) for i, t in enumerate(ruleset.titles)
            if t.applies_to(SubjectKind.PERSON) or t.applies_to(kind)]


def _titles(ctx: Ctx, tree: OrgTree, review: Review, stored: ProposalList) -> None:
    ruleset = ruleset_of(review)
    choices = [[Choice(ruleset.titles[i].name.get(get_locale())[:60],
                       _on(stored, "at", i))]
               for i, _code in _addable(review, tree.get(stored.org_id).kind)]
    choices.append([Choice(_("« Back"), _on(stored, "p", 0), Role.BACK)])
    ctx.say(escape(_("Which title or form of commendation do you propose?")), choices)


async def _members(ctx: Ctx, tree: OrgTree, review: Review, stored: ProposalList, index: int,
                   page: int) -> None:
    addable = dict(_addable(review, tree.get(stored.org_id).kind))
    if index not in addable:
        ctx.expired()
        return
    ruleset = ruleset_of(review)
    title = ruleset.titles[index]
    org = tree.get(stored.org_id)
    kind = SubjectKind.AGENCY if org.kind == OrgKind.AGENCY else SubjectKind.UNIT
    choices: list[list[Choice]] = []
    if title.applies_to(kind):
        choices.append([Choice("👥 " + _("the collective itself"),
                               _on(stored, "am", index, 0))])
    if title.applies_to(SubjectKind.PERSON):
        members = sorted(await ctx.services.people.in_orgs([org.id]),
                         key=lambda p: vietnamese_sort_key(p.full_name))
        pages = max(1, -(-len(members) // PAGE))
        page = min(max(page, 0), pages - 1)
        choices += [[Choice(p.full_name[:60], _on(stored, "am", index, p.id))]
                    for p in members[page * PAGE:(page + 1) * PAGE]]
        nav = []
        if page > 0:
            nav.append(Choice("◀ " + _("Previous page"), _on(stored, "at", index,
                                                  page - 1), Role.BACK))
        if page < pages - 1:
            nav.append(Choice(_("Next page") + " ▶",
                              _on(stored, "at", index, page + 1)))
        if nav:
            choices.append(nav)
    choices.append([Choice(_("« Back"), _on(stored, "p", 0), Role.BACK)])
    ctx.say(escape(_("Whom do you propose for {title}?").format(
        title=title.name.get(get_locale()))), choices)


async def _add(ctx: Ctx, tree: OrgTree, review: Review, stored: ProposalList, index: int,
               person_id: int) -> None:
    addable = dict(_addable(review, tree.get(stored.org_id).kind))
    ruleset = ruleset_of(review)
    if index not in addable:
        ctx.expired()
        return
    title = ruleset.titles[index]
    org = tree.get(stored.org_id)
    if person_id == 0:
        subject = Subject.of_org(org)
    else:
        person = await ctx.services.people.get(person_id)
        if person is None or not person.active or person.org_id != org.id:
            ctx.expired()
            return
        subject = Subject.of_person(person)
    if not title.applies_to(subject.kind):
        ctx.expired()
        return
    updated = await ReviewRepository(ctx.services.db).add(stored.id, stored.version, subject,
                                                          title.code, ctx.who())
    await _after(ctx, tree, updated, stored, _("Added."))


# --- The secretariat -------------------------------------------------------------------------


async def _overview(ctx: Ctx, tree: OrgTree, text: str) -> None:
    scope = ctx.actor.secretariat_scope_id
    repo = ReviewRepository(ctx.services.db)
    reviews = [r for r in await repo.reviews() if r.scope_org_id == scope]
    if not reviews:
        ctx.say(escape(_("No year-end review has been opened for {scope}. Send /danhgia mo "
                         "<year> to open one.").format(scope=scope_name(tree, scope))))
        return
    review = reviews[-1]
    if text:
        found = [u for u in find_orgs(tree, text)
                 if u.kind != OrgKind.BLOC and tree.is_within(u.id, scope)]
        if not found:
            ctx.say(escape(_("No agency or unit matching “{text}” within what you may see.")
                           .format(text=text)))
            return
        stored = await repo.proposal_list(review.year, found[0].id)
        if stored is None:
            ctx.say(escape(_("{name} has not opened its proposal list yet.").format(
                name=tree.label(found[0].id))))
            return
        screen, _choices = await _screen(ctx, tree, review, stored, 0, editing=False)
        ctx.say(screen)
        return
    org_ids = tree.subtree_ids(scope) if scope is not None else None
    lists = {x.org_id: x for x in await repo.lists_in(review.year, org_ids)}
    blocks = ["<b>" + escape(_("Proposal lists {year}: {scope}").format(
        year=review.year, scope=scope_name(tree, scope))) + "</b>"]
    for agency in tree.agencies(scope):
        units = [u for u in tree.walk(agency.id) if u.kind != OrgKind.BLOC and u.active]
        mine = [lists[u.id] for u in units if u.id in lists]
        counts: dict[str, int] = {}
        for stored in mine:
            for entry in stored.entries:
                if entry.included:
                    counts[entry.title] = counts.get(entry.title, 0) + 1
        titles = "; ".join(f"{n:02d} {title_name(code, review.year)}"
                           for code, n in sorted(counts.items()))
        blocks.append(f"• <b>{escape(agency.name)}</b>: " + escape(_(
            "{submitted}/{total} lists submitted, {opened} opened").format(
            submitted=sum(1 for x in mine if x.submitted), total=len(units),
            opened=len(mine))) + (f"; {escape(titles)}" if titles else ""))
    blocks.append(escape(_("Send /denghi with a unit's name to see its list.")))
    for message in split_blocks(["\n".join(blocks)], ctx.caps.max_text - 100):
        ctx.say(message)
    ctx.busy("upload_document")
    database = ctx.services.db.path
    locale = get_locale()

    async def files(later: Ctx) -> None:
        from app.review.export import render_proposals

        content = await run_in_worker(render_proposals, str(database), scope, review.year,
                                      locale)
        later.out.append(Document(
            f"danh-sach-de-nghi-khen-thuong-{review.year}.xlsx", content,
            caption(escape(_("Proposal lists (XLSX): every entry, included or not, with the "
                             "criteria met")))))

    ctx.later(files, name=f"proposals-{ctx.source.chat_id}")
