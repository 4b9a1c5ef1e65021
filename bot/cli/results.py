"""`thidua results import|history|compare` and `thidua initiatives import`.

results import      FILE [--dry-run] [--scope NAME]   decision lists: what was achieved
results history     --phone PHONE | --search NAME     a person's titles, year by year
results compare     [--agency NAME] [--year Y] --format text|xlsx|docx [--out FILE]
initiatives import  FILE [--dry-run] [--scope NAME]   the initiatives register
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from app.results.compare import (
    comparisons,
    file_name,
    no_results_text,
    official_header,
    render_files,
)
from app.results.history import person_blocks
from app.results.imports import ImportOutcome, initiatives_import, results_import
from app.services import Services
from app.settings import Settings
from app.summary.command import refusal_text
from app.summary.service import Refusal
from bot.cli.common import FormatMismatch, fail, open_services, output_format, read_input
from domain.phone import InvalidPhone, normalize_phone
from domain.summary_request import SummaryRequest
from domain.text import fold_key
from locales import _, get_locale
from reports.achievement import comparison_plain
from reports.messages import plain_text
from storage.audit import AuditContext
from storage.results import ResultsRepository

ALL = "all"
FORMATS = ("text", "xlsx", "docx")


def add_commands(sub: argparse._SubParsersAction) -> None:
    results = sub.add_parser("results", help=_("the year's results (decision lists, history)"))
    actions = results.add_subparsers(dest="results_command", required=True, metavar="ACTION")
    importer = actions.add_parser("import", help=_("import a results file (CSV or XLSX)"))
    _import_arguments(importer)
    importer.set_defaults(handler=import_results)

    history = actions.add_parser("history", help=_("a person's titles and commendations"))
    who = history.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone", help=_("the person's phone number"))
    who.add_argument("--search", help=_("a name, with or without diacritics"))
    history.set_defaults(handler=show_history)

    compare = actions.add_parser("compare", help=_("registered vs achieved (text, XLSX, DOCX)"))
    compare.add_argument("--agency", help=_("an agency or unit name (diacritics optional)"))
    compare.add_argument("--year", type=int, help=_("the year (default: the latest with results)"))
    compare.add_argument("--format", choices=FORMATS,
                         help=_("default: the extension of --out (.xlsx, .docx), else text"))
    compare.add_argument("--out", help=_("output file ('-' for standard output, text only)"))
    compare.set_defaults(handler=compare_results)

    initiatives = sub.add_parser("initiatives", help=_("the initiatives register (sáng kiến)"))
    steps = initiatives.add_subparsers(dest="initiatives_command", required=True,
                                       metavar="ACTION")
    loader = steps.add_parser("import", help=_("import an initiatives file (CSV or XLSX)"))
    _import_arguments(loader)
    loader.set_defaults(handler=import_initiatives)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=_("CSV or XLSX file, or - for standard input"))
    parser.add_argument("--dry-run", action="store_true",
                        help=_("show the changes, change nothing"))
    parser.add_argument("--scope", help=_("only rows within this bloc or agency "
                                          "(default: everything)"))


async def scope_id(services: Services, name: str | None) -> int | None:
    """The bloc or agency named `name` (None or 'all': everything); LookupError if none."""
    if not name or fold_key(name) == ALL:
        return None
    tree = await services.orgs.tree()
    key = fold_key(name)
    found = next((org.id for org in tree.walk() if fold_key(org.name) == key), None)
    if found is None:
        raise LookupError(name)
    return found


def _print(outcome: ImportOutcome, dry_run: bool) -> int:
    if not outcome.ok:
        return fail(outcome.text)
    print(outcome.text)
    print(_("Dry run: nothing was changed.") if dry_run else outcome.heading)
    return 0


async def _import(args: argparse.Namespace, settings: Settings, run: object) -> int:
    try:
        content, name = read_input(args.file)
    except OSError as exc:
        return fail(_("Cannot read {file}: {error}").format(file=args.file, error=exc.strerror))
    async with open_services(settings) as services:
        try:
            scope = await scope_id(services, args.scope)
        except LookupError:
            return fail(_("No bloc or agency is named “{name}”.").format(name=args.scope))
        who = None if args.dry_run else AuditContext.cli()
        outcome = await run(services, content, name, scope, who)  # type: ignore[operator]
    return _print(outcome, args.dry_run)


async def import_results(args: argparse.Namespace, settings: Settings) -> int:
    return await _import(args, settings, results_import)


async def import_initiatives(args: argparse.Namespace, settings: Settings) -> int:
    return await _import(args, settings, initiatives_import)


async def show_history(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        tree = await services.orgs.tree()
        if args.phone:
            try:
                person = await services.people.by_phone(normalize_phone(args.phone))
            except InvalidPhone:
                person = None
            people = [person] if person is not None else []
        else:
            hits = await ResultsRepository(services.db).search_people(args.search, [None], tree)
            people = hits.people
        if not people:
            return fail(_("Nobody matching “{text}” within what you may see.").format(
                text=args.phone or args.search))
        for person in people[:10]:
            blocks = await person_blocks(services, tree, person)
            print("\n\n".join(plain_text(b) for b in blocks) + "\n")
    return 0


async def compare_results(args: argparse.Namespace, settings: Settings) -> int:
    """The secretariat's scope (THIDUA_SECRETARIAT_SCOPE), as /ketqua in its chat."""
    try:
        args.format = output_format(args.format, args.out, FORMATS)
    except FormatMismatch as mismatch:
        return fail(str(mismatch))
    async with open_services(settings) as services:
        tree = await services.orgs.tree()
        roots = [await services.secretariat_scope_id(tree)]
        request = SummaryRequest(agency=args.agency, year=args.year)
        try:
            report = (await comparisons(services, tree, roots, request))[0]
        except Refusal as refusal:
            return fail(refusal_text(refusal))
        except LookupError as missing:
            return fail(no_results_text(int(missing.args[0])))
        header = official_header(settings, report)
    if args.format == "text":
        content = comparison_plain(report).encode("utf-8")
    else:
        files = await asyncio.to_thread(render_files, report, header, get_locale())
        content = files.xlsx if args.format == "xlsx" else files.docx
    out = args.out or ("-" if args.format == "text" else f"{file_name(report)}.{args.format}")
    if out == "-":
        if args.format != "text":
            return fail(_("A {format} file cannot go to standard output: give --out FILE.")
                        .format(format=args.format.upper()))
        sys.stdout.write(content.decode("utf-8"))
        return 0
    try:
        await asyncio.to_thread(Path(out).write_bytes, content)
    except OSError as exc:
        return fail(_("Cannot write {file}: {error}").format(file=out, error=exc.strerror))
    print(_("Written: {file}").format(file=out))
    return 0
