"""Typed answers: read against the question the user's draft waits for, explained when they
cannot be read (nothing saved then), saved and followed by the next screen otherwise."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ParseMode

from domain.registrants import may_register
from domain.registration import AnswerError, parse_answer
from handlers.context import BotContext
from handlers.guards import guard
from handlers.registration.answers import answer_error
from handlers.registration.common import repo, scene_for, send, today, who, window_problem
from handlers.registration.steps import END, current_question, save_answer, show
from locales import _


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
    if not may_register(context.actor, scene.tree, draft.subject):
        await send(update, context, escape(_("You do not have permission to use this.")))
        return END
    problem = window_problem(scene, today(context))
    if problem is not None:
        await send(update, context, escape(problem))
        return END
    if draft.version != session.version or context.is_replay(update):
        # A replay after a crash may be an answer already saved (the draft then waits for
        # the next question): never read it against another question, show where it stands.
        await repo(context).remember(who(update, context), draft)
        return await show(update, context, scene, draft,
                          note=_("This registration was changed elsewhere meanwhile; here is "
                                 "where it stands now."))
    question = current_question(scene, draft)
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
