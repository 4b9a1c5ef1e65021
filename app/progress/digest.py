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
headship at the time of the tap, so a forged button can never reach another unit. (A button is
a choice of the core: channels without buttons offer it as a numbered line.)
"""

from __future__ import annotations

from html import escape

from app.access import HEADS, Access
from app.context import Ctx
from app.progress.choices import unpack_remind
from app.progress.service import (
    Trigger,
    digest_buttons,
    head_views,
    remind,
    secretariat_root,
)
from app.ui import Choice
from domain.access import scope_roots
from domain.progress import normalise_roots, scope_key, scope_view, week_period
from locales import _
from reports.progress import nothing_open_text, plan_result, render_digest, sender_label
from storage import progress as store
from storage.outbox import Button

BUTTON_DAYS = 7  # a digest's "Remind" works until the next digest
HEAD_ACCESS = Access(roles=HEADS)  # heads, linked, in private


def _choices(rows: list[list[Button]]) -> list[list[Choice]]:
    """The digest's buttons (as the outbox stores them) as choices."""
    return [[Choice(b.text, b.callback_data or "") for b in row] for row in rows]


async def show_progress(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    services = ctx.services
    now = services.now()
    today = now.date()
    period = week_period(today)
    tree = await services.orgs.tree()
    if actor.is_secretariat:
        try:
            root = await secretariat_root(services, tree)
        except LookupError:
            ctx.say(escape(_("The secretariat's scope (THIDUA_SECRETARIAT_SCOPE) matches no "
                             "agency or bloc.")))
            return
        board, _contacts = await store.load_board(services.db, tree, today)
        previous = await store.previous_snapshots(services.db, period)
        view = scope_view(board, root, previous, wide=True)
        if not view.items:
            ctx.say(escape(nothing_open_text()))
            return
        ctx.say(render_digest(period, [view], tree, today, secretariat=True, remind_hint=False,
                              as_of=now))
        return
    reason = HEAD_ACCESS.refusal(actor)
    if reason is not None:
        ctx.alert(reason)
        return
    board, _contacts = await store.load_board(services.db, tree, today)
    previous = await store.previous_snapshots(services.db, period)
    views = head_views(board, actor, previous)
    if not views:
        ctx.say(escape(nothing_open_text()))
        return
    reader = actor.person.id if actor.person else 0
    reminded = frozenset(await store.reminded_on(services.db, today))
    buttons = digest_buttons(views, today, reader, _("🔔 Remind ({n})"),
                             _("👥 Register the collective"), reminded)
    ctx.say(render_digest(period, views, tree, today, reader=reader, as_of=now,
                          reminded=reminded), _choices(buttons))


async def remind_from_digest(ctx: Ctx, data: str) -> None:
    """`pr:rm:<yyyymmdd>`: remind the people of the units the head heads now."""
    services = ctx.services
    actor = ctx.actor
    today = services.now().date()
    stamp = unpack_remind(data)
    if stamp is None or not 0 <= (today - stamp).days <= BUTTON_DAYS:
        ctx.expired()
        return
    tree = await services.orgs.tree()
    roots = normalise_roots(tree, scope_roots(actor, tree))
    person = actor.person
    if not roots or person is None:  # no longer heads anything
        ctx.alert(_("You do not have permission to use this."))
        return
    outcome = await remind(
        services, roots, None, today,
        Trigger("head", sender_label(person, tree), person.id),
        ctx.who(),
        ",".join(scope_key(r) for r in roots),
        exclude={person.id},
    )
    ctx.say(plan_result(outcome.plan, outcome.queued))
