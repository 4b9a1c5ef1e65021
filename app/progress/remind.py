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
Every step lives in the choice data (`rmd:s:<scope>`, `rmd:w:<scope>:<what>`,
`rmd:go:<scope>:<what>:<yyyymmdd>`: `app.progress.choices`) and is re-checked against the
database on each tap: a scope outside the secretariat's, a closed item or yesterday's preview
changes nothing.
Each step replaces the screen tapped (edited in place where the channel can).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from app.context import Ctx
from app.progress.choices import (
    CANCEL,
    EVERYTHING,
    item_code,
    scope_data,
    send_data,
    unpack,
    what_data,
)
from app.progress.service import Trigger, plan, queue_reminders, secretariat_root
from app.ui import Choice, Role
from domain.models import OrgKind
from domain.org import OrgTree
from domain.progress import Board
from locales import _
from reports.progress import item_title, plan_preview, plan_result, root_label
from storage import progress as store


@dataclass(frozen=True)
class Scope:
    code: str  # "all" or the agency id, as in callback data
    root: int | None
    label: str


def _item_keys(board: Board, code: str) -> list[str] | None:
    """The items a code names (None: everything open); [] when it names nothing open."""
    if code == EVERYTHING:
        return None
    found = [i.key for i in board.items if item_code(i) == code]
    return found


def _cancel_row() -> list[Choice]:
    return [Choice(_("✖ Cancel"), CANCEL, Role.CANCEL)]


async def _scope(ctx: Ctx, tree: OrgTree, code: str) -> Scope | None:
    """A scope code re-checked against the secretariat's scope now."""
    try:
        root = await secretariat_root(ctx.services, tree)
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


async def start_remind(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    tree = await ctx.services.orgs.tree()
    everything = await _scope(ctx, tree, EVERYTHING)
    if everything is None:
        ctx.say(escape(_("The secretariat's scope (THIDUA_SECRETARIAT_SCOPE) matches no "
                         "agency or bloc.")))
        return
    rows = [[Choice(_("Everyone: {scope}").format(scope=everything.label),
                    scope_data(EVERYTHING))]]
    rows += [[Choice(a.name, scope_data(a.id))] for a in tree.agencies(everything.root)]
    rows.append(_cancel_row())
    ctx.say(escape("🔔 " + _("Whom should I remind?"), quote=False), rows)


async def on_pick(ctx: Ctx, data: str) -> None:
    pick = unpack(data)
    services = ctx.services
    today = services.now().date()
    if pick is not None and pick.step == "x":
        ctx.say(escape(_("Cancelled: nothing was sent."), quote=False), replace=True)
        return
    tree = await services.orgs.tree()
    scope = await _scope(ctx, tree, pick.scope) if pick and pick.scope is not None else None
    if pick is None or scope is None:
        ctx.expired()
        return
    board, _contacts = await store.load_board(services.db, tree, today)
    if pick.step == "s":
        await _choose_what(ctx, board, scope, today)
    elif pick.step == "w" and pick.what is not None:
        await _preview(ctx, board, scope, pick.what, today)
    elif pick.step == "go" and pick.what is not None and pick.day == f"{today:%Y%m%d}":
        await _send(ctx, board, scope, pick.what, today)
    else:
        ctx.expired()


async def _choose_what(ctx: Ctx, board: Board, scope: Scope, today: date) -> None:
    items = board.items_in(scope.root)
    if not items:
        ctx.say(escape(_("No registration or campaign is open at the moment."), quote=False),
                replace=True)
        return
    rows = [[Choice(item_title(i)[:60], what_data(scope.code, item_code(i)))] for i in items]
    if len(items) > 1:
        rows.append([Choice(_("Everything still open"), what_data(scope.code, EVERYTHING))])
    rows.append(_cancel_row())
    text = "🔔 " + _("Scope: {scope}").format(scope=scope.label) + "\n" + _("Remind about what?")
    ctx.say(escape(text, quote=False), rows, replace=True)


async def _preview(ctx: Ctx, board: Board, scope: Scope, what: str, today: date) -> None:
    keys = _item_keys(board, what)
    if keys == []:
        ctx.expired()
        return
    _board, reminder_plan, _contacts = await plan(ctx.services, [scope.root], keys, today)
    rows = []
    if reminder_plan.send:
        rows.append([Choice(_("🔔 Send ({n})").format(n=len(reminder_plan.send)),
                            send_data(scope.code, what, today))])
    rows.append([Choice(_("« Back"), scope_data(scope.code), Role.BACK), *_cancel_row()])
    question = "\n\n" + escape(_("Send the reminders?")) if reminder_plan.send else ""
    text = plan_preview(reminder_plan, scope.label, today, board.tree,
                        reserve=len(question), budget=ctx.caps.max_text) + question
    ctx.say(text, rows, replace=True)


async def _send(ctx: Ctx, board: Board, scope: Scope, what: str, today: date) -> None:
    keys = _item_keys(board, what)
    if keys == []:
        ctx.expired()
        return
    services = ctx.services
    fresh_board, reminder_plan, contacts = await plan(services, [scope.root], keys, today)
    outcome = await queue_reminders(
        services, fresh_board, reminder_plan, contacts, today, Trigger("secretariat"),
        ctx.who(), scope.code,
    )
    ctx.say(plan_result(outcome.plan, outcome.queued), replace=True)
