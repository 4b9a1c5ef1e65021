"""/danhgia (/review): the year-end self-assessment.

```mermaid
stateDiagram-v2
    [*] --> Rating: /danhgia, a review open for the person (or a head's collective: ev:s)
    Rating --> Initiatives: a rating (ev:r), a person
    Rating --> Discipline: a rating (ev:r), a collective
    Initiatives --> Initiatives: an initiative of the register ticked (ev:i), another typed (ev:c)
    Initiatives --> Review: continue (ev:n)
    Discipline --> Review: yes or no (ev:d)
    Review --> Rating: ✏️ (ev:e)
    Review --> Confirmed: ✅ (ev:ok): saved, with what the rules make of it
    Confirmed --> Review: ✏️ while the review is open (ev:e)
```
The secretariat opens a review for its scope (`/danhgia mo 2025`, after a preview:
`ev:o:<year>:<day>`; invitations queued with it), sees where it stands (`/danhgia`) and closes
it (`/danhgia dong 2025`, `ev:cl:<review>:<day>`). Every choice carries the assessment and
its version, and is rechecked: who may act on the subject, whether the review is still open.
"""

from __future__ import annotations

from html import escape

from app.access import not_linked_text
from app.context import Ctx
from app.review.choices import (
    CANCEL,
    OPEN_REVIEW,
    AssessmentPick,
    AssessmentRef,
    CollectivePick,
    SecretariatPick,
    secretariat_data,
    unpack,
    unpack_ref,
)
from app.review.facts import load_scope
from app.rulesets import ruleset_of_year
from app.services import Services
from app.ui import Choice, Role
from domain.access import collective_subjects
from domain.models import OrgKind, Person
from domain.org import OrgTree
from domain.registrants import may_register
from domain.results import catalog_for_year
from domain.results_import import StoredInitiative
from domain.review import Assessment, HeldInitiative, PersonFacts, Review, evaluate, review_for
from domain.rules import InitiativeLevel, RuleSet, SubjectKind, load_ruleset
from domain.subjects import Subject
from domain.text import fold_key
from locales import _, format_date, format_datetime, get_locale, normalize_locale, use_locale
from reports.history import title_name
from reports.results_import import level_name
from reports.review import rating_name
from reports.summary_common import document_scope
from storage.audit import AuditContext
from storage.initiatives import InitiativeRepository
from storage.links import native_chat_id
from storage.outbox import Button, NewMessage
from storage.results import ResultsRepository
from storage.reviews import ReviewError, ReviewRepository
from storage.sessions import SessionRepository

FLOW = "ev"
INITIATIVE_YEARS = 2  # the register's initiatives offered: of the year and the two before
OPEN_WORDS = {"mo", "open"}
CLOSE_WORDS = {"dong", "close"}


def repo(ctx: Ctx | Services) -> ReviewRepository:
    services = ctx.services if isinstance(ctx, Ctx) else ctx
    return ReviewRepository(services.db)


def ruleset_of(review: Review) -> RuleSet:
    return load_ruleset(review.ruleset_id)


def _on(a: Assessment, action: str, arg: int | str | None = None) -> str:
    """The data of a choice acting on `a` at the version shown."""
    return AssessmentPick(action, a.id, a.version, arg).data


# --- The command -------------------------------------------------------------------------------


async def review_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    if not actor.is_private and not actor.in_secretariat_chat:
        ctx.alert(_("Please use this command in a private chat with me."))
        return
    if actor.is_private and actor.person is None:
        ctx.alert(not_linked_text())
        return
    words = [w.casefold() for w in args]
    if words and actor.is_secretariat:
        await _secretariat_action(ctx, words)
        return
    if actor.is_private and actor.person is not None:
        await start_own(ctx, actor.person)
    if actor.is_secretariat:
        await _status(ctx)


async def open_choice(ctx: Ctx, data: str) -> None:
    """The invitation's choice (`open:review`): as /danhgia."""
    if data != OPEN_REVIEW or ctx.actor.person is None:
        ctx.expired()
        return
    await start_own(ctx, ctx.actor.person)


