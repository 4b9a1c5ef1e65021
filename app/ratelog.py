"""A warning that would repeat for every hostile request, logged at most once a minute."""

from __future__ import annotations

import logging
import time

log = logging.getLogger("thidua.web")


class RefusalLog:
    """Logs refused requests at most once per `every` seconds, with how many were refused."""

    def __init__(self, what: str, every: float = 60.0) -> None:
        self.what = what
        self.every = every
        self.total = 0
        self._unlogged = 0
        self._last: float | None = None

    def refused(self, remote: str | None) -> None:
        self.total += 1
        self._unlogged += 1
        now = time.monotonic()
        if self._last is None or now - self._last >= self.every:
            log.warning("%s: %d request(s) without the secret token refused (latest from %s)",
                        self.what, self._unlogged, remote or "?")
            self._last, self._unlogged = now, 0
