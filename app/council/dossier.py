"""/thanhtich (/achievements): a passed candidate completes their achievement report.

```mermaid
stateDiagram-v2
    [*] --> Choose: /thanhtich (several proposals passed), or the invitation (ca:o)
    Choose --> Question: a proposal (ca:o)
    Question --> Question: the answer typed (saved), the next question
    Question --> Review: every question answered
    Review --> Question: ✏️ a question (ca:e)
    Review --> Done: ✅ (ca:ok): the report (DOCX) sent back to check
    Done --> Review: ✏️ (ca:e), 📄 the report again (ca:d)
```
The report is pre-filled from the record (app/council/documents.py); the candidate adds
what only they know: their qualification, their duties and their achievements (a
collective's head: its duties and achievements). A person answers for themselves, a head
for the collectives they head; every choice and answer is rechecked (the report's version,
who may answer it).
"""

from __future__ import annotations

from html import escape

from app.context import Ctx
from app.council.choices import ReportPick, ReportRef, unpack_report, unpack_report_ref
from app.council.closing import results
from app.council.documents import report, report_file_name
from app.ui import Choice
from locales import _
from reports.messages import caption
from storage.council import Candidate, CouncilRepository, Report, Session
from storage.sessions import SessionRepository

FLOW = "ca"
PERSON_STEPS = ("qualification", "duties", "achievements")
COLLECTIVE_STEPS = ("duties", "achievements")
LIMITS = {"qualification": (2, 300), "duties": (10, 3000), "achievements": (10, 3000)}


def repo(ctx: Ctx) -> CouncilRepository:
    return CouncilRepository(ctx.services.db)


def steps(candidate: Candidate) -> tuple[str, ...]:
    return PERSON_STEPS if candidate.subject.person_id is not None else COLLECTIVE_STEPS


def question(step: str, person: bool) -> str:
    if step == "qualification":
        return _("Your professional qualification?")
    if step == "duties":
        return _("Your duties and responsibilities this year?") if person else _(
            "The collective's functions and duties this year?")
    return _("What did you achieve this year (results of your work, solutions, "
             "initiatives applied)?") if person else _(
        "What did the collective achieve this year (results, solutions, initiatives "
        "applied)?")


def field_label(step: str) -> str:
    return {"qualification": _("Qualification"), "duties": _("Duties"),
            "achievements": _("Achievements")}[step]


async def _mine(ctx: Ctx) -> list[tuple[Candidate, Session]]:
    """The passed proposals the actor answers for (themselves; the collectives they head)."""
    person = ctx.actor.person
    assert person is not None
    found = []
    sessions: dict[int, Session | None] = {}
    for candidate in await repo(ctx).candidates_of(person.id, ctx.actor.headed_org_ids):
        if candidate.session_id not in sessions:
            sessions[candidate.session_id] = await repo(ctx).get(candidate.session_id)
        session = sessions[candidate.session_id]
        if session is None or session.is_open:
            continue
        data = await results(ctx.services, session)
        if any(line.candidate_id == candidate.id and line.passed for line in data.lines):
            found.append((candidate, session))
    return found


def _may_answer(ctx: Ctx, candidate: Candidate) -> bool:
    person = ctx.actor.person
    if person is None:
        return False
    if candidate.subject.person_id is not None:
        return candidate.subject.person_id == person.id
    return candidate.subject.org_id in ctx.actor.headed_org_ids


async def achievements_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    mine = await _mine(ctx)
    if not mine:
        ctx.say(escape(_("No proposal of yours has been passed by a council yet: there is no "
                         "achievement report to complete.")))
        return
    if len(mine) == 1:
        await start(ctx, *mine[0])
        return
    data = {s.id: await results(ctx.services, s) for _c, s in mine}
    rows = []
    for candidate, session in mine:
        line = next(x for x in data[session.id].lines if x.candidate_id == candidate.id)
        rows.append([Choice(f"{line.name} · {line.title_name} {session.year}"[:60],
                            ReportPick("o", candidate.id).data)])
    ctx.say(escape(_("Which achievement report?")), rows)


async def start(ctx: Ctx, candidate: Candidate, session: Session) -> None:
    found = await repo(ctx).start_report(candidate.id)
    if found.done:
        await _review(ctx, candidate, session, found)
        return
    await _ask(ctx, candidate, found)


async def _ask(ctx: Ctx, candidate: Candidate, found: Report, step: str | None = None) -> None:
    step = step or found.step
    if step not in steps(candidate):
        step = steps(candidate)[0]
    account = ctx.source.account
    assert account is not None
    await SessionRepository(ctx.services.db).set(account, FLOW,
                                                 ReportRef(candidate.id, found.version, step).ref)
    index = steps(candidate).index(step) + 1
    lowest, highest = LIMITS[step]
    ctx.say("<b>" + escape(_("Achievement report · question {n}/{total}").format(
        n=index, total=len(steps(candidate)))) + "</b>\n" + escape(question(
            step, candidate.subject.person_id is not None)) + "\n<i>" + escape(_(
                "Type your answer ({lowest} to {highest} characters; several lines are "
                "fine).").format(lowest=lowest, highest=highest)) + "</i>", expects_text=True)


