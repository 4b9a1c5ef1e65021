"""`thidua` command line: run the bot, chat with it offline, and the secretariat's operations."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from telegram.error import InvalidToken

from app.settings import Settings, SettingsError, load_settings
from bot.cli import (
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
from bot.logs import configure_logging
from bot.runlock import InUse
from locales import _, set_locale

# Each module adds its subcommands with `add_commands(subparsers)`; a subcommand sets
# `handler`, an async function (args, settings) -> exit code.
COMMAND_MODULES: list[ModuleType] = [
    run, console, roster, invites, registrations, results, review, council, campaigns,
    summary, progress, backup,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thidua",
        description="Emulation and commendation (thi đua – khen thưởng) Telegram bot.",
    )
    parser.add_argument("--database", help="SQLite file (overrides THIDUA_DATABASE)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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
    except InUse:
        print("thidua: " + _("the database is being restored; try again when the restore "
                             "has finished."), file=sys.stderr)
        return 1
    except InvalidToken:
        # PTB's message quotes the token itself: never print it.
        print("thidua: TELEGRAM_BOT_TOKEN was rejected by Telegram", file=sys.stderr)
        return 2
    except Exception:  # a traceback, but through the log filter (no token, no phone number)
        logging.getLogger("thidua").exception("thidua %s failed", args.command)
        return 1
