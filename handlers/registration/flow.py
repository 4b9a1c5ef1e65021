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

The draft in SQLite is the truth: every tap and answer is written there (version bumped)
before the next screen is shown, and the conversation state only says how to read a typed
message. Buttons carry the draft's version; any other version is an expired button. A typed
answer goes to the draft the user last saw (`registration_sessions`), only if it has not
changed since.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain.access import collective_subjects
from domain.models import Role
from domain.org import OrgTree
from domain.quotas import subject_warnings
from domain.records import RegistrationRecord, RegistrationStatus
from domain.registration import (
    AnswerError,
    expand_implied,
    needed_questions,
    next_question,
    parse_answer,
    review,
    toggle_title,
)
from domain.rules import ChoiceQuestion, Question, RuleSet, SubjectKind, YesNoQuestion
from domain.subjects import Subject
from handlers.context import BotContext
from handlers.guards import guard
from handlers.registration import screens
from handlers.registration.answers import answer_error
from handlers.registration.common import (
    Scene,
    allowed,
    close_buttons,
    may_act,
    repo,
    scene_for,
    send,
    today,
    who,
    window_problem,
)
from locales import _, format_date, get_locale
from storage.registrations import Draft, Registration

PICK, TITLES, ANSWER, REVIEW = "pick", "titles", "answer", "review"
END = ConversationHandler.END
NAME = "registration"


def state_of(step: str) -> str:
    if step == "titles":
        return TITLES
    return ANSWER if step.startswith("q:") else REVIEW


def next_step(ruleset: RuleSet, draft_titles: frozenset[str], answers: dict,
              kind: SubjectKind) -> str:
    question = next_question(ruleset, draft_titles, answers, subject=kind)
    return f"q:{question.key}" if question is not None else "review"


async def _expired(update: Update) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(_("This button has expired."), show_alert=True)


async def _tell(update: Update, context: BotContext, text: str) -> None:
    """A refusal or notice: an alert for a button, a message otherwise."""
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
    else:
        await send(update, context, escape(text))


# --- Showing a draft ------------------------------------------------------------------------


async def show(update: Update, context: BotContext, scene: Scene, draft: Draft, *,
               edit: bool = False, note: str | None = None) -> str:
    """Send (or, for a tick, edit in place) the screen of the draft's step; the new state."""
    text, markup = await _screen(context, scene, draft)
    if note:
        text = f"<i>{escape(note)}</i>\n{text}"
    query = update.callback_query
    if edit and query is not None:
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest:
            await send(update, context, text, markup)
    else:
        await send(update, context, text, markup)
    return state_of(draft.step)


async def _screen(context: BotContext, scene: Scene, draft: Draft
                  ) -> tuple[str, InlineKeyboardMarkup | None]:
    ruleset = scene.ruleset
    kind = draft.subject.kind
    if draft.step == "titles":
        return screens.titles_screen(scene, draft, allowed(ruleset, context.actor, draft.subject))
    if draft.step.startswith("q:"):
        key = draft.step[2:]
        needed = needed_questions(ruleset, draft.titles, draft.answers, subject=kind)
        keys = [q.key for q in needed]
        if key in keys:
            question = needed[keys.index(key)]
            everything = expand_implied(ruleset, draft.titles)
            asked_by = [t for t in ruleset.titles
                        if t.code in everything and t.applies_to(kind)
                        and any(ref.key == key for ref in t.questions)]
            return screens.question_screen(draft, question, keys.index(key) + 1, len(keys),
                                           asked_by)
    rv = review(ruleset, draft.titles, draft.answers, subject=kind, year=draft.year)
    warnings = list(rv.warnings)
    if kind != SubjectKind.PERSON:
        bloc = scene.tree.bloc_of(draft.subject.org_id)
        records = await repo(context).records(draft.year, bloc.id if bloc else None)
        candidate = RegistrationRecord(
            year=draft.year, subject_kind=kind, org_id=draft.subject.org_id,
            titles=draft.titles, status=RegistrationStatus.CONFIRMED,
        )
        warnings += subject_warnings(ruleset, scene.tree, records, candidate)
    editing = await repo(context).current(draft.year, draft.subject)
    return screens.review_screen(scene, draft, rv, warnings, editing)


# --- Entry points ---------------------------------------------------------------------------


async def begin(update: Update, context: BotContext, subject: Subject) -> str:
    """Open the subject's registration: refusal with dates, resume, show, or start."""
    scene = await scene_for(context, subject)
    problem = window_problem(scene, today(context))
    if problem is not None:
        await send(update, context, escape(problem))
        return END
    assert scene.window is not None and context.actor.person is not None
    year = scene.window.year
    draft = await repo(context).draft(year, subject)
    if draft is not None:
        await repo(context).remember(who(update, context), draft)
        return await show(update, context, scene, draft,
                          note=_("You have an unfinished registration; carrying on from where "
                                 "you stopped."))
    current = await repo(context).current(year, subject)
    if current is not None and current.is_confirmed:
        await _show_confirmed(update, context, scene, current)
        return END
    draft = await repo(context).start_draft(year, subject, context.actor.person.id,
                                            who(update, context))
    return await show(update, context, scene, draft)


