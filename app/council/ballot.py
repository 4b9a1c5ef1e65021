"""/bophieu (/vote): a council member's secret ballot.

```mermaid
stateDiagram-v2
    [*] --> Page: /bophieu, or the invitation's choice (cv:o)
    Page --> Page: a mark (cv:m: an opaque code), another page (cv:p), all the rest agree (cv:y)
    Page --> Review: review (cv:r): every candidate marked
    Review --> Page: change (cv:p)
    Review --> Confirm: cast (cv:k): a screen without the marks
    Confirm --> Review: back (cv:r)
    Confirm --> Cast: confirm (cv:c): counted, the member marked "voted", the draft deleted
    Cast --> [*]: closes the session if every member has voted
```
Every choice names the session and the draft's version; a mark's choice carries a code that
only the member's draft can read (domain.council.code), so a logged or stored choice says
nothing once the draft is gone. The cast is made from a screen that shows no marks, so the
update carrying it holds none either. After the cast nothing links the member to their
marks: docs/council.md.
"""

from __future__ import annotations

from html import escape

from app.context import Ctx
from app.council import closing
from app.council.choices import BallotPick, unpack_ballot
from app.council.view import lines_of
from app.ui import Choice, Role
from domain.council import (
    ABSTAIN,
    NO,
    UNSET,
    YES,
    all_yes,
    allowed_marks,
    blank,
    code,
    codes,
    is_complete,
    new_salt,
    read_code,
    with_mark,
)
from locales import _, format_datetime, ngettext
from reports.council import Line
from storage.council import CastOutcome, CouncilRepository, Draft, Session

PAGE = {True: 8, False: 5}  # candidates per page: tapped (Telegram), typed (Zalo: 2 numbers each)
MARK_LABELS = {YES: "✅", NO: "❌", ABSTAIN: "⚪"}


def _on(session: Session, action: str, version: int, page: int | None = None,
        mark: str | None = None) -> str:
    """The data of a choice of the ballot at the draft's version shown."""
    return BallotPick(action, session.id, version, page, mark).data


def mark_text(mark: str) -> str:
    return {YES: _("✅ Agree"), NO: _("❌ Disagree"), ABSTAIN: _("⚪ Abstain")}.get(
        mark, _("▫️ not marked yet"))


def repo(ctx: Ctx) -> CouncilRepository:
    return CouncilRepository(ctx.services.db)


# --- Entry points ----------------------------------------------------------------------------


async def vote_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    person = ctx.actor.person
    assert person is not None  # Access: linked, private
    mine = await repo(ctx).of_voter(person.id)
    waiting = [s for s, state in mine if s.is_open and not s.paper and state == "pending"]
    if len(waiting) == 1:
        await show_page(ctx, waiting[0], 0)
        return
    if waiting:
        tree = await ctx.services.orgs.tree()
        ctx.say(escape(_("Which council session do you vote in?")),
                [[Choice(f"{tree.label(s.agency_id)} {s.year}"[:60],
                         BallotPick("o", s.id).data)]
                 for s in waiting])
        return
    if not mine:
        ctx.say(escape(_("You are not a member of a council with a ballot. The emulation and "
                         "commendation office sets the council's members.")))
        return
    session, state = mine[0]
    if session.is_open:
        ctx.say(escape(_voted_text(state) if state != "pending" else _(
            "This session is counted on paper: there is no ballot in the chat.")))
        return
    await closing.show_results(ctx, session)


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack_ballot(data)
    if pick is None:
        ctx.expired()
        return
    action = pick.action
    session = await repo(ctx).get(pick.session)
    person = ctx.actor.person
    if session is None or person is None:
        ctx.expired()
        return
    voter = await repo(ctx).voter(session.id, person.id)
    if voter is None:
        ctx.alert(_("You do not have permission to use this."))
        return
    if action == "x":
        if session.is_open:
            ctx.alert(_("The results are shown once the session is closed."))
        else:
            await closing.show_results(ctx, session)
        return
    if not session.is_open or session.deadline <= ctx.now():
        ctx.alert(_("The ballot is closed: no more votes are accepted."))
        return
    if session.paper:
        ctx.alert(_("This session is counted on paper: there is no ballot in the chat."))
        return
    if voter.state != "pending":
        ctx.alert(_voted_text(voter.state))
        return
    if action == "o":
        await show_page(ctx, session, 0)
        return
    draft = await repo(ctx).draft(session.id, person.id)
    if draft is None or draft.version != pick.version:
        ctx.expired()
        return
    if action == "p" and pick.page is not None:
        await show_page(ctx, session, pick.page, draft=draft, replace=True)
    elif action == "m" and pick.page is not None and pick.code is not None:
        await _mark(ctx, session, draft, pick.page, pick.code)
    elif action == "y" and pick.page is not None:
        updated = await repo(ctx).mark(draft, all_yes(draft.marks))
        if updated is None:
            ctx.expired()
            return
        await show_page(ctx, session, pick.page, draft=updated, replace=True)
    elif action == "r":
        await _review(ctx, session, draft)
    elif action == "k":
        _confirm(ctx, session, draft)
    elif action == "c":
        await _cast(ctx, session, draft)
    else:
        ctx.expired()


