"""A bare PTB echo bot: the baseline for tests of the emulator and for benchmarks."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def build_echo_application(
    base_url: str,
    base_file_url: str,
    token: str,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:
    """An application that answers every new text message (commands included) with its text.
    PTB's default HTTP transport unless requests are given (benchmarks compare transports)."""
    builder = ApplicationBuilder().token(token).base_url(base_url).base_file_url(base_file_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, _echo))
    return app