async def _show_confirmed(update: Update, context: BotContext, scene: Scene,
                          registration: Registration) -> None:
    tz = context.services.settings.tz
    lines = ["<b>" + escape(_("Emulation registration {year}").format(year=registration.year))
             + "</b>", scene.heading(), *screens.registration_block(scene.ruleset,
                                                                    registration, tz), "",
             escape(_("This registration is confirmed. Do you want to change or withdraw it?"))]
    await send(update, context, "\n".join(lines), registration_buttons(registration))


def registration_buttons(registration: Registration) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(_("✏️ Edit"), callback_data=screens.cb(
            "ed", registration.id, registration.revision)),
        InlineKeyboardButton(_("↩️ Withdraw"), callback_data=screens.cb(
            "w", registration.id, registration.revision)),
    ]])


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


# --- Buttons --------------------------------------------------------------------------------


def _ints(parts: list[str], count: int) -> list[int] | None:
    values = parts[2:2 + count]
    if len(values) != count or not all(v.isdigit() for v in values):
        return None
    return [int(v) for v in values]


@guard()
async def on_button(update: Update, context: BotContext) -> str | None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "s":
        return await _pick(update, context, parts)
    if action in ("ed", "w", "wy", "wn"):
        return await _registration_action(update, context, action, parts)
    numbers = _ints(parts, 2)
    if numbers is None or action not in DRAFT_ACTIONS:
        await _expired(update)
        return None
    draft = await repo(context).draft_by_id(numbers[0])
    if draft is None or draft.version != numbers[1]:
        await _expired(update)
        return None
    scene = await scene_for(context, draft.subject, year=draft.year)
    if not may_act(context.actor, scene.tree, draft.subject):
        await _tell(update, context, _("You do not have permission to use this."))
        return None
    problem = window_problem(scene, today(context))
    if problem is not None:
        await _tell(update, context, problem)
        return None
    return await DRAFT_ACTIONS[action](update, context, scene, draft, parts[4:])


async def _toggle(update: Update, context: BotContext, scene: Scene, draft: Draft,
                  args: list[str]) -> str | None:
    ruleset = scene.ruleset
    codes = {t.code for t in allowed(ruleset, context.actor, draft.subject)}
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) >= len(ruleset.titles) \
            or ruleset.titles[int(args[0])].code not in codes:
        await _expired(update)
        return None
    title = ruleset.titles[int(args[0])]
    ticked = toggle_title(ruleset, draft.titles, title.code)
    if ticked == draft.titles:
        await _tell(update, context, _("{title} comes with a title you ticked; untick that one "
                                       "first.").format(title=title.name.get(get_locale())))
        return None
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               titles=ticked, step="titles")
    if updated is None:
        await _expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    return await show(update, context, scene, updated, edit=True)


async def _continue(update: Update, context: BotContext, scene: Scene, draft: Draft,
                    args: list[str]) -> str | None:
    if not draft.titles:
        await _tell(update, context, _("Tick at least one title first."))
        return None
    step = next_step(scene.ruleset, draft.titles, draft.answers, draft.subject.kind)
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               step=step)
    if updated is None:
        await _expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    chosen = screens.chosen_titles_line(scene.ruleset, updated.titles)
    await close_buttons(update, "<b>" + escape(_("Titles chosen:")) + "</b> " + chosen)
    return await show(update, context, scene, updated)


async def _answer_button(update: Update, context: BotContext, scene: Scene, draft: Draft,
                         args: list[str]) -> str | None:
    question = _current_question(scene, draft)
    value: object = None
    if question is not None and len(args) == 1:
        if isinstance(question, ChoiceQuestion) and args[0].isdigit() \
                and int(args[0]) < len(question.options):
            value = question.options[int(args[0])].code
        elif isinstance(question, YesNoQuestion) and args[0] in ("y", "n"):
            value = args[0] == "y"
    if question is None or value is None:
        await _expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    shown = screens.format_value(question, value)
    await close_buttons(update, f"{escape(question.prompt.get(get_locale()))}\n→ <b>{shown}</b>")
    return await save_answer(update, context, scene, draft, question, value)


async def _keep(update: Update, context: BotContext, scene: Scene, draft: Draft,
                args: list[str]) -> str | None:
    question = _current_question(scene, draft)
    if question is None or question.key not in draft.answers:
        await _expired(update)
        return None
    step = next_step(scene.ruleset, draft.titles, draft.answers, draft.subject.kind)
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               step=step)
    if updated is None:
        await _expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    await close_buttons(update)
    return await show(update, context, scene, updated)


