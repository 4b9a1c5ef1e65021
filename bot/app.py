"""Build the python-telegram-bot Application: persistence, context, handlers, error handling."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from bot.errors import on_error
from bot.http import AiohttpRequest
from bot.services import Services
from bot.updates import PerChatUpdateProcessor
from handlers.context import SERVICES_KEY, BotContext
from handlers.features import register_all
from storage.persistence import SQLitePersistence

log = logging.getLogger(__name__)

# Runs after every feature handler group: see flush_persistence.
FLUSH_GROUP = 1000


async def flush_persistence(update: Update, context: BotContext) -> None:
    """Write conversation states now instead of on PTB's timer.

    The conversation handler (group 0) has already stored its new state when this runs, so a
    crash right after a reply still resumes at the question the user was shown.
    """
    await context.application.update_persistence()


def reply_rate_limiter() -> AIORateLimiter:
    """Limits for the application's own sends (replies to updates, the final summary's files).

    No overall cap: Telegram's ~30 messages/s is the bulk-notification limit, and the bot's
    broadcasts go through the outbox sender, which paces itself (bot/outbox.py). Replies go
    one per update to the chat that wrote, at the pace people write; a 30/s cap here would
    queue every person's answer behind everyone else's on a busy day, for nothing. What stays:
    20 messages a minute per group (the secretariat's chat), and a 429 retried after the delay
    Telegram gives (pausing all replies meanwhile), so a real flood limit loses no reply.
    """
    return AIORateLimiter(overall_max_rate=0, max_retries=5)


def build_application(
    services: Services,
    *,
    token: str | None = None,
    rate_limiter: bool = True,
) -> Application:
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .token(token or settings.token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .persistence(SQLitePersistence(services.db))
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(tzinfo=settings.tz))
        # Different chats concurrently, one chat in order (ConversationHandler needs that).
        .concurrent_updates(PerChatUpdateProcessor())
        .request(AiohttpRequest(connect_timeout=10, read_timeout=15, write_timeout=20))
        .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=30))
    )
    if rate_limiter:
        builder = builder.rate_limiter(reply_rate_limiter())
    app = builder.build()
    app.bot_data[SERVICES_KEY] = services
    register_all(app)
    app.add_handler(TypeHandler(Update, flush_persistence), group=FLUSH_GROUP)
    app.add_error_handler(on_error)
    return app