async def start_own(ctx: Ctx, person: Person) -> None:
    tree = await ctx.services.orgs.tree()
    review = review_for(await repo(ctx).reviews(), tree, person.org_id)
    if review is None:
        ctx.say(escape(_("No year-end review is open for you. The emulation and commendation "
                         "office opens it at the end of the year.")))
        return
    assessment = await repo(ctx).start(review, Subject.of_person(person), person.id,
                                       ctx.who())
    await show(ctx, tree, review, assessment)
    heads = [o for o in collective_subjects(ctx.actor, tree)
             if review_for([review], tree, o) is not None]
    if heads:
        rows = []
        for org_id in heads:
            found = await repo(ctx).assessment(review.year, Subject.of_org(tree.get(org_id)))
            mark = "✅" if found and found.confirmed else ("📝" if found else "▫️")
            rows.append([Choice(f"{mark} {tree.get(org_id).name}"[:60],
                                CollectivePick(org_id).data)])
        ctx.say(escape(_("Collectives you assess for {year}:").format(year=review.year)), rows)


# --- Screens -----------------------------------------------------------------------------------


def _heading(tree: OrgTree, review: Review, subject: Subject, name: str) -> str:
    title = "<b>" + escape(_("Year-end self-assessment {year}").format(year=review.year)) + "</b>"
    if subject.person_id is not None:
        place = tree.label(subject.org_id) if subject.org_id in tree else ""
        who = escape(_("Individual: {name}")).format(name=f"<b>{escape(name)}</b>")
        return f"{title}\n{who} ({escape(place)})" if place else f"{title}\n{who}"
    kind = _("Unit: {name}") if subject.kind == SubjectKind.UNIT else _("Agency: {name}")
    return f"{title}\n" + escape(kind).format(name=f"<b>{escape(name)}</b>")


async def _name(ctx: Ctx, tree: OrgTree, subject: Subject) -> str:
    if subject.person_id is not None:
        person = await ctx.services.people.get(subject.person_id)
        return person.full_name if person else "?"
    return tree.get(subject.org_id).name if subject.org_id in tree else "?"


