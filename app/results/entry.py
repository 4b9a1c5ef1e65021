"""/ghinhan (/record): the secretariat records or corrects a result in chat, within its scope.

```mermaid
stateDiagram-v2
    [*] --> Found: /ghinhan <name, phone or unit>
    Found --> Subject: one match, or a match chosen (rs:s)
    Subject --> Title: ➕ new result (rs:n)
    Title --> Year: a title (rs:t)
    Year --> Decision: a year (rs:y): the decision is typed
    Subject --> Result: a result (rs:r)
    Result --> Decision: ✏️ correct its decision (rs:c)
    Result --> Remove: 🗑 (rs:d)
    Remove --> Subject: confirmed (rs:dy): removed, audited
    Decision --> Decision: unreadable (explained, nothing saved)
    Decision --> Preview: read
    Preview --> Subject: ✅ save (rs:ok:<nonce>): saved, audited
    Preview --> [*]: ✖ cancel (rs:x)
```
The choices name what they act on (a subject, a result and its revision); what is typed
waits in the account's session (flow "rs"), with a nonce the save choice must carry, so only
the account that typed it can save it, once. Everything is rechecked against the
secretariat's scope at every step.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from app.context import Ctx
from app.results.choices import (
    CANCEL,
    ORG,
    PERSON,
    CancelPick,
    ResultPick,
    SavePick,
    SubjectPick,
    SubjectRef,
    unpack,
    unpack_subject,
)
from app.results.history import person_labels
from app.ui import Choice, Role
from domain.models import OrgKind
from domain.org import OrgTree
from domain.phone import InvalidPhone, normalize_phone
from domain.results import (
    Decision,
    DecisionError,
    Result,
    catalog_for_year,
    parse_decision_line,
)
from domain.rules import RuleSet
from domain.subjects import Subject
from domain.summary_request import find_orgs
from domain.text import fold_key, vietnamese_sort_key
from locales import _, format_date, get_locale
from reports.history import decision_line, org_heading, person_heading, result_line, title_name
from storage.results import ResultsRepository
from storage.sessions import SessionRepository

FLOW = "rs"
YEARS = 6  # years offered for a new result
SHOWN = 10


@dataclass(frozen=True)
class Found:
    subject: Subject
    heading: str  # HTML
    name: str
    ref: SubjectRef  # as in the choices

    @property
    def code(self) -> str:  # "p:<person>" or "o:<org>", as a pending entry keeps it
        return self.ref.code


def _scope(ctx: Ctx) -> int | None:
    return ctx.actor.secretariat_scope_id


async def _found(ctx: Ctx, tree: OrgTree, subject: SubjectRef | None) -> Found | None:
    """A subject named by a choice, rechecked within the secretariat's scope now."""
    if subject is None:
        return None
    kind, target = subject.kind, subject.id
    if kind == PERSON:
        person = await ctx.services.people.get(target)
        if person is None or not person.active or person.org_id not in tree \
                or not tree.is_within(person.org_id, _scope(ctx)):
            return None
        return Found(Subject.of_person(person), person_heading(person, tree), person.full_name,
                     subject)
    if kind == ORG and target in tree and tree.get(target).kind != OrgKind.BLOC \
            and tree.is_within(target, _scope(ctx)):
        return Found(Subject.of_org(tree.get(target)), org_heading(target, tree),
                     tree.label(target), subject)
    return None


