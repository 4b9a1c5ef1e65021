"""Digests and reminders, built and queued: the layer the use cases, the jobs and the CLI share.

Everything is queued in the outbox in one transaction with its audit entry and (for digests)
the week's snapshot; the senders deliver it. Each person's digest or reminder goes to the
channel they use (`storage.progress.Contact`), the secretariat's overview to each of its groups
(`Services.secretariat_chats`: Telegram's and Zalo's). Dedupe keys make every call idempotent:
`digest:<week>:<person>` (one digest per head per week) and `remind:<date>:<person>` (nobody
reminded twice a day, whoever asks).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.progress.choices import remind_data
from app.services import NO_ORG, Services
from domain.access import Actor, collective_subjects, scope_roots
from domain.models import Person
from domain.org import OrgTree
from domain.progress import (
    Board,
    Item,
    ItemKind,
    ReminderPlan,
    ScopeView,
    Tally,
    normalise_roots,
    plan_reminders,
    reminder_due,
    scope_key,
    scope_view,
)
from locales import _, choices_as_buttons, normalize_locale, use_locale
from reports.progress import (
    OPEN_COLLECTIVE,
    reminder_buttons,
    reminder_text,
    render_digest,
)
from storage import audit
from storage import progress as store
from storage.audit import AuditContext
from storage.links import native_chat_id
from storage.outbox import Button, NewMessage, enqueue_in

DIGEST_JOB = "weekly-digest"
YIELD_EVERY = 50  # digests built between two turns of the event loop
REMIND_JOB = "deadline-reminders"


@dataclass(frozen=True)
class DigestOutcome:
    period: str
    recipients: int  # heads (and the secretariat chats) with something to read
    queued: int  # new messages (the rest were queued earlier this week)
    nothing_open: bool = False


@dataclass(frozen=True)
class Trigger:
    """Who asks for reminders: a head (from the digest), the secretariat, or the schedule."""

    kind: str  # "head", "secretariat", "auto"
    label: str | None = None  # shown to the people reminded
    person_id: int | None = None


@dataclass(frozen=True)
class ReminderOutcome:
    plan: ReminderPlan
    queued: int
    batch: str


def _locale(services: Services, contact: store.Contact | None) -> str:
    return normalize_locale(contact.locale if contact else None, services.settings.locale)


def head_actor(person: Person, headed: Sequence[int], contact: store.Contact | None,
               locale: str) -> Actor:
    """The head as the access rules see them in their private chat."""
    return Actor(
        account=contact.account if contact else None,
        chat_id=str(contact.chat_id) if contact else None,
        chat_type="private",
        locale=locale,
        person=person,
        headed_org_ids=tuple(headed),
    )


def head_views(board: Board, actor: Actor, previous: dict) -> list[ScopeView]:
    """What a head sees: one view per unit (or agency) headed, with their collectives."""
    tree = board.tree
    collectives = collective_subjects(actor, tree)
    views = []
    for root in normalise_roots(tree, scope_roots(actor, tree)):
        inside = [o for o in collectives if tree.is_within(o, root)]
        view = scope_view(board, root, previous, wide=True, collectives=inside)
        if view.items:
            views.append(view)
    return views


async def secretariat_root(services: Services, tree: OrgTree) -> int | None:
    """The secretariat's scope; raises LookupError when THIDUA_SECRETARIAT_SCOPE matches nothing."""
    root = await services.secretariat_scope_id(tree)
    if root == NO_ORG:
        raise LookupError(services.settings.secretariat_scope or "")
    return root


def digest_buttons(views: Sequence[ScopeView], today: date, reader: int, remind_label: str,
                   collective_label: str, reminded: frozenset[int] = frozenset()
                   ) -> list[list[Button]]:
    """"Remind (n)", n counting who a tap would remind now (not who was reminded today)."""
    rows = []
    remindable = sum(v.remindable(reader, reminded) for v in views)
    if remindable:
        rows.append([Button(remind_label.format(n=remindable), callback_data=remind_data(today))])
    if any(f.collective_missing for v in views for f in v.items):
        rows.append([Button(collective_label, callback_data=OPEN_COLLECTIVE)])
    return rows