async def show(ctx: Ctx, tree: OrgTree, review: Review, assessment: Assessment, *,
               replace: bool = False, note: str | None = None) -> None:
    """The screen of the assessment's step (or its confirmed state)."""
    ruleset = ruleset_of(review)
    name = await _name(ctx, tree, assessment.subject)
    lines = [_heading(tree, review, assessment.subject, name)]
    if note:
        lines.insert(0, f"<i>{escape(note)}</i>")
    person = assessment.subject.person_id is not None
    a = assessment
    if assessment.confirmed:
        lines += ["", await _summary(ctx, tree, review, assessment)]
        lines.append("✅ " + escape(_("Confirmed at {time}.").format(
            time=format_datetime(a.confirmed_at.astimezone(ctx.tz))
            if a.confirmed_at else "")))
        choices = [[Choice(_("✏️ Change"), _on(a, "e", "r"))]] \
            if review.is_open else []
        ctx.say("\n".join(lines), choices, replace=replace)
        return
    if a.step == "rating":
        question = _("Your quality rating (mức xếp loại) for {year}") if person \
            else _("The collective's quality rating (mức xếp loại) for {year}")
        lines += ["", "<b>" + escape(_("Question {n} of {total}").format(n=1, total=2))
                  + "</b> " + escape(question.format(year=review.year))]
        if a.rating:
            lines.append(escape(_("Current answer: {value}").format(
                value=rating_name(ruleset, a.rating))))
        assert ruleset.review is not None
        choices = [[Choice(o.label.get(get_locale()), _on(a, "r", i))]
                   for i, o in enumerate(ruleset.review.ratings)]
        ctx.say("\n".join(lines), choices, replace=replace)
        return
    if a.step == "initiatives":
        offered = await _offered(ctx, review, assessment)
        lines += ["", "<b>" + escape(_("Question {n} of {total}").format(n=2, total=2)) + "</b> "
                  + escape(_("Your initiatives and research topics of {year}").format(
                      year=review.year))]
        if offered:
            lines.append(escape(_("On the register (tick those of this year's work):")))
        else:
            lines.append(escape(_("None of yours is on the register for these years.")))
        if a.claimed:
            lines.append(escape(_("Declared, not on the register yet: {title}").format(
                title=a.claimed)))
        results = [r for r in await ResultsRepository(ctx.services.db).of_subject(a.subject)
                   if r.year == review.year]
        if results:
            lines.append(escape(_("Already on record for {year}: {titles}").format(
                year=review.year, titles=", ".join(title_name(r.title, r.year)
                                                   for r in results))))
        choices = [[Choice(("☑ " if i.id in a.initiatives else "☐ ") + f"{i.title}"[:56],
                           _on(a, "i", i.id))] for i in offered]
        choices.append([Choice(_("✍️ Declare one not on the register"),
                               _on(a, "c"))])
        choices.append([Choice(_("Continue ➡️"), _on(a, "n"))])
        ctx.say("\n".join(lines), choices, replace=replace, multi=bool(offered))
        return
    if a.step == "discipline":
        lines += ["", "<b>" + escape(_("Question {n} of {total}").format(n=2, total=2)) + "</b> "
                  + escape(_("In {year}, was a member of the collective disciplined with a "
                             "warning (cảnh cáo) or worse?").format(year=review.year))]
        choices = [[Choice(_("Yes"), _on(a, "d", "y")),
                    Choice(_("No"), _on(a, "d", "n"))]]
        ctx.say("\n".join(lines), choices, replace=replace)
        return
    lines += ["", "<b>" + escape(_("Review")) + "</b>", await _summary(ctx, tree, review, a)]
    second = "i" if person else "d"
    choices = [[Choice(_("✅ Confirm"), _on(a, "ok"))],
               [Choice(_("✏️ Rating"), _on(a, "e", "r")),
                Choice(_("✏️ Initiatives") if person else _("✏️ Discipline"),
                       _on(a, "e", second))]]
    ctx.say("\n".join(lines), choices, replace=replace)


async def _offered(ctx: Ctx, review: Review, assessment: Assessment
                   ) -> list[StoredInitiative]:
    if assessment.subject.person_id is None:
        return []
    return await InitiativeRepository(ctx.services.db).of_year(
        review.year, INITIATIVE_YEARS, assessment.subject.person_id)


async def _summary(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment) -> str:
    """HTML: the answers, and what the rules make of them."""
    ruleset = ruleset_of(review)
    lines = ["• " + escape(_("Rating: {rating}").format(rating=rating_name(ruleset, a.rating)))]
    if a.subject.person_id is not None:
        chosen = [i for i in await _offered(ctx, review, a) if i.id in a.initiatives]
        items = [f"{i.title} ({level_name(i.level)}, {i.year})" for i in chosen]
        if a.claimed:
            items.append(_("{title} (declared, not on the register yet)").format(title=a.claimed))
        lines.append("• " + escape(_("Initiatives and research topics: {items}").format(
            items="; ".join(items) if items else _("none"))))
        outcomes = await _person_outcomes(ctx, review, a, chosen)
    else:
        lines.append("• " + escape(_("A member disciplined (cảnh cáo or worse): {answer}").format(
            answer=_("Yes") if a.disciplined else _("No"))))
        scope = await load_scope(ctx.services.db, tree, ruleset, review.year, a.subject.org_id)
        facts_members = len([p for p in scope.people.values()
                             if tree.is_within(p.org_id, a.subject.org_id)])
        assessed = sum(1 for p in scope.people.values()
                       if (found := scope.assessment(Subject.of_person(p))) is not None
                       and found.confirmed and tree.is_within(p.org_id, a.subject.org_id))
        lines.append("• " + escape(_("Members who confirmed their assessment: {count}/{total}")
                                   .format(count=assessed, total=facts_members)))
        outcomes = await _collective_outcomes(ctx, tree, review, a)
    if outcomes:
        lines.append("📋 " + escape(_("By the rules, this qualifies for: {titles}.").format(
            titles="; ".join(title_name(t, review.year) for t in outcomes))))
    else:
        lines.append("📋 " + escape(_("By the rules, this qualifies for no title yet.")))
    return "\n".join(lines)


