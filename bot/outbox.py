"""The sender that drains the outbox: paced, retried, and safe across restarts.

Pacing is done here, not left to 429s: a global rate (THIDUA_SEND_RATE, under Telegram's ~30
messages/s), one message per second per private chat and 20 a minute per group. The sender
uses its own plain `Bot`, without the application's AIORateLimiter: that limiter retries 429s
in memory (sleeping while our lease runs out, and `rate_limit_args=0` cannot turn the retries
off per call since PTB reads it as "use the default"), whereas here a 429 is recorded on the
row (`not_before`) and pauses all sending for Telegram's delay. 5xx and timeouts back off,
403 marks the person unreachable (they blocked the bot).

Nothing is lost or sent twice across a restart: a row is leased to one sender (renewed before
a send that starts late), the outcome is written right after the send, and a sender that
stops (SIGTERM) finishes the sends in flight and hands back the rest of its batch. Only a
hard kill between a send and its write can repeat those messages, once their lease expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from app.delivery import Outcome, Transport
from bot.errors import alert_operators
from bot.http import AiohttpRequest
from storage.db import Database, utcnow
from storage.links import LinkRepository
from storage.outbox import LEASE, OutboxMessage, OutboxRepository

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
PRIVATE_CHAT_INTERVAL = 1.0  # seconds between two messages to one person
GROUP_LIMIT, GROUP_PERIOD = 20, 60.0  # messages per group in any minute
CONCURRENCY = 8  # sends in flight at once
# A send takes at most ~45 s (connect + write + read timeouts): a send started later than
# this after the claim renews its lease first.
RENEW_AFTER = LEASE.total_seconds() - 50


def _markup(rows: list[list[dict[str, str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b.get("callback_data"), url=b.get("url"))
          for b in row] for row in rows]
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** min(attempts, 8)))


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def outbox_bot(token: str, base_url: str, base_file_url: str) -> Bot:
    """A Bot for the sender alone: no rate limiter, its own connection pool."""
    request = AiohttpRequest(connection_pool_size=CONCURRENCY, connect_timeout=10,
                             read_timeout=15, write_timeout=20, pool_timeout=5)
    return Bot(token, base_url=base_url, base_file_url=base_file_url, request=request)


def telegram_group(chat_id: object) -> bool:
    """Telegram's groups have negative ids."""
    return isinstance(chat_id, int) and chat_id < 0


