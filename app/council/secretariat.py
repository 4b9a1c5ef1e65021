"""/hoidong (/council): the secretariat's side of the council meeting.

```mermaid
stateDiagram-v2
    [*] --> Overview: /hoidong (the agencies of the scope and their councils)
    Overview --> Agency: an agency (cs:a), or /hoidong <agency>
    [*] --> Preview: /hoidong mo <year> <deadline> [giay] [agency] (cs:op: which agency)
    Preview --> Session: ✅ open (cs:o): ballot, voters, counters; invitations queued
    Agency --> Session: a session (cs:s)
    Session --> Written: written votes (cs:w, cs:wt ticks, cs:wn) → counts typed → ✅ (cs:wy)
    Session --> Paper: a paper count's totals (cs:pc) → present, counts typed → ✅ (cs:py)
    Session --> Closing: 🔒 close (cs:cl) → ✅ (cs:cy): results posted
    Session --> Files: minutes (cs:dm), cover letter (cs:dt), achievement reports (cs:dr)
```
While a session is open the secretariat sees how many members voted and who has not, never
a count: results exist only once it is closed. Every choice is rechecked against the
secretariat's scope, the session's state and its version; typed counts wait in the
account's chat session with a nonce the ✅ must carry.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from html import escape

from app.context import Ctx
from app.council import closing, service
from app.council.choices import (
    AgencyPick,
    ConfirmPick,
    CountsRef,
    OpenPick,
    SessionPick,
    stamp,
    unpack_counts_ref,
    unpack_secretariat,
    unstamp,
)
from app.council.documents import cover_letter, minutes, report, report_file_name
from app.council.view import lines_of, people_of
from app.ui import Choice, Role
from domain.council import CountsError, parse_counts, parse_deadline, parse_number
from domain.models import OrgKind
from domain.org import OrgTree
from domain.summary_request import find_orgs
from domain.text import fold_key
from locales import _, format_datetime, ngettext
from reports.council import position_label, share_rule
from reports.messages import caption, split_blocks
from storage.council import CouncilRepository, Session
from storage.sessions import SessionRepository

FLOW = "cw"
OPEN_WORDS = {"mo", "open"}
MAX_WRITTEN_MEMBERS = 60  # a tick mask in the choice's data (15 hex characters)


def repo(ctx: Ctx) -> CouncilRepository:
    return CouncilRepository(ctx.services.db)


def in_scope(ctx: Ctx, tree: OrgTree, org_id: int) -> bool:
    return org_id in tree and tree.is_within(org_id, ctx.actor.secretariat_scope_id)


async def _session(ctx: Ctx, session_id: int) -> tuple[Session, OrgTree] | None:
    """The session named by a choice, if within the secretariat's scope (else expired)."""
    session = await repo(ctx).get(session_id)
    tree = await ctx.services.orgs.tree()
    if session is None or not in_scope(ctx, tree, session.agency_id):
        return None
    return session, tree


# --- The command -------------------------------------------------------------------------------


async def council_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    words = list(args)
    if words and fold_key(words[0]) in OPEN_WORDS:
        await _open_request(ctx, words[1:])
        return
    tree = await ctx.services.orgs.tree()
    if words:
        found = [u for u in find_orgs(tree, " ".join(words))
                 if u.kind == OrgKind.AGENCY and in_scope(ctx, tree, u.id)]
        if not found:
            ctx.say(escape(_("No agency matching “{text}” within what you may see.").format(
                text=" ".join(words))))
            return
        await show_agency(ctx, tree, found[0].id)
        return
    await _overview(ctx, tree)


async def _overview(ctx: Ctx, tree: OrgTree) -> None:
    scope = ctx.actor.secretariat_scope_id
    agencies = [a for a in tree.agencies(scope) if a.active]
    councils = await repo(ctx).councils()
    sessions = await repo(ctx).sessions([a.id for a in agencies])
    shown = [a for a in agencies if a.id in councils or any(s.agency_id == a.id
                                                              for s in sessions)]
    if len(shown) == 1:
        await show_agency(ctx, tree, shown[0].id)
        return
    lines = ["<b>" + escape(_("Emulation and commendation councils")) + "</b>"]
    if not shown:
        lines.append(escape(_("No agency within your scope has council members yet. The "
                              "office sets them with: thidua council members add --agency "
                              "NAME PHONE…")))
    for agency in shown:
        latest = [s for s in sessions if s.agency_id == agency.id]
        state = _session_state(latest[-1]) if latest else _("no session yet")
        lines.append("• " + escape(_("{agency}: {members} members; {state}").format(
            agency=agency.name, members=councils.get(agency.id, 0), state=state)))
    lines.append(escape(_("To open a session: /hoidong mo <year> <deadline dd/mm/yyyy> "
                          "[hh:mm] [giay] [agency].")))
    choices = [[Choice(a.name[:60], AgencyPick(a.id).data)] for a in shown[:20]]
    ctx.say("\n".join(lines), choices)