async def _person_outcomes(ctx: Ctx, review: Review, a: Assessment,
                           chosen: list[StoredInitiative]) -> list[str]:
    assert a.subject.person_id is not None
    ruleset = ruleset_of(review)
    held = [HeldInitiative(i.level, i.year, i.title) for i in chosen]
    if a.claimed:
        held.append(HeldInitiative(InitiativeLevel.GRASSROOTS, review.year, a.claimed, True))
    record: dict[str, list[int]] = {}
    for result in await ResultsRepository(ctx.services.db).of_subject(a.subject):
        record.setdefault(result.title, []).append(result.year)
    facts = PersonFacts(a.subject.person_id, a.subject.org_id, a.rating, tuple(held),
                        {t: tuple(sorted(y)) for t, y in record.items()})
    found = evaluate(ruleset, review.year, [facts], [])
    return [o.title for o in found.titles_of(a.subject)]


async def _collective_outcomes(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment
                               ) -> list[str]:
    """What the collective would qualify for with this (unconfirmed) answer."""
    ruleset = ruleset_of(review)
    scope = await load_scope(ctx.services.db, tree, ruleset, review.year, a.subject.org_id,
                             assume=a)
    return [o.title for o in scope.eligibility.titles_of(a.subject)]


# --- Choices -----------------------------------------------------------------------------------


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack(data)
    if isinstance(pick, SecretariatPick):
        await _secretariat_pick(ctx, pick)
        return
    if isinstance(pick, CollectivePick):
        await _open_collective(ctx, pick.org)
        return
    if pick is None:
        ctx.expired()
        return
    assessment = await repo(ctx).assessment_by_id(pick.assessment)
    if assessment is None or (assessment.version != pick.version and not ctx.is_replay):
        ctx.expired()
        return
    tree = await ctx.services.orgs.tree()
    if not may_register(ctx.actor, tree, assessment.subject):
        ctx.alert(_("You do not have permission to use this."))
        return
    review = await repo(ctx).get(assessment.review_id)
    if review is not None and assessment.version != pick.version:
        # Replayed after a crash that followed this very tap: it is saved, show where it is.
        await show(ctx, tree, review, assessment)
        return
    if review is None or not review.is_open:
        ctx.alert(_("The year-end review is closed: nothing can be changed."))
        return
    handler = ACTIONS.get(pick.action)
    if handler is None:
        ctx.expired()
        return
    await handler(ctx, tree, review, assessment, pick.arg)


async def _open_collective(ctx: Ctx, org_id: int) -> None:
    tree = await ctx.services.orgs.tree()
    if ctx.actor.person is None or org_id not in collective_subjects(ctx.actor, tree):
        ctx.expired()
        return
    review = review_for(await repo(ctx).reviews(), tree, org_id)
    if review is None:
        ctx.expired()
        return
    assessment = await repo(ctx).start(review, Subject.of_org(tree.get(org_id)),
                                       ctx.actor.person.id, ctx.who())
    await show(ctx, tree, review, assessment)


async def _update(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment, **changes: object
                  ) -> None:
    assert ctx.actor.person is not None
    updated = await repo(ctx).update(a.id, a.version, ctx.who(), ctx.actor.person.id,
                                     **changes)
    if updated is None:
        ctx.expired()
        return
    await show(ctx, tree, review, updated, replace=True)


