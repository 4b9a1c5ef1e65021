"""`thidua` command line: run the bot, chat with it offline, and the secretariat's operations."""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import io
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from telegram.error import BadRequest, InvalidToken, NetworkError

from app.settings import Settings, SettingsError, load_settings
from bot.cli import (
    argparse_text,
    backup,
    campaigns,
    console,
    council,
    invites,
    progress,
    registrations,
    results,
    review,
    roster,
    run,
    summary,
)
from bot.logs import configure_logging, redact
from bot.runlock import InUse
from channels.zalo.errors import ZaloApiError, ZaloNetworkError
from locales import _, normalize_locale, set_locale

# Each module adds its subcommands with `add_commands(subparsers)`; a subcommand sets
# `handler`, an async function (args, settings) -> exit code.
COMMAND_MODULES: list[ModuleType] = [
    run, console, roster, invites, registrations, results, review, council, campaigns,
    summary, progress, backup,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thidua",
        description=_("The emulation and commendation (thi đua – khen thưởng) bot, on Zalo "
                      "and Telegram."),
    )
    parser.add_argument("--database", help=_("SQLite file (overrides THIDUA_DATABASE)"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `thidua` command; its exit code.

    Output piped into a reader that stops early (`thidua … | head`) ends the command quietly:
    the command's own code when it had finished, else 141 (128 + SIGPIPE, what a shell
    reports for a tool killed by a closed pipe), never a BrokenPipeError.
    """
    try:
        # In a copy of the context: the language set for this command stays with it (a test
        # calling main() in-process keeps its own).
        code = contextvars.copy_context().run(_main, argv)
    except BrokenPipeError:
        _detach_stdout()
        return 141
    except SystemExit:  # argparse: --help, a usage error
        _flush()
        raise
    _flush()
    return code


def _flush() -> None:
    """Flush here, not at exit, where a closed pipe would print "Exception ignored …"."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _detach_stdout()


def _detach_stdout() -> None:
    """Point standard output at /dev/null: what is left in its buffer is dropped at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing will be flushed to a pipe


def _early_locale() -> str:
    """The CLI's language before the command line is read (help and usage errors speak it):
    THIDUA_LOCALE from the settings, or the environment when the settings are invalid."""
    try:
        return load_settings().locale
    except SettingsError:
        return normalize_locale(os.environ.get("THIDUA_LOCALE"))


def _main(argv: Sequence[str] | None) -> int:
    set_locale(_early_locale())
    with argparse_text.translated():
        parser = build_parser()
        args = parser.parse_args(argv)
    try:
        overrides = {"database": args.database} if args.database else {}
        settings: Settings = load_settings(**overrides)
    except SettingsError as exc:
        print(f"thidua: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, (
        settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None,
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        settings.zalo_bot_token.get_secret_value() if settings.zalo_bot_token else None,
        settings.zalo_webhook_secret.get_secret_value() if settings.zalo_webhook_secret
        else None,
    ))
    set_locale(settings.locale)
    try:
        return int(asyncio.run(args.handler(args, settings)) or 0)
    except SettingsError as exc:
        print(f"thidua: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise  # the reader of our output went away: main() ends quietly
    except InUse:
        print("thidua: " + _("the database is being restored; try again when the restore "
                             "has finished."), file=sys.stderr)
        return 1
    except InvalidToken:
        # PTB's message quotes the token itself: never print it.
        print("thidua: TELEGRAM_BOT_TOKEN was rejected by Telegram", file=sys.stderr)
        return 2
    except (NetworkError, ZaloApiError) as exc:
        # No network at start (getMe), or the platform refused a call: one line, no traceback.
        print("thidua: " + unreachable_text(exc), file=sys.stderr)
        return 1
    except Exception:  # a traceback, but through the log filter (no token, no phone number)
        logging.getLogger("thidua").exception("thidua %s failed", args.command)
        return 1


def unreachable_text(exc: NetworkError | ZaloApiError) -> str:
    """What went wrong with a messenger's API, in one line (secrets masked)."""
    error = redact(str(exc))
    if isinstance(exc, BadRequest):
        return _("Telegram refused a request: {error}").format(error=error)
    if isinstance(exc, NetworkError):
        return _("cannot reach Telegram ({error}). Check the network connection and "
                 "TELEGRAM_API_BASE_URL.").format(error=error)
    if isinstance(exc, ZaloNetworkError):
        return _("cannot reach Zalo ({error}). Check the network connection and "
                 "ZALO_API_BASE_URL.").format(error=error)
    return _("Zalo refused a request: {error}").format(error=error)