def _voted_text(state: str) -> str:
    if state == "written":
        return _("Your vote in this session was entered in writing; each member votes once.")
    return _("You have voted in this session; each member votes once. The results are "
             "shown once the session is closed.")


# --- Screens ---------------------------------------------------------------------------------


async def _draft(ctx: Ctx, session: Session, size: int) -> Draft | None:
    person = ctx.actor.person
    assert person is not None
    marks = allowed_marks(session.rules)
    found = await repo(ctx).draft(session.id, person.id)
    if found is None:
        salt = new_salt()
        while codes(salt, size, marks) is None:
            salt = new_salt()
        found = await repo(ctx).start_draft(session.id, person.id, blank(size), salt)
    return found


async def _lines(ctx: Ctx, session: Session) -> list[Line]:
    tree = await ctx.services.orgs.tree()
    return await lines_of(ctx.services, session, await repo(ctx).candidates(session.id), tree)


def _heading(ctx: Ctx, session: Session, agency: str) -> list[str]:
    return [
        "🗳 <b>" + escape(_("Ballot of the Emulation and Commendation Council: {agency}, "
                           "{year}").format(agency=agency, year=session.year)) + "</b>",
        escape(_("Secret ballot: nobody, not even the office, can see how you vote. Open "
                 "until {deadline}.").format(
            deadline=format_datetime(session.deadline.astimezone(ctx.tz)))),
    ]


