"""Updates of different chats processed concurrently, those of one chat strictly in order.

With python-telegram-bot's default (one update at a time), every Bot API round trip of one
person's update (answer the button, edit the screen, send the next one: ~100 ms each from a
real server) holds up everybody else: a few updates a second on a deadline day. Processing
updates concurrently is what PTB's ConversationHandler warns against, because two updates of
the same conversation would race. So the unit of order here is the chat (the conversation key
is (chat, user)): an update waits for the previous update of its chat to be completely
processed, persistence flush included, and updates of different chats overlap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates in progress at once (PTB's semaphore only counts them: it must never make one wait,
# or it could let a later update of a chat start before an earlier one).
CONCURRENCY = 64
_UNLIMITED = 1_000_000


def order_key(update: object) -> Hashable | None:
    """The chat whose updates must stay in order (the user for chatless updates)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Per-chat order, `concurrency` updates at most in progress."""

    def __init__(self, concurrency: int = CONCURRENCY) -> None:
        super().__init__(_UNLIMITED)
        self._slots = asyncio.Semaphore(concurrency)
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Runs up to the first await in the order the updates arrived (PTB starts one task per
        # update, in order, and its semaphore never blocks): the chain is built in that order.
        key = order_key(update)
        previous = self._last.get(key) if key is not None else None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._last[key] = done
        started = False
        try:
            if previous is not None:
                await asyncio.shield(previous)
            async with self._slots:
                started = True
                await coroutine
        finally:
            if not started and asyncio.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting (the bot is stopping)
            done.set_result(None)
            if key is not None and self._last.get(key) is done:
                del self._last[key]

    def in_progress(self, key: Hashable | None) -> bool:
        """Whether an update of this chat (an `order_key`) is being processed or waits."""
        return key is not None and key in self._last

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
