"""/window (/dotdangky) for the secretariat: list, open and extend registration windows.

    /dotdangky                          windows of the secretariat's scope, with +7 days buttons
    /dotdangky mo 2026 15/03/2026 [01/03/2026]     open (deadline, optional opening day)
    /dotdangky giahan 2026 31/03/2026              set a new deadline

English verbs (open, extend) work too. The scope is the secretariat's (THIDUA_SECRETARIAT_SCOPE):
the listing shows every window that concerns it, but "+7 days" only on those it may change (its
scope's, or inside it; a province-wide one is the province secretariat's). The button asks for
confirmation; both carry the deadline shown, so an outdated one changes nothing. A changed
deadline is sent to the people it concerns (storage.deadlines, through the outbox).
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from app.services import NO_ORG
from channels.telegram.context import BotContext
from channels.telegram.guards import guard
from channels.telegram.registration.common import repo, today, who
from domain.org import OrgTree
from domain.rules import load_ruleset
from domain.text import fold_key
from domain.windows import RegistrationWindow, governed_org_ids, may_change, parse_day
from locales import _, format_date, ngettext
from reports.registration_windows import deadline_notice, describe_window, window_error
from storage.deadlines import DeadlineChange, change_deadline, deadline_recipients
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
    scope = context.actor.secretariat_scope_id
    for window in windows:
        lines.append("• " + escape(describe_window(window, tree, day)))
        if window.deadline >= day - timedelta(days=60) and scope != NO_ORG \
                and may_change(window, tree, scope):
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
            change = await _change(context, update, existing.id, deadline)
            window = change.window
            done = _("Deadline changed: {window}") + "\n" + _told(change)
    except WindowError as error:
        await message.reply_text(window_error(error.code, error.params))
        return
    tree = await context.services.orgs.tree()
    lines = [done.format(window=describe_window(window, tree, today(context)))]
    if verb in OPEN_WORDS:
        lines.append(_("Rule set: {name}").format(
            name=load_ruleset(window.ruleset_id).name.get(context.actor.locale)))
    await message.reply_text(escape("\n".join(lines)), parse_mode=ParseMode.HTML)


async def _change(context: BotContext, update: Update, window_id: int, deadline: date, *,
                  shown: date | None = None) -> DeadlineChange:
    services = context.services
    tree = await services.orgs.tree()
    change = await change_deadline(
        services.db, window_id, deadline, who(update, context), tree,
        lambda window, before, locale: deadline_notice(
            window, before, tree, locale or services.settings.locale),
        shown=shown)
    services.wake_sender()
    return change


def _told(change: DeadlineChange) -> str:
    return ngettext("{n} person concerned is told the new deadline.",
                    "{n} people concerned are told the new deadline.",
                    change.told).format(n=change.told)


@guard(private=False, secretariat=True)
async def extend_button(update: Update, context: BotContext) -> None:
    """`win:x:<id>:<deadline>` asks, `win:y:<id>:<deadline>` extends, `win:n` goes back."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if parts == ["win", "n"]:
        await query.answer()
        await _refresh(query, context)
        return
    window = None
    if len(parts) == 4 and parts[1] in ("x", "y") and parts[2].isdigit():
        window = await repo(context).window(int(parts[2]))
    tree = await context.services.orgs.tree()
    scope = context.actor.secretariat_scope_id
    if window is None or parts[3] != f"{window.deadline:%Y%m%d}" or scope == NO_ORG \
            or not may_change(window, tree, scope):
        await query.answer(_("This button has expired."), show_alert=True)
        return
    new_deadline = window.deadline + timedelta(days=EXTRA_DAYS)
    if parts[1] == "x":
        await query.answer()
        await _confirm(query, context, window, tree, new_deadline)
        return
    try:
        change = await _change(context, update, window.id, new_deadline, shown=window.deadline)
    except WindowError:  # changed meanwhile by another tap or command
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer(_("Deadline moved to {date}.").format(date=format_date(new_deadline)))
    await _refresh(query, context, note=_told(change))


async def _confirm(query: CallbackQuery, context: BotContext, window: RegistrationWindow,
                   tree: OrgTree, new_deadline: date) -> None:
    windows = await repo(context).windows(window.year)
    concerned = await deadline_recipients(context.services.db, window,
                                          governed_org_ids(window, windows, tree))
    text = "\n".join([
        escape(_("Move the deadline of {window} to {date}?").format(
            window=describe_window(window, tree, today(context)),
            date=format_date(new_deadline))),
        escape(ngettext("{n} person concerned (linked, not registered yet, or a head) will be "
                        "told.",
                        "{n} people concerned (linked, not registered yet, or heads) will be "
                        "told.", len(concerned)).format(n=len(concerned))),
    ])
    stamp = f"{window.id}:{window.deadline:%Y%m%d}"
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(_("✅ Move it to {date}").format(date=format_date(new_deadline)),
                             callback_data=f"win:y:{stamp}"),
        InlineKeyboardButton(_("« Back"), callback_data="win:n"),
    ]])
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _refresh(query: CallbackQuery, context: BotContext, note: str = "") -> None:
    text, markup = await _listing(context)
    if note:
        text = escape(note) + "\n\n" + text
    # If the listing cannot be refreshed, the change is still saved and was confirmed above.
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