async def show_page(ctx: Ctx, session: Session, page: int, *, draft: Draft | None = None,
                    replace: bool = False, note: str | None = None) -> None:
    lines = await _lines(ctx, session)
    draft = draft or await _draft(ctx, session, len(lines))
    if draft is None or len(draft.marks) != len(lines):
        ctx.alert(_("The ballot is closed: no more votes are accepted."))
        return
    size = PAGE[ctx.caps.buttons]
    pages = max(1, -(-len(lines) // size))
    page = min(max(page, 0), pages - 1)
    shown = lines[page * size:(page + 1) * size]
    tree = await ctx.services.orgs.tree()
    text = _heading(ctx, session, tree.label(session.agency_id))
    marked = sum(1 for m in draft.marks if m != UNSET)
    text.append(escape(_("Page {page}/{pages} · marked {marked}/{total}").format(
        page=page + 1, pages=pages, marked=marked, total=len(lines))))
    if note:
        text.append(f"<i>{escape(note)}</i>")
    current = None
    for line in shown:
        if line.title != current:
            current = line.title
            text.append("\n<b>" + escape(line.title_name) + "</b> " + escape(_(
                "(passes with {rule} of all members)").format(rule=line.rule)))
        text.append(f"{line.position + 1}. {escape(line.label)}: "
                    + escape(mark_text(draft.marks[line.position])))
    text.append("")
    text.append(escape(_("Mark each proposal, then review your ballot before casting it.")))
    v = draft.version
    marks = allowed_marks(session.rules)
    short = {YES: _("Agree"), NO: _("Disagree"), ABSTAIN: _("Abstain")}
    choices = [[Choice(f"{line.position + 1} {MARK_LABELS[m]} {short[m]}"[:60],
                       _on(session, "m", v, page, code(draft.salt, line.position, m)))
                for m in marks] for line in shown]
    nav = []
    if page > 0:
        nav.append(Choice("◀ " + _("Previous page"), _on(session, "p", v, page - 1),
                          Role.BACK))
    if page < pages - 1:
        nav.append(Choice(_("Next page") + " ▶", _on(session, "p", v, page + 1)))
    if nav:
        choices.append(nav)
    if UNSET in draft.marks:
        choices.append([Choice(_("✅ Agree with every proposal not marked yet"),
                               _on(session, "y", v, page))])
    choices.append([Choice(_("📋 Review and cast"), _on(session, "r", v))])
    ctx.say("\n".join(text), choices, replace=replace)


async def _mark(ctx: Ctx, session: Session, draft: Draft, page: int, value: str) -> None:
    found = read_code(draft.salt, value, len(draft.marks), allowed_marks(session.rules))
    if found is None:
        ctx.expired()
        return
    position, mark = found
    updated = await repo(ctx).mark(draft, with_mark(draft.marks, position, mark))
    if updated is None:
        ctx.expired()
        return
    await show_page(ctx, session, page, draft=updated, replace=True)


async def _review(ctx: Ctx, session: Session, draft: Draft) -> None:
    lines = await _lines(ctx, session)
    if not is_complete(draft.marks):
        missing = [str(i + 1) for i, m in enumerate(draft.marks) if m == UNSET]
        page = draft.marks.index(UNSET) // PAGE[ctx.caps.buttons]
        await show_page(ctx, session, page, draft=draft, replace=True, note=ngettext(
            "Proposal {numbers} is not marked yet.", "Proposals {numbers} are not marked yet.",
            len(missing)).format(numbers=", ".join(missing)))
        return
    tree = await ctx.services.orgs.tree()
    text = _heading(ctx, session, tree.label(session.agency_id))
    text.append("<b>" + escape(_("Review your ballot")) + "</b>")
    current = None
    for line in lines:
        if line.title != current:
            current = line.title
            text.append("<b>" + escape(line.title_name) + "</b>")
        text.append(f"{line.position + 1}. {escape(line.label)}: "
                    + escape(mark_text(draft.marks[line.position])))
    counts = {m: draft.marks.count(m) for m in (YES, NO, ABSTAIN)}
    text.append(escape(_("Agree: {yes} · Disagree: {no}").format(yes=counts[YES],
                                                                   no=counts[NO]))
                + (escape(" · " + _("Abstain: {n}").format(n=counts[ABSTAIN]))
                   if session.rules.abstain else ""))
    v = draft.version
    ctx.say("\n".join(text), [
        [Choice(_("📥 Cast the ballot"), _on(session, "k", v))],
        [Choice(_("✏️ Change"), _on(session, "p", v, 0), Role.BACK)],
    ], replace=True)


def _confirm(ctx: Ctx, session: Session, draft: Draft) -> None:
    """The last screen shows no marks: the update that casts the ballot carries none."""
    if not is_complete(draft.marks):
        ctx.expired()
        return
    v = draft.version
    ctx.say(escape(_("Cast your ballot now? A cast ballot cannot be changed, and nobody will "
                     "be able to tell how you voted.")), [
        [Choice(_("📥 Yes, cast it"), _on(session, "c", v))],
        [Choice(_("◀ Back to my ballot"), _on(session, "r", v), Role.BACK)],
    ], replace=True)


async def _cast(ctx: Ctx, session: Session, draft: Draft) -> None:
    person = ctx.actor.person
    assert person is not None
    outcome, pending = await repo(ctx).cast(session.id, person.id, draft.version, ctx.now(),
                                            ctx.who())
    if outcome == CastOutcome.STALE:
        ctx.expired()
        return
    if outcome == CastOutcome.VOTED:
        ctx.alert(_voted_text("voted"))
        return
    if outcome != CastOutcome.CAST:
        ctx.alert(_("The ballot is closed: no more votes are accepted."))
        return
    ctx.settle(escape(_("✅ Your ballot is cast. It was added to the counts without anything "
                        "that says whose it is; the results are announced when the session "
                        "closes.")))
    if pending == 0:
        await closing.close_now(ctx, session.id, "all_voted")
