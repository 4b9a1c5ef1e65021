"""Keeping one person's flood from costing everyone else: strangers' answers and summaries.

- `Throttle`: a token bucket per key. A stranger (a Telegram account linked to nobody) who
  writes twice a second gets a few answers, then one per period, not one per message: every
  answer counts against Telegram's per-chat limit, and the 429s that follow were paid by
  everybody while the rate limiter paused all replies (it no longer does: bot/requests.py).
- `SharedRenders`: the summary files (seconds of a worker process each). Identical requests
  in flight share one rendering; a person has one request in flight at a time; and at most
  `max_pending` different renderings wait, beyond which the request is refused with "busy,
  try again later" instead of queueing minutes of work (30 `/tonghop` from one head delayed
  the secretariat's files from 2 s to 12 s).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Throttle:
    """At most `burst` events at once per key, then one per `every` seconds."""

    def __init__(self, burst: int = 5, every: float = 10.0, *, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.every = every
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def allow(self, key: Hashable) -> bool:
        """Whether an event for `key` may happen now (and count it if so)."""
        now = self.clock()
        tokens, stamp = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - stamp) / self.every)
        allowed = tokens >= 1
        self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        while len(self._buckets) > self.max_keys:  # the least recently seen go first
            self._buckets.popitem(last=False)
        return allowed


class Busy(Exception):
    """Too much work waits already: try again later."""


class SharedRenders:
    """Renderings shared by identical requests, one per person, a bounded number at once."""

    def __init__(self, max_pending: int = 4) -> None:
        self.max_pending = max_pending
        self._running: dict[Hashable, asyncio.Future[Any]] = {}
        self._reserved: dict[Hashable, tuple[Hashable, ...]] = {}  # person → renderings

    def has(self, person: Hashable) -> bool:
        """Whether `person` has a request in flight."""
        return person in self._reserved

    def _pending(self) -> set[Hashable]:
        return set(self._running) | {k for keys in self._reserved.values() for k in keys}

    def reserve(self, person: Hashable, keys: list[Hashable]) -> None:
        """Admit `person`'s request for the renderings `keys` (Busy if it would wait behind
        too much work); release it with `release(person)` once its files are sent."""
        pending = self._pending()
        new = set(keys) - pending
        if new and len(pending) + len(new) > self.max_pending:
            raise Busy
        self._reserved[person] = tuple(keys)

    def release(self, person: Hashable) -> None:
        self._reserved.pop(person, None)

    async def render(self, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        """`make()`'s result, shared with every identical request while it runs."""
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(make())
            self._running[key] = running
            running.add_done_callback(lambda _: self._running.pop(key, None))
        return await asyncio.shield(running)  # one waiter cancelled: the others still get it
