"""The secretariat's summary: `/summary` (`/tonghop`), its files, and the posts it makes itself.

Modules: `service` (resolve a request within the actor's scope, load, build), `command` (the
handler), `delivery` (messages, chart, XLSX, DOCX), `workers` (the processes building the
files), `jobs` (daily digest, final summary).
Wording lives in `reports/summary_*.py`; see docs/summary.md.

No conversation: each /summary is answered from its arguments and the database.
"""

from __future__ import annotations

from telegram.ext import Application, CommandHandler

from domain.models import Role
from handlers.commands import CommandSpec
from handlers.summary.command import summary_command
from handlers.summary.jobs import PERIODIC_JOBS
from handlers.summary.workers import shutdown, start
from locales import N_

COMMANDS = [
    CommandSpec(
        "summary",
        N_("Registration summary: table, chart, XLSX and DOCX files"),
        aliases=("tonghop",),
        roles=frozenset({Role.UNIT_HEAD, Role.AGENCY_HEAD, Role.SECRETARIAT}),
        secretariat_chat=True,
    ),
]

__all__ = ["COMMANDS", "PERIODIC_JOBS", "on_start", "on_stop", "register"]


def register(app: Application) -> None:
    app.add_handler(CommandHandler(["summary", "tonghop"], summary_command))


async def on_start(app: Application) -> None:
    start()  # the processes building summary files may be started (again)


async def on_stop(app: Application) -> None:
    shutdown()  # the processes building summary files