class Pacer:
    """Client-side limits, so that a broadcast does not depend on the platform's 429s."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 is_group: Callable[[object], bool] = telegram_group) -> None:
        self.interval = 1.0 / per_second
        self.clock = clock
        self.is_group = is_group
        self._next_global = 0.0
        self._paused_until = 0.0
        self._next_private: dict[object, float] = {}
        self._group_sends: dict[object, deque[float]] = {}

    def global_wait(self) -> float:
        return max(0.0, max(self._next_global, self._paused_until) - self.clock())

    def chat_wait(self, chat_id: object) -> float:
        now = self.clock()
        if not self.is_group(chat_id):
            return max(0.0, self._next_private.get(chat_id, 0.0) - now)
        sends = self._group_sends.get(chat_id)
        while sends and sends[0] <= now - GROUP_PERIOD:
            sends.popleft()
        if not sends or len(sends) < GROUP_LIMIT:
            return 0.0
        return sends[0] + GROUP_PERIOD - now

    def sent(self, chat_id: object) -> None:
        now = self.clock()
        self._next_global = max(now, self._next_global) + self.interval
        if self.is_group(chat_id):
            self._group_sends.setdefault(chat_id, deque()).append(now)
            return
        self._next_private[chat_id] = now + PRIVATE_CHAT_INTERVAL
        if len(self._next_private) > 10_000:  # forget chats whose interval has long passed
            self._next_private = {c: t for c, t in self._next_private.items() if t > now}

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing leaves before `seconds` have passed."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)


class TelegramTransport:
    channel = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def is_group(self, chat_id: object) -> bool:
        return telegram_group(chat_id)

    async def send(self, message: OutboxMessage) -> Outcome:
        try:
            sent = await self.bot.send_message(
                message.chat_id,
                message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            return Outcome("retry_after", f"429 retry after {_seconds(exc.retry_after):g}s",
                           delay=_seconds(exc.retry_after))
        except Forbidden as exc:
            return Outcome("unreachable", str(exc))
        except ChatMigrated as exc:
            return Outcome("migrated", f"chat migrated to {exc.new_chat_id}",
                           new_chat_id=int(exc.new_chat_id))
        except BadRequest as exc:
            unreachable = "chat not found" in str(exc).lower()
            return Outcome("unreachable" if unreachable else "failed", str(exc))
        except (NetworkError, TelegramError) as exc:  # 5xx, timeouts: try again later
            return Outcome("retry", str(exc))
        return Outcome("sent", message_id=sent.message_id)


class OutboxSender:
    def __init__(self, bot: Bot | Transport, db: Database, *, batch_size: int = 20,
                 idle_poll: float = 2.0, per_second: float = 28.0,
                 concurrency: int = CONCURRENCY, alerts: Bot | None = None,
                 operators_chat_id: int | None = None,
                 on_chat_migrated: Callable[[int, int], Awaitable[None]] | None = None) -> None:
        """`alerts` (the application's bot) posts failures to `operators_chat_id`;
        `on_chat_migrated(old, new)` records a group that became a supergroup, and moves the
        messages waiting for it (storage.chats), this one included."""
        self.transport: Transport = TelegramTransport(bot) if isinstance(bot, Bot) else bot
        self.channel = self.transport.channel
        self.alerts = alerts if alerts is not None else bot if isinstance(bot, Bot) else None
        self.operators_chat_id = operators_chat_id
        self.on_chat_migrated = on_chat_migrated
        self.repo = OutboxRepository(db)
        self.links = LinkRepository(db)
        self.batch_size = batch_size
        self.idle_poll = idle_poll
        self.pacer = Pacer(per_second, is_group=self.transport.is_group)
        self.owner = f"sender-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._deferred_wait: float | None = None  # a chat in the last batch had to wait
        self._throttled = False  # a 429 in this batch: start nothing more
        self._slots = asyncio.Semaphore(concurrency)

    @property
    def _stopping(self) -> bool:
        return self._stop.is_set()

    def wake(self) -> None:
        """New messages were queued: send without waiting for the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="thidua-outbox")

    async def stop(self) -> None:
        """Finish the message in flight, hand back the rest of the batch, and return."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _alert(self, where: str, error: BaseException) -> None:
        if self.alerts is not None:
            await alert_operators(self.alerts, self.operators_chat_id, where, error)

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; False when the sender is stopping."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        return not self._stopping

    async def _run(self) -> None:
        while not self._stopping:
            try:
                sent = await self.drain_once()
            except Exception as exc:  # keep the sender alive whatever one batch did
                log.exception("outbox batch failed")
                await self._alert("outbox", exc)
                sent = 0
            if sent == 0 and not self._stopping:
                self._wake.clear()
                wait = self.idle_poll
                if self._deferred_wait is not None:
                    wait = min(wait, self._deferred_wait)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.01))

    async def drain_once(self) -> int:
        """Send one leased batch; returns how many messages were handled.

        Sends overlap (up to `concurrency` in flight, started at the paced rate), so the
        throughput does not depend on Telegram's round trip. A batch holds at most one
        message per chat, so overlapping sends never reorder a chat's messages.
        """
        self._deferred_wait = None
        self._throttled = False
        if not await self._sleep(self.pacer.global_wait()):  # after a 429, before leasing
            return 0
        batch = await self.repo.claim(self.batch_size, self.owner, channel=self.channel)
        leased_at = time.monotonic()
        unsent = {m.id for m in batch}
        sending: list[asyncio.Task[None]] = []
        try:
            for message in batch:
                if self._stopping or self._throttled:
                    break
                wait = self.pacer.chat_wait(message.chat_id)
                if wait > 0:  # this chat had a message a moment ago: it goes in a later batch
                    self._deferred_wait = min(wait, self._deferred_wait or wait)
                    continue
                if not await self._sleep(self.pacer.global_wait()) or self._throttled:
                    break
                await self._slots.acquire()
                unsent.discard(message.id)
                self.pacer.sent(message.chat_id)
                renew = time.monotonic() - leased_at > RENEW_AFTER
                sending.append(asyncio.create_task(self._deliver(message, renew)))
        finally:
            if sending:
                await asyncio.gather(*sending, return_exceptions=True)
            if unsent:
                await self.repo.release(unsent, self.owner)
        return len(sending)

    async def _deliver(self, message: OutboxMessage, renew: bool) -> None:
        try:
            # The claim's lease covers a send started soon after it; later ones renew it
            # first, and skip the message if another sender has taken it meanwhile.
            if renew and not await self.repo.renew(message.id, self.owner):
                return
            pause = await self._send(message)
            if pause:
                self.pacer.pause(pause)
                self._throttled = True
        except Exception as exc:
            log.exception("outbox message %s: unexpected error", message.id)
            await self._alert(f"outbox message {message.id}", exc)
        finally:
            self._slots.release()

    async def drain(self, limit_seconds: float = 60.0) -> bool:
        """Send until nothing is pending (CLI commands and tests); False if time ran out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_seconds
        while loop.time() < deadline:
            if await self.drain_once() == 0:
                if await self.repo.pending_count(channel=self.channel) == 0:
                    return True
                due = await self.repo.next_due(self.channel)
                wait = (due - utcnow()).total_seconds() if due else 0.2
                if self._deferred_wait is not None:
                    wait = min(wait, self._deferred_wait)
                await asyncio.sleep(min(max(wait, 0.05), 1.0, max(0.0, deadline - loop.time())))
        return await self.repo.pending_count(channel=self.channel) == 0

    async def _send(self, message: OutboxMessage) -> float:
        """Send one message; returns seconds to pause all sending (after a 429), else 0."""
        outcome = await self.transport.send(message)
        if outcome.kind == "sent":
            await self.repo.mark_sent(message.id, outcome.message_id)
        elif outcome.kind == "retry_after":
            await self.repo.retry_later(message.id, utcnow() + timedelta(seconds=outcome.delay),
                                        outcome.detail, failed_attempt=False)
            log.info("outbox: %s asked to wait %gs", self.channel, outcome.delay)
            return outcome.delay
        elif outcome.kind == "unreachable":
            await self.repo.finish(message.id, "unreachable", outcome.detail)
            if message.person_id is not None:
                await self.links.mark_unreachable(message.person_id, channel=self.channel,
                                                  chat_id=message.chat_id)
        elif outcome.kind == "migrated" and outcome.new_chat_id is not None:
            log.warning("chat %s migrated to %s", message.chat_id, outcome.new_chat_id)
            if self.on_chat_migrated is None or not isinstance(message.chat_id, int):
                await self.repo.finish(message.id, "failed", outcome.detail)
                return 0.0
            await self.on_chat_migrated(message.chat_id, outcome.new_chat_id)
            await self.repo.retry_later(message.id, utcnow(), outcome.detail,
                                        failed_attempt=False)
        elif outcome.kind == "failed":
            await self.repo.finish(message.id, "failed", outcome.detail)
            log.warning("outbox message %s refused: %s", message.id, outcome.detail)
        elif message.attempts + 1 >= MAX_ATTEMPTS:
            await self.repo.finish(message.id, "failed", outcome.detail)
        else:
            await self.repo.retry_later(message.id, utcnow() + _backoff(message.attempts),
                                        outcome.detail)
        return 0.0