async def _rating(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment,
                  arg: int | str | None) -> None:
    ruleset = ruleset_of(review)
    assert ruleset.review is not None
    ratings = ruleset.review.ratings
    if not isinstance(arg, int) or arg >= len(ratings):
        ctx.expired()
        return
    code = ratings[arg].code
    if a.subject.person_id is None:
        step = "discipline" if a.disciplined is None else "review"
        await _update(ctx, tree, review, a, rating=code, step=step)
        return
    if a.step == "rating" and not a.initiatives and a.claimed is None and a.rating is None:
        # First time: every initiative of the register offered is ticked.
        offered = await _offered(ctx, review, a)
        await _update(ctx, tree, review, a, rating=code, step="initiatives",
                      initiatives=[i.id for i in offered])
        return
    await _update(ctx, tree, review, a, rating=code, step="review")


async def _initiative(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment,
                      arg: int | str | None) -> None:
    offered = {i.id for i in await _offered(ctx, review, a)}
    if not isinstance(arg, int) or arg not in offered or a.step != "initiatives":
        ctx.expired()
        return
    chosen = set(a.initiatives) ^ {arg}
    await _update(ctx, tree, review, a, initiatives=sorted(chosen))


async def _declare(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment,
                   arg: int | str | None) -> None:
    account = ctx.source.account
    if a.subject.person_id is None or a.step != "initiatives" or account is None:
        ctx.expired()
        return
    await SessionRepository(ctx.services.db).set(account, FLOW,
                                                 AssessmentRef(a.id, a.version).ref)
    ctx.say(escape(_("Type the title of the initiative or research topic recognised this "
                     "year that is not on the register (at least 10 characters).")),
            expects_text=True)


async def _next(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment,
                arg: int | str | None) -> None:
    if a.step != "initiatives":
        ctx.expired()
        return
    await _update(ctx, tree, review, a, step="review")


async def _discipline(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment,
                      arg: int | str | None) -> None:
    if a.subject.person_id is not None or arg not in ("y", "n"):
        ctx.expired()
        return
    await _update(ctx, tree, review, a, disciplined=arg == "y", step="review")


async def _edit(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment,
                arg: int | str | None) -> None:
    steps = {"r": "rating", "i": "initiatives", "d": "discipline"}
    allowed = {"r", "i" if a.subject.person_id is not None else "d"}
    if not isinstance(arg, str) or arg not in allowed:
        ctx.expired()
        return
    await _update(ctx, tree, review, a, step=steps[arg], status="draft")


async def _confirm(ctx: Ctx, tree: OrgTree, review: Review, a: Assessment,
                   arg: int | str | None) -> None:
    if a.step != "review" or a.rating is None or (
            a.subject.person_id is None and a.disciplined is None):
        ctx.expired()
        return
    assert ctx.actor.person is not None
    updated = await repo(ctx).update(a.id, a.version, ctx.who(), ctx.actor.person.id,
                                     status="confirmed")
    if updated is None:
        ctx.expired()
        return
    ctx.toast(_("Saved."), quiet=True)
    await show(ctx, tree, review, updated, replace=True,
               note=_("Saved. You can change it until the review closes."))


ACTIONS = {"r": _rating, "i": _initiative, "c": _declare, "n": _next, "d": _discipline,
           "e": _edit, "ok": _confirm}


async def on_text(ctx: Ctx, ref: str, text: str) -> None:
    """An initiative not on the register, typed (the session names the assessment)."""
    at = unpack_ref(ref)
    a = await repo(ctx).assessment_by_id(at.assessment) if at is not None else None
    tree = await ctx.services.orgs.tree()
    review = await repo(ctx).get(a.review_id) if a is not None else None
    account = ctx.source.account
    if account is not None:
        await SessionRepository(ctx.services.db).forget(account)
    if a is None or at is None or review is None or not review.is_open \
            or a.version != at.version or not may_register(ctx.actor, tree, a.subject):
        ctx.say(escape(_("This is no longer pending. Send /danhgia to carry on.")))
        return
    title = " ".join(text.split())
    if not 10 <= len(title) <= 500:
        await SessionRepository(ctx.services.db).set(account or "", FLOW, ref)
        ctx.say(escape(_("Please type a title of 10 to 500 characters. Nothing was saved.")),
                expects_text=True)
        return
    assert ctx.actor.person is not None
    updated = await repo(ctx).update(a.id, a.version, ctx.who(), ctx.actor.person.id,
                                     claimed=title)
    if updated is None:
        ctx.say(escape(_("This is no longer pending. Send /danhgia to carry on.")))
        return
    await show(ctx, tree, review, updated, note=_("✔ Saved."))


