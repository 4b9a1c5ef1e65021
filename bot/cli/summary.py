"""`thidua summary [--agency NAME] [--year Y] [--campaign CODE] --format text|xlsx|docx|png
[--out FILE]`: the secretariat's summary (its configured scope) as text or a file.

Without --out, text goes to standard output and a file is written as
tong-hop-dang-ky-thi-dua-<year>[-<agency>].<format> in the current directory.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from app.settings import Settings
from bot.cli.common import fail, open_services
from channels.telegram.summary.command import refusal_text
from channels.telegram.summary.delivery import file_name
from channels.telegram.summary.service import (
    Refusal,
    load_details,
    official_header,
    report_for,
    resolve,
)
from domain.summary_request import SummaryRequest
from locales import _
from reports.summary_text import summary_plain

FORMATS = ("text", "xlsx", "docx", "png")


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("summary", help="the registration summary (text, XLSX, DOCX, PNG)")
    parser.add_argument("--agency", help="an agency or unit name (diacritics optional)")
    parser.add_argument("--year", type=int, help="registration year (default: the latest)")
    parser.add_argument("--campaign", help="campaign code for the acknowledgement rates")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--out", help="output file ('-' for standard output, text only)")
    parser.set_defaults(handler=summary)


async def summary(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        tree = await services.orgs.tree()
        roots = [await services.secretariat_scope_id(tree)]
        request = SummaryRequest(agency=args.agency, year=args.year, campaign=args.campaign)
        try:
            inputs = await resolve(services, tree, roots, request)
        except Refusal as refusal:
            return fail(refusal_text(refusal))
        target = inputs.targets[0]
        details = await load_details(services, inputs) if args.format == "xlsx" else None
        report = report_for(inputs, target, details)
        if args.format == "text":
            content: bytes = summary_plain(report).encode("utf-8")
        elif args.format == "xlsx":
            from reports.summary_xlsx import summary_xlsx  # heavy libraries: when asked for

            content = summary_xlsx(report)
        elif args.format == "docx":
            from reports.summary_docx import summary_docx

            content = summary_docx(report, official_header(services, inputs, target))
        else:
            from reports.summary_chart import summary_chart

            content = summary_chart(report)
        name = f"{file_name(inputs, target)}.{args.format}"
    out = args.out or ("-" if args.format == "text" else name)
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