def _session_state(session: Session) -> str:
    if session.is_open:
        return _("session {year} open until {deadline}").format(
            year=session.year, deadline=format_datetime(session.deadline))
    return _("session {year} closed").format(year=session.year)


async def show_agency(ctx: Ctx, tree: OrgTree, agency_id: int, *, replace: bool = False
                      ) -> None:
    members = await repo(ctx).members(agency_id)
    people = await people_of(ctx.services, {m.person_id for m in members})
    lines = ["<b>" + escape(_("Emulation and Commendation Council of {agency}").format(
        agency=tree.get(agency_id).name)) + "</b>"]
    lines.append(escape(ngettext("{n} member:", "{n} members:", len(members)).format(
        n=len(members))))
    lines += [f"• {escape(people[m.person_id].full_name)} ({escape(position_label(m.position))})"
              for m in members if m.person_id in people]
    sessions = [s for s in await repo(ctx).sessions([agency_id])][-5:]
    choices = []
    for session in reversed(sessions):
        label = _("🗳 {year}: open") if session.is_open else _("📊 {year}: results")
        choices.append([Choice(label.format(year=session.year)[:60],
                               SessionPick("s", session.id).data)])
    if not any(s.is_open for s in sessions):
        lines.append(escape(_("To open a session: /hoidong mo <year> <deadline dd/mm/yyyy> "
                              "[hh:mm] [giay] {agency}.").format(
            agency=tree.get(agency_id).name)))
    ctx.say("\n".join(lines), choices, replace=replace)


# --- Opening -----------------------------------------------------------------------------------


async def _open_request(ctx: Ctx, words: list[str]) -> None:
    usage = _("Send /hoidong mo <year> <deadline dd/mm/yyyy> [hh:mm] [giay] [agency], e.g. "
              "/hoidong mo {year} 20/12/{year} 17:00.").format(year=ctx.today().year)
    if not words or not words[0].isdigit() or not 2000 <= int(words[0]) <= 2100:
        ctx.say(escape(usage))
        return
    year = int(words[0])
    deadline = parse_deadline(words[1:])
    if deadline is None:
        ctx.say(escape(usage))
        return
    when, used = deadline
    rest = words[1 + used:]
    mode = "chat"
    if rest and fold_key(rest[0]) in service.PAPER_WORDS:
        mode, rest = "paper", rest[1:]
    tree = await ctx.services.orgs.tree()
    aware = when.replace(tzinfo=ctx.tz)
    if rest:
        found = [u for u in find_orgs(tree, " ".join(rest))
                 if u.kind == OrgKind.AGENCY and in_scope(ctx, tree, u.id)]
        if not found:
            ctx.say(escape(_("No agency matching “{text}” within what you may see.").format(
                text=" ".join(rest))))
            return
        await _preview(ctx, tree, found[0].id, year, aware, mode)
        return
    councils = await repo(ctx).councils()
    agencies = [a for a in tree.agencies(ctx.actor.secretariat_scope_id)
                if a.active and a.id in councils]
    if len(agencies) == 1:
        await _preview(ctx, tree, agencies[0].id, year, aware, mode)
        return
    if not agencies:
        ctx.say(escape(service.problem_text("no_members")))
        return
    ctx.say(escape(_("Which agency's council?")),
            [[Choice(a.name[:60], OpenPick("op", a.id, year, stamp(aware), mode).data)]
             for a in agencies[:30]])