async def on_text(ctx: Ctx, ref: str, text: str) -> None:
    at = unpack_report_ref(ref)
    sessions = SessionRepository(ctx.services.db)
    account = ctx.source.account
    candidate = await repo(ctx).candidate(at.candidate) if at is not None else None
    if candidate is None or account is None or not _may_answer(ctx, candidate):
        if account:
            await sessions.forget(account)
        ctx.say(escape(_("That question is no longer asked. Send /thanhtich to go on.")))
        return
    found = await repo(ctx).report(candidate.id)
    session = await repo(ctx).get(candidate.session_id)
    if found is None or session is None or at is None or found.version != at.version \
            or ctx.is_replay:
        if found is not None and session is not None:
            await _ask(ctx, candidate, found)
        return
    step = at.step
    answer = text.strip()
    lowest, highest = LIMITS.get(step, (1, 3000))
    if not lowest <= len(answer) <= highest:
        ctx.say(escape(_("Please type {lowest} to {highest} characters.").format(
            lowest=lowest, highest=highest)), expects_text=True)
        return
    order = steps(candidate)
    following = [s for s in order[order.index(step) + 1:]] if step in order else []
    missing = [s for s in following if not getattr(found, s)]
    next_step = missing[0] if missing else "review"
    updated = await repo(ctx).update_report(candidate.id, found.version, ctx.who(),
                                            ctx.actor.person.id if ctx.actor.person else None,
                                            **{step: answer, "step": next_step})
    if updated is None:
        await _ask(ctx, candidate, found)
        return
    ctx.say("✔ " + escape(_("Saved: {field}.").format(field=field_label(step))))
    if next_step == "review":
        await sessions.forget(account)
        await _review(ctx, candidate, session, updated)
        return
    await _ask(ctx, candidate, updated)


async def _review(ctx: Ctx, candidate: Candidate, session: Session, found: Report,
                  *, replace: bool = False) -> None:
    data = await results(ctx.services, session)
    line = next(x for x in data.lines if x.candidate_id == candidate.id)
    lines = ["<b>" + escape(_("Achievement report: {name}, {title} {year}").format(
        name=line.name, title=line.title_name, year=session.year)) + "</b>"]
    for step in steps(candidate):
        value = getattr(found, step) or "…"
        lines.append(f"<b>{escape(field_label(step))}:</b> {escape(value[:600])}")
    lines.append(escape(_("The rest (who you are, your titles and their decisions, your "
                          "initiatives, your rating) is filled from the record.")))
    v = found.version
    choices = [[Choice(f"✏️ {field_label(step)}", ReportPick("e", candidate.id, v, step).data)]
               for step in steps(candidate)]
    if all(getattr(found, s) for s in steps(candidate)):
        label = _("📄 Get the report again") if found.done else _("✅ Done: send me the report")
        choices.append([Choice(label, ReportPick("ok", candidate.id, v).data)])
    ctx.say("\n".join(lines), choices, replace=replace)


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack_report(data)
    candidate = await repo(ctx).candidate(pick.candidate) if pick is not None else None
    if pick is None or candidate is None:
        ctx.expired()
        return
    if not _may_answer(ctx, candidate):
        ctx.alert(_("You do not have permission to use this."))
        return
    session = await repo(ctx).get(candidate.session_id)
    passed = False
    if session is not None and not session.is_open:
        data_ = await results(ctx.services, session)
        passed = any(x.candidate_id == candidate.id and x.passed for x in data_.lines)
    if session is None or not passed:
        ctx.expired()
        return
    if pick.action == "o":
        await start(ctx, candidate, session)
        return
    found = await repo(ctx).report(candidate.id)
    if found is None or pick.version != found.version:
        ctx.expired()
        return
    if pick.action == "e" and pick.step in steps(candidate):
        await _ask(ctx, candidate, found, pick.step)
    elif pick.action == "ok":
        if not all(getattr(found, s) for s in steps(candidate)):
            ctx.expired()
            return
        if not found.done:
            updated = await repo(ctx).update_report(
                candidate.id, found.version, ctx.who(),
                ctx.actor.person.id if ctx.actor.person else None, status="done")
            if updated is None:
                ctx.expired()
                return
            found = updated
        ctx.settle(escape(_("Your achievement report is complete. Here it is to check; the "
                            "office adds it to the dossier.")))
        ctx.busy("upload_document")
        services = ctx.services

        async def send(later: Ctx) -> None:
            later.document(report_file_name(session, candidate),
                           await report(services, session, candidate),
                           caption(escape(_("Achievement report (DOCX): please check it and "
                                            "tell the office what to correct."))))

        ctx.later(send, name=f"council-report-{candidate.id}")
    else:
        ctx.expired()


