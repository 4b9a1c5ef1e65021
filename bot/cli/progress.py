"""`thidua digest --now` and `thidua remind [--agency NAME] [--what registration|campaign CODE]`.

Both queue in the outbox (deduplicated exactly as the bot's own runs) and then drain it with a
Bot built from the settings; if the bot is running too, leases keep the two senders from
sending the same message.
"""

from __future__ import annotations

import argparse

from app.progress.service import (
    Trigger,
    plan,
    queue_digests,
    queue_reminders,
    secretariat_root,
)
from app.services import Services
from app.settings import Settings
from bot.cli.common import fail, open_services
from bot.outbox import OutboxSender, outbox_bot
from domain.models import OrgUnit
from domain.org import OrgTree
from domain.progress import ItemKind, week_period
from domain.text import fold_key
from locales import _
from reports.progress import as_plain, nothing_open_text, plan_preview, plan_result, root_label
from storage import progress as store
from storage.audit import AuditContext
from storage.outbox import BatchStatus, OutboxRepository

DRAIN_SECONDS = 600.0


def add_commands(sub: argparse._SubParsersAction) -> None:
    digest = sub.add_parser("digest", help=_("the weekly progress digest to unit and agency heads"))
    digest.add_argument("--now", action="store_true",
                        help=_("send this week's digest now (heads who have it are skipped)"))
    digest.set_defaults(handler=digest_command)

    remind = sub.add_parser("remind", help=_("remind the people who have not acted yet"))
    remind.add_argument("--agency", help=_("only this agency (accents optional)"))
    remind.add_argument("--what", nargs="+", metavar="WHAT",
                        help=_("registration, or campaign CODE (default: everything open)"))
    remind.add_argument("--dry-run", action="store_true", help=_("show who would be reminded"))
    remind.set_defaults(handler=remind_command)


async def drain_outbox(settings: Settings, services: Services) -> bool:
    """Send everything queued; False if some messages must wait (429s, retries)."""
    async with outbox_bot(settings.token, settings.telegram_api_base_url,
                          settings.telegram_api_file_url) as bot:
        sender = OutboxSender(bot, services.db, per_second=settings.send_rate)
        return await sender.drain(DRAIN_SECONDS)


def describe_batch(status: BatchStatus) -> str:
    return _("Sent: {sent}; unreachable: {unreachable}; failed: {failed}; "
             "still waiting: {pending}.").format(
        sent=status.sent, unreachable=status.unreachable, failed=status.failed,
        pending=status.pending)


async def digest_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        today = services.now().date()
        period = week_period(today)
        batch = f"digest:{period}"
        if not args.now:
            print(_("Digest {period}:").format(period=period), describe_batch(
                await OutboxRepository(services.db).batch_status(batch)))
            print(_("Use --now to send it now."))
            return 0
        settings.token  # noqa: B018 - fail before queuing when the token is missing
        outcome = await queue_digests(services, period, today)
        if outcome.nothing_open:
            print(nothing_open_text())
            return 0
        print(_("Digest {period}: {recipients} recipients, {queued} new messages.").format(
            period=period, recipients=outcome.recipients, queued=outcome.queued))
        complete = await drain_outbox(settings, services)
        print(describe_batch(await OutboxRepository(services.db).batch_status(batch)))
    return 0 if complete else 1


def find_agency(tree: OrgTree, root: int | None, name: str) -> list[OrgUnit]:
    wanted = fold_key(name)
    agencies = tree.agencies(root)
    exact = [a for a in agencies if fold_key(a.name) == wanted]
    return exact or [a for a in agencies if wanted in fold_key(a.name)]


async def remind_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        tree = await services.orgs.tree()
        try:
            root = await secretariat_root(services, tree)
        except LookupError:
            return fail(_("The secretariat's scope (THIDUA_SECRETARIAT_SCOPE) matches no "
                          "agency or bloc."))
        scope_label = root_label(tree, root)
        scope_code = "all"
        if args.agency:
            found = find_agency(tree, root, args.agency)
            if len(found) != 1:
                listing = ", ".join(a.name for a in found) or "–"
                return fail(_("No single agency matches {name!r} (found: {found}).").format(
                    name=args.agency, found=listing))
            root, scope_label, scope_code = found[0].id, found[0].name, str(found[0].id)
        today = services.now().date()
        board, _contacts = await store.load_board(services.db, tree, today)
        keys: list[str] | None = None
        if args.what:
            kind, *rest = args.what
            if kind == "registration" and not rest:
                keys = [i.key for i in board.items if i.kind == ItemKind.REGISTRATION]
            elif kind == "campaign" and len(rest) == 1:
                keys = [i.key for i in board.items if i.kind == ItemKind.ACKNOWLEDGEMENT
                        and fold_key(i.code) == fold_key(rest[0])]
            else:
                return fail(_("--what takes: registration, or campaign CODE."))
            if not keys:
                return fail(_("Nothing of that kind is open now."))
        if not board.items:
            print(nothing_open_text())
            return 0
        fresh, reminder_plan, contacts = await plan(services, [root], keys, today)
        print(as_plain(plan_preview(reminder_plan, scope_label, today, tree, fit=False)))
        if args.dry_run:
            print(_("Dry run: nothing was sent."))
            return 0
        if reminder_plan.send:
            settings.token  # noqa: B018 - fail before queuing when the token is missing
        outcome = await queue_reminders(services, fresh, reminder_plan, contacts, today,
                                        Trigger("secretariat"), AuditContext.cli(), scope_code)
        print(as_plain(plan_result(outcome.plan, outcome.queued, fit=False)))
        if not outcome.queued:
            return 0
        complete = await drain_outbox(settings, services)
        print(describe_batch(await OutboxRepository(services.db).batch_status(outcome.batch)))
    return 0 if complete else 1
