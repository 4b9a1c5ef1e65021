"""Every button of the registration conversation (`rg:…` callback data), re-checked against
the database: the draft and its version, who may act on the subject, the window's dates."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from domain.access import collective_subjects
from domain.registrants import may_register, registrable_titles
from domain.registration import needed_questions, review, toggle_title
from domain.rules import ChoiceQuestion, YesNoQuestion
from domain.subjects import Subject
from handlers.context import BotContext
from handlers.guards import guard
from handlers.registration import screens
from handlers.registration.common import (
    Scene,
    close_buttons,
    repo,
    scene_for,
    send,
    today,
    who,
    window_problem,
)
from handlers.registration.steps import (
    END,
    begin,
    current_question,
    expired,
    next_step,
    paused_text,
    save_answer,
    show,
    tell,
)
from locales import _, format_date, get_locale
from storage.registrations import Draft


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
        await expired(update)
        return None
    draft = await repo(context).draft_by_id(numbers[0])
    if draft is None or (draft.version != numbers[1] and not context.is_replay(update)):
        await expired(update)
        return None
    scene = await scene_for(context, draft.subject, year=draft.year)
    if not may_register(context.actor, scene.tree, draft.subject):
        await tell(update, context, _("You do not have permission to use this."))
        return None
    if draft.version != numbers[1]:
        # Replayed after a crash that followed this very tap: it is saved, show its result.
        await update.callback_query.answer()  # type: ignore[union-attr]
        await repo(context).remember(who(update, context), draft)
        return await show(update, context, scene, draft)
    problem = window_problem(scene, today(context))
    if problem is not None:
        await tell(update, context, problem)
        return None
    return await DRAFT_ACTIONS[action](update, context, scene, draft, parts[4:])


async def _toggle(update: Update, context: BotContext, scene: Scene, draft: Draft,
                  args: list[str]) -> str | None:
    ruleset = scene.ruleset
    codes = {t.code for t in registrable_titles(ruleset, context.actor, scene.tree,
                                                 draft.subject)}
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) >= len(ruleset.titles) \
            or ruleset.titles[int(args[0])].code not in codes:
        await expired(update)
        return None
    title = ruleset.titles[int(args[0])]
    ticked = toggle_title(ruleset, draft.titles, title.code)
    if ticked == draft.titles:
        await tell(update, context, _("{title} comes with a title you ticked; untick that one "
                                       "first.").format(title=title.name.get(get_locale())))
        return None
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               titles=ticked, step="titles", current=draft)
    if updated is None:
        await expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    return await show(update, context, scene, updated, edit=True)


async def _continue(update: Update, context: BotContext, scene: Scene, draft: Draft,
                    args: list[str]) -> str | None:
    if not draft.titles:
        await tell(update, context, _("Tick at least one title first."))
        return None
    step = next_step(scene.ruleset, draft.titles, draft.answers, draft.subject.kind)
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               step=step, current=draft)
    if updated is None:
        await expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    chosen = screens.chosen_titles_line(scene.ruleset, updated.titles)
    await close_buttons(update, "<b>" + escape(_("Titles chosen:")) + "</b> " + chosen)
    return await show(update, context, scene, updated)


async def _answer_button(update: Update, context: BotContext, scene: Scene, draft: Draft,
                         args: list[str]) -> str | None:
    question = current_question(scene, draft)
    value: object = None
    if question is not None and len(args) == 1:
        if isinstance(question, ChoiceQuestion) and args[0].isdigit() \
                and int(args[0]) < len(question.options):
            value = question.options[int(args[0])].code
        elif isinstance(question, YesNoQuestion) and args[0] in ("y", "n"):
            value = args[0] == "y"
    if question is None or value is None:
        await expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    shown = screens.format_value(question, value)
    await close_buttons(update, f"{escape(question.prompt.get(get_locale()))}\n→ <b>{shown}</b>")
    return await save_answer(update, context, scene, draft, question, value)


async def _keep(update: Update, context: BotContext, scene: Scene, draft: Draft,
                args: list[str]) -> str | None:
    question = current_question(scene, draft)
    if question is None or question.key not in draft.answers:
        await expired(update)
        return None
    step = next_step(scene.ruleset, draft.titles, draft.answers, draft.subject.kind)
    return await _move(update, context, scene, draft, step)


async def _edit_answer(update: Update, context: BotContext, scene: Scene, draft: Draft,
                       args: list[str]) -> str | None:
    ruleset = scene.ruleset
    needed = {q.key for q in needed_questions(ruleset, draft.titles, draft.answers,
                                              subject=draft.subject.kind)}
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) >= len(ruleset.questions) \
            or ruleset.questions[int(args[0])].key not in needed or draft.step != "review":
        await expired(update)
        return None
    key = ruleset.questions[int(args[0])].key
    return await _move(update, context, scene, draft, f"q:{key}")


async def _edit_titles(update: Update, context: BotContext, scene: Scene, draft: Draft,
                       args: list[str]) -> str | None:
    return await _move(update, context, scene, draft, "titles")


async def _move(update: Update, context: BotContext, scene: Scene, draft: Draft,
                step: str) -> str | None:
    updated = await repo(context).update_draft(draft.id, draft.version, who(update, context),
                                               step=step, current=draft)
    if updated is None:
        await expired(update)
        return None
    await update.callback_query.answer()  # type: ignore[union-attr]
    await close_buttons(update)
    return await show(update, context, scene, updated)


async def _confirm(update: Update, context: BotContext, scene: Scene, draft: Draft,
                   args: list[str]) -> str | None:
    ruleset = scene.ruleset
    if not draft.titles or draft.step != "review":
        await expired(update)
        return None
    rv = review(ruleset, draft.titles, draft.answers, subject=draft.subject.kind)
    if not rv.complete:  # rules asking more than when the review was shown: ask it now
        step = next_step(ruleset, draft.titles, draft.answers, draft.subject.kind)
        return await _move(update, context, scene, draft, step)
    allowed = registrable_titles(ruleset, context.actor, scene.tree, draft.subject)
    if not draft.titles <= {t.code for t in allowed}:
        await tell(update, context, _("You do not have permission to use this."))
        return None
    previous = await repo(context).current(draft.year, draft.subject)
    person = context.actor.person
    registration = await repo(context).confirm(
        draft.id, draft.version, ruleset, who(update, context),
        actor_person_id=person.id if person else None,
    )
    if registration is None:
        await expired(update)
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
        await expired(update)
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
        await expired(update)
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
        await expired(update)
        return None
    scene = await scene_for(context, registration.subject, year=registration.year)
    if not may_register(context.actor, scene.tree, registration.subject):
        await tell(update, context, _("You do not have permission to use this."))
        return None
    query = update.callback_query
    assert query is not None
    if action == "wn":
        await query.answer()
        await close_buttons(update, escape(_("Nothing was withdrawn.")))
        return None
    problem = window_problem(scene, today(context))
    if problem is not None:
        await tell(update, context, problem)
        return None
    if action == "ed":
        assert context.actor.person is not None
        draft = await repo(context).start_draft(
            registration.year, registration.subject, context.actor.person.id,
            who(update, context), titles=registration.titles, answers=registration.answers,
            # An imported registration has no answers yet: its questions come first.
            step=next_step(scene.ruleset, registration.titles, registration.answers,
                           registration.subject.kind),
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
        await expired(update)
        return None
    await query.answer()
    tz = context.services.settings.tz
    await close_buttons(update, escape(_(
        "Withdrawn at {time}: the emulation registration {year} ({reference}) of {name}. "
        "Send {command} to register again before the deadline.").format(
        time=screens.local(withdrawn.withdrawn_at, tz), year=withdrawn.year,
        reference=withdrawn.reference, name=scene.name,
        command="/dangky" if withdrawn.subject.is_person else "/tapthe")))
    return None


def _deadline(scene: Scene) -> str:
    return format_date(scene.window.deadline) if scene.window else ""