# --- The secretariat -------------------------------------------------------------------------


def _scope(ctx: Ctx) -> int | None:
    return ctx.actor.secretariat_scope_id


def scope_name(tree: OrgTree, scope: int | None) -> str:
    return document_scope(tree, scope).name


async def _secretariat_action(ctx: Ctx, words: list[str]) -> None:
    verb = fold_key(words[0])
    year = int(words[1]) if len(words) == 2 and words[1].isdigit() else None
    tree = await ctx.services.orgs.tree()
    scope = _scope(ctx)
    today = ctx.today()
    if verb not in OPEN_WORDS | CLOSE_WORDS or year is None or not 2000 <= year <= today.year:
        ctx.say(escape(_("Send /danhgia mo <year> to open the year-end review, /danhgia dong "
                         "<year> to close it, or /danhgia alone to see where it stands.")))
        return
    existing = next((r for r in await repo(ctx).reviews(year)
                     if r.scope_org_id == scope), None)
    name = scope_name(tree, scope)
    if verb in OPEN_WORDS:
        if existing is not None:
            ctx.say(escape(_("The year-end review of {year} is already open for {scope}.")
                           .format(year=year, scope=name)))
            return
        people = await ctx.services.people.in_orgs(tree.subtree_ids(scope)) \
            if scope is not None else await ctx.services.people.all()
        links = await ctx.services.links.for_people(p.id for p in people)
        text = _("Open the year-end review of {year} for {scope}? {people} people will confirm "
                 "their rating and initiatives, the heads their collectives; the {linked} "
                 "people linked to the bot are invited now.").format(
            year=year, scope=name, people=len(people), linked=len(links))
        ctx.say(escape(text), [[Choice(_("✅ Open"), secretariat_data("o", year, today)),
                                Choice(_("✖ Cancel"), CANCEL, Role.CANCEL)]])
        return
    if existing is None or not existing.is_open:
        ctx.say(escape(_("No year-end review of {year} is open for {scope}.").format(
            year=year, scope=name)))
        return
    ctx.say(escape(_("Close the year-end review of {year} for {scope}? Nobody can change their "
                     "assessment afterwards.").format(year=year, scope=name)),
            [[Choice(_("Close it"), secretariat_data("cl", existing.id, today)),
              Choice(_("✖ Cancel"), CANCEL, Role.CANCEL)]])


async def _secretariat_pick(ctx: Ctx, pick: SecretariatPick) -> None:
    if not ctx.actor.is_secretariat:
        ctx.alert(_("This is for the emulation and commendation secretariat only."))
        return
    today = ctx.today()
    if pick.action == "x":
        ctx.settle(escape(_("Cancelled: nothing was changed.")))
        return
    if pick.number is None or pick.day != f"{today:%Y%m%d}":
        ctx.expired()
        return
    tree = await ctx.services.orgs.tree()
    scope = _scope(ctx)
    name = scope_name(tree, scope)
    if pick.action == "o":
        year = pick.number
        if not 2000 <= year <= today.year:
            ctx.expired()
            return
        try:
            review, invited = await open_review(ctx.services, tree, year, scope, ctx.who())
        except ReviewError:
            ctx.expired()
            return
        ctx.settle(escape(_("The year-end review of {year} is open for {scope}; {count} "
                            "invitations are being sent.").format(
            year=review.year, scope=name, count=invited)))
        return
    closing = await repo(ctx).get(pick.number)
    if closing is None or closing.scope_org_id != scope or not closing.is_open:
        ctx.expired()
        return
    review = await repo(ctx).close(closing.id, ctx.who())
    ctx.settle(escape(_("The year-end review of {year} is closed for {scope}.").format(
        year=review.year, scope=name)))


