"""`thidua backup FILE` and `thidua restore FILE [--force]`.

A backup is safe while the bot runs (SQLite's online backup). A restore refuses while a bot
runs on the database (bot.runlock) and, without --force, when the database exists; with
--force it keeps a copy of the database it replaces.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from pathlib import Path

from app.settings import Settings
from bot.cli.common import fail
from bot.runlock import AlreadyRunning, InUse, RunLock, UsersLock, running_pid
from locales import _, format_size
from storage import backup as copies
from storage.backup import InvalidDatabase, Problem


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("backup", help=_("copy the database (safe while the bot runs)"))
    parser.add_argument("file", help=_("the backup file to write"))
    parser.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))
    parser.set_defaults(handler=make_backup)
    parser = sub.add_parser("restore", help=_("replace the database by a backup (bot stopped)"))
    parser.add_argument("file", help=_("a backup made by `thidua backup`"))
    parser.add_argument("--force", action="store_true",
                        help=_("replace an existing database (a copy of it is kept)"))
    parser.set_defaults(handler=restore_backup)


def describe_problem(file: Path, exc: InvalidDatabase) -> str:
    texts = {
        Problem.MISSING: _("{file} does not exist."),
        Problem.NOT_SQLITE: _("{file} is not an SQLite database."),
        Problem.DAMAGED: _("{file} is damaged ({detail})."),
        Problem.NOT_THIDUA: _("{file} is not a thidua database (no applied migrations)."),
        Problem.NEWER: _("{file} was made by a newer version of thidua "
                         "(unknown migrations: {detail})."),
    }
    return texts[exc.problem].format(file=file, detail=exc.detail)


# File work runs in a thread (to_thread copies the context, so the locale comes along).
async def make_backup(args: argparse.Namespace, settings: Settings) -> int:
    return await asyncio.to_thread(_backup, Path(settings.database), Path(args.file), args.force)


async def restore_backup(args: argparse.Namespace, settings: Settings) -> int:
    stamp = datetime.now(settings.tz).strftime("%Y%m%d-%H%M%S")
    return await asyncio.to_thread(_restore, Path(args.file), Path(settings.database),
                                   args.force, stamp)


def _backup(database: Path, target: Path, force: bool) -> int:
    if target.exists() and not force:
        return fail(_("{file} already exists: add --force to overwrite it.").format(file=target))
    if target.resolve() == database.resolve():
        return fail(_("The backup cannot be the database itself."))
    try:
        with UsersLock(database).shared():  # not while a restore replaces it
            info = copies.backup(database, target)
    except InvalidDatabase as exc:
        return fail(describe_problem(database, exc))
    print(_("Backup written to {file}: {people} people, {size}.").format(
        file=target, people=info.people, size=format_size(info.size)))
    return 0


def _restore(source: Path, database: Path, force: bool, stamp: str) -> int:
    try:
        copies.inspect(source)
    except InvalidDatabase as exc:
        return fail(describe_problem(source, exc))
    running = _("A bot is running on {database} (pid {pid}): stop it before restoring.")
    pid = running_pid(database)
    if pid is not None:
        return fail(running.format(database=database, pid=pid or "?"))
    if database.exists() and not force:
        return fail(_("{database} already exists: add --force to replace it by the backup.")
                    .format(database=database))
    try:
        # No bot may start, and nothing else may use the database, while the file is being
        # replaced: a CLI import committing meanwhile would be lost without a word.
        with RunLock(database), UsersLock(database).exclusive():
            if database.exists():
                kept = database.with_name(f"{database.name}.before-restore-{stamp}")
                copies.backup(database, kept)
                print(_("The current database was kept as {file}.").format(file=kept))
            info = copies.restore(source, database)
    except AlreadyRunning as exc:
        return fail(running.format(database=database, pid=exc.pid or "?"))
    except InUse:
        return fail(_("Another thidua command is using {database} (an import, a backup, …): "
                      "wait until it has finished, then restore.").format(database=database))
    except InvalidDatabase as exc:
        return fail(describe_problem(database, exc))
    print(_("Restored {file} into {database}: {people} people.").format(
        file=source, database=database, people=info.people))
    return 0