async def record_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    text = " ".join(args).strip()
    if not text:
        ctx.say(escape(_("Send /ghinhan with the name or phone number of a person, or the name "
                         "of a unit, to record or correct its results: for example /ghinhan "
                         "nguyen van an.")))
        return
    tree = await ctx.services.orgs.tree()
    scope = _scope(ctx)
    people = []
    try:
        person = await ctx.services.people.by_phone(normalize_phone(text))
        if person is not None and person.active and tree.is_within(person.org_id, scope):
            people = [person]
    except InvalidPhone:
        hits = await ResultsRepository(ctx.services.db).search_people(text, [scope], tree)
        wanted = fold_key(text)
        people = sorted(hits.people, key=lambda p: (fold_key(p.full_name) != wanted,
                                                    vietnamese_sort_key(p.full_name)))
    orgs = [u for u in find_orgs(tree, text)
            if u.kind != OrgKind.BLOC and tree.is_within(u.id, scope)][:3]
    subjects = [SubjectRef(PERSON, p.id) for p in people[:SHOWN]]
    subjects += [SubjectRef(ORG, u.id) for u in orgs]
    labels = person_labels(people[:SHOWN], tree) + ["👥 " + u.name[:56] for u in orgs]
    choices = [[Choice(label, SubjectPick("s", s).data)]
               for s, label in zip(subjects, labels, strict=True)]
    if not choices:
        ctx.say(escape(_("Nobody matching “{text}” within what you may see.").format(
            text=text)))
        return
    if len(choices) == 1:
        found = await _found(ctx, tree, subjects[0])
        assert found is not None
        await _subject_screen(ctx, found)
        return
    ctx.say("<b>" + escape(_("Matching “{text}”:").format(text=text)) + "</b>\n"
            + escape(_("Whose results do you record or correct?")), choices)


async def _subject_screen(ctx: Ctx, found: Found, *, replace: bool = False,
                          note: str | None = None) -> None:
    results = await ResultsRepository(ctx.services.db).of_subject(found.subject)
    lines = [found.heading]
    if note:
        lines.insert(0, note)
    if results:
        lines += [result_line(r) for r in results]
    else:
        lines.append(escape(_("No title or commendation is on record yet.")))
    choices = [[Choice(_("➕ Record a new result"), SubjectPick("n", found.ref).data)]]
    choices += [[Choice(f"✏️ {r.year} · {title_name(r.title, r.year)}"[:60],
                        ResultPick("r", r.id, r.revision).data)]
                for r in results[:SHOWN]]
    ctx.say("\n".join(lines), choices, replace=replace)


def _cancel() -> Choice:
    return Choice(_("✖ Cancel"), CANCEL, Role.CANCEL)


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack(data)
    tree = await ctx.services.orgs.tree()
    if isinstance(pick, CancelPick):
        await _forget(ctx)
        ctx.settle(escape(_("Cancelled: nothing was changed.")))
        return
    if isinstance(pick, SavePick):
        await _save(ctx, tree, pick.nonce)
        return
    if isinstance(pick, SubjectPick):
        found = await _found(ctx, tree, pick.subject)
        if found is None:
            ctx.expired()
            return
        if pick.action == "s":
            await _subject_screen(ctx, found)
        elif pick.action == "n":
            _titles(ctx, found)
        elif pick.action == "t" and pick.index is not None:
            _years(ctx, found, pick.index)
        elif pick.action == "y" and pick.index is not None and pick.year is not None:
            await _ask_new(ctx, found, pick.index, pick.year)
        else:
            ctx.expired()
        return
    if isinstance(pick, ResultPick):
        result = await ResultsRepository(ctx.services.db).get(pick.result)
        found = await _owner(ctx, tree, result)
        if result is None or found is None or result.revision != pick.revision:
            ctx.expired()
            return
        await RESULT_ACTIONS[pick.action](ctx, found, result)
        return
    ctx.expired()


async def _owner(ctx: Ctx, tree: OrgTree, result: Result | None) -> Found | None:
    if result is None:
        return None
    subject = result.subject
    if subject.person_id is not None:
        return await _found(ctx, tree, SubjectRef(PERSON, subject.person_id))
    assert subject.org_id is not None
    return await _found(ctx, tree, SubjectRef(ORG, subject.org_id))


def _catalog(ctx: Ctx) -> RuleSet:
    return catalog_for_year(ctx.today().year)


def _titles(ctx: Ctx, found: Found) -> None:
    ruleset = _catalog(ctx)
    choices = [[Choice(t.name.get(get_locale())[:60], SubjectPick("t", found.ref, i).data)]
               for i, t in enumerate(ruleset.titles) if t.applies_to(found.subject.kind)]
    choices.append([_cancel()])
    ctx.say(f"<b>{escape(found.name)}</b>\n" + escape(_("Which title or form of commendation "
                                                          "was achieved?")), choices)


