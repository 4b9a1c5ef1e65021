"""/remind (/nhacnho): the secretariat reminds a whole scope, after a preview.

```mermaid
stateDiagram-v2
    [*] --> Scope: /remind in the secretariat chat (or a secretariat member in private)
    Scope --> What: the whole scope, or one agency
    What --> Preview: registration, one campaign, or everything open
    Preview --> Queued: "Send" (the same day; recomputed at the tap)
    Preview --> What: "Back"
    Scope --> Cancelled: "Cancel"
    What --> Cancelled: "Cancel"
    Preview --> Cancelled: "Cancel"
    Queued --> [*]
    Cancelled --> [*]
```
Every step lives in the callback data (`rmd:s:<scope>`, `rmd:w:<scope>:<what>`,
`rmd:go:<scope>:<what>:<yyyymmdd>`) and is re-checked against the database on each tap:
a scope outside the secretariat's, a closed item or yesterday's preview changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from channels.telegram.context import BotContext, audit_context
from channels.telegram.guards import guard
from channels.telegram.progress.service import Trigger, plan, queue_reminders, secretariat_root
from domain.models import OrgKind
from domain.org import OrgTree
from domain.progress import Board, Item, ItemKind
from locales import _
from reports.progress import item_title, plan_preview, plan_result, root_label
from storage import progress as store

EVERYTHING = "all"


@dataclass(frozen=True)
class Scope:
    code: str  # "all" or the agency id, as in callback data
    root: int | None
    label: str


def _item_code(item: Item) -> str:
    return ("r" if item.kind == ItemKind.REGISTRATION else "c") + item.key.split(":")[1]


def _item_keys(board: Board, code: str) -> list[str] | None:
    """The items a code names (None: everything open); [] when it names nothing open."""
    if code == EVERYTHING:
        return None
    found = [i.key for i in board.items if _item_code(i) == code]
    return found


def _cancel_row() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(_("✖ Cancel"), callback_data="rmd:x")]


async def _scope(context: BotContext, tree: OrgTree, code: str) -> Scope | None:
    """A scope code re-checked against the secretariat's scope now."""
    try:
        root = await secretariat_root(context.services, tree)
    except LookupError:
        return None
    if code == EVERYTHING:
        return Scope(EVERYTHING, root, root_label(tree, root))
    if not code.isdigit() or int(code) not in tree:
        return None
    org = tree.get(int(code))
    if org.kind != OrgKind.AGENCY or not tree.is_within(org.id, root):
        return None
    return Scope(code, org.id, org.name)


async def _edit(update: Update, text: str, rows: list[list[InlineKeyboardButton]]) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML,
                                      reply_markup=InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as exc:  # a double tap: the message already shows this
        if "not modified" not in str(exc).lower():
            raise


@guard(private=False, secretariat=True)
async def start_remind(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    tree = await context.services.orgs.tree()
    everything = await _scope(context, tree, EVERYTHING)
    if everything is None:
        await message.reply_text(_("The secretariat's scope (THIDUA_SECRETARIAT_SCOPE) "
                                   "matches no agency or bloc."))
        return
    rows = [[InlineKeyboardButton(_("Everyone: {scope}").format(scope=everything.label),
                                  callback_data=f"rmd:s:{EVERYTHING}")]]
    rows += [[InlineKeyboardButton(a.name, callback_data=f"rmd:s:{a.id}")]
             for a in tree.agencies(everything.root)]
    rows.append(_cancel_row())
    await message.reply_text("🔔 " + _("Whom should I remind?"),
                             reply_markup=InlineKeyboardMarkup(rows))


@guard(private=False, secretariat=True)
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    parts = (query.data or "").split(":")
    services = context.services
    today = services.now().date()
    if parts == ["rmd", "x"]:
        await query.answer()
        await _edit(update, _("Cancelled: nothing was sent."), [])
        return
    tree = await services.orgs.tree()
    scope = await _scope(context, tree, parts[2]) if len(parts) >= 3 else None
    if scope is None:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    board, _contacts = await store.load_board(services.db, tree, today)
    step = parts[1]
    if step == "s" and len(parts) == 3:
        await _choose_what(update, board, scope, today)
    elif step == "w" and len(parts) == 4:
        await _preview(update, context, board, scope, parts[3], today)
    elif step == "go" and len(parts) == 5 and parts[4] == f"{today:%Y%m%d}":
        await _send(update, context, board, scope, parts[3], today)
    else:
        await query.answer(_("This button has expired."), show_alert=True)


async def _choose_what(update: Update, board: Board, scope: Scope, today: date) -> None:
    query = update.callback_query
    assert query is not None
    items = board.items_in(scope.root)
    await query.answer()
    if not items:
        await _edit(update, _("No registration or campaign is open at the moment."), [])
        return
    rows = [[InlineKeyboardButton(item_title(i)[:60],
                                  callback_data=f"rmd:w:{scope.code}:{_item_code(i)}")]
            for i in items]
    if len(items) > 1:
        rows.append([InlineKeyboardButton(_("Everything still open"),
                                          callback_data=f"rmd:w:{scope.code}:{EVERYTHING}")])
    rows.append(_cancel_row())
    text = "🔔 " + _("Scope: {scope}").format(scope=scope.label) + "\n" + _("Remind about what?")
    await _edit(update, escape(text, quote=False), rows)


async def _preview(update: Update, context: BotContext, board: Board, scope: Scope, what: str,
                   today: date) -> None:
    query = update.callback_query
    assert query is not None
    keys = _item_keys(board, what)
    if keys == []:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer()
    _board, reminder_plan, _contacts = await plan(context.services, [scope.root], keys, today)
    rows = []
    if reminder_plan.send:
        rows.append([InlineKeyboardButton(
            _("🔔 Send ({n})").format(n=len(reminder_plan.send)),
            callback_data=f"rmd:go:{scope.code}:{what}:{today:%Y%m%d}")])
    rows.append([InlineKeyboardButton(_("« Back"), callback_data=f"rmd:s:{scope.code}"),
                 *_cancel_row()])
    question = "\n\n" + _("Send the reminders?") if reminder_plan.send else ""
    text = plan_preview(reminder_plan, scope.label, today, board.tree,
                        reserve=len(question)) + question
    await _edit(update, text, rows)


async def _send(update: Update, context: BotContext, board: Board, scope: Scope, what: str,
                today: date) -> None:
    query = update.callback_query
    assert query is not None
    keys = _item_keys(board, what)
    if keys == []:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    await query.answer()
    services = context.services
    person = context.actor.person
    fresh_board, reminder_plan, contacts = await plan(services, [scope.root], keys, today)
    outcome = await queue_reminders(
        services, fresh_board, reminder_plan, contacts, today, Trigger("secretariat"),
        audit_context(update, person.id if person else None), scope.code,
    )
    await _edit(update, plan_result(outcome.plan, outcome.queued), [])
