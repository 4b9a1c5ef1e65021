"""`thidua roster import FILE [--dry-run] [--bloc NAME]`."""

from __future__ import annotations

import argparse

from app.settings import Settings
from bot.cli.common import fail, open_services, read_input
from domain.roster import parse_roster
from locales import _
from reports.imports import describe_problems, describe_roster_plan
from storage.audit import AuditContext
from storage.roster import apply_roster, preview_roster


def add_commands(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help="the staff roster").add_subparsers(
        dest="roster_command", required=True, metavar="ACTION"
    )
    parser = roster.add_parser("import", help="import a roster file (CSV or XLSX)")
    parser.add_argument("file", help="CSV or XLSX file, or - for standard input")
    parser.add_argument("--dry-run", action="store_true", help="show the changes, change nothing")
    parser.add_argument("--bloc", help="bloc (khối thi đua) of rows without a bloc column")
    parser.set_defaults(handler=import_roster)


async def import_roster(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content, name = read_input(args.file)
    except OSError as exc:
        return fail(_("Cannot read {file}: {error}").format(file=args.file, error=exc.strerror))
    roster = parse_roster(content, name, args.bloc or settings.bloc_name)
    if not roster.ok:
        return fail(describe_problems(roster.problems, limit=200))
    async with open_services(settings) as services:
        if args.dry_run:
            plan = await preview_roster(services.db, roster)
            print(describe_roster_plan(plan, len(roster.rows)))
            print(_("Dry run: nothing was changed."))
            return 0
        plan = await apply_roster(services.db, roster, AuditContext.cli())
        print(describe_roster_plan(plan, len(roster.rows)))
        print(_("The roster was imported.") if plan.has_changes else _("No changes."))
    return 0
