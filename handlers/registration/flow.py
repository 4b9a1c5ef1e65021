"""The registration conversation: individual (/dangky) and collective (/tapthe) titles.

```mermaid
stateDiagram-v2
    [*] --> Refused: outside the window (its dates are given)
    [*] --> Shown: already confirmed (buttons: edit, withdraw)
    [*] --> Pick: /tapthe, head of several collectives
    [*] --> Titles: /dangky, /tapthe, button open:register / open:collective
    [*] --> Question: a draft stopped at a question (resumed)
    Pick --> Titles: collective chosen
    Shown --> Review: ✏️ Edit (a draft copy; the confirmed one stays)
    Titles --> Titles: tick / untick (message edited)
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

Modules: flow (entry points and wiring), steps (what each step shows), buttons (every `rg:`
button), typed (typed answers), screens (texts and keyboards), common (subject, window, rights).

The draft in SQLite is the truth: every tap and answer is written there (version bumped)
before the next screen is shown, and the conversation state only says how to read a typed
message. Buttons carry the draft's version; any other version is an expired button. A typed
answer goes to the draft the user last saw (`registration_sessions`), only if it has not
changed since.
"""

from __future__ import annotations

import warnings
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from domain.access import collective_subjects
from domain.models import Role
from domain.org import OrgTree
from domain.subjects import Subject
from handlers.context import BotContext
from handlers.guards import guard
from handlers.registration import screens
from handlers.registration.buttons import on_button
from handlers.registration.common import repo, scene_for, send
from handlers.registration.steps import ANSWER, END, PICK, REVIEW, TITLES, begin, paused_text
from handlers.registration.typed import on_text, use_buttons
from locales import _

NAME = "registration"


@guard(end_conversation=True)
async def start_individual(update: Update, context: BotContext) -> str:
    person = context.actor.person
    assert person is not None
    return await begin(update, context, Subject.of_person(person))


@guard(end_conversation=True)
async def start_collective(update: Update, context: BotContext) -> str:
    actor = context.actor
    assert actor.person is not None
    if actor.person.role not in (Role.UNIT_HEAD, Role.AGENCY_HEAD):
        await send(update, context, escape(_(
            "Collective titles are registered by the head of the unit (for their unit) and "
            "the head of the agency (for the agency). For your own titles, send /dangky.")))
        return END
    tree = await context.services.orgs.tree()
    subjects = collective_subjects(actor, tree)
    if not subjects:
        await send(update, context, escape(_(
            "The roster does not name you head of any unit. Please ask the emulation and "
            "commendation office to check it.")))
        return END
    if len(subjects) == 1:
        return await begin(update, context, Subject.of_org(tree.get(subjects[0])))
    states = await _collective_marks(context, tree, subjects)
    rows = [[InlineKeyboardButton(f"{states[o]} {tree.get(o).name}",
                                  callback_data=screens.cb("s", o))] for o in subjects]
    await send(update, context, escape(_("Which collective do you register for?")),
               InlineKeyboardMarkup(rows))
    return PICK


async def _collective_marks(context: BotContext, tree: OrgTree, subjects: list[int]
                            ) -> dict[int, str]:
    """✅ confirmed, 📝 draft, ▫️ nothing yet (of each collective's current window)."""
    marks = {}
    for org_id in subjects:
        subject = Subject.of_org(tree.get(org_id))
        scene = await scene_for(context, subject, tree=tree)
        mark = "▫️"
        if scene.window is not None:
            current = await repo(context).current(scene.window.year, subject)
            if await repo(context).draft(scene.window.year, subject) is not None:
                mark = "📝"
            elif current is not None and current.is_confirmed:
                mark = "✅"
        marks[org_id] = mark
    return marks


@guard(end_conversation=True)
async def open_button(update: Update, context: BotContext) -> str:
    """Buttons of reminders (`open:register`, `open:collective`): as the commands."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    if query.data == "open:collective":
        return await start_collective.__wrapped__(update, context)  # type: ignore[attr-defined]
    return await start_individual.__wrapped__(update, context)  # type: ignore[attr-defined]


@guard()
async def cancel(update: Update, context: BotContext) -> int:
    user = update.effective_user
    session = await repo(context).session(user.id) if user else None
    draft = await repo(context).draft_by_id(session.draft_id) if session else None
    text = paused_text(draft.subject) if draft else _("Stopped. Nothing was pending.")
    await send(update, context, escape(text))
    return END


def conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE & private
    button = CallbackQueryHandler(on_button, pattern=r"^rg:")
    hint = MessageHandler(text, use_buttons)
    entry_points: list[BaseHandler] = [
        CommandHandler(["register", "dangky"], start_individual),
        CommandHandler(["collective", "tapthe"], start_collective),
        CallbackQueryHandler(open_button, pattern=r"^open:(register|collective)$"),
        button,
    ]
    with warnings.catch_warnings():
        # PTB warns that with per_message=False a button of an old message still reaches the
        # current state: every button here carries the draft's version, checked in buttons.py.
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=entry_points,
            states={
                PICK: [button, hint],
                TITLES: [button, hint],
                ANSWER: [button, MessageHandler(text, on_text)],
                REVIEW: [button, hint],
            },
            fallbacks=[CommandHandler(["cancel", "huy"], cancel)],
            name=NAME,
            persistent=True,
            allow_reentry=True,
        )
