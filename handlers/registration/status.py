"""/status (/cuatoi): my registration of the year, any unconfirmed draft, and for heads the
collectives they register; with buttons to edit, withdraw or carry on while the window is open.

No conversation: one message, whose buttons enter the registration conversation (flow.py).
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from domain.access import collective_subjects
from domain.subjects import Subject
from handlers.context import BotContext
from handlers.guards import guard
from handlers.registration import screens
from handlers.registration.common import Scene, repo, scene_for, send, today
from handlers.registration.steps import registration_buttons
from locales import _
from reports.registration_windows import window_dates, window_state
from storage.registration_import import ruleset_of_year


@guard()
async def show_status(update: Update, context: BotContext) -> None:
    actor = context.actor
    assert actor.person is not None
    tree = await context.services.orgs.tree()
    scene = await scene_for(context, Subject.of_person(actor.person), tree=tree)
    if scene.window is None:
        await send(update, context, await _without_window(context, scene))
        return
    lines, markup = await _subject_block(context, scene)
    heads = collective_subjects(actor, tree)
    if heads:
        lines += ["", "<b>" + escape(_("Collectives you register")) + "</b>"]
        for org_id in heads:
            lines.append(await _collective_line(context, await scene_for(
                context, Subject.of_org(tree.get(org_id)), tree=tree)))
        lines.append(escape(_("Send /tapthe to register or change them.")))
    await send(update, context, "\n".join(lines), markup)


async def _without_window(context: BotContext, scene: Scene) -> str:
    """No window applies now: say so, under the last registration on record if there is one
    (entered by the office from paper, or of a year whose window has been removed)."""
    closed = escape(_(
        "Registration has not been opened for you yet. The emulation and commendation "
        "office opens it each year with a deadline."))
    year = await repo(context).latest_year(scene.subject)
    ruleset = await ruleset_of_year(context.services.db, year) if year is not None else None
    registration = await repo(context).current(year, scene.subject) if ruleset else None
    if registration is None or ruleset is None:
        return closed
    lines = ["<b>" + escape(_("Your emulation registration {year}").format(year=year)) + "</b>",
             *screens.registration_block(ruleset, registration, context.services.settings.tz),
             "", closed]
    return "\n".join(lines)


async def _subject_block(context: BotContext, scene: Scene
                         ) -> tuple[list[str], InlineKeyboardMarkup | None]:
    window = scene.window
    assert window is not None
    day = today(context)
    tz = context.services.settings.tz
    lines = [
        "<b>" + escape(_("Your emulation registration {year}").format(year=window.year)) + "</b>",
        escape(_("Registration: {dates} ({state})").format(
            dates=window_dates(window), state=window_state(window, day))),
        "",
    ]
    current = await repo(context).current(window.year, scene.subject)
    draft = await repo(context).draft(window.year, scene.subject)
    if current is not None:
        lines += screens.registration_block(scene.ruleset, current, tz)
    elif draft is None:
        lines.append(escape(_("You have not registered yet. Send /dangky to register.")))
    if draft is not None:
        lines.append(screens.draft_line(scene.ruleset, draft, tz))
    if not window.is_open(day):
        return lines, None
    buttons = []
    if draft is not None:
        buttons.append(InlineKeyboardButton(_("▶️ Carry on"), callback_data=screens.cb(
            "r", draft.id, draft.version)))
    elif current is not None and current.is_confirmed:
        buttons.extend(registration_buttons(current).inline_keyboard[0])
    return lines, InlineKeyboardMarkup([buttons]) if buttons else None


async def _collective_line(context: BotContext, scene: Scene) -> str:
    name = escape(scene.name)
    if scene.window is None:
        return f"▫️ {name}: " + escape(_("registration not open"))
    current = await repo(context).current(scene.window.year, scene.subject)
    draft = await repo(context).draft(scene.window.year, scene.subject)
    if draft is not None:
        return f"📝 {name}: " + escape(_("not confirmed yet"))
    if current is not None and current.is_confirmed:
        return (f"✅ {name}: " + screens.chosen_titles_line(scene.ruleset, current.all_titles)
                + f" ({escape(current.reference)})")
    if current is not None:
        return f"↩️ {name}: " + escape(_("registration withdrawn"))
    return f"▫️ {name}: " + escape(_("not registered yet"))