async def _edit_answer(update: Update, context: BotContext, scene: Scene, draft: Draft,
                       args: list[str]) -> str | None:
    ruleset = scene.ruleset
    needed = {q.key for q in needed_questions(ruleset, draft.titles, draft.answers,
                                              subject=draft.subject.kind)}
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) >= len(ruleset.questions) \
            or ruleset.questions[int(args[0])].key not in needed or draft.step != "review":
        await _expired(update)
        return None
    key = ruleset.questions[int(args[0])].key
    return await _move(update, context, scene, draft, f"q:{key}")


async def _edit_titles(update: Update, context: BotContext, scene: Scene, draft: Draft,
                       args: list[str]) -> str | None:
    return await _move(update, context, scene, draft, "titles")


async def _move(update: Update, context: BotContext, scene: Scene, draft: Draft,
                step: str) -> str | None:
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               step=step)
    if updated is None:
        await _expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    await close_buttons(update)
    return await show(update, context, scene, updated)


async def _confirm(update: Update, context: BotContext, scene: Scene, draft: Draft,
                   args: list[str]) -> str | None:
    ruleset = scene.ruleset
    rv = review(ruleset, draft.titles, draft.answers, subject=draft.subject.kind)
    if not draft.titles or not rv.complete or draft.step != "review":
        await _expired(update)
        return None
    previous = await repo(context).current(draft.year, draft.subject)
    person = context.actor.person
    registration = await repo(context).confirm(
        draft.id, draft.version, ruleset, who(update, context),
        actor_person_id=person.id if person else None,
    )
    if registration is None:
        await _expired(update)
        return None
    await update.callback_query.answer(_("Saved."))  # type: ignore[union-attr]
    await close_buttons(update)
    tz = context.services.settings.tz
    await send(update, context,
               screens.confirmation_text(scene, registration, tz, updated=previous is not None))
    return END


async def _later(update: Update, context: BotContext, scene: Scene, draft: Draft,
                 args: list[str]) -> str | None:
    await update.callback_query.answer()  # type: ignore[union-attr]
    await close_buttons(update)
    await send(update, context, escape(paused_text(draft.subject)))
    return END


async def _discard(update: Update, context: BotContext, scene: Scene, draft: Draft,
                   args: list[str]) -> str | None:
    current = await repo(context).current(draft.year, draft.subject)
    if not await repo(context).discard_draft(draft.id, who(update, context)):
        await _expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    await close_buttons(update)
    text = _("The draft was discarded.")
    if current is not None and current.is_confirmed:
        text += " " + _("Your confirmed registration {reference} is unchanged.").format(
            reference=current.reference)
    await send(update, context, escape(text))
    return END


async def _resume(update: Update, context: BotContext, scene: Scene, draft: Draft,
                  args: list[str]) -> str | None:
    await update.callback_query.answer()  # type: ignore[union-attr]
    await repo(context).remember(who(update, context), draft)
    await close_buttons(update)
    return await show(update, context, scene, draft)


DRAFT_ACTIONS = {
    "t": _toggle,
    "n": _continue,
    "a": _answer_button,
    "k": _keep,
    "e": _edit_answer,
    "et": _edit_titles,
    "ok": _confirm,
    "x": _later,
    "d": _discard,
    "r": _resume,
}


async def _pick(update: Update, context: BotContext, parts: list[str]) -> str | None:
    numbers = _ints(parts, 1)
    tree = await context.services.orgs.tree()
    if numbers is None or numbers[0] not in collective_subjects(context.actor, tree):
        await _expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    await close_buttons(update, "<b>" + escape(tree.get(numbers[0]).name) + "</b>")
    return await begin(update, context, Subject.of_org(tree.get(numbers[0])))


