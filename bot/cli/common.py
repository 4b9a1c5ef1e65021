"""Helpers shared by CLI commands: open the database, read and parse a file, print."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from app.parsing import ParseFailed, parse_in_worker
from app.services import Services
from app.settings import Settings
from bot.runlock import UsersLock
from domain.text import fold_key
from domain.uploads import ParsedUpload
from locales import _
from reports.imports import parse_failure_text
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
                     tables_only: bool = False) -> ParsedUpload:
    """Parse an import file as the bot parses uploads (app/parsing.py), with the same bounds
    scaled for an operator's larger files; ParseFailed with a printable message."""
    limits = settings.cli_parse_limits
    if tables_only and not name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
        name += ".xlsx" if content[:4] == b"PK\x03\x04" else ".csv"
    try:
        return await parse_in_worker(name, content, default_bloc=default_bloc, limits=limits)
    except ParseFailed as failed:
        raise ParseFailed(failed.reason, parse_failure_text(failed.reason)) from None
