"""The Zalo Bot Platform transport: API client, updates, polling, webhook, inbox.

    api = ZaloBotApi(token, base_url)
    receiver = ZaloReceiver(ZaloInbox(db), handler)      # handler(update: ZaloUpdate)
    await receiver.replay_pending()                       # what a killed process left
    poller = ZaloPoller(api, receiver); await poller.start()
    # or: add_zalo_webhook(web_app, path, secret, receiver)
    #     await register_zalo_webhook(api, public_url, path, secret)
    await api.send_text(update.chat_id, "…")              # cut at 2000 characters, on lines
"""

from storage.zalo_inbox import ZaloInbox

from .api import DEFAULT_BASE_URL, SentMessage, WebhookInfo, ZaloBotApi, ZaloBotInfo
from .errors import (
    ZaloApiError,
    ZaloBadRequest,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloNotFound,
    ZaloRateLimited,
    ZaloServerError,
    ZaloUnauthorized,
)
from .polling import ZaloPoller
from .receiver import Handler, ZaloReceiver
from .text import MAX_TEXT, split_text
from .updates import GROUP, PRIVATE, ZaloUpdate, parse_update, parse_updates
from .webhook import (
    SECRET_HEADER,
    ZaloWebhook,
    add_zalo_webhook,
    make_secret,
    register_zalo_webhook,
    secret_matches,
    webhook_url,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "GROUP",
    "MAX_TEXT",
    "PRIVATE",
    "SECRET_HEADER",
    "Handler",
    "SentMessage",
    "WebhookInfo",
    "ZaloApiError",
    "ZaloBadRequest",
    "ZaloBotApi",
    "ZaloBotInfo",
    "ZaloForbidden",
    "ZaloInbox",
    "ZaloNetworkError",
    "ZaloNotFound",
    "ZaloPoller",
    "ZaloRateLimited",
    "ZaloReceiver",
    "ZaloServerError",
    "ZaloUnauthorized",
    "ZaloUpdate",
    "ZaloWebhook",
    "add_zalo_webhook",
    "make_secret",
    "parse_update",
    "parse_updates",
    "register_zalo_webhook",
    "secret_matches",
    "split_text",
    "webhook_url",
]
