"""The registration conversation: individual (/dangky) and collective (/tapthe) titles.

```mermaid
stateDiagram-v2
    [*] --> Refused: outside the window (its dates are given)
    [*] --> Shown: already confirmed (choices: edit, withdraw)
    [*] --> Pick: /tapthe, head of several collectives
    [*] --> Titles: /dangky, /tapthe, choice open:register / open:collective
    [*] --> Question: a draft stopped at a question (resumed)
    Pick --> Titles: collective chosen
    Shown --> Review: ✏️ Edit (a draft copy; the confirmed one stays)
    Titles --> Titles: tick / untick (the screen edited in place)
    Titles --> Question: Continue, questions pending
    Titles --> Review: Continue, nothing to ask
    Question --> Question: answer saved, next question
    Question --> Question: unreadable answer (explained, nothing saved)
    Question --> Review: last answer saved
    Review --> Question: ✏️ Answer n
    Review --> Titles: ✏️ Titles
    Review --> [*]: ✅ Confirm (saved, reference number)
    Review --> [*]: 🗑 Discard
    Titles --> [*]: ⏸ Later, /huy (draft kept)
    Question --> [*]: /huy (draft kept)
    Review --> [*]: ⏸ Later, /huy (draft kept)
```
Modules: flow (entry points), steps (what each step shows), buttons (every `rg:` choice),
typed (typed answers), screens (texts and choices), scene (subject, window, rule set).

The draft in SQLite is the truth: every tick and answer is written there (version bumped)
before the next screen is shown. Choices carry the draft's version; any other version is an
expired choice. Typed text goes to the draft the account last saw (`chat_sessions`, flow
"rg"), only if it has not changed since.
"""

from __future__ import annotations

from html import escape

from app.context import Ctx
from app.registration.choices import OPEN_COLLECTIVE, OPEN_REGISTER, CollectivePick
from app.registration.scene import draft_repo, registration_repo, scene_for
from app.registration.steps import begin, paused_text
from app.ui import Choice
from domain.access import collective_subjects
from domain.models import Role
from domain.org import OrgTree
from domain.subjects import Subject
from locales import _


async def start_individual(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    person = ctx.actor.person
    assert person is not None
    await begin(ctx, Subject.of_person(person))


async def start_collective(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    assert actor.person is not None
    if actor.person.role not in (Role.UNIT_HEAD, Role.AGENCY_HEAD):
        ctx.say(escape(_(
            "Collective titles are registered by the head of the unit (for their unit) and "
            "the head of the agency (for the agency). For your own titles, send /dangky.")))
        return
    tree = await ctx.services.orgs.tree()
    subjects = collective_subjects(actor, tree)
    if not subjects:
        ctx.say(escape(_(
            "The roster does not name you head of any unit. Please ask the emulation and "
            "commendation office to check it.")))
        return
    if len(subjects) == 1:
        await begin(ctx, Subject.of_org(tree.get(subjects[0])))
        return
    states = await _collective_marks(ctx, tree, subjects)
    rows = [[Choice(f"{states[o]} {tree.get(o).name}", CollectivePick(o).data)] for o in subjects]
    ctx.say(escape(_("Which collective do you register for?")), rows)


async def _collective_marks(ctx: Ctx, tree: OrgTree, subjects: list[int]) -> dict[int, str]:
    """✅ confirmed, 📝 draft, ▫️ nothing yet (of each collective's current window)."""
    marks = {}
    for org_id in subjects:
        subject = Subject.of_org(tree.get(org_id))
        scene = await scene_for(ctx, subject, tree=tree)
        mark = "▫️"
        if scene.window is not None:
            current = await registration_repo(ctx).current(scene.window.year, subject)
            if await draft_repo(ctx).draft(scene.window.year, subject) is not None:
                mark = "📝"
            elif current is not None and current.is_confirmed:
                mark = "✅"
        marks[org_id] = mark
    return marks


async def open_choice(ctx: Ctx, data: str) -> None:
    """Choices of reminders (`open:register`, `open:collective`): as the commands."""
    if data == OPEN_COLLECTIVE:
        await start_collective(ctx)
    elif data == OPEN_REGISTER:
        await start_individual(ctx)
    else:
        ctx.expired()


async def pause(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    """/huy: stop answering; every answer given stays saved."""
    account = ctx.source.account
    session = await draft_repo(ctx).session(account) if account else None
    draft = await draft_repo(ctx).draft_by_id(session.draft_id) if session else None
    if account is not None:
        await draft_repo(ctx).forget(account)
    text = paused_text(draft.subject) if draft else _("Stopped. Nothing was pending.")
    ctx.say(escape(text))