async def open_review(services: Services, tree: OrgTree, year: int, scope: int | None,
                      who: AuditContext) -> tuple[Review, int]:
    """Open the review and queue an invitation to every linked person in scope (the same
    for the chat and `thidua review open`)."""
    ruleset = await ruleset_of_year(services.db, year) or catalog_for_year(year)
    people = await services.people.in_orgs(tree.subtree_ids(scope)) \
        if scope is not None else await services.people.all()
    links = await services.links.for_people(p.id for p in people)
    locales = await services.account_settings.locales(link.account for link in links.values())
    messages = []
    for person_id, link in links.items():
        with use_locale(normalize_locale(locales.get(link.account), services.settings.locale)):
            text = "📝 <b>" + escape(_("Year-end self-assessment {year}").format(year=year)) \
                + "</b>\n" + escape(_("The emulation and commendation office invites you to "
                                      "confirm your quality rating and your initiatives of "
                                      "{year}: send /danhgia.").format(year=year))
            label = _("📝 Assess my year")
        messages.append(NewMessage(
            batch=f"review:{year}:{scope or 0}", kind="review", channel=link.channel,
            chat_id=native_chat_id(link.channel, link.chat_id), text=text,
            person_id=person_id, buttons=[[Button(label, OPEN_REVIEW)]],
            dedupe_key=f"review:{year}:{scope or 0}:{person_id}"))
    review = await ReviewRepository(services.db).open(year, scope, ruleset.id, who, messages)
    services.wake_sender()
    return review, len(messages)


async def _status(ctx: Ctx) -> None:
    tree = await ctx.services.orgs.tree()
    scope = _scope(ctx)
    reviews = [r for r in await repo(ctx).reviews() if r.scope_org_id == scope]
    name = scope_name(tree, scope)
    if not reviews:
        ctx.say(escape(_("No year-end review has been opened for {scope}. Send /danhgia mo "
                         "<year> to open one.").format(scope=name)))
        return
    lines = ["<b>" + escape(_("Year-end reviews: {scope}").format(scope=name)) + "</b>"]
    lines += [await _review_line(ctx, tree, r) for r in reviews[-3:]]
    lines.append(escape(_("Send /denghi for the proposal lists; /danhgia dong <year> closes "
                          "a review.")))
    ctx.say("\n".join(lines))


async def _review_line(ctx: Ctx, tree: OrgTree, review: Review) -> str:
    org_ids = tree.subtree_ids(review.scope_org_id) if review.scope_org_id is not None else None
    assessments = await repo(ctx).assessments_in(review.year, org_ids)
    people = len(await ctx.services.people.in_orgs(org_ids)) if org_ids is not None \
        else len(await ctx.services.people.all())
    collectives = sum(1 for u in tree.walk(review.scope_org_id)
                      if u.kind != OrgKind.BLOC and u.active)
    done_people = sum(1 for a in assessments if a.confirmed and a.subject.person_id)
    done_collectives = sum(1 for a in assessments if a.confirmed and not a.subject.person_id)
    lists = await repo(ctx).lists_in(review.year, org_ids)
    state = _("open since {date}").format(date=format_date(review.opened_at.astimezone(
        ctx.tz).date())) if review.is_open else _("closed")
    return "• " + escape(_("{year} ({state}): {people}/{total} people and {collectives}/"
                           "{units} collectives confirmed; {submitted}/{lists} proposal lists "
                           "submitted").format(
        year=review.year, state=state, people=done_people, total=people,
        collectives=done_collectives, units=collectives,
        submitted=sum(1 for x in lists if x.submitted), lists=len(lists)))
