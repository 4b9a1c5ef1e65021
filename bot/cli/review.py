"""`thidua review open|close|status` and `thidua proposals export`.

review open       --year Y [--scope NAME]   open the year-end review (invitations queued)
review close      --year Y [--scope NAME]
review status     [--year Y]
proposals export  --year Y [--scope NAME] [--out FILE]   every proposal list, as XLSX
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from app.review.assess import open_review, scope_name
from app.review.export import proposals_xlsx
from app.services import Services
from app.settings import Settings
from bot.cli.common import fail, open_services
from bot.cli.results import scope_id
from domain.models import OrgKind
from locales import _, format_date, get_locale
from storage.audit import AuditContext
from storage.reviews import ReviewError, ReviewRepository


def add_commands(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help=_("the year-end review (self-assessment)"))
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    scope_help = _("bloc or agency (default THIDUA_SECRETARIAT_SCOPE; 'all' for everything)")
    for name, handler, text in (("open", open_command, _("open the review of a year")),
                                ("close", close_command, _("close it: no more changes"))):
        parser = actions.add_parser(name, help=text)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--scope", help=scope_help)
        parser.set_defaults(handler=handler)
    status = actions.add_parser("status", help=_("reviews and how far they are"))
    status.add_argument("--year", type=int)
    status.set_defaults(handler=status_command)

    proposals = sub.add_parser("proposals", help=_("the proposal lists of the year-end review"))
    steps = proposals.add_subparsers(dest="proposals_command", required=True, metavar="ACTION")
    export = steps.add_parser("export", help=_("every proposal list of a scope, as XLSX"))
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--scope", help=scope_help)
    export.add_argument("--out",
                        help=_("output file (default danh-sach-de-nghi-khen-thuong-Y.xlsx)"))
    export.set_defaults(handler=export_command)


async def _scope(services: Services, settings: Settings, name: str | None) -> int | None:
    """The scope named (default THIDUA_SECRETARIAT_SCOPE); LookupError when none is."""
    return await scope_id(services, name if name is not None else settings.secretariat_scope)


async def open_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, settings, args.scope)
        except LookupError:
            return fail(_("No bloc or agency is named “{name}”.").format(name=args.scope))
        tree = await services.orgs.tree()
        try:
            review, invited = await open_review(services, tree, args.year, scope,
                                                AuditContext.cli())
        except ReviewError:
            return fail(_("The year-end review of {year} is already open for {scope}.").format(
                year=args.year, scope=scope_name(tree, scope)))
        print(_("The year-end review of {year} is open for {scope}; {count} invitations are "
                "being sent.").format(year=review.year, scope=scope_name(tree, scope),
                                      count=invited))
    return 0


async def close_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, settings, args.scope)
        except LookupError:
            return fail(_("No bloc or agency is named “{name}”.").format(name=args.scope))
        tree = await services.orgs.tree()
        repo = ReviewRepository(services.db)
        review = next((r for r in await repo.reviews(args.year)
                       if r.scope_org_id == scope and r.is_open), None)
        if review is None:
            return fail(_("No year-end review of {year} is open for {scope}.").format(
                year=args.year, scope=scope_name(tree, scope)))
        await repo.close(review.id, AuditContext.cli())
        print(_("The year-end review of {year} is closed for {scope}.").format(
            year=review.year, scope=scope_name(tree, scope)))
    return 0


async def status_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        tree = await services.orgs.tree(active_only=False)
        repo = ReviewRepository(services.db)
        reviews = await repo.reviews(args.year)
        if not reviews:
            print(_("No year-end review has been opened yet."))
            return 0
        for review in reviews:
            org_ids = tree.subtree_ids(review.scope_org_id) \
                if review.scope_org_id is not None else None
            assessments = await repo.assessments_in(review.year, org_ids)
            lists = await repo.lists_in(review.year, org_ids)
            people = sum(1 for a in assessments if a.confirmed and a.subject.person_id)
            collectives = sum(1 for a in assessments if a.confirmed and not a.subject.person_id)
            units = sum(1 for u in tree.walk(review.scope_org_id)
                        if u.kind != OrgKind.BLOC and u.active)
            state = _("closed") if not review.is_open else _("open since {date}").format(
                date=format_date(review.opened_at.date()))
            print(_("{year} · {scope} ({state}): {people} people and {collectives}/{units} "
                    "collectives confirmed; {submitted}/{lists} proposal lists submitted").format(
                year=review.year, scope=scope_name(tree, review.scope_org_id), state=state,
                people=people, collectives=collectives, units=units,
                submitted=sum(1 for x in lists if x.submitted), lists=len(lists)))
    return 0


async def export_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, settings, args.scope)
        except LookupError:
            return fail(_("No bloc or agency is named “{name}”.").format(name=args.scope))
    content = await proposals_xlsx(str(settings.database), scope, args.year, get_locale())
    out = args.out or f"danh-sach-de-nghi-khen-thuong-{args.year}.xlsx"
    try:
        await asyncio.to_thread(Path(out).write_bytes, content)
    except OSError as exc:
        return fail(_("Cannot write {file}: {error}").format(file=out, error=exc.strerror))
    print(_("Written: {file}").format(file=out))
    return 0
