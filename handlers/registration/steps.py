"""Where a draft stands and how it is shown: the screen of each step, the conversation state
it puts the user in, and opening a subject's registration (refusal, resume, show or start)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from domain.figures import SubjectFacts, subject_facts
from domain.registrants import registrable_titles
from domain.registration import expand_implied, needed_questions, next_question, review
from domain.rules import Question, RuleSet, SubjectKind
from domain.subjects import Subject
from handlers.context import BotContext
from handlers.registration import screens
from handlers.registration.common import (
    Scene,
    repo,
    scene_for,
    send,
    today,
    who,
    window_problem,
)
from locales import _
from reports.rule_warnings import figures_note
from storage.registrations import Draft, Registration
from storage.summary import SummaryStore

PICK, TITLES, ANSWER, REVIEW = "pick", "titles", "answer", "review"
END = ConversationHandler.END


def state_of(step: str) -> str:
    if step == "titles":
        return TITLES
    return ANSWER if step.startswith("q:") else REVIEW


def next_step(ruleset: RuleSet, draft_titles: frozenset[str], answers: dict,
              kind: SubjectKind) -> str:
    question = next_question(ruleset, draft_titles, answers, subject=kind)
    return f"q:{question.key}" if question is not None else "review"


async def expired(update: Update) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(_("This button has expired."), show_alert=True)


async def tell(update: Update, context: BotContext, text: str) -> None:
    """A refusal or notice: an alert for a button, a message otherwise."""
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
    else:
        await send(update, context, escape(text))


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
        titles = registrable_titles(ruleset, context.actor, scene.tree, draft.subject)
        return screens.titles_screen(scene, draft, titles)
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
            figure = getattr(question, "figure", None)
            facts = await _facts(context, scene, draft) if figure else None
            note = figures_note(figure, facts.figures) if facts and facts.figures else None
            return screens.question_screen(draft, question, keys.index(key) + 1, len(keys),
                                           asked_by, note=note)
    rv = review(ruleset, draft.titles, draft.answers, subject=kind, year=draft.year,
                facts=await _facts(context, scene, draft))
    editing = await repo(context).current(draft.year, draft.subject)
    return screens.review_screen(scene, draft, rv, list(rv.warnings), editing)


async def _facts(context: BotContext, scene: Scene, draft: Draft) -> SubjectFacts:
    """The subject's agency and bloc, and for a collective its members' registrations."""
    subject, tree = draft.subject, scene.tree
    figures = None
    if subject.kind != SubjectKind.PERSON and subject.org_id in tree:
        figures = await SummaryStore(context.services.db).member_figures(
            scene.ruleset, draft.year, tree.subtree_ids(subject.org_id))
    return subject_facts(tree, subject.kind, subject.org_id, figures)


def current_question(scene: Scene, draft: Draft) -> Question | None:
    if not draft.step.startswith("q:"):
        return None
    key = draft.step[2:]
    needed = needed_questions(scene.ruleset, draft.titles, draft.answers,
                              subject=draft.subject.kind)
    return next((q for q in needed if q.key == key), None)


async def save_answer(update: Update, context: BotContext, scene: Scene, draft: Draft,
                      question: Question, value: object) -> str:
    answers = {**draft.answers, question.key: value}
    step = next_step(scene.ruleset, draft.titles, answers, draft.subject.kind)
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               answers=answers, step=step, current=draft)
    if updated is None:  # changed meanwhile (another device, a co-head): show where it is now
        fresh = await repo(context).draft_by_id(draft.id)
        if fresh is None:
            await send(update, context, escape(_("This registration form is closed.")))
            return END
        return await show(update, context, scene, fresh,
                          note=_("This registration was changed elsewhere meanwhile; here is "
                                 "where it stands now."))
    return await show(update, context, scene, updated, note=_("✔ Saved."))


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


def paused_text(subject: Subject) -> str:
    command = "/dangky" if subject.is_person else "/tapthe"
    return _("Paused. Everything you have answered is saved; send {command} to carry on."
             ).format(command=command)
