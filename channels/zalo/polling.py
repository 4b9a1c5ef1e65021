"""Long polling: getUpdates in a loop, each update stored (and deduplicated) by the receiver
before it is processed, the next poll sent at once.

getUpdates has no offset: the platform forgets an update once it answered with it. So the
loop never gives up on an answer (the HTTP timeout exceeds the poll's), and a stop lets the
poll in flight end (within its timeout: an update arriving meanwhile would otherwise be
handed to a connection being closed, and lost) and stores what it brought before returning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from .api import POLL_MARGIN, ZaloBotApi
from .errors import ZaloApiError, ZaloUnauthorized
from .receiver import ZaloReceiver
from .updates import parse_update

log = logging.getLogger(__name__)
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)  # seconds after consecutive failures


class ZaloPoller:
    def __init__(self, api: ZaloBotApi, receiver: ZaloReceiver, *, timeout: float = 10,
                 delete_webhook: bool = True, backoff: tuple[float, ...] = BACKOFF) -> None:
        """`timeout`: seconds each poll waits for an update (a stop waits that long at
        most); `delete_webhook`: remove a webhook left set (getUpdates is refused while one
        is)."""
        self.api = api
        self.receiver = receiver
        self.timeout = timeout
        self.delete_webhook = delete_webhook
        self.backoff = backoff
        self.polls = 0
        self.received = 0
        self.errors = 0
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._storing = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        if self.delete_webhook:
            try:
                await self.api.delete_webhook()
            except ZaloApiError as exc:
                log.warning("could not remove the Zalo webhook before polling: %s", exc)
        self._stopping = False
        self._task = asyncio.create_task(self.run(), name="zalo-polling")

    async def stop(self, grace: float | None = None) -> None:
        """Stop polling once the poll in flight has ended and what it brought is stored;
        after `grace` seconds (default: the poll's timeout and the HTTP margin) the poll is
        cancelled anyway."""
        self._stopping = True
        task, self._task = self._task, None
        if task is None:
            return
        wait = self.timeout + POLL_MARGIN if grace is None else grace
        done, _ = await asyncio.wait([task], timeout=wait)
        if not done and not self._storing:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def run(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                self.polls += 1
                raws = await self.api.get_updates(self.timeout)
            except Exception as exc:  # the loop must outlive any failure
                self.errors += 1
                wait = self.backoff[min(failures, len(self.backoff) - 1)]
                failures += 1
                if isinstance(exc, ZaloApiError):
                    level = (logging.ERROR if isinstance(exc, ZaloUnauthorized)
                             else logging.WARNING)
                    log.log(level, "fetching Zalo updates failed (%s); retrying in %.0f s",
                            exc, wait)
                else:
                    log.exception("fetching Zalo updates failed; retrying in %.0f s", wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            self._storing = True
            try:
                await self._store(raws)
            finally:
                self._storing = False

    async def _store(self, raws: list[dict[str, Any]]) -> None:
        for raw in raws:
            update = parse_update(raw)
            if update is None:
                continue
            self.received += 1
            try:
                await self.receiver.receive(update)
            except Exception:
                log.exception("could not store Zalo message %s in the inbox",
                              update.message_id)
                self.receiver.process_unsaved(update)
