"""/progress on demand, and the "Remind" button of a digest.

```mermaid
stateDiagram-v2
    [*] --> Digest: weekly job, thidua digest --now, or /progress (a head)
    [*] --> Overview: /progress (the secretariat)
    Digest --> Reminded: "Remind" by a head who still heads the units (within 7 days)
    Digest --> Digest: stale, forged or foreign button (refused, nothing sent)
    Reminded --> [*]: result listed (reminded, already reminded today, unreachable)
```
No conversation state: the button carries the digest's date, and the scope is the presser's
headship at the time of the tap, so a forged button can never reach another unit.
"""

from __future__ import annotations

from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from channels.telegram.commands import HEADS
from channels.telegram.context import BotContext, audit_context
from channels.telegram.guards import guard, refusal_for, refuse
from channels.telegram.progress.service import (
    Trigger,
    digest_buttons,
    head_views,
    remind,
    secretariat_root,
)
from domain.access import scope_roots
from domain.progress import normalise_roots, scope_key, scope_view, week_period
from locales import _
from reports.progress import nothing_open_text, plan_result, render_digest, sender_label
from storage import progress as store
from storage.outbox import Button

BUTTON_DAYS = 7  # a digest's "Remind" works until the next digest


def _markup(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.callback_data)
                                  for b in row] for row in rows])


@guard(private=False, linked=False)
async def show_progress(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    actor = context.actor
    services = context.services
    today = services.now().date()
    period = week_period(today)
    tree = await services.orgs.tree()
    if actor.is_secretariat:
        try:
            root = await secretariat_root(services, tree)
        except LookupError:
            await message.reply_text(_("The secretariat's scope (THIDUA_SECRETARIAT_SCOPE) "
                                       "matches no agency or bloc."))
            return
        board, _contacts = await store.load_board(services.db, tree, today)
        previous = await store.previous_snapshots(services.db, period)
        view = scope_view(board, root, previous, wide=True)
        if not view.items:
            await message.reply_text(nothing_open_text())
            return
        text = render_digest(period, [view], tree, today, secretariat=True, remind_hint=False)
        await message.reply_text(text, parse_mode=ParseMode.HTML)
        return
    reason = refusal_for(context, private=True, linked=True, roles=HEADS, secretariat=False)
    if reason is not None:
        await refuse(update, reason)
        return
    board, _contacts = await store.load_board(services.db, tree, today)
    previous = await store.previous_snapshots(services.db, period)
    views = head_views(board, actor, previous)
    if not views:
        await message.reply_text(nothing_open_text())
        return
    reader = actor.person.id if actor.person else 0
    buttons = digest_buttons(views, today, reader, _("🔔 Remind ({n})"),
                             _("👥 Register the collective"))
    await message.reply_text(render_digest(period, views, tree, today, reader=reader),
                             parse_mode=ParseMode.HTML, reply_markup=_markup(buttons))


def _button_date(data: str) -> date | None:
    parts = data.split(":")
    if len(parts) != 3 or len(parts[2]) != 8 or not parts[2].isdigit():
        return None
    try:
        return datetime.strptime(parts[2], "%Y%m%d").date()
    except ValueError:
        return None


@guard(roles=HEADS)
async def remind_from_digest(update: Update, context: BotContext) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    services = context.services
    actor = context.actor
    today = services.now().date()
    stamp = _button_date(query.data or "")
    if stamp is None or not 0 <= (today - stamp).days <= BUTTON_DAYS:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    tree = await services.orgs.tree()
    roots = normalise_roots(tree, scope_roots(actor, tree))
    person = actor.person
    if not roots or person is None:  # no longer heads anything
        await refuse(update, _("You do not have permission to use this."))
        return
    await query.answer()
    outcome = await remind(
        services, roots, None, today,
        Trigger("head", sender_label(person, tree), person.id),
        audit_context(update, person.id),
        ",".join(scope_key(r) for r in roots),
        exclude={person.id},
    )
    await context.bot.send_message(chat.id, plan_result(outcome.plan, outcome.queued),
                                   parse_mode=ParseMode.HTML)
