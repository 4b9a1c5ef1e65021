"""`thidua roster import FILE [--dry-run] [--bloc NAME] [--scope NAME] [--deactivate-others]
[--move-blocs]`: the roster upload of app.imports, from the command line.

The file speaks for the agencies (or units) it names; `--deactivate-others` makes it the
whole roster of its blocs (of `--scope`), deactivating everyone missing from it, after the
count was shown by the import without it. Agencies keep their bloc unless `--bloc` or a bloc
column names another: the move is shown, and done only with `--move-blocs`. With `--scope`
(a bloc or agency of the roster) the file changes that subtree only, as the secretariat's
upload does under THIDUA_SECRETARIAT_SCOPE: rows outside it are refused by line.
"""

from __future__ import annotations

import argparse

from app.imports.kinds import ImportRequest
from app.imports.roster import MOVE_BLOCS, OTHERS, ROSTER_UPLOAD
from app.parsing import ParseFailed
from app.settings import Settings
from bot.cli.common import (
    ScopeNotFound,
    apply_previewed,
    fail,
    find_scope,
    open_services,
    parse_file,
    read_input,
)
from domain.roster import default_bloc
from domain.uploads import ROSTER
from locales import _
from reports.messages import plain_text


def add_commands(sub: argparse._SubParsersAction) -> None:
    roster = sub.add_parser("roster", help=_("the staff roster")).add_subparsers(
        dest="roster_command", required=True, metavar="ACTION"
    )
    parser = roster.add_parser("import", help=_("import a roster file (CSV or XLSX)"))
    parser.add_argument("file", help=_("CSV or XLSX file, or - for standard input"))
    parser.add_argument("--dry-run", action="store_true",
                        help=_("show the changes, change nothing"))
    parser.add_argument("--bloc", help=_("bloc (khối thi đua) of rows without a bloc column; "
                                         "without it, agencies stay in their bloc"))
    parser.add_argument("--scope", help=_("change only this bloc or agency (rows outside it "
                                          "are refused); default: everything"))
    parser.add_argument("--deactivate-others", action="store_true",
                        help=_("the file is the whole roster of its blocs (of --scope): also "
                               "deactivate the people of agencies it does not name"))
    parser.add_argument("--move-blocs", action="store_true",
                        help=_("move the agencies the file places in another bloc"))
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
            parsed = await parse_file(settings, name, content, bloc, expect=ROSTER,
                                      bloc_given=args.bloc is not None)
        except ParseFailed as failed:
            return fail(failed.message)
        request = ImportRequest(name, scope, {OTHERS: args.deactivate_others}, cli=True)
        preview = await ROSTER_UPLOAD.preview(services, request, parsed)
        if not preview.ok:
            return fail(plain_text(preview.text))
        hold = MOVE_BLOCS in preview.asks and not args.move_blocs
        code = 0
        if args.dry_run or hold:
            print(plain_text(preview.text))
        else:
            granted = frozenset({MOVE_BLOCS}) if args.move_blocs else frozenset()
            code = await apply_previewed(services, ROSTER_UPLOAD, request, parsed, preview,
                                         granted=granted)
        if code == 0 and any(a.action == OTHERS for a in preview.alternatives):
            print(_("To deactivate them too, import again with --deactivate-others."))
        if args.dry_run:
            print(_("Dry run: nothing was changed."))
        elif hold:
            return fail(_("The file moves agencies to another bloc: nothing was changed. "
                          "Import again with --move-blocs to move them."))
    return code
