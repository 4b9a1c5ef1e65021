"""Build the python-telegram-bot Application: the inbox, context, handlers, error handling."""

from __future__ import annotations

import logging

from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
)

from app.core import Core
from app.services import Services
from bot.errors import on_error
from bot.http import AiohttpRequest
from bot.inbox import InboxQueue, InboxRequest, ThiduaApplication
from bot.requests import ChatRateLimiter, ResilientLimiter
from bot.updates import PerChatUpdateProcessor
from channels.telegram.context import SERVICES_KEY, BotContext
from channels.telegram.features import register_all
from storage.inbox import UpdateInbox

log = logging.getLogger(__name__)


def reply_rate_limiter() -> ChatRateLimiter:
    """Limits for the application's own sends (replies to updates, the final summary's files).

    No overall cap: Telegram's ~30 messages/s is the bulk-notification limit, and the bot's
    broadcasts go through the outbox sender, which paces itself (bot/outbox.py). Replies go
    one per update to the chat that wrote, at the pace people write; a 30/s cap here would
    queue every person's answer behind everyone else's on a busy day, for nothing. What stays:
    20 messages a minute per group (the secretariat's chat), and a 429 retried after the delay
    Telegram gives, pausing that chat only (bot/requests.py), so a real flood limit loses no
    reply and one flooding chat delays nobody else.
    """
    return ChatRateLimiter(group_max_rate=20, group_period=60, max_retries=5)


def build_application(
    services: Services,
    core: Core,
    *,
    token: str | None = None,
    rate_limiter: bool = True,
) -> Application:
    settings = services.settings
    timeout = settings.telegram_timeout
    queue = InboxQueue(UpdateInbox(services.db))
    requests = (AiohttpRequest(connect_timeout=10, read_timeout=timeout,
                               write_timeout=max(20.0, timeout)),
                InboxRequest(queue, connection_pool_size=1, read_timeout=30))
    builder = (
        ApplicationBuilder()
        .application_class(ThiduaApplication)
        .update_queue(queue)
        .token(token or settings.token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(tzinfo=settings.tz))
        # Different chats concurrently, one chat in order (ConversationHandler needs that).
        .concurrent_updates(PerChatUpdateProcessor())
        .request(requests[0])
        .get_updates_request(requests[1])
    )
    # Every call is retried after a 5xx or a connection that could not be opened; replies are
    # also paced by the limits above (tests turn the pacing off, not the retries).
    pacing = reply_rate_limiter() if rate_limiter else None
    builder = builder.rate_limiter(ResilientLimiter(pacing))  # type: ignore[arg-type]
    app = builder.build()
    # PTB shuts its requests down only once initialised: a start that failed (getMe without
    # network) would leave their sessions open ("Unclosed client session").
    app.http_requests = requests  # type: ignore[attr-defined]
    app.bot_data[SERVICES_KEY] = services
    register_all(app, core)
    app.add_error_handler(on_error)
    return app
