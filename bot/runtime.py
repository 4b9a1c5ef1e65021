"""Start and stop the whole bot: database, the core, every channel whose token is set
(Telegram, Zalo; polling or webhook), the web server, the outbox senders, the jobs.

The same runtime serves `thidua run`, `thidua console` and the tests, so what the tests
drive is exactly what production runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application

import locales
from app.core import Core
from app.services import Services
from app.settings import Settings
from app.ui import Out
from bot.app import build_application
from bot.inbox import replay_pending
from bot.logs import quiet_content_loggers, register_secret
from bot.outbox import OutboxSender, outbox_bot
from bot.runlock import RunLock, UsersLock
from bot.schedule import Scheduler
from bot.web import WebServer
from bot.webhook import (
    ALLOWED_UPDATES,
    add_telegram_webhook,
    set_telegram_webhook,
    webhook_secret,
)
from bot.zalo import POLL_TIMEOUT as ZALO_POLL_TIMEOUT
from bot.zalo import ZaloRuntime
from channels.telegram.chat_migration import secretariat_chat_moved
from channels.telegram.features import periodic_jobs, registry
from channels.telegram.publish import publish_default_commands
from channels.telegram.render import Renderer
from domain.rules import available_rulesets
from storage.audit import AuditContext
from storage.db import Database

log = logging.getLogger(__name__)


def _polling_failed(error: TelegramError) -> None:
    # The updater retries with a growing pause: an outage is a warning, not a bug.
    log.warning("fetching updates failed (%s); retrying", error)


class BotRuntime:
    def __init__(self, settings: Settings, *, token: str | None = None,
                 rate_limiter: bool = True, scheduler_ticks: bool = True,
                 zalo_poll_timeout: float = ZALO_POLL_TIMEOUT) -> None:
        """`scheduler_ticks=False` leaves periodic jobs to explicit `scheduler.tick(now)`
        calls (tests drive the clock themselves); `zalo_poll_timeout`: seconds a Zalo long
        poll waits (a stop waits for the poll in flight). Every channel whose token is set
        runs."""
        quiet_content_loggers()  # however the process set its logging up (bot.logs)
        self.settings = settings
        self.token = token
        self.rate_limiter = rate_limiter
        self.scheduler_ticks = scheduler_ticks
        self.zalo_poll_timeout = zalo_poll_timeout
        self.db = Database(settings.database, lock_wait=settings.db_lock_wait)
        self.lock = RunLock(settings.database)
        self.users = UsersLock(settings.database)  # no restore while the bot uses it
        self.services: Services | None = None
        self.core: Core | None = None
        self.app: Application | None = None
        self.zalo: ZaloRuntime | None = None
        self.web: WebServer | None = None
        self._outbox_bot: Bot | None = None
        self.replayed = 0  # updates of a previous process processed at this start
        self.sender: OutboxSender | None = None

    @property
    def telegram_on(self) -> bool:
        return self.token is not None or self.settings.has_telegram

    async def start(self, *, mode: str = "polling", webhook_path: str = "telegram") -> None:
        """mode: "polling", "webhook", or "none" (process updates fed by the caller).

        Raises AlreadyRunning if another bot runs on the same database, InUse while a restore
        replaces it.
        """
        self.lock.acquire()
        try:
            self.users.shared()
        except BaseException:
            self.lock.release()
            raise
        try:
            await self._start(mode, webhook_path)
        except BaseException:
            await self.stop()
            raise

    async def _start(self, mode: str, webhook_path: str) -> None:
        settings = self.settings
        await self.db.open()
        self.services = Services.create(settings, self.db)
        await self.services.resolve_configured_chats()
        available_rulesets()  # parsed once now, not on the first person's tap (~0.1 s)
        locales.warm_up()  # catalogs and number formats: not on the first answers either
        features = registry()
        features.start()  # the features' background work (summary and parsing workers)
        self.core = Core(self.services, features)
        if mode == "webhook" or settings.public_url:
            self.web = WebServer(self.db, settings.webhook_listen, settings.webhook_port)
            self.web.serve_files()
        if self.telegram_on:
            await self._start_telegram(mode, webhook_path)
        if settings.has_zalo:
            self.zalo = ZaloRuntime(self.core, self.services,
                                    poll_timeout=self.zalo_poll_timeout)
            await self.zalo.start(mode, self.web)
            self.replayed += self.zalo.replayed
        if self.web is not None:
            await self.web.start()
            if mode == "webhook":
                await self._register_webhooks(webhook_path)
        self.services.scheduler = Scheduler(self.services, periodic_jobs(),
                                            self.app.bot if self.app is not None else None)
        if self.scheduler_ticks:
            self.services.scheduler.start()

    async def _start_telegram(self, mode: str, webhook_path: str) -> None:
        assert self.services is not None and self.core is not None
        settings = self.settings
        register_secret(self.token or settings.token)
        self.app = build_application(self.services, self.core, token=self.token,
                                     rate_limiter=self.rate_limiter)
        await self.app.initialize()
        self.services.deliverers["telegram"] = self._deliver_telegram
        await publish_default_commands(self.app.bot, self.core.registry.listed_commands(),
                                       self.services.settings.secretariat_chat_id,
                                       settings.locale)
        self.replayed += await replay_pending(self.app)  # before new updates are fetched
        await self.app.start()
        if mode == "polling":
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                poll_interval=0, timeout=10, drop_pending_updates=False,
                allowed_updates=ALLOWED_UPDATES, error_callback=_polling_failed,
            )
        elif mode == "webhook":
            assert self.web is not None
            self._telegram_secret = webhook_secret(settings)
            add_telegram_webhook(self.web, self.app, self._telegram_secret, webhook_path)
        self._outbox_bot = outbox_bot(self.token or settings.token,
                                      settings.telegram_api_base_url,
                                      settings.telegram_api_file_url)
        await self._outbox_bot.initialize()
        sender = OutboxSender(self._outbox_bot, self.db, per_second=settings.send_rate,
                              alerts=self.app.bot,
                              operators_chat_id=self.services.settings.operators_chat_id,
                              on_chat_migrated=self._chat_migrated)
        self.services.senders.append(sender)
        self.services.chat_moved_hooks.append(self._operators_moved)
        self.sender = sender
        sender.start()

    async def _register_webhooks(self, webhook_path: str) -> None:
        if self.app is not None:
            await set_telegram_webhook(self.app, self.settings, webhook_path,
                                       self._telegram_secret)
        if self.zalo is not None:
            await self.zalo.register_webhook()

    async def _deliver_telegram(self, chat_id: str, outs: list[Out]) -> None:
        assert self.app is not None
        await Renderer(self.app, None, int(chat_id)).render(outs)

    def _operators_moved(self, old: int, new: int) -> None:
        if self.sender is not None and self.sender.operators_chat_id == old:
            self.sender.operators_chat_id = new

    async def _chat_migrated(self, old: int, new: int) -> None:
        """The outbox met a group that became a supergroup."""
        assert self.services is not None and self.app is not None
        moved = await self.services.follow_chat_migration(old, new, AuditContext.system())
        if "secretariat_chat_id" in moved:
            await secretariat_chat_moved(self.app, new)

    async def stop(self) -> None:
        if self.services is not None and self.services.scheduler is not None:
            await self.services.scheduler.stop()  # type: ignore[attr-defined]
            self.services.scheduler = None
        if self.zalo is not None:
            await self.zalo.stop()
            self.zalo = None
        if self.app is not None:
            if self.services is not None and self.sender is not None:
                await self.sender.stop()
                self.services.senders.remove(self.sender)
                self.sender = None
            if self._outbox_bot is not None:
                await self._outbox_bot.shutdown()
                self._outbox_bot = None
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()
            for request in getattr(self.app, "http_requests", ()):
                await request.shutdown()  # idempotent; PTB skips it after a failed start
            self.app = None
        if self.web is not None:
            await self.web.stop()
            self.web = None
        if self.core is not None:
            self.core.registry.stop()  # the core features' background work (summary workers)
            self.core = None
        await self.db.close()
        self.users.release()
        self.lock.release()

    async def __aenter__(self) -> BotRuntime:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def serve_forever(runtime: BotRuntime, *, mode: str,
                        on_started: Callable[[], Awaitable[None]] | None = None) -> None:
    """Run until SIGINT/SIGTERM, then stop cleanly (flushing conversation states)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # non-Unix
            loop.add_signal_handler(sig, stop.set)
    await runtime.start(mode=mode)
    if on_started is not None:
        await on_started()
    log.info("thidua is running (%s)", mode)
    try:
        await stop.wait()
    finally:
        await runtime.stop()
