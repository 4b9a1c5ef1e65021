"""Start and stop the whole bot: database, application, updates (polling or webhook), jobs.

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

from bot.app import build_application
from bot.inbox import replay_pending
from bot.logs import register_secret
from bot.outbox import OutboxSender, outbox_bot
from bot.runlock import RunLock, UsersLock
from bot.schedule import Scheduler
from bot.services import Services
from bot.settings import Settings
from bot.webhook import ALLOWED_UPDATES, start_webhook, stop_webhook
from handlers.chat_migration import secretariat_chat_moved
from handlers.features import all_commands, periodic_jobs, start_features, stop_features
from handlers.publish import publish_default_commands
from storage.audit import AuditContext
from storage.db import Database

log = logging.getLogger(__name__)


def _polling_failed(error: TelegramError) -> None:
    # The updater retries with a growing pause: an outage is a warning, not a bug.
    log.warning("fetching updates failed (%s); retrying", error)


class BotRuntime:
    def __init__(self, settings: Settings, *, token: str | None = None,
                 rate_limiter: bool = True, scheduler_ticks: bool = True) -> None:
        """`scheduler_ticks=False` leaves periodic jobs to explicit `scheduler.tick(now)`
        calls (tests drive the clock themselves)."""
        self.settings = settings
        self.token = token
        self.rate_limiter = rate_limiter
        self.scheduler_ticks = scheduler_ticks
        self.db = Database(settings.database, lock_wait=settings.db_lock_wait)
        self.lock = RunLock(settings.database)
        self.users = UsersLock(settings.database)  # no restore while the bot uses it
        self.services: Services | None = None
        self.app: Application | None = None
        self._outbox_bot: Bot | None = None
        self.replayed = 0  # updates of a previous process processed at this start

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
        register_secret(self.token or (self.settings.telegram_bot_token.get_secret_value()
                                       if self.settings.telegram_bot_token else None))
        await self.db.open()
        self.services = Services.create(self.settings, self.db)
        await self.services.resolve_configured_chats()
        self.app = build_application(self.services, token=self.token,
                                     rate_limiter=self.rate_limiter)
        await self.app.initialize()
        await publish_default_commands(self.app.bot, all_commands(),
                                       self.services.settings.secretariat_chat_id,
                                       self.settings.locale)
        self.replayed = await replay_pending(self.app)  # before new updates are fetched
        await self.app.start()
        if mode == "polling":
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                poll_interval=0, timeout=10, drop_pending_updates=False,
                allowed_updates=ALLOWED_UPDATES, error_callback=_polling_failed,
            )
        elif mode == "webhook":
            await self._start_webhook(webhook_path)
        self._outbox_bot = outbox_bot(self.token or self.settings.token,
                                      self.settings.telegram_api_base_url,
                                      self.settings.telegram_api_file_url)
        await self._outbox_bot.initialize()
        self.services.sender = OutboxSender(self._outbox_bot, self.db,
                                            per_second=self.settings.send_rate,
                                            alerts=self.app.bot,
                                            operators_chat_id=self.services.settings
                                            .operators_chat_id,
                                            on_chat_migrated=self._chat_migrated)
        self.services.sender.start()
        self.services.scheduler = Scheduler(self.app, self.db, periodic_jobs())
        if self.scheduler_ticks:
            self.services.scheduler.start()
        await start_features(self.app)

    async def _chat_migrated(self, old: int, new: int) -> None:
        """The outbox met a group that became a supergroup."""
        assert self.services is not None and self.app is not None
        moved = await self.services.follow_chat_migration(old, new, AuditContext.system())
        if "secretariat_chat_id" in moved:
            await secretariat_chat_moved(self.app, new)

    async def _start_webhook(self, path: str) -> None:
        assert self.app is not None
        await start_webhook(self.app, self.settings, path)

    async def stop(self) -> None:
        if self.app is not None:
            await stop_features(self.app)
            if self.services is not None and self.services.sender is not None:
                await self.services.sender.stop()
                self.services.sender = None
            if self._outbox_bot is not None:
                await self._outbox_bot.shutdown()
                self._outbox_bot = None
            await stop_webhook(self.app)
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()
            self.app = None
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