async def _preview(ctx: Ctx, tree: OrgTree, agency_id: int, year: int, deadline: datetime,
                   mode: str) -> None:
    try:
        chosen = await service.plan(ctx.services, tree, agency_id, year, mode, deadline)
    except service.OpenProblem as problem:
        ctx.say(escape(service.problem_text(problem.code)))
        return
    people = await people_of(ctx.services, {m.person_id for m in chosen.members})
    lines = ["<b>" + escape(_("Open the council's session of {agency} for {year}?").format(
        agency=tree.get(agency_id).name, year=year)) + "</b>",
        escape(_("Secret ballot in the chat until {deadline}").format(
            deadline=format_datetime(deadline)) if mode == "chat" else _(
            "Paper ballot: the secretary enters the totals of the count (until {deadline})"
            ).format(deadline=format_datetime(deadline))),
        escape(_("Members: {n} ({names})").format(n=len(chosen.members), names=", ".join(
            people[m.person_id].full_name for m in chosen.members if m.person_id in people)))]
    rules = chosen.rules
    quorum = next(iter(rules.titles.values())).quorum
    lines.append(escape(_("Quorum: {rule} of the members ({needed}/{members}; {ref}).").format(
        rule=share_rule(quorum.at_least, quorum.more_than),
        needed=quorum.needed(len(chosen.members)), members=len(chosen.members),
        ref=quorum.ref(ctx.locale))))
    counts: dict[str, int] = {}
    for candidate in chosen.candidates:
        counts[candidate.title] = counts.get(candidate.title, 0) + 1
    for code, n in counts.items():
        rule = rules.rule(code)
        name = chosen.ruleset.title(code).name.get(ctx.locale)
        lines.append("• " + escape(_("{title}: {n} proposals; passes with {rule} of all "
                                     "members ({needed}/{members}; {ref})").format(
            title=name, n=n, rule=share_rule(rule.agree.at_least, rule.agree.more_than),
            needed=rule.agree.needed(len(chosen.members)), members=len(chosen.members),
            ref=rule.agree.ref(ctx.locale))))
    if rules.abstain:
        lines.append(escape(_("Members may abstain.")))
    if chosen.unsubmitted:
        names = ", ".join(tree.get(o).name for o in chosen.unsubmitted[:8])
        lines.append("⚠️ " + escape(ngettext(
            "{n} collective has not submitted its proposal list: {names}.",
            "{n} collectives have not submitted their proposal lists: {names}.",
            len(chosen.unsubmitted)).format(n=len(chosen.unsubmitted), names=names)))
    ctx.say("\n".join(lines), [[
        Choice(_("✅ Open the session"),
               OpenPick("o", agency_id, year, stamp(deadline), mode).data),
        Choice(_("No"), AgencyPick(agency_id).data, Role.CANCEL)]])


async def _open(ctx: Ctx, tree: OrgTree, agency_id: int, year: int, deadline: datetime,
                mode: str) -> None:
    try:
        chosen = await service.plan(ctx.services, tree, agency_id, year, mode, deadline)
        session = await service.open_session(ctx.services, tree, chosen, ctx.who())
    except service.OpenProblem as problem:
        ctx.alert(service.problem_text(problem.code))
        return
    ctx.settle(escape(_("Opened: the council's session of {agency} for {year}, {n} proposals."
                        ).format(agency=tree.get(agency_id).name, year=year,
                                 n=len(chosen.candidates))))
    await show_session(ctx, session, tree)


# --- A session ---------------------------------------------------------------------------------


async def show_session(ctx: Ctx, session: Session, tree: OrgTree, *, replace: bool = False
                       ) -> None:
    if not session.is_open:
        await closing.show_results(ctx, session)
        ctx.say(escape(_("Documents of the session:")), [
            [Choice(_("📄 Minutes"), SessionPick("dm", session.id).data)],
            [Choice(_("📄 Cover letter and list"), SessionPick("dt", session.id).data)],
            [Choice(_("📄 Achievement reports"), SessionPick("dr", session.id).data)]])
        return
    voters = await repo(ctx).voters(session.id)
    people = await people_of(ctx.services, {v.person_id for v in voters})
    voted = sum(1 for v in voters if v.state == "voted")
    written = sum(1 for v in voters if v.state == "written")
    waiting = [people[v.person_id].full_name for v in voters
               if v.state == "pending" and v.person_id in people]
    lines = ["<b>" + escape(_("Council session {year}: {agency}").format(
        year=session.year, agency=tree.get(session.agency_id).name)) + "</b>",
        escape(_("Open until {deadline}. Nothing of the votes is shown before the session "
                 "closes.").format(deadline=format_datetime(session.deadline.astimezone(
                     ctx.tz))))]
    if session.paper:
        lines.append(escape(_("Paper ballot: totals entered: {state}.").format(
            state=_("yes") if session.counted else _("not yet"))))
    else:
        lines.append(escape(_("Voted in the chat: {voted}/{members}").format(
            voted=voted, members=session.members)))
    if written:
        lines.append(escape(ngettext("{n} absent member voted in writing.",
                                     "{n} absent members voted in writing.", written).format(
            n=written)))
    if waiting and not session.paper:
        lines.append(escape(_("Not voted yet: {names}").format(names=", ".join(waiting))))
    v = session.version
    choices = []
    if session.rules.written_votes and waiting:
        choices.append([Choice(_("✍️ Written votes of absent members"),
                               SessionPick("w", session.id, v).data)])
    if session.paper:
        choices.append([Choice(_("🧮 Enter the paper count"),
                               SessionPick("pc", session.id, v).data)])
    choices.append([Choice(_("🔒 Close the session"), SessionPick("cl", session.id, v).data)])
    ctx.say("\n".join(lines), choices, replace=replace)


