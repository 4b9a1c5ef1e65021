"""Helpers shared by CLI commands: open the database, read and parse a file, print."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from app.imports.kinds import ImportRequest, Preview, UploadKind
from app.parsing import ParseFailed, parse_in_worker
from app.services import Services
from app.settings import Settings
from bot.runlock import UsersLock
from domain.plans import PlanChanged
from domain.tabular import TABLE_SUFFIXES
from domain.text import fold_key
from domain.uploads import CAMPAIGN, ParsedUpload
from locales import _
from reports.imports import parse_failure_text
from reports.messages import plain_text
from storage.audit import AuditContext
from storage.db import Database

ALL = "all"
# The format a file name's extension says (`--out x.xlsx`); "text" has two.
EXTENSIONS = {".txt": "text", ".text": "text", ".xlsx": "xlsx", ".docx": "docx", ".png": "png"}


class FormatMismatch(ValueError):
    """`--format` and the extension of `--out` disagree: the message says how to fix it."""


def output_format(given: str | None, out: str | None, formats: tuple[str, ...]) -> str:
    """The format to write: `--format` when given (it must agree with a known extension of
    `--out`: a DOCX never lands under an .xlsx name), else the extension's, else text."""
    suffix = Path(out).suffix.lower() if out and out != "-" else ""
    implied = EXTENSIONS.get(suffix)
    if implied is not None and implied not in formats:
        raise FormatMismatch(_(
            "This command writes no {format} file ({file}): it writes {formats}.").format(
            format=implied.upper(), file=out, formats=", ".join(f.upper() for f in formats)))
    if given is None:
        return implied or "text"
    if implied is not None and implied != given:
        raise FormatMismatch(_(
            "The file {file} ends in {suffix}, which is not a {format} file: name it "
            "….{extension}, or leave out --format (it follows the file name).").format(
            file=out, suffix=suffix, format=given.upper(),
            extension="txt" if given == "text" else given))
    return given


@asynccontextmanager
async def open_services(settings: Settings) -> AsyncIterator[Services]:
    """The database, held open against a restore (bot.runlock: InUse while one runs)."""
    with UsersLock(settings.database).shared():
        db = Database(settings.database, lock_wait=settings.db_lock_wait)
        await db.open()
        try:
            yield Services.create(settings, db)
        finally:
            await db.close()


def read_input(path: str) -> tuple[bytes, str]:
    """File content and name; "-" reads standard input."""
    if path == "-":
        return sys.stdin.buffer.read(), "stdin.csv"
    file = Path(path)
    return file.read_bytes(), file.name


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


class ScopeNotFound(LookupError):
    pass


async def find_scope(services: Services, name: str | None) -> int | None:
    """The org named `name` (any case, with or without diacritics); None for everything
    (no name, or "all"); ScopeNotFound for a name that matches nothing."""
    if not name or fold_key(name) == ALL:
        return None
    key = fold_key(name)
    for org in (await services.orgs.tree()).walk():
        if fold_key(org.name) == key:
            return org.id
    raise ScopeNotFound(name)


async def parse_file(settings: Settings, name: str, content: bytes, default_bloc: str, *,
                     expect: str | None = None, bloc_given: bool = False) -> ParsedUpload:
    """Parse an import file as the bot parses uploads (app/parsing.py), with the same bounds
    scaled for an operator's larger files; ParseFailed with a printable message. `expect`:
    the kind the command imports (a table is read as that kind, whatever its header)."""
    limits = settings.cli_parse_limits
    if expect is not None and expect != CAMPAIGN and not name.lower().endswith(TABLE_SUFFIXES):
        name += ".xlsx" if content[:4] == b"PK\x03\x04" else ".csv"
    try:
        return await parse_in_worker(name, content, default_bloc=default_bloc, limits=limits,
                                     bloc_given=bloc_given, expect=expect)
    except ParseFailed as failed:
        raise ParseFailed(failed.reason, parse_failure_text(failed.reason)) from None


async def apply_previewed(services: Services, kind: UploadKind, request: ImportRequest,
                          parsed: ParsedUpload, preview: Preview, *,
                          granted: frozenset[str] = frozenset(), attempts: int = 5) -> int:
    """Apply the plan `preview` checked (app.imports), print what happened; exit code.

    Another process may change the data between the preview and the apply (a second import
    waiting for the first one's lock): the plan is then previewed again and applied if it
    asks for nothing more than the one checked and the options given (`granted`: the
    `Preview.asks` the command line was told to do, as `--move-blocs`), else nothing is
    changed."""
    for _attempt in range(attempts):
        try:
            done = await kind.apply(services, request, parsed, AuditContext.cli(),
                                    preview.digest)
        except PlanChanged:
            fresh = await kind.preview(services, request, parsed)
            if not fresh.ok:
                return fail(plain_text(fresh.text))
            if fresh.asks - preview.asks - granted:
                break
            preview = fresh
            continue
        print(plain_text(done))
        return 0
    return fail(_("The data changed while the file was being read (another import?): "
                  "nothing was changed. Run the command again."))
