"""/window (/dotdangky) for the secretariat: list, open and extend registration windows.

    /dotdangky                          windows of the secretariat's scope, with +7 days buttons
    /dotdangky mo 2026 15/03/2026 [01/03/2026]     open (deadline, optional opening day)
    /dotdangky giahan 2026 31/03/2026              set a new deadline

English verbs (open, extend) work too. The scope is the secretariat's (THIDUA_SECRETARIAT_SCOPE);
a "+7 days" button carries the deadline it was shown with, so an outdated one changes nothing.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from app.services import NO_ORG
from channels.telegram.context import BotContext
from channels.telegram.guards import guard
from channels.telegram.registration.common import repo, today, who
from domain.org import OrgTree
from domain.rules import load_ruleset
from domain.text import fold_key
from domain.windows import RegistrationWindow, parse_day
from locales import _, format_date
from reports.registration_windows import describe_window, window_error
from storage.registrations import WindowError

OPEN_WORDS = {"open", "mo"}
EXTEND_WORDS = {"extend", "giahan", "gia-han", "deadline", "han"}
EXTRA_DAYS = 7


def _usage() -> str:
    return "\n".join([
        _("Open the registration of a year: /dotdangky mo 2026 15/03/2026 (deadline; add the "
          "opening day if it is not today)"),
        _("Change the deadline: /dotdangky giahan 2026 31/03/2026"),
    ])


def _mine(windows: list[RegistrationWindow], tree: OrgTree, scope: int | None
          ) -> list[RegistrationWindow]:
    """Windows the secretariat deals with: its own scope, inside it, or covering everything."""
    return [w for w in windows
            if w.scope_org_id is None or scope is None
            or (w.scope_org_id in tree and tree.is_within(w.scope_org_id, scope))]


async def _listing(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    tree = await context.services.orgs.tree()
    day = today(context)
    windows = _mine(await repo(context).windows(), tree, context.actor.secretariat_scope_id)
    if not windows:
        return escape(_("No registration has been opened yet.") + "\n\n" + _usage()), None
    lines = ["<b>" + escape(_("Registration windows")) + "</b>"]
    rows = []
    for window in windows:
        lines.append("• " + escape(describe_window(window, tree, day)))
        if window.deadline >= day - timedelta(days=60):
            label = _("⏩ {year}: +{days} days").format(year=window.year, days=EXTRA_DAYS)
            data = f"win:x:{window.id}:{window.deadline:%Y%m%d}"
            rows.append([InlineKeyboardButton(label, callback_data=data)])
    lines += ["", escape(_usage())]
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


@guard(private=False, secretariat=True)
async def window_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if not args:
        text, markup = await _listing(context)
        await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        return
    scope = context.actor.secretariat_scope_id
    if scope == NO_ORG:
        await message.reply_text(_("The secretariat's scope (THIDUA_SECRETARIAT_SCOPE) names no "
                                   "bloc or agency of the roster; please correct it first."))
        return
    verb = fold_key(args[0]).replace(" ", "")
    year = int(args[1]) if len(args) > 1 and args[1].isdigit() else None
    days = [parse_day(a) for a in args[2:4]]
    if year is None or not days or any(d is None for d in days) or \
            (verb not in OPEN_WORDS | EXTEND_WORDS) or (verb in EXTEND_WORDS and len(days) > 1):
        await message.reply_text(_("I could not read this command.") + "\n" + _usage())
        return
    deadline: date = days[0]  # type: ignore[assignment]
    try:
        if verb in OPEN_WORDS:
            opens = days[1] if len(days) > 1 else today(context)
            assert opens is not None
            window = await repo(context).open_window(year, scope, opens, deadline,
                                                     who(update, context))
            done = _("Registration opened: {window}")
        else:
            existing = await repo(context).window_by_scope(year, scope)
            if existing is None:
                await message.reply_text(_("The registration of {year} has not been opened for "
                                           "this scope.").format(year=year))
                return
            window = await repo(context).set_deadline(existing.id, deadline, who(update, context))
            done = _("Deadline changed: {window}")
    except WindowError as error:
        await message.reply_text(window_error(error.code, error.params))
        return
    tree = await context.services.orgs.tree()
    lines = [done.format(window=describe_window(window, tree, today(context)))]
    if verb in OPEN_WORDS:
        lines.append(_("Rule set: {name}").format(
            name=load_ruleset(window.ruleset_id).name.get(context.actor.locale)))
    await message.reply_text(escape("\n".join(lines)), parse_mode=ParseMode.HTML)


@guard(private=False, secretariat=True)
async def extend_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    window = None
    if len(parts) == 4 and parts[2].isdigit():
        window = await repo(context).window(int(parts[2]))
    tree = await context.services.orgs.tree()
    scope = context.actor.secretariat_scope_id
    if window is None or parts[3] != f"{window.deadline:%Y%m%d}" or \
            not _mine([window], tree, scope):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    new_deadline = window.deadline + timedelta(days=EXTRA_DAYS)
    await repo(context).set_deadline(window.id, new_deadline, who(update, context))
    await query.answer(_("Deadline moved to {date}.").format(date=format_date(new_deadline)))
    text, markup = await _listing(context)
    # If the listing cannot be refreshed, the change is still saved and was confirmed above.
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
