"""Running the Zalo channel: the API client, the inbox and receiver, polling or the webhook,
the outbox sender for Zalo, and direct delivery for jobs."""

from __future__ import annotations

import logging
import secrets

from app.core import Core
from app.events import Channel, ChatKind, Source
from app.services import Services
from app.ui import Out
from bot.logs import register_secret
from bot.outbox import OutboxSender
from bot.web import WebServer
from channels.zalo.adapter import ZaloChannel, ZaloRenderer
from channels.zalo.api import ZaloBotApi
from channels.zalo.outbox import ZaloTransport
from channels.zalo.polling import ZaloPoller
from channels.zalo.receiver import ZaloReceiver
from channels.zalo.webhook import add_zalo_webhook, register_zalo_webhook
from storage.zalo_inbox import ZaloInbox

log = logging.getLogger(__name__)
POLL_TIMEOUT = 10


class ZaloRuntime:
    def __init__(self, core: Core, services: Services, *,
                 poll_timeout: float = POLL_TIMEOUT) -> None:
        self.core = core
        self.poll_timeout = poll_timeout
        self.services = services
        settings = services.settings
        register_secret(settings.zalo_token)
        self.api = ZaloBotApi(settings.zalo_token, settings.zalo_api_base_url)
        self.channel = ZaloChannel(core, services, self.api)
        self.receiver = ZaloReceiver(ZaloInbox(services.db), self.channel.handle)
        self.poller: ZaloPoller | None = None
        self.sender: OutboxSender | None = None
        self.replayed = 0
        self._secret: str | None = None

    async def start(self, mode: str, web: WebServer | None) -> None:
        """Before the web server starts: routes. Updates of a previous process first."""
        services = self.services
        settings = services.settings
        services.deliverers[Channel.ZALO.value] = self.deliver
        self.replayed = await self.receiver.replay_pending()
        if mode == "polling":
            self.poller = ZaloPoller(self.api, self.receiver, timeout=self.poll_timeout)
            await self.poller.start()
        elif mode == "webhook":
            assert web is not None
            secret = settings.zalo_webhook_secret
            self._secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
            register_secret(self._secret)
            add_zalo_webhook(web.app, settings.zalo_webhook_path, self._secret, self.receiver)
        chat = settings.zalo_secretariat_chat_id
        groups = frozenset({chat} if chat is not None else set())
        self.sender = OutboxSender(ZaloTransport(self.api, services.db, groups), services.db,
                                   per_second=settings.send_rate)  # type: ignore[arg-type]
        services.senders.append(self.sender)
        self.sender.start()

    async def register_webhook(self) -> None:
        """Once the web server listens: tell Zalo where to deliver."""
        settings = self.services.settings
        if self._secret is None or not settings.webhook_url:
            return
        await register_zalo_webhook(self.api, settings.webhook_url, settings.zalo_webhook_path,
                                    self._secret)

    async def deliver(self, chat_id: str, outs: list[Out]) -> None:
        group = chat_id == self.services.settings.zalo_secretariat_chat_id
        source = Source(Channel.ZALO, None, chat_id,
                        ChatKind.GROUP if group else ChatKind.PRIVATE)
        await ZaloRenderer(self.channel, source).render(outs)

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
            self.poller = None
        await self.receiver.stop()
        await self.channel.stop()
        if self.sender is not None:
            await self.sender.stop()
            if self.sender in self.services.senders:
                self.services.senders.remove(self.sender)
            self.sender = None
        self.services.deliverers.pop(Channel.ZALO.value, None)
        await self.api.close()
