"""/status (/cuatoi): my registration of the year, any unconfirmed draft, and for heads the
collectives they register; with buttons to edit, withdraw or carry on while the window is open.

No conversation: one message, whose choices enter the registration conversation (flow.py).
"""

from __future__ import annotations

from html import escape

from app.context import Ctx
from app.registration import screens
from app.registration.choices import DraftPick
from app.registration.scene import Scene, draft_repo, registration_repo, scene_for
from app.registration.steps import registration_choices
from app.rulesets import ruleset_of_year
from app.ui import Choice
from domain.access import collective_subjects
from domain.subjects import Subject
from locales import _
from reports.registration_windows import window_dates, window_state


async def show_status(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    assert actor.person is not None
    tree = await ctx.services.orgs.tree()
    scene = await scene_for(ctx, Subject.of_person(actor.person), tree=tree)
    if scene.window is None:
        ctx.say(await _without_window(ctx, scene))
        return
    lines, choices = await _subject_block(ctx, scene)
    heads = collective_subjects(actor, tree)
    if heads:
        lines += ["", "<b>" + escape(_("Collectives you register")) + "</b>"]
        for org_id in heads:
            lines.append(await _collective_line(ctx, await scene_for(
                ctx, Subject.of_org(tree.get(org_id)), tree=tree)))
        lines.append(escape(_("Send /tapthe to register or change them.")))
    ctx.say("\n".join(lines), choices)


async def _without_window(ctx: Ctx, scene: Scene) -> str:
    """No window applies now: say so, under the last registration on record if there is one
    (entered by the office from paper, or of a year whose window has been removed)."""
    closed = escape(_(
        "Registration has not been opened for you yet. The emulation and commendation "
        "office opens it each year with a deadline."))
    year = await registration_repo(ctx).latest_year(scene.subject)
    ruleset = await ruleset_of_year(ctx.services.db, year) if year is not None else None
    registration = await registration_repo(ctx).current(year, scene.subject) \
        if ruleset is not None and year is not None else None
    if registration is None or ruleset is None:
        return closed
    lines = ["<b>" + escape(_("Your emulation registration {year}").format(year=year)) + "</b>",
             *screens.registration_block(ruleset, registration, ctx.tz),
             "", closed]
    return "\n".join(lines)


async def _subject_block(ctx: Ctx, scene: Scene) -> tuple[list[str], list[list[Choice]]]:
    window = scene.window
    assert window is not None
    day = ctx.today()
    tz = ctx.tz
    lines = [
        "<b>" + escape(_("Your emulation registration {year}").format(year=window.year)) + "</b>",
        escape(_("Registration: {dates} ({state})").format(
            dates=window_dates(window), state=window_state(window, day))),
        "",
    ]
    current = await registration_repo(ctx).current(window.year, scene.subject)
    draft = await draft_repo(ctx).draft(window.year, scene.subject)
    # A draft paused before anything was ticked or answered is no registration yet: it is
    # not shown as "not confirmed: —", and its choice starts the registration.
    empty = draft is not None and not draft.titles and not draft.answers
    if current is not None:
        lines += screens.registration_block(scene.ruleset, current, tz)
    elif draft is None or empty:
        lines.append(escape(_("You have not registered yet. Send /dangky to register.")))
    if draft is not None and not empty:
        lines.append(screens.draft_line(scene.ruleset, draft, tz))
    if not window.is_open(day):
        return lines, []
    choices: list[Choice] = []
    if draft is not None:
        label = _("📝 Register titles") if empty else _("▶️ Carry on")
        choices.append(Choice(label, DraftPick("r", draft.id, draft.version).data))
    elif current is not None and current.is_confirmed:
        choices.extend(registration_choices(current)[0])
    return lines, [choices]


async def _collective_line(ctx: Ctx, scene: Scene) -> str:
    name = escape(scene.name)
    if scene.window is None:
        return f"▫️ {name}: " + escape(_("registration not open"))
    current = await registration_repo(ctx).current(scene.window.year, scene.subject)
    draft = await draft_repo(ctx).draft(scene.window.year, scene.subject)
    if draft is not None and (draft.titles or draft.answers):
        return f"📝 {name}: " + escape(_("not confirmed yet"))
    if current is not None and current.is_confirmed:
        return (f"✅ {name}: " + screens.chosen_titles_line(scene.ruleset, current.all_titles)
                + f" ({escape(current.reference)})")
    if current is not None:
        return f"↩️ {name}: " + escape(_("registration withdrawn"))
    return f"▫️ {name}: " + escape(_("not registered yet"))
