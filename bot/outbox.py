"""The sender that drains the outbox: paced, retried, and safe across restarts.

Pacing: python-telegram-bot's AIORateLimiter (on the application's bot) keeps the global
~30 messages/s and 20/min per group; this sender adds per-message outcomes: a 429 puts the
message back with Telegram's delay, 5xx and timeouts back off, 403 marks the person
unreachable (they blocked the bot), and nothing is lost when the process stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.errors import alert_operators
from storage.db import Database, utcnow
from storage.links import LinkRepository
from storage.outbox import OutboxMessage, OutboxRepository

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def _markup(rows: list[list[dict[str, str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b.get("callback_data"), url=b.get("url"))
          for b in row] for row in rows]
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** min(attempts, 8)))


class OutboxSender:
    def __init__(self, bot: Bot, db: Database, *, batch_size: int = 20,
                 idle_poll: float = 2.0, operators_chat_id: int | None = None) -> None:
        self.bot = bot
        self.operators_chat_id = operators_chat_id
        self.repo = OutboxRepository(db)
        self.links = LinkRepository(db)
        self.batch_size = batch_size
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """New messages were queued: send without waiting for the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="thidua-outbox")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                sent = await self.drain_once()
            except Exception as exc:  # keep the sender alive whatever one batch did
                log.exception("outbox batch failed")
                await alert_operators(self.bot, self.operators_chat_id, "outbox", exc)
                sent = 0
            if sent == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.idle_poll)

    async def drain_once(self) -> int:
        """Send one leased batch; returns how many messages were handled."""
        batch = await self.repo.claim(self.batch_size)
        handled = 0
        for index, message in enumerate(batch):
            if self._stopping:
                await self.repo.release(m.id for m in batch[index:])
                break
            pause = await self._send(message)
            handled += 1
            if pause:
                # Telegram throttles the whole bot: give the lease of the rest back and wait.
                await self.repo.release(m.id for m in batch[index + 1:])
                await asyncio.sleep(pause)
                break
        return handled

    async def drain(self, limit_seconds: float = 60.0) -> None:
        """Send until nothing is due (CLI commands and tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_seconds
        while loop.time() < deadline:
            if await self.drain_once() == 0:
                if await self.repo.pending_count() == 0:
                    return
                await asyncio.sleep(0.2)

    async def _send(self, message: OutboxMessage) -> float:
        """Send one message; returns seconds to pause all sending (after a 429), else 0."""
        try:
            sent = await self.bot.send_message(
                message.chat_id,
                message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=_markup(message.buttons),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            delay = exc.retry_after if isinstance(exc.retry_after, int | float) else \
                exc.retry_after.total_seconds()
            await self.repo.retry_later(message.id, utcnow() + timedelta(seconds=delay),
                                        "429 retry after")
            return float(delay)
        except Forbidden as exc:
            await self.repo.finish(message.id, "unreachable", str(exc))
            if message.person_id is not None:
                await self.links.mark_unreachable(message.person_id)
            return 0.0
        except ChatMigrated as exc:
            await self.repo.finish(message.id, "failed", f"chat migrated to {exc.new_chat_id}")
            log.warning("chat %s migrated to %s", message.chat_id, exc.new_chat_id)
            return 0.0
        except BadRequest as exc:
            status = "unreachable" if "chat not found" in str(exc).lower() else "failed"
            await self.repo.finish(message.id, status, str(exc))
            if status == "unreachable" and message.person_id is not None:
                await self.links.mark_unreachable(message.person_id)
            log.warning("outbox message %s refused: %s", message.id, exc)
            return 0.0
        except NetworkError as exc:  # 5xx, timeouts: try again later, then give up
            if message.attempts + 1 >= MAX_ATTEMPTS:
                await self.repo.finish(message.id, "failed", str(exc))
            else:
                await self.repo.retry_later(message.id, utcnow() + _backoff(message.attempts),
                                            str(exc))
            return 0.0
        await self.repo.mark_sent(message.id, sent.message_id)
        return 0.0
