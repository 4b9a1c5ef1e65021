"""`thidua registration open|extend|list|import` (also spelt `thidua registrations …`).

open    --year 2024 --deadline 2024-03-15 [--opens 2024-01-15] [--scope NAME]
extend  --year 2024 --deadline 2024-03-31 [--scope NAME]
list    [--year 2024]
import  FILE [--dry-run] [--scope NAME]
"""

from __future__ import annotations

import argparse
from datetime import date

from app.parsing import ParseFailed
from app.services import Services
from app.settings import Settings
from bot.cli.common import fail, open_services, parse_file, read_input
from domain.rules import load_ruleset
from domain.subjects import Subject
from domain.text import fold_key
from domain.windows import parse_day
from locales import _, get_locale, ngettext
from reports.registration_import import describe_plan, describe_problems
from reports.registration_windows import deadline_notice, describe_window, window_error
from storage.audit import AuditContext
from storage.deadlines import change_deadline
from storage.registration_import import apply_import, preview_import, ruleset_of_year
from storage.registrations import RegistrationRepository, WindowError

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
        try:
            window = await RegistrationRepository(services.db).open_window(
                args.year, scope, opens, args.deadline, AuditContext.cli()
            )
        except WindowError as exc:
            return fail(window_error(exc.code, exc.params))
        tree = await services.orgs.tree()
        print(_("Registration opened: {window}").format(
            window=describe_window(window, tree, services.now().date())))
        print(_("Rule set: {name}").format(
            name=load_ruleset(window.ruleset_id).name.get(get_locale())))
    return 0


async def extend_window(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, args.scope, default=settings.secretariat_scope)
        except ScopeNotFound as exc:
            return _unknown_scope(str(exc))
        repo = RegistrationRepository(services.db)
        window = await repo.window_by_scope(args.year, scope)
        if window is None:
            return fail(_("The registration of {year} has not been opened for this scope.")
                        .format(year=args.year))
        tree = await services.orgs.tree()
        try:  # the people concerned are told by the running bot (its outbox sender)
            change = await change_deadline(
                services.db, window.id, args.deadline, AuditContext.cli(), tree,
                lambda w, before, locale: deadline_notice(w, before, tree,
                                                          locale or settings.locale))
        except WindowError as exc:
            return fail(window_error(exc.code, exc.params))
        print(_("Deadline changed: {window}").format(
            window=describe_window(change.window, tree, services.now().date())))
        print(ngettext("{n} person concerned is told the new deadline.",
                       "{n} people concerned are told the new deadline.",
                       change.told).format(n=change.told))
    return 0


async def list_windows(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        windows = await RegistrationRepository(services.db).windows(args.year)
        if not windows:
            print(_("No registration has been opened yet."))
            return 0
        tree = await services.orgs.tree(active_only=False)
        today = services.now().date()
        for window in windows:
            print(describe_window(window, tree, today))
    return 0


async def import_registrations(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content, name = read_input(args.file)
    except OSError as exc:
        return fail(_("Cannot read {file}: {error}").format(file=args.file, error=exc.strerror))
    try:
        parsed = await parse_file(settings, name, content, settings.bloc_name, tables_only=True)
    except ParseFailed as failed:
        return fail(failed.message)
    file = parsed.registrations
    if file is None:
        if parsed.roster is not None and not parsed.roster.ok:  # unreadable as a table
            return fail(describe_problems(parsed.roster.problems, limit=200))
        return fail(_("This is not a registrations file (CSV or XLSX with the columns of "
                      "bot/demo/FORMATS.md)."))
    if not file.rows and not file.ok:
        return fail(describe_problems(file.problems, limit=200))
    async with open_services(settings) as services:
        try:
            scope = await _scope(services, args.scope, default=None)
        except ScopeNotFound as exc:
            return _unknown_scope(str(exc))
        plan = await preview_import(services.db, file, scope_org_id=scope)
        if not plan.ok:
            return fail(describe_problems(plan.problems, limit=200))
        tree = await services.orgs.tree(active_only=False)
        people = {p.id: p for p in await services.people.all(active_only=False)}

        def label(subject: Subject) -> str:
            if subject.person_id is not None and subject.person_id in people:
                return people[subject.person_id].full_name
            return tree.label(subject.org_id)

        years = sorted({p.year for p in plan.planned})
        ruleset = None
        if years:
            ruleset = await ruleset_of_year(services.db, years[-1])
        if args.dry_run:
            print(describe_plan(plan, ruleset, label))
            print(_("Dry run: nothing was changed."))
            return 0
        plan = await apply_import(services.db, file, AuditContext.cli(), scope_org_id=scope)
        print(describe_plan(plan, ruleset, label))
        print(_("The registrations were imported.") if plan.has_changes else _("No changes."))
    return 0