async def _registration_action(update: Update, context: BotContext, action: str,
                               parts: list[str]) -> str | None:
    numbers = _ints(parts, 2)
    registration = await repo(context).get(numbers[0]) if numbers else None
    if numbers is None or registration is None or registration.revision != numbers[1] \
            or not registration.is_confirmed:
        await _expired(update)
        return None
    scene = await scene_for(context, registration.subject, year=registration.year)
    if not may_act(context.actor, scene.tree, registration.subject):
        await _tell(update, context, _("You do not have permission to use this."))
        return None
    query = update.callback_query
    assert query is not None
    if action == "wn":
        await query.answer()
        await close_buttons(update, escape(_("Nothing was withdrawn.")))
        return None
    problem = window_problem(scene, today(context))
    if problem is not None:
        await _tell(update, context, problem)
        return None
    if action == "ed":
        assert context.actor.person is not None
        draft = await repo(context).start_draft(
            registration.year, registration.subject, context.actor.person.id,
            who(update, context), titles=registration.titles, answers=registration.answers,
            step="review",
        )
        await query.answer()
        await close_buttons(update)
        return await show(update, context, scene, draft)
    if action == "w":
        await query.answer()
        text = _("Withdraw the emulation registration {year} ({reference}) of {name}? Its "
                 "titles will no longer be counted. You can register again until {deadline}."
                 ).format(year=registration.year, reference=registration.reference,
                          name=scene.name, deadline=_deadline(scene))
        buttons = InlineKeyboardMarkup([[
            InlineKeyboardButton(_("↩️ Yes, withdraw"), callback_data=screens.cb(
                "wy", registration.id, registration.revision)),
            InlineKeyboardButton(_("No"), callback_data=screens.cb(
                "wn", registration.id, registration.revision)),
        ]])
        await send(update, context, escape(text), buttons)
        return None
    withdrawn = await repo(context).withdraw(registration.id, registration.revision,
                                             who(update, context))
    if withdrawn is None:
        await _expired(update)
        return None
    await query.answer()
    tz = context.services.settings.tz
    await close_buttons(update, escape(_(
        "Withdrawn at {time}: the emulation registration {year} ({reference}) of {name}. "
        "Send /dangky to register again before the deadline.").format(
        time=screens.local(withdrawn.withdrawn_at, tz), year=withdrawn.year,
        reference=withdrawn.reference, name=scene.name)))
    return None


def _deadline(scene: Scene) -> str:
    return format_date(scene.window.deadline) if scene.window else ""


def _current_question(scene: Scene, draft: Draft) -> Question | None:
    if not draft.step.startswith("q:"):
        return None
    key = draft.step[2:]
    needed = needed_questions(scene.ruleset, draft.titles, draft.answers,
                              subject=draft.subject.kind)
    return next((q for q in needed if q.key == key), None)


# --- Typed answers --------------------------------------------------------------------------


async def save_answer(update: Update, context: BotContext, scene: Scene, draft: Draft,
                      question: Question, value: object) -> str:
    answers = {**draft.answers, question.key: value}
    step = next_step(scene.ruleset, draft.titles, answers, draft.subject.kind)
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               answers=answers, step=step)
    if updated is None:  # changed meanwhile (another device, a co-head): show where it is now
        fresh = await repo(context).draft_by_id(draft.id)
        if fresh is None:
            await send(update, context, escape(_("This registration form is closed.")))
            return END
        return await show(update, context, scene, fresh,
                          note=_("This registration was changed elsewhere meanwhile; here is "
                                 "where it stands now."))
    return await show(update, context, scene, updated, note=_("✔ Saved."))


@guard()
async def on_text(update: Update, context: BotContext) -> str | None:
    message = update.effective_message
    user = update.effective_user
    if message is None or message.text is None or user is None:
        return None
    session = await repo(context).session(user.id)
    draft = await repo(context).draft_by_id(session.draft_id) if session else None
    if session is None or draft is None:
        await send(update, context, escape(_(
            "This registration form is closed. Send /dangky to register (/tapthe for a "
            "collective).")))
        return END
    scene = await scene_for(context, draft.subject, year=draft.year)
    if not may_act(context.actor, scene.tree, draft.subject):
        await send(update, context, escape(_("You do not have permission to use this.")))
        return END
    problem = window_problem(scene, today(context))
    if problem is not None:
        await send(update, context, escape(problem))
        return END
    if draft.version != session.version:
        await repo(context).remember(who(update, context), draft)
        return await show(update, context, scene, draft,
                          note=_("This registration was changed elsewhere meanwhile; here is "
                                 "where it stands now."))
    question = _current_question(scene, draft)
    if question is None:
        return await show(update, context, scene, draft)
    try:
        value = parse_answer(question, message.text, year=draft.year)
    except AnswerError as error:
        await message.reply_text("⚠️ " + answer_error(question, error), parse_mode=ParseMode.HTML)
        return None
    return await save_answer(update, context, scene, draft, question, value)


@guard()
async def use_buttons(update: Update, context: BotContext) -> str | None:
    """Text while buttons are expected; an answer after all if the draft waits for one (the
    conversation state may lag behind the draft after a failed send)."""
    user = update.effective_user
    session = await repo(context).session(user.id) if user else None
    draft = await repo(context).draft_by_id(session.draft_id) if session else None
    if draft is not None and draft.step.startswith("q:"):
        return await on_text.__wrapped__(update, context)  # type: ignore[attr-defined]
    message = update.effective_message
    if message is not None:
        await message.reply_text(_("Please use the buttons of the last message, or send /huy "
                                   "to pause (your answers are kept)."))
    return None


def paused_text(subject: Subject) -> str:
    command = "/dangky" if subject.is_person else "/tapthe"
    return _("Paused. Everything you have answered is saved; send {command} to carry on."
             ).format(command=command)


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
