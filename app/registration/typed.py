"""Typed answers: read against the question the account's draft waits for, explained when they
cannot be read (nothing saved then), saved and followed by the next screen otherwise."""

from __future__ import annotations

from html import escape

from app.context import Ctx
from app.registration.answers import answer_error
from app.registration.choices import unpack_ref
from app.registration.scene import draft_repo, scene_for, window_problem
from app.registration.steps import changed_elsewhere, current_question, save_answer, show
from domain.registrants import may_register
from domain.registration import AnswerError, parse_answer
from locales import _


async def on_text(ctx: Ctx, ref: str, text: str) -> None:
    """Text while the account's session points at a draft (`<draft id>:<version>`)."""
    at = unpack_ref(ref)
    draft = await draft_repo(ctx).draft_by_id(at.draft) if at is not None else None
    if draft is None or at is None:
        ctx.say(escape(_("This registration form is closed. Send /dangky to register "
                         "(/tapthe for a collective).")))
        return
    scene = await scene_for(ctx, draft.subject, year=draft.year)
    if not may_register(ctx.actor, scene.tree, draft.subject):
        ctx.say(escape(_("You do not have permission to use this.")))
        return
    problem = window_problem(scene, ctx.today())
    if problem is not None:
        ctx.say(escape(problem))
        return
    if draft.version != at.version or ctx.is_replay:
        # A replay after a crash may be an answer already saved (the draft then waits for
        # the next question): never read it against another question, show where it stands.
        await draft_repo(ctx).remember(ctx.who(), draft)
        await show(ctx, scene, draft, note=changed_elsewhere())
        return
    if not draft.step.startswith("q:"):
        ctx.say(escape(_("Please use the buttons of the last message, or send /huy to pause "
                         "(your answers are kept).")))
        return
    question = current_question(scene, draft)
    if question is None:
        await show(ctx, scene, draft)
        return
    try:
        value = parse_answer(question, text, year=draft.year)
    except AnswerError as error:
        ctx.say("⚠️ " + answer_error(question, error))
        return
    await save_answer(ctx, scene, draft, question, value)
