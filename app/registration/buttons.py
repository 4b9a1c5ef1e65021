"""Every choice of the registration screens (`rg:…` data), re-checked against the database:
the draft and its version, who may act on the subject, the window's dates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from app.context import Ctx
from app.registration import screens
from app.registration.choices import (
    NO,
    OPEN_COLLECTIVE,
    OPEN_REGISTER,
    YES,
    CollectivePick,
    RegistrationPick,
    YearPick,
    unpack,
)
from app.registration.scene import (
    Scene,
    draft_repo,
    registration_repo,
    scene_for,
    window_problem,
    window_repo,
)
from app.registration.steps import (
    advance,
    begin,
    current_question,
    paused_text,
    save_answer,
    show,
)
from app.ui import Choice
from domain.access import collective_subjects
from domain.drafts import Draft
from domain.open_now import open_windows
from domain.registrants import may_register, registrable_titles
from domain.registration import confirmed_content, needed_questions, review, toggle_title
from domain.rules import ChoiceQuestion, YesNoQuestion
from domain.subjects import Subject
from locales import _, format_date, get_locale

Arg = int | str | None  # a draft choice's index or y/n


def _no_permission(ctx: Ctx) -> None:
    ctx.alert(_("You do not have permission to use this."))


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack(data)
    if isinstance(pick, CollectivePick):
        await _pick_collective(ctx, pick)
        return
    if isinstance(pick, YearPick):
        await _pick_year(ctx, pick)
        return
    if isinstance(pick, RegistrationPick):
        await _registration_action(ctx, pick)
        return
    if pick is None:
        ctx.expired()
        return
    draft = await draft_repo(ctx).draft_by_id(pick.draft)
    if draft is None or (draft.version != pick.version and not ctx.is_replay):
        ctx.expired()
        return
    scene = await scene_for(ctx, draft.subject, year=draft.year)
    if not may_register(ctx.actor, scene.tree, draft.subject):
        _no_permission(ctx)
        return
    if draft.version != pick.version:
        # Replayed after a crash that followed this very tap: it is saved, show its result.
        await draft_repo(ctx).remember(ctx.who(), draft)
        await show(ctx, scene, draft)
        return
    problem = window_problem(scene, ctx.today())
    if problem is not None:
        ctx.alert(problem)
        return
    await DRAFT_ACTIONS[pick.action](ctx, scene, draft, pick.arg)


async def _toggle(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    ruleset = scene.ruleset
    codes = {t.code for t in registrable_titles(ruleset, ctx.actor, scene.tree, draft.subject)}
    if not isinstance(arg, int) or arg >= len(ruleset.titles) \
            or ruleset.titles[arg].code not in codes:
        ctx.expired()
        return
    title = ruleset.titles[arg]
    ticked = toggle_title(ruleset, draft.titles, title.code)
    if ticked == draft.titles:
        ctx.alert(_("{title} comes with a title you ticked; untick that one first.").format(
            title=title.name.get(get_locale())))
        return
    updated = await draft_repo(ctx).update_draft(draft.id, draft.version, ctx.who(),
                                                 titles=ticked, step="titles", current=draft)
    if updated is None:
        ctx.expired()
        return
    await show(ctx, scene, updated, edit=True)


async def _continue(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    if not draft.titles:
        ctx.alert(_("Tick at least one title first."))
        return
    answers, step = await advance(ctx, scene, draft.subject, draft.year, draft.titles,
                                  draft.answers)
    updated = await draft_repo(ctx).update_draft(draft.id, draft.version, ctx.who(),
                                                 answers=answers, step=step, current=draft)
    if updated is None:
        ctx.expired()
        return
    await show(ctx, scene, updated, edit=True)


async def _answer_choice(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    question = current_question(scene, draft)
    value: object = None
    if question is not None:
        if isinstance(question, ChoiceQuestion) and isinstance(arg, int) \
                and arg < len(question.options):
            value = question.options[arg].code
        elif isinstance(question, YesNoQuestion) and arg in (YES, NO):
            value = arg == YES
    if question is None or value is None:
        ctx.expired()
        return
    await save_answer(ctx, scene, draft, question, value, edit=True)


async def _keep(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    question = current_question(scene, draft)
    if question is None or question.key not in draft.answers:
        ctx.expired()
        return
    answers, step = await advance(ctx, scene, draft.subject, draft.year, draft.titles,
                                  draft.answers)
    await _move(ctx, scene, draft, step, answers)


async def _edit_answer(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    ruleset = scene.ruleset
    needed = {q.key for q in needed_questions(ruleset, draft.titles, draft.answers,
                                              subject=draft.subject.kind)}
    if not isinstance(arg, int) or arg >= len(ruleset.questions) \
            or ruleset.questions[arg].key not in needed or draft.step != "review":
        ctx.expired()
        return
    key = ruleset.questions[arg].key
    await _move(ctx, scene, draft, f"q:{key}")


async def _edit_titles(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    await _move(ctx, scene, draft, "titles")


async def _move(ctx: Ctx, scene: Scene, draft: Draft, step: str,
                answers: dict | None = None) -> None:
    updated = await draft_repo(ctx).update_draft(draft.id, draft.version, ctx.who(),
                                                 step=step, answers=answers, current=draft)
    if updated is None:
        ctx.expired()
        return
    await show(ctx, scene, updated, edit=True)


async def _confirm(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    ruleset = scene.ruleset
    if not draft.titles or draft.step != "review":
        ctx.expired()
        return
    rv = review(ruleset, draft.titles, draft.answers, subject=draft.subject.kind)
    if not rv.complete:  # rules asking more than when the review was shown: ask it now
        answers, step = await advance(ctx, scene, draft.subject, draft.year, draft.titles,
                                      draft.answers)
        await _move(ctx, scene, draft, step, answers)
        return
    allowed = registrable_titles(ruleset, ctx.actor, scene.tree, draft.subject)
    if not draft.titles <= {t.code for t in allowed}:
        _no_permission(ctx)
        return
    previous = await registration_repo(ctx).current(draft.year, draft.subject)
    person = ctx.actor.person
    content = confirmed_content(ruleset, draft.titles, draft.answers, draft.subject.kind)
    registration = await registration_repo(ctx).confirm(
        draft, content, ctx.who(),
        actor_person_id=person.id if person else None, source=ctx.source.channel.value,
    )
    if registration is None:
        ctx.expired()
        return
    ctx.toast(_("Saved."), quiet=True)
    ctx.settle()
    ctx.say(screens.confirmation_text(scene, registration, ctx.tz,
                                      updated=previous is not None))


async def _later(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    await draft_repo(ctx).forget_draft_session(ctx.who(), draft)
    ctx.say(escape(paused_text(draft.subject)), replace=True)


async def _discard(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    current = await registration_repo(ctx).current(draft.year, draft.subject)
    if not await draft_repo(ctx).discard_draft(draft.id, ctx.who()):
        ctx.expired()
        return
    text = _("The draft was discarded.")
    if current is not None and current.is_confirmed:
        text += " " + _("Your confirmed registration {reference} is unchanged.").format(
            reference=current.reference)
    ctx.say(escape(text), replace=True)


async def _resume(ctx: Ctx, scene: Scene, draft: Draft, arg: Arg) -> None:
    await draft_repo(ctx).remember(ctx.who(), draft)
    await show(ctx, scene, draft, edit=True)


DRAFT_ACTIONS: dict[str, Callable[[Ctx, Scene, Draft, Arg], Awaitable[None]]] = {
    "t": _toggle,
    "n": _continue,
    "a": _answer_choice,
    "k": _keep,
    "e": _edit_answer,
    "et": _edit_titles,
    "ok": _confirm,
    "x": _later,
    "d": _discard,
    "r": _resume,
}


async def _pick_collective(ctx: Ctx, pick: CollectivePick) -> None:
    tree = await ctx.services.orgs.tree()
    if pick.org not in collective_subjects(ctx.actor, tree):
        ctx.expired()
        return
    await begin(ctx, Subject.of_org(tree.get(pick.org)), edit=True)


async def _pick_year(ctx: Ctx, pick: YearPick) -> None:
    """`rg:y:<p | org id>:<window id>:<deadline>`: the year picked when two windows are open;
    the subject, the window (still the subject's for that year, open, with the dates shown)
    rechecked."""
    person = ctx.actor.person
    if person is None:
        ctx.expired()
        return
    tree = await ctx.services.orgs.tree()
    if pick.org is None:
        subject = Subject.of_person(person)
    elif pick.org in collective_subjects(ctx.actor, tree):
        subject = Subject.of_org(tree.get(pick.org))
    else:
        ctx.expired()
        return
    windows = await window_repo(ctx).windows()
    window = next((w for w in open_windows(windows, tree, subject.org_id, ctx.today())
                   if w.id == pick.window), None)
    if window is None or f"{window.deadline:%Y%m%d}" != pick.deadline:
        ctx.expired()
        return
    await begin(ctx, subject, edit=True, year=window.year)


async def _registration_action(ctx: Ctx, pick: RegistrationPick) -> None:
    action = pick.action
    registration = await registration_repo(ctx).get(pick.registration)
    if registration is None or registration.revision != pick.revision \
            or not registration.is_confirmed:
        ctx.expired()
        return
    scene = await scene_for(ctx, registration.subject, year=registration.year)
    if not may_register(ctx.actor, scene.tree, registration.subject):
        _no_permission(ctx)
        return
    if action == "wn":
        ctx.say(escape(_("Nothing was withdrawn.")), replace=True)
        return
    problem = window_problem(scene, ctx.today())
    if problem is not None:
        ctx.alert(problem)
        return
    if action == "ed":
        assert ctx.actor.person is not None
        # An imported registration has no answers yet: its questions come first (what the
        # record proves filled in).
        answers, step = await advance(ctx, scene, registration.subject, registration.year,
                                      registration.titles, registration.answers)
        draft = await draft_repo(ctx).start_draft(
            registration.year, registration.subject, ctx.actor.person.id, ctx.who(),
            titles=registration.titles, answers=answers, step=step,
        )
        await show(ctx, scene, draft, edit=True)
        return
    if action == "w":
        text = _("Withdraw the emulation registration {year} ({reference}) of {name}? Its "
                 "titles will no longer be counted. You can register again until {deadline}."
                 ).format(year=registration.year, reference=registration.reference,
                          name=scene.name, deadline=_deadline(scene))
        ctx.say(escape(text), [[
            Choice(_("↩️ Yes, withdraw"),
                   RegistrationPick("wy", registration.id, registration.revision).data),
            Choice(_("No"), RegistrationPick("wn", registration.id, registration.revision).data),
        ]], replace=True)
        return
    withdrawn = await registration_repo(ctx).withdraw(registration.id, registration.revision,
                                                      ctx.who())
    if withdrawn is None:
        ctx.expired()
        return
    again = OPEN_REGISTER if withdrawn.subject.is_person else OPEN_COLLECTIVE
    ctx.say(escape(_(
        "Withdrawn at {time}: the emulation registration {year} ({reference}) of {name}. "
        "Send {command} to register again before the deadline.").format(
        time=screens.local(withdrawn.withdrawn_at, ctx.tz), year=withdrawn.year,
        reference=withdrawn.reference, name=scene.name,
        command="/dangky" if withdrawn.subject.is_person else "/tapthe")),
        [[Choice(_("📝 Register again"), again)]], replace=True)


def _deadline(scene: Scene) -> str:
    return format_date(scene.window.deadline) if scene.window else ""
