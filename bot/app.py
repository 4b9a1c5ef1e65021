"""Build the python-telegram-bot Application: persistence, context, handlers, error handling."""

from __future__ import annotations

import logging

from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
)

from bot.errors import on_error
from bot.inbox import InboxQueue, ThiduaApplication
from bot.requests import ResilientLimiter
from bot.services import Services
from handlers.context import SERVICES_KEY, BotContext
from handlers.features import register_all
from storage.inbox import UpdateInbox
from storage.persistence import SQLitePersistence

log = logging.getLogger(__name__)


def build_application(
    services: Services,
    *,
    token: str | None = None,
    rate_limiter: bool = True,
) -> Application:
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .application_class(ThiduaApplication)
        .update_queue(InboxQueue(UpdateInbox(services.db)))
        .token(token or settings.token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .persistence(SQLitePersistence(services.db))
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(tzinfo=settings.tz))
        .concurrent_updates(False)  # ConversationHandler is not safe with concurrent updates
        .connect_timeout(10)
        .read_timeout(settings.telegram_timeout)
        .write_timeout(max(20.0, settings.telegram_timeout))
        .get_updates_read_timeout(30)
    )
    pacing = AIORateLimiter(max_retries=5) if rate_limiter else None
    builder = builder.rate_limiter(ResilientLimiter(pacing))
    app = builder.build()
    app.bot_data[SERVICES_KEY] = services
    register_all(app)
    app.add_error_handler(on_error)
    return app
