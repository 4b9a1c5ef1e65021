"""`thidua run`: long polling by default, webhook mode when THIDUA_WEBHOOK_URL is set."""

from __future__ import annotations

import argparse

from app.settings import Settings
from bot.cli.common import fail
from bot.runlock import AlreadyRunning
from bot.runtime import BotRuntime, serve_forever
from locales import _


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help=_("run the bot (Telegram, Zalo or both: every channel "
                                          "whose token is set)"))
    parser.add_argument("--mode", choices=["auto", "polling", "webhook"], default="auto")
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    settings.require_channel()  # fail early, with one clear line, when no token is set
    mode = args.mode
    if mode == "auto":
        mode = "webhook" if settings.webhook_url else "polling"
    try:
        await serve_forever(BotRuntime(settings), mode=mode)
    except AlreadyRunning as exc:
        return fail(_("Another thidua bot is running on this database (pid {pid}).")
                    .format(pid=exc.pid or "?"))
    return 0