# --- Choices -----------------------------------------------------------------------------------


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack_secretariat(data)
    if isinstance(pick, ConfirmPick):
        await _confirm_typed(ctx, pick.action, pick.nonce)
        return
    tree = await ctx.services.orgs.tree()
    if isinstance(pick, AgencyPick):
        if not in_scope(ctx, tree, pick.agency):
            ctx.expired()
            return
        await show_agency(ctx, tree, pick.agency, replace=True)
        return
    if isinstance(pick, OpenPick):
        deadline = unstamp(pick.deadline, ctx.tz)
        if deadline is None or pick.mode not in service.MODES or \
                not in_scope(ctx, tree, pick.agency):
            ctx.expired()
            return
        if pick.action == "op":
            await _preview(ctx, tree, pick.agency, pick.year, deadline, pick.mode)
        else:
            await _open(ctx, tree, pick.agency, pick.year, deadline, pick.mode)
        return
    found = await _session(ctx, pick.session) if pick is not None else None
    if pick is None or found is None:
        ctx.expired()
        return
    session, tree = found
    action = pick.action
    if action == "s":
        await show_session(ctx, session, tree)
    elif action in ("dm", "dt", "dr"):
        await _documents(ctx, session, action)
    elif not session.is_open or pick.version != session.version:
        ctx.expired()
    elif action == "cl":
        ctx.say(escape(_("Close the session now? No more votes are accepted; the results, the "
                         "minutes and the cover letter are sent to the secretariat.")), [[
            Choice(_("🔒 Yes, close it"), SessionPick("cy", session.id, session.version).data),
            Choice(_("No"), SessionPick("s", session.id).data, Role.CANCEL)]])
    elif action == "cy":
        await closing.close_now(ctx, session.id, "secretariat")
        closed = await repo(ctx).get(session.id)
        ctx.settle(escape(_("The session is closed.")))
        if closed is not None:
            await closing.show_results(ctx, closed)
    elif action == "w":
        await _written_members(ctx, session, 0)
    elif action == "wt" and pick.mask is not None and pick.index is not None \
            and pick.index < MAX_WRITTEN_MEMBERS:
        await _written_members(ctx, session, pick.mask ^ (1 << pick.index), replace=True)
    elif action == "wn" and pick.mask is not None:
        await _written_counts(ctx, session, pick.mask)
    elif action == "pc":
        await _paper_start(ctx, session)
    else:
        ctx.expired()


async def _documents(ctx: Ctx, session: Session, action: str) -> None:
    if session.is_open:
        ctx.alert(_("The results are shown once the session is closed."))
        return
    ctx.busy("upload_document")
    services = ctx.services

    async def build(later: Ctx) -> None:
        if action == "dm":
            later.document(f"bien-ban-hop-hoi-dong-{session.year}-{session.id}.docx",
                           await minutes(services, session),
                           caption(escape(_("Minutes of the council's meeting (DOCX)"))))
        elif action == "dt":
            later.document(f"to-trinh-{session.year}-{session.id}.docx",
                           await cover_letter(services, session),
                           caption(escape(_("Cover letter with the list of proposals passed "
                                            "(DOCX)"))))
        else:
            await _reports(later, session)

    ctx.later(build, name=f"council-files-{ctx.source.chat_id}")


