"""Weekly progress to unit heads, and reminders that reach the people who have not acted.

| module | job |
|---|---|
| `service.py` | build and queue digests and reminders (shared with the jobs and the CLI) |
| `digest.py` | /progress, and the "Remind" button of a digest |
| `remind.py` | the secretariat's /remind: scope, what, preview, send |
| `presence.py` | blocked / unblocked: who the bot can reach |
| `jobs.py` | the weekly digest and the automatic reminders before deadlines |
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    TypeHandler,
)

from channels.telegram.commands import HEADS, CommandSpec
from channels.telegram.progress import digest, presence, remind
from channels.telegram.progress.jobs import DEADLINE_REMINDERS, WEEKLY_DIGEST
from domain.models import Role
from locales import N_

COMMANDS = [
    CommandSpec("progress", N_("Registration and commitment progress of your units"),
                aliases=("tiendo",), roles=HEADS | {Role.SECRETARIAT}, secretariat_chat=True),
    CommandSpec("remind", N_("Remind the people who have not registered or committed"),
                aliases=("nhacnho",), roles=frozenset({Role.SECRETARIAT}),
                secretariat_chat=True),
]
PERIODIC_JOBS = [WEEKLY_DIGEST, DEADLINE_REMINDERS]


def register(app: Application) -> None:
    app.add_handler(CommandHandler(["progress", "tiendo"], digest.show_progress))
    app.add_handler(CommandHandler(["remind", "nhacnho"], remind.start_remind))
    app.add_handler(CallbackQueryHandler(digest.remind_from_digest, pattern=r"^pr:rm:"))
    app.add_handler(CallbackQueryHandler(remind.on_button, pattern=r"^rmd:"))
    app.add_handler(ChatMemberHandler(presence.chat_member_changed,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(TypeHandler(Update, presence.back_in_touch), group=presence.PRESENCE_GROUP)
