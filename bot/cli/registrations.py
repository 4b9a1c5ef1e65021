"""`thidua registration open|extend|list|import` (also spelt `thidua registrations …`): the
use cases of /dotdangky (app.registration.windows) and of the registrations file upload
(app.imports), from the command line.

open    --year 2024 --deadline 2024-03-15 [--opens 2024-01-15] [--scope NAME]
extend  --year 2024 --deadline 2024-03-31 [--scope NAME]
list    [--year 2024]
import  FILE [--dry-run] [--scope NAME]
"""

from __future__ import annotations

import argparse
from datetime import date

from app.imports.kinds import ImportRequest
from app.imports.registrations import REGISTRATIONS_UPLOAD
from app.parsing import ParseFailed
from app.registration import windows
from app.services import Services
from app.settings import Settings
from bot.cli.common import apply_previewed, fail, open_services, parse_file, read_input
from domain.text import fold_key
from domain.uploads import REGISTRATIONS
from domain.windows import parse_day
from locales import _
from reports.messages import plain_text
from storage.audit import AuditContext

ALL = "all"


def _day(text: str) -> date:
    day = parse_day(text)
    if day is None:
        raise argparse.ArgumentTypeError(
            _("not a date: “{text}” (write 2024-03-15 or 15/03/2024)").format(text=text))
    return day


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "registration", aliases=["registrations"], help=_("annual title registration")
    )
    actions = parser.add_subparsers(dest="registration_command", required=True,
                                    metavar="ACTION")
    scope_help = _("bloc or agency name (default THIDUA_SECRETARIAT_SCOPE; '{all}' for "
                   "everything)").format(all=ALL)

    opener = actions.add_parser("open", help=_("open the registration of a year"))
    opener.add_argument("--year", type=int, required=True)
    opener.add_argument("--deadline", type=_day, required=True, help=_("last day (inclusive)"))
    opener.add_argument("--opens", type=_day, help=_("first day (default: today)"))
    opener.add_argument("--scope", help=scope_help)
    opener.set_defaults(handler=open_window)

    extend = actions.add_parser("extend", help=_("change the deadline of a year's registration"))
    extend.add_argument("--year", type=int, required=True)
    extend.add_argument("--deadline", type=_day, required=True, help=_("new last day (inclusive)"))
    extend.add_argument("--scope", help=scope_help)
    extend.set_defaults(handler=extend_window)

    lister = actions.add_parser("list", help=_("list registration windows"))
    lister.add_argument("--year", type=int)
    lister.set_defaults(handler=list_windows)

    importer = actions.add_parser("import", help=_("import registrations (CSV or XLSX)"))
    importer.add_argument("file", help=_("CSV or XLSX file, or - for standard input"))
    importer.add_argument("--dry-run", action="store_true",
                          help=_("show the changes, change nothing"))
    importer.add_argument("--scope", help=_("only subjects within this bloc or agency "
                                            "(default: everything)"))
    importer.set_defaults(handler=import_registrations)


class ScopeNotFound(LookupError):
    pass


async def _scope(services: Services, name: str | None, *, default: str | None) -> int | None:
    wanted = name if name is not None else default
    if not wanted or fold_key(wanted) == ALL:
        return None
    tree = await services.orgs.tree()
    key = fold_key(wanted)
    for org in tree.walk():
        if fold_key(org.name) == key:
            return org.id
    raise ScopeNotFound(wanted)


def _unknown_scope(name: str) -> int:
    return fail(_("No bloc or agency is named “{name}”.").format(name=name))


async def open_window(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, args.scope, default=settings.secretariat_scope)
        except ScopeNotFound as exc:
            return _unknown_scope(str(exc))
        opens = args.opens or services.now().date()
        outcome = await windows.open_registration(services, args.year, scope, opens,
                                                  args.deadline, AuditContext.cli())
    if not outcome.ok:
        return fail(outcome.text)
    print(outcome.text)
    return 0


async def extend_window(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, args.scope, default=settings.secretariat_scope)
        except ScopeNotFound as exc:
            return _unknown_scope(str(exc))
        # The people concerned are told by the running bot (its outbox sender).
        outcome = await windows.extend_registration(services, args.year, scope, args.deadline,
                                                    AuditContext.cli())
    if not outcome.ok:
        return fail(outcome.text)
    print(outcome.text)
    return 0


async def list_windows(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        lines = await windows.window_lines(services, args.year)
    print("\n".join(lines) if lines else _("No registration has been opened yet."))
    return 0


async def import_registrations(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content, name = read_input(args.file)
    except OSError as exc:
        return fail(_("Cannot read {file}: {error}").format(file=args.file, error=exc.strerror))
    try:
        parsed = await parse_file(settings, name, content, settings.bloc_name,
                                  expect=REGISTRATIONS)
    except ParseFailed as failed:
        return fail(failed.message)
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, args.scope, default=None)
        except ScopeNotFound as exc:
            return _unknown_scope(str(exc))
        request = ImportRequest(name, scope, cli=True)
        preview = await REGISTRATIONS_UPLOAD.preview(services, request, parsed)
        if not preview.ok:
            return fail(plain_text(preview.text))
        if args.dry_run:
            print(plain_text(preview.text))
            print(_("Dry run: nothing was changed."))
            return 0
        return await apply_previewed(services, REGISTRATIONS_UPLOAD, request, parsed, preview)
