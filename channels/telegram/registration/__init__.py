"""/dotdangky (windows, for the secretariat) and the registrations file upload."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from app.commands import CommandSpec
from channels.telegram.registration import upload, windows
from domain.models import Role
from locales import N_

COMMANDS = [
    CommandSpec("window", N_("Registration windows: open, extend, list"),
                aliases=("dotdangky",), roles=frozenset({Role.SECRETARIAT}),
                secretariat_chat=True),
]


def register(app: Application) -> None:
    app.add_handler(CommandHandler(["window", "dotdangky"], windows.window_command))
    app.add_handler(CallbackQueryHandler(windows.extend_button, pattern=r"^win:"))
    upload.register()