async def _reports(ctx: Ctx, session: Session) -> None:
    data = await closing.results(ctx.services, session)
    passed = {line.candidate_id: line for line in data.passed}
    reports = await repo(ctx).reports(passed)
    candidates = [c for c in await repo(ctx).candidates(session.id) if c.id in passed]
    if not candidates:
        ctx.say(escape(_("No proposal passed: there is no achievement report.")))
        return
    for candidate in candidates[:40]:
        line = passed[candidate.id]
        done = candidate.id in reports and reports[candidate.id].done
        note = _("completed by the candidate") if done else _("pre-filled from the record; "
                                                              "not completed yet")
        ctx.document(report_file_name(session, candidate),
                     await report(ctx.services, session, candidate),
                     caption(escape(_("Achievement report: {name}, {title} ({note})").format(
                         name=line.name, title=line.title_name, note=note))))


# --- Written votes and paper counts (typed, then confirmed) --------------------------------


async def _written_members(ctx: Ctx, session: Session, mask: int, *, replace: bool = False
                           ) -> None:
    voters = [v for v in await repo(ctx).voters(session.id) if v.state == "pending"]
    voters.sort(key=lambda v: v.person_id)
    voters = voters[:MAX_WRITTEN_MEMBERS]
    people = await people_of(ctx.services, {v.person_id for v in voters})
    mask &= (1 << len(voters)) - 1
    v = session.version
    choices = [[Choice(f"{'☑' if mask >> i & 1 else '☐'} {people[x.person_id].full_name}"[:60],
                       SessionPick("wt", session.id, v, mask, i).data)]
               for i, x in enumerate(voters) if x.person_id in people]
    if mask:
        choices.append([Choice(_("Continue ➡️"), SessionPick("wn", session.id, v, mask).data)])
    choices.append([Choice(_("« Back"), SessionPick("s", session.id).data, Role.BACK)])
    ctx.say(escape(_("Which absent members voted in writing? Tick them, then continue.")),
            choices, replace=replace, multi=True)


async def _written_counts(ctx: Ctx, session: Session, mask: int) -> None:
    if not ctx.source.is_private or ctx.source.account is None:
        ctx.alert(_("Please continue in a private chat with me: the counts are typed."))
        return
    voters = sorted((v for v in await repo(ctx).voters(session.id) if v.state == "pending"),
                    key=lambda v: v.person_id)[:MAX_WRITTEN_MEMBERS]
    chosen = [x.person_id for i, x in enumerate(voters) if mask and mask >> i & 1]
    if not chosen:
        ctx.expired()
        return
    await SessionRepository(ctx.services.db).set(
        ctx.source.account, FLOW, CountsRef("w", session.id, session.version,
                                            members=tuple(chosen)).ref)
    await _ask_counts(ctx, session, len(chosen))


async def _ask_counts(ctx: Ctx, session: Session, most: int) -> None:
    tree = await ctx.services.orgs.tree()
    lines = await lines_of(ctx.services, session, await repo(ctx).candidates(session.id), tree)
    text = [escape(_("Type the number of agreeing votes for each proposal, in this order, "
                     "separated by spaces ({n} numbers from 0 to {most}); the other votes "
                     "disagree:").format(n=len(lines), most=most))]
    text += [f"{line.position + 1}. {escape(line.label)} · {escape(line.title_name)}"
             for line in lines]
    for message in split_blocks(["\n".join(text)], ctx.caps.max_text - 100):
        ctx.say(message, expects_text=True)


async def _paper_start(ctx: Ctx, session: Session) -> None:
    if not ctx.source.is_private or ctx.source.account is None:
        ctx.alert(_("Please continue in a private chat with me: the counts are typed."))
        return
    await SessionRepository(ctx.services.db).set(ctx.source.account, FLOW,
                                                 CountsRef("p", session.id, session.version).ref)
    ctx.say(escape(_("How many members were present and voted on paper (0 to {n})?").format(
        n=session.members)), expects_text=True)


