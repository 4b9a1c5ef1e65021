"""Annual title registration: /dangky (individual), /tapthe (collective), /cuatoi (status),
/dotdangky (windows, for the secretariat) and the registrations file upload."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from domain.models import Role
from handlers.commands import HEADS, CommandSpec
from handlers.registration import flow, status, upload, windows
from locales import N_

COMMANDS = [
    CommandSpec("register", N_("Register your emulation titles for the year"),
                aliases=("dangky",)),
    CommandSpec("collective", N_("Register the collective titles of your unit or agency"),
                aliases=("tapthe",), roles=HEADS),
    CommandSpec("status", N_("See your registration and its status"), aliases=("cuatoi",)),
    CommandSpec("window", N_("Registration windows: open, extend, list"),
                aliases=("dotdangky",), roles=frozenset({Role.SECRETARIAT}),
                secretariat_chat=True),
]


def register(app: Application) -> None:
    app.add_handler(flow.conversation())
    app.add_handler(CommandHandler(["status", "cuatoi"], status.show_status))
    app.add_handler(CommandHandler(["window", "dotdangky"], windows.window_command))
    app.add_handler(CallbackQueryHandler(windows.extend_button, pattern=r"^win:"))
    upload.register()