def _title_at(ctx: Ctx, found: Found, index: int) -> str | None:
    ruleset = _catalog(ctx)
    if index >= len(ruleset.titles):
        return None
    title = ruleset.titles[index]
    return title.code if title.applies_to(found.subject.kind) else None


def _years(ctx: Ctx, found: Found, index: int) -> None:
    code = _title_at(ctx, found, index)
    if code is None:
        ctx.expired()
        return
    this = ctx.today().year
    years = [this - 1, this, *range(this - 2, this - YEARS, -1)]
    choices = [[Choice(str(y), SubjectPick("y", found.ref, index, y).data) for y in years[:3]],
               [Choice(str(y), SubjectPick("y", found.ref, index, y).data) for y in years[3:]],
               [_cancel()]]
    ctx.say(f"<b>{escape(found.name)}</b> · {escape(title_name(code, this))}\n"
            + escape(_("For which year?")), choices)


async def _ask_new(ctx: Ctx, found: Found, index: int, year: int) -> None:
    code = _title_at(ctx, found, index)
    this = ctx.today().year
    if code is None or not this - YEARS < year <= this:
        ctx.expired()
        return
    pending = {"op": "n", "subject": found.code, "title": code, "year": year}
    await _remember(ctx, pending)
    ctx.say(f"<b>{escape(found.name)}</b> · {escape(title_name(code, year))} {year}\n"
            + _decision_prompt(), [[_cancel()]], expects_text=True)


def _decision_prompt() -> str:
    return escape(_("Type the decision: its number, date and who decided, for example "
                    "125/QĐ-SNV, 15/12/2024, Giám đốc Sở Nội vụ."))


async def _show_result(ctx: Ctx, found: Found, result: Result) -> None:
    lines = [f"<b>{escape(found.name)}</b> · {result.year}", result_line(result)]
    choices = [[Choice(_("✏️ Correct the decision"),
                       ResultPick("c", result.id, result.revision).data),
                Choice(_("🗑 Remove"), ResultPick("d", result.id, result.revision).data)],
               [Choice(_("« Back"), SubjectPick("s", found.ref).data, Role.BACK)]]
    ctx.say("\n".join(lines), choices)


async def _ask_correction(ctx: Ctx, found: Found, result: Result) -> None:
    await _remember(ctx, {"op": "c", "subject": found.code, "result": result.id,
                          "revision": result.revision, "year": result.year,
                          "title": result.title})
    ctx.say(f"<b>{escape(found.name)}</b> · {escape(title_name(result.title, result.year))} "
            f"{result.year}\n" + escape(_("Now: {decision}").format(
                decision=decision_line(result))) + "\n" + _decision_prompt(), [[_cancel()]],
            expects_text=True)


async def _ask_removal(ctx: Ctx, found: Found, result: Result) -> None:
    text = _("Remove {title} {year} of {name} from the record? The removal is kept in the "
             "audit log.").format(title=title_name(result.title, result.year),
                                  year=result.year, name=found.name)
    ctx.say(escape(text), [[
        Choice(_("🗑 Yes, remove"), ResultPick("dy", result.id, result.revision).data),
        Choice(_("No"), SubjectPick("s", found.ref).data, Role.CANCEL)]])


async def _remove(ctx: Ctx, found: Found, result: Result) -> None:
    removed = await ResultsRepository(ctx.services.db).remove(result.id, result.revision,
                                                               ctx.who())
    if removed is None:
        ctx.expired()
        return
    ctx.settle(escape(_("Removed: {title} {year} of {name}.").format(
        title=title_name(result.title, result.year), year=result.year, name=found.name)))
    await _subject_screen(ctx, found)


RESULT_ACTIONS = {"r": _show_result, "c": _ask_correction, "d": _ask_removal, "dy": _remove}


# --- What is typed, and saving it -------------------------------------------------------------


async def _remember(ctx: Ctx, pending: dict[str, Any]) -> None:
    account = ctx.source.account
    assert account is not None
    await SessionRepository(ctx.services.db).set(account, FLOW, json.dumps(pending))


