"""Every Bot API call goes through here: paced (AIORateLimiter) and retried on short outages.

AIORateLimiter already waits and retries after a 429. This adds a few quick retries after a
5xx answer or a connection that could not be opened, so a reply survives a blip of Telegram
or of the network. Calls that may have reached Telegram (a read timeout, a dropped
connection after sending) are not retried: a user would get the same message twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter, BaseRateLimiter

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


class ResilientLimiter(BaseRateLimiter[int]):
    def __init__(self, pacing: AIORateLimiter | None,
                 backoff: tuple[float, ...] | None = None) -> None:
        self.pacing = pacing
        self.backoff = BACKOFF if backoff is None else backoff

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
                    return await self.pacing.process_request(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
                return await callback(*args, **kwargs)
            except NetworkError as exc:
                if attempt == retries or not safe_to_retry(exc):
                    raise
                log.warning("%s failed (%s); retrying", endpoint, exc)
                await asyncio.sleep(self.backoff[attempt])
        raise AssertionError("unreachable")  # pragma: no cover
