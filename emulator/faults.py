"""Injected failures and Telegram's flood limits."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request, forbidden, server_error, too_many_requests

# Methods that create a message count against the flood limits (edits and answers do not).
SENDING_METHODS = frozenset(
    m.lower()
    for m in (
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    )
)


@dataclass(slots=True)
class Fault:
    """Matches calls by method (any if None) and chat; answers `times` of them (forever if
    None) after sleeping `delay` seconds, with `status` (or normally if status is None)."""

    methods: frozenset[str] | None
    status: int | None = None
    retry_after: int = 1
    times: int | None = 1
    chat_id: int | str | None = None
    delay: float = 0.0
    description: str | None = None
    hits: int = 0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.methods is not None and method.lower() not in self.methods:
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def error(self) -> ApiError | None:
        if self.status is None:
            return None
        if self.status == 429:
            return too_many_requests(self.retry_after)
        if self.status >= 500:
            return server_error(self.status)
        if self.status == 403:
            return forbidden(self.description or "bot was blocked by the user")
        if self.status == 400:
            return bad_request(self.description or "injected fault")
        return ApiError(self.status, self.description or f"Error {self.status}")


@dataclass
class FaultPlan:
    faults: list[Fault] = field(default_factory=list)

    def add(
        self,
        method: str | Iterable[str] | None = None,
        *,
        status: int | None = None,
        retry_after: int = 1,
        times: int | None = 1,
        chat_id: int | str | None = None,
        delay: float = 0.0,
        description: str | None = None,
    ) -> Fault:
        if isinstance(method, str):
            methods: frozenset[str] | None = frozenset({method.lower()})
        else:
            methods = None if method is None else frozenset(m.lower() for m in method)
        fault = Fault(methods, status, retry_after, times, chat_id, delay, description)
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, chat_id: Any) -> Fault | None:
        """The first armed fault matching this call, consuming one of its `times`."""
        for fault in self.faults:
            if fault.matches(method, chat_id):
                fault.hits += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None


class _Window:
    """At most `limit` events in any `period` seconds (sliding log)."""

    __slots__ = ("limit", "period", "stamps")

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.stamps: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self.stamps and self.stamps[0] <= now - self.period:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.period - now


class _Bucket:
    """Token bucket: `burst` messages at once, refilled at `rate` per second."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = float(burst), now

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class FloodLimits:
    """Telegram's documented limits: about one message per second per chat (short bursts are
    tolerated), 20 per minute per group, 30 per second overall. Only message-creating methods
    count; a rejected call consumes nothing."""

    enabled: bool = False
    per_chat_per_second: float = 1
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    global_per_second: int = 30
    clock: Any = time.monotonic
    _chats: dict[int | str, _Bucket] = field(default_factory=dict)
    _groups: dict[int | str, _Window] = field(default_factory=dict)
    _global: _Window | None = None

    def configure(self, **settings: Any) -> None:
        for key, value in settings.items():
            setattr(self, key, value)
        self._chats.clear()
        self._groups.clear()
        self._global = _Window(self.global_per_second, 1.0)

    def check(self, method: str, chat_id: Any) -> ApiError | None:
        if not self.enabled or method.lower() not in SENDING_METHODS or chat_id is None:
            return None
        now = self.clock()
        if self._global is None:
            self._global = _Window(self.global_per_second, 1.0)
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = _Bucket(
                self.per_chat_per_second, self.per_chat_burst, now
            )
        group = None
        if _is_group(chat_id):
            group = self._groups.get(chat_id)
            if group is None:
                group = self._groups[chat_id] = _Window(self.per_group_per_minute, 60.0)
        waits = [self._global.wait_time(now), bucket.wait_time(now)]
        if group is not None:
            waits.append(group.wait_time(now))
        wait = max(waits)
        if wait > 0:
            return too_many_requests(max(1, math.ceil(wait)))
        self._global.stamps.append(now)
        bucket.tokens -= 1
        if group is not None:
            group.stamps.append(now)
        return None


def _is_group(chat_id: Any) -> bool:
    try:
        return int(chat_id) < 0
    except (TypeError, ValueError):
        return True  # "@channelusername"