async def queue_digests(services: Services, period: str, today: date,
                        as_of: datetime | None = None) -> DigestOutcome:
    """Queue this week's digest to every linked head, and the overview to the secretariat;
    each says the time its figures were taken (`as_of`, local; default now)."""
    db = services.db
    as_of = (as_of or services.now()).astimezone(services.settings.tz)
    tree = await services.orgs.tree()
    board, contacts = await store.load_board(db, tree, today)
    if not board.items:
        return DigestOutcome(period, 0, 0, nothing_open=True)
    previous = await store.previous_snapshots(db, period)
    reminded = frozenset(await store.reminded_on(db, today))
    people = {p.id: p for p in board.people}
    messages: list[NewMessage] = []
    snapshots: dict[tuple[str, str], Tally] = {}
    for n, (person_id, headed) in enumerate(await store.heads(db)):
        if n % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)  # thousands of heads: let people's updates through meanwhile
        person, contact = people.get(person_id), contacts.get(person_id)
        if person is None or contact is None or contact.blocked:
            continue  # the secretariat's overview lists heads the bot cannot reach
        locale = _locale(services, contact)
        views = head_views(board, head_actor(person, headed, contact, locale), previous)
        if not views:
            continue
        for view in views:
            for figures in view.items:
                key = scope_key(view.root.id if view.root else None)
                snapshots[(key, figures.item.key)] = figures.tally
        with use_locale(locale), choices_as_buttons(contact.channel != "zalo"):
            text = render_digest(period, views, tree, today, reader=person_id, as_of=as_of,
                                 reminded=reminded)
            buttons = digest_buttons(views, today, person_id, _("🔔 Remind ({n})"),
                                     _("👥 Register the collective"), reminded)
        messages.append(NewMessage(
            batch=f"digest:{period}", kind="digest", channel=contact.channel,
            chat_id=contact.chat_id,
            person_id=person_id, text=text, buttons=buttons,
            dedupe_key=f"digest:{period}:{person_id}",
        ))
    chats = services.secretariat_chats()
    if chats:
        try:
            root = await secretariat_root(services, tree)
        except LookupError:
            root = NO_ORG
        if root != NO_ORG:
            view = scope_view(board, root, previous, wide=True)
            if view.items:
                for figures in view.items:
                    snapshots[(scope_key(root), figures.item.key)] = figures.tally
                with use_locale(services.settings.locale):
                    text = render_digest(period, [view], tree, today, secretariat=True,
                                         remind_hint=False, as_of=as_of)
                messages.extend(NewMessage(
                    batch=f"digest:{period}", kind="digest", channel=channel,
                    chat_id=native_chat_id(channel, chat_id), text=text,
                    dedupe_key=f"digest:{period}:chat:{chat_id}",
                ) for channel, chat_id in chats)
    async with db.transaction() as conn:
        await store.save_snapshots(conn, period, [(s, i, t) for (s, i), t in snapshots.items()])
        queued = await enqueue_in(conn, messages)
        await audit.record(conn, AuditContext.system(), "digest", "progress", period,
                           {"recipients": len(messages), "queued": queued})
    services.wake_sender()
    return DigestOutcome(period, len(messages), queued)


async def plan(
    services: Services,
    roots: Iterable[int | None],
    item_keys: Iterable[str] | None,
    today: date,
    *,
    exclude: Iterable[int] = (),
) -> tuple[Board, ReminderPlan, dict[int, store.Contact]]:
    """Who would be reminded of what, now."""
    tree = await services.orgs.tree()
    board, contacts = await store.load_board(services.db, tree, today)
    reminded = await store.reminded_on(services.db, today)
    headships = await services.people.all_headships()
    result = plan_reminders(board, roots, item_keys, reminded, headships, exclude=exclude)
    return board, result, contacts


async def queue_reminders(
    services: Services,
    board: Board,
    reminder_plan: ReminderPlan,
    contacts: dict[int, store.Contact],
    today: date,
    trigger: Trigger,
    who: AuditContext,
    scope: str,
) -> ReminderOutcome:
    """Queue one reminder per person of the plan, in their language."""
    registration = next((i for i in reminder_plan.items if i.kind == ItemKind.REGISTRATION),
                        None)
    batch = f"remind:{today.isoformat()}:{trigger.kind}"
    if trigger.person_id is not None:
        batch += f":{trigger.person_id}"
    messages = []
    for reminder in reminder_plan.send:
        contact = contacts[reminder.person.id]
        with use_locale(_locale(services, contact)), \
                choices_as_buttons(contact.channel != "zalo"):
            sender = trigger.label
            if trigger.kind == "secretariat":
                sender = _("Emulation and commendation secretariat")
            text = reminder_text(reminder, today, sender=sender, registration=registration)
            rows = [[Button(label, callback_data=data) for label, data in row]
                    for row in reminder_buttons(reminder)]
        messages.append(NewMessage(
            batch=batch, kind="reminder", channel=contact.channel, chat_id=contact.chat_id,
            person_id=reminder.person.id, text=text, buttons=rows,
            dedupe_key=store.reminder_key(today, reminder.person.id),
        ))
    async with services.db.transaction() as conn:
        queued = await enqueue_in(conn, messages)
        await audit.record(conn, who, "remind", "progress", batch, {
            "trigger": trigger.kind, "scope": scope,
            "items": [i.key for i in reminder_plan.items],
            "queued": queued, "already": len(reminder_plan.already),
            "unreachable": len(reminder_plan.unreachable),
        })
    services.wake_sender()
    return ReminderOutcome(reminder_plan, queued, batch)


async def remind(
    services: Services,
    roots: Iterable[int | None],
    item_keys: Iterable[str] | None,
    today: date,
    trigger: Trigger,
    who: AuditContext,
    scope: str,
    *,
    exclude: Iterable[int] = (),
) -> ReminderOutcome:
    board, reminder_plan, contacts = await plan(services, roots, item_keys, today,
                                                exclude=exclude)
    return await queue_reminders(services, board, reminder_plan, contacts, today, trigger, who,
                                 scope)


async def queue_deadline_reminders(services: Services, today: date) -> ReminderOutcome | None:
    """The automatic reminders of the day: items whose deadline is near."""
    tree = await services.orgs.tree()
    board, _contacts = await store.load_board(services.db, tree, today)
    due: list[Item] = [i for i in board.items
                       if reminder_due(i, today, services.settings.reminder_days_before)]
    if not due:
        return None
    return await remind(services, [None], [i.key for i in due], today, Trigger("auto"),
                        AuditContext.system(), "all")
