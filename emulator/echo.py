"""A bare PTB echo bot: the baseline for tests of the emulator and for benchmarks."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def build_echo_application(base_url: str, base_file_url: str, token: str) -> Application:
    """An application that answers every new text message (commands included) with its text."""
    app = ApplicationBuilder().token(token).base_url(base_url).base_file_url(base_file_url).build()
    app.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, _echo))
    return app