async def _forget(ctx: Ctx) -> None:
    account = ctx.source.account
    if account is not None:
        session = await SessionRepository(ctx.services.db).get(account)
        if session is not None and session.flow == FLOW:
            await SessionRepository(ctx.services.db).forget(account)


def _pending(ref: str) -> dict[str, Any] | None:
    try:
        value = json.loads(ref)
    except ValueError:
        return None
    return value if isinstance(value, dict) and value.get("op") in ("n", "c") else None


async def on_text(ctx: Ctx, ref: str, text: str) -> None:
    """The decision of a new result or of a correction, typed."""
    pending = _pending(ref)
    tree = await ctx.services.orgs.tree()
    found = None
    if pending is not None:
        found = await _found(ctx, tree, unpack_subject(str(pending.get("subject", ""))))
    if pending is None or found is None:
        await _forget(ctx)
        ctx.say(escape(_("This is no longer pending. Send /ghinhan to start again.")))
        return
    year = int(pending["year"])
    try:
        decision = parse_decision_line(text, year=year, today=ctx.today())
    except DecisionError as error:
        ctx.say("⚠️ " + escape(_decision_error(error.code, year)) + "\n" + _decision_prompt(),
                [[_cancel()]], expects_text=True)
        return
    pending["decision"] = {"number": decision.number, "signed_on": decision.signed_on.isoformat(),
                           "decided_by": decision.decided_by}
    pending["nonce"] = secrets.token_hex(4)
    await _remember(ctx, pending)
    verb = _("Record") if pending["op"] == "n" else _("Correct to")
    lines = [f"<b>{escape(found.name)}</b> · {escape(title_name(pending['title'], year))} {year}",
             escape(verb) + ": " + escape(_("Decision {number} of {date}, {decided_by}").format(
                 number=decision.number, date=format_date(decision.signed_on),
                 decided_by=decision.decided_by)),
             escape(_("Save it? (Or type the decision again.)"))]
    ctx.say("\n".join(lines), [[Choice(_("✅ Save"), SavePick(pending["nonce"]).data), _cancel()]])


def _decision_error(code: str, year: int) -> str:
    texts = {
        "no_date": _("I found no date (day/month/year) in it."),
        "bad_date": _("The date does not exist."),
        "bad_number": _("I could not read the decision number before the date."),
        "no_decider": _("Who decided is missing after the date."),
        "too_long": _("Who decided is too long."),
        "in_future": _("The decision date has not come yet."),
        "before_year": _("The decision is dated before {year}, the year of the result.").format(
            year=year),
    }
    return texts.get(code, code) + " " + _("Nothing was saved.")


async def _save(ctx: Ctx, tree: OrgTree, nonce: str) -> None:
    account = ctx.source.account
    session = await SessionRepository(ctx.services.db).get(account) if account else None
    pending = _pending(session.ref) if session is not None and session.flow == FLOW else None
    if pending is None or pending.get("nonce") != nonce or "decision" not in pending:
        ctx.expired()
        return
    found = await _found(ctx, tree, unpack_subject(str(pending["subject"])))
    if found is None:
        ctx.expired()
        return
    raw = pending["decision"]
    decision = Decision(raw["number"], date.fromisoformat(raw["signed_on"]), raw["decided_by"])
    repo = ResultsRepository(ctx.services.db)
    year, code = int(pending["year"]), str(pending["title"])
    if pending["op"] == "n":
        saved = await repo.add(year, found.subject, code, decision, ctx.who())
        if saved is None:
            await _forget(ctx)
            ctx.alert(_("{title} {year} is already on record for {name}: correct it "
                        "instead.").format(title=title_name(code, year), year=year,
                                           name=found.name))
            return
    else:
        saved = await repo.correct(int(pending["result"]), int(pending["revision"]), decision,
                                   ctx.who())
        if saved is None:
            await _forget(ctx)
            ctx.expired()
            return
    await _forget(ctx)
    ctx.toast(_("Saved."), quiet=True)
    ctx.settle()
    note = "✅ <b>" + escape(_("Saved: {title} {year}, {decision}.").format(
        title=title_name(code, year), year=year, decision=decision_line(saved))) + "</b>"
    await _subject_screen(ctx, found, note=note)
