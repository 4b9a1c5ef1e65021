"""Every Bot API call goes through here: paced per chat and retried on short outages.

`ChatRateLimiter` keeps 20 messages a minute per group and, after a 429, waits as long as
Telegram asks *for that chat only* before retrying. (PTB's AIORateLimiter paused every call
of the bot on any 429: a stranger flooding one chat made Telegram answer 429 there, and
another user's /help waited 8 s.) `ResilientLimiter` adds a few quick retries after a 5xx
answer or a connection that could not be opened, so a reply survives a blip of Telegram or
of the network. Calls that may have reached Telegram (a read timeout, a dropped connection
after sending) are not retried: a user would get the same message twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
BACKOFF = (0.3, 1.0, 2.5)  # seconds before each retry
# The transport's (bot.http, aiohttp) failures that happen before a request is written: a
# connection refused or unresolved, a connection (or a free slot in the pool) not had in time.
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


def safe_to_retry(exc: NetworkError) -> bool:
    """True when Telegram surely did not act on the call."""
    if isinstance(exc, BadRequest):
        return False
    cause = exc.__cause__
    if isinstance(exc, TimedOut):
        return isinstance(cause, NOT_SENT)
    if cause is None:
        return True  # an HTTP 5xx answer: Telegram did not process it
    return isinstance(cause, NOT_SENT)


class ChatRateLimiter(BaseRateLimiter[int]):
    """Per-chat pacing: `group_max_rate` messages per `group_period` seconds to each group
    (Telegram's 20 a minute), and a 429 pauses only the chat it concerns (calls without a
    chat, such as answering a button, only themselves), up to `max_retries` times."""

    MAX_CHATS = 1024  # group limiters and pauses kept (the least recent are forgotten)

    def __init__(self, *, group_max_rate: float = 20, group_period: float = 60,
                 max_retries: int = 5) -> None:
        self.group_max_rate = group_max_rate
        self.group_period = group_period
        self.max_retries = max_retries
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._paused_until: dict[int | str, float] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @staticmethod
    def _chat(data: dict[str, Any]) -> int | str | None:
        chat_id = data.get("chat_id")
        if isinstance(chat_id, str):
            try:
                return int(chat_id)
            except ValueError:
                return chat_id  # "@channel": a group as far as limits go
        return chat_id if isinstance(chat_id, int) else None

    def _group_limiter(self, chat: int | str) -> AsyncLimiter:
        limiter = self._groups.get(chat)
        if limiter is None:
            if len(self._groups) >= self.MAX_CHATS:
                self._groups = {k: v for k, v in self._groups.items()
                                if not v.has_capacity(v.max_rate)}
            limiter = self._groups[chat] = AsyncLimiter(self.group_max_rate, self.group_period)
        return limiter

    async def _wait_for(self, chat: int | str | None) -> None:
        if chat is None:
            return
        until = self._paused_until.get(chat)
        if until is not None:
            delay = until - asyncio.get_running_loop().time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                self._paused_until.pop(chat, None)

    def _pause(self, chat: int | str | None, seconds: float) -> None:
        if chat is None:
            return
        if len(self._paused_until) >= self.MAX_CHATS:
            now = asyncio.get_running_loop().time()
            self._paused_until = {k: v for k, v in self._paused_until.items() if v > now}
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until[chat] = max(until, self._paused_until.get(chat, 0.0))

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = self._chat(data)
        is_group = isinstance(chat, str) or (isinstance(chat, int) and chat < 0)
        retries = rate_limit_args if rate_limit_args is not None else self.max_retries
        for attempt in range(retries + 1):
            await self._wait_for(chat)
            try:
                if is_group and self.group_max_rate and chat is not None:
                    async with self._group_limiter(chat):
                        return await callback(*args, **kwargs)
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                delay = exc.retry_after
                seconds = (delay.total_seconds() if hasattr(delay, "total_seconds")
                           else float(delay)) + 0.1
                log.info("%s: Telegram asks to wait %.1f s for this chat", endpoint, seconds)
                self._pause(chat, seconds)
                if chat is None:
                    await asyncio.sleep(seconds)
        raise AssertionError("unreachable")  # pragma: no cover


class ResilientLimiter(BaseRateLimiter[int]):
    def __init__(self, pacing: BaseRateLimiter[int] | None,
                 backoff: tuple[float, ...] | None = None) -> None:
        self.pacing = pacing
        self.backoff = BACKOFF if backoff is None else backoff
        # Until a first call succeeds, retries are not worth a warning each: a start without
        # network ends in one line that says so (bot.cli), not in a page of warnings.
        self.reached = False

    async def initialize(self) -> None:
        if self.pacing is not None:
            await self.pacing.initialize()

    async def shutdown(self) -> None:
        if self.pacing is not None:
            await self.pacing.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = 0 if endpoint == "getUpdates" else len(self.backoff)  # the updater retries
        for attempt in range(retries + 1):
            try:
                if self.pacing is not None:
                    result = await self.pacing.process_request(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
                else:
                    result = await callback(*args, **kwargs)
                self.reached = True
                return result
            except NetworkError as exc:
                if attempt == retries or not safe_to_retry(exc):
                    raise
                log.log(logging.WARNING if self.reached else logging.DEBUG,
                        "%s failed (%s); retrying", endpoint, exc)
                await asyncio.sleep(self.backoff[attempt])
        raise AssertionError("unreachable")  # pragma: no cover
