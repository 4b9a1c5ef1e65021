"""`thidua roster import FILE [--dry-run] [--bloc NAME] [--scope NAME]`.

With `--scope` (a bloc or agency of the roster) the file changes that subtree only, as the
secretariat's upload does under THIDUA_SECRETARIAT_SCOPE: rows outside it are refused by line.
"""

from __future__ import annotations

import argparse

from app.parsing import ParseFailed
from app.settings import Settings
from bot.cli.common import ScopeNotFound, fail, find_scope, open_services, parse_file, read_input
from domain.roster import default_bloc
from locales import _
from reports.imports import describe_problems, describe_roster_plan
from storage.audit import AuditContext
from storage.roster import apply_roster, preview_roster


def add_commands(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help=_("the staff roster")).add_subparsers(
        dest="roster_command", required=True, metavar="ACTION"
    )
    parser = roster.add_parser("import", help=_("import a roster file (CSV or XLSX)"))
    parser.add_argument("file", help=_("CSV or XLSX file, or - for standard input"))
    parser.add_argument("--dry-run", action="store_true",
                        help=_("show the changes, change nothing"))
    parser.add_argument("--bloc", help=_("bloc (khối thi đua) of rows without a bloc column"))
    parser.add_argument("--scope", help=_("change only this bloc or agency (rows outside it "
                                          "are refused); default: everything"))
    parser.set_defaults(handler=import_roster)


async def import_roster(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content, name = read_input(args.file)
    except OSError as exc:
        return fail(_("Cannot read {file}: {error}").format(file=args.file, error=exc.strerror))
    async with open_services(settings) as services:
        try:
            scope = await find_scope(services, args.scope)
        except ScopeNotFound as exc:
            return fail(_("No bloc or agency is named “{name}”.").format(name=str(exc)))
        bloc = args.bloc or default_bloc(await services.orgs.tree(), scope, settings.bloc_name)
        try:
            parsed = await parse_file(settings, name, content, bloc, tables_only=True)
        except ParseFailed as failed:
            return fail(failed.message)
        roster = parsed.roster
        if roster is None:
            return fail(_("This is not a roster file (CSV or XLSX with the columns of "
                          "bot/demo/FORMATS.md)."))
        if not roster.ok:
            return fail(describe_problems(roster.problems, limit=200))
        plan = await preview_roster(services.db, roster, scope_org_id=scope)
        if not plan.ok:
            return fail(describe_problems(plan.problems, limit=200))
        if args.dry_run:
            print(describe_roster_plan(plan, len(roster.rows)))
            print(_("Dry run: nothing was changed."))
            return 0
        plan = await apply_roster(services.db, roster, AuditContext.cli(), scope_org_id=scope)
        print(describe_roster_plan(plan, len(roster.rows)))
        print(_("The roster was imported.") if plan.has_changes else _("No changes."))
    return 0
