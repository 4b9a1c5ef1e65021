"""`thidua summary [--agency NAME] [--year Y] [--campaign CODE] [--format text|xlsx|docx|png]
[--out FILE]`: the secretariat's summary (its configured scope) as text or a file.

Without --format, the extension of --out says the format (`--out x.docx`), else text; a
--format that the extension contradicts is refused. Without --out, text goes to standard
output and a file is written as tong-hop-dang-ky-thi-dua-<year>[-<agency>].<format> in the
current directory.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from app.settings import Settings
from app.summary.command import refusal_text
from app.summary.export import FORMATS, export, secretariat_inputs
from app.summary.service import Refusal
from bot.cli.common import FormatMismatch, fail, open_services, output_format
from domain.summary_request import SummaryRequest
from locales import _


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("summary", help=_("the registration summary (text, XLSX, DOCX, PNG)"))
    parser.add_argument("--agency", help=_("an agency or unit name (diacritics optional)"))
    parser.add_argument("--year", type=int, help=_("registration year (default: the window "
                                                   "open now, else the one that closed last)"))
    parser.add_argument("--campaign", help=_("campaign code for the acknowledgement rates"))
    parser.add_argument("--format", choices=FORMATS,
                        help=_("default: the extension of --out (.xlsx, .docx, .png), else text"))
    parser.add_argument("--out", help=_("output file ('-' for standard output, text only)"))
    parser.set_defaults(handler=summary)


async def summary(args: argparse.Namespace, settings: Settings) -> int:
    try:
        args.format = output_format(args.format, args.out, FORMATS)
    except FormatMismatch as mismatch:
        return fail(str(mismatch))
    async with open_services(settings) as services:
        request = SummaryRequest(agency=args.agency, year=args.year, campaign=args.campaign)
        try:
            inputs = await secretariat_inputs(services, request)
        except Refusal as refusal:
            return fail(refusal_text(refusal))
        result = await export(services, inputs, args.format)
    content = result.content
    out = args.out or ("-" if args.format == "text" else result.filename)
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