async def on_text(ctx: Ctx, ref: str, text: str) -> None:
    """The typed counts of a written or paper entry."""
    at = unpack_counts_ref(ref)
    sessions = SessionRepository(ctx.services.db)
    found = await _session(ctx, at.session) if at is not None else None
    if at is None or found is None or ctx.source.account is None:
        await sessions.forget(ctx.source.account or "")
        ctx.say(escape(_("That entry is no longer possible. Send /hoidong to start again.")))
        return
    session, _tree = found
    if not session.is_open or session.version != at.version:
        await sessions.forget(ctx.source.account)
        ctx.say(escape(_("The session changed or closed meanwhile: nothing was entered. Send "
                         "/hoidong to start again.")))
        return
    if ctx.is_replay:
        ctx.say(escape(_("Please type the counts again.")), expects_text=True)
        return
    kind = at.kind
    if kind == "p":
        present = parse_number(text, session.members)
        if present is None:
            ctx.say(escape(_("Please type a whole number from 0 to {n}.").format(
                n=session.members)), expects_text=True)
            return
        await sessions.set(ctx.source.account, FLOW,
                           CountsRef("pn", session.id, session.version, present=present).ref)
        await _ask_counts(ctx, session, present)
        return
    if kind == "w":
        most = len(at.members)
    elif kind == "pn" and at.present is not None:
        most = at.present
    else:
        await sessions.forget(ctx.source.account)
        ctx.expired()
        return
    candidates = await repo(ctx).candidates(session.id)
    try:
        counts = parse_counts(text, len(candidates), most)
    except CountsError as problem:
        ctx.say(escape(_counts_problem(problem, len(candidates), most)), expects_text=True)
        return
    nonce = secrets.token_hex(4)
    confirm = "wy" if kind == "w" else "py"
    await sessions.set(ctx.source.account, FLOW, CountsRef(
        confirm, session.id, session.version, at.members, at.present, nonce, tuple(counts)).ref)
    tree = await ctx.services.orgs.tree()
    lines = await lines_of(ctx.services, session, candidates, tree)
    head = _("Written votes of {n} absent members:").format(n=most) if kind == "w" else _(
        "Paper count, {n} members present:").format(n=most)
    body = [f"<b>{escape(head)}</b>"]
    body += [f"{line.position + 1}. {escape(line.label)}: " + escape(_(
        "{yes} agree, {no} disagree").format(yes=count, no=most - count))
        for line, count in zip(lines, counts, strict=True)]
    body.append(escape(_("Save these counts?")))
    for message in split_blocks(["\n".join(body)], ctx.caps.max_text - 200)[:-1]:
        ctx.say(message)
    last = split_blocks(["\n".join(body)], ctx.caps.max_text - 200)[-1]
    ctx.say(last, [[Choice(_("✅ Save"), ConfirmPick(confirm, nonce).data),
                    Choice(_("No"), SessionPick("s", session.id).data, Role.CANCEL)]])


def _counts_problem(problem: CountsError, size: int, most: int) -> str:
    if problem.code == "count":
        return _("Please type {n} numbers, one per proposal ({found} typed).").format(
            n=size, found=problem.found)
    if problem.code == "range":
        return _("Each number is from 0 to {most}.").format(most=most)
    return _("Please type whole numbers separated by spaces, e.g. 2 2 1 0.")


async def _confirm_typed(ctx: Ctx, action: str, nonce: str) -> None:
    """✅ of a written or paper entry: only the account that typed the counts saves them,
    once, if nothing changed meanwhile."""
    account = ctx.source.account
    sessions = SessionRepository(ctx.services.db)
    stored = await sessions.get(account) if account else None
    at = unpack_counts_ref(stored.ref) if stored is not None and stored.flow == FLOW else None
    if at is None or at.kind != action or at.nonce != nonce or account is None:
        ctx.expired()
        return
    found = await _session(ctx, at.session)
    if found is None:
        ctx.expired()
        return
    session, tree = found
    counts = list(at.counts)
    if action == "wy":
        members = list(at.members)
        updated = await repo(ctx).enter_written(session.id, at.version, members, counts,
                                                ctx.who())
        done = _("Saved: the written votes of {n} absent members.").format(n=len(members))
    else:
        updated = await repo(ctx).enter_paper(session.id, at.version, at.present or 0, counts,
                                              ctx.who())
        done = _("Saved: the paper count's totals.")
    await sessions.forget(account)
    if updated is None:
        ctx.expired()
        return
    ctx.settle(escape(done))
    if not updated.paper and await repo(ctx).pending(updated.id) == 0:
        await closing.close_now(ctx, updated.id, "all_voted")
        closed = await repo(ctx).get(updated.id)
        if closed is not None:
            await closing.show_results(ctx, closed)
        return
    await show_session(ctx, updated, tree)


