"""Updates from Zalo, whichever way they came (polling or webhook): stored, then processed.

`ZaloReceiver.receive` writes the update to the Zalo inbox (storage/zalo_inbox.py) and only
then hands it to the handler; a message id stored before is a re-delivery and is dropped.
Once the handler returned (or raised: logged, the update is not tried again), the update is
marked done. Updates of different chats are handled concurrently, each chat's in order. At
start-up, `replay_pending` hands over again what a previous process stored but did not
finish (`ZaloUpdate.replayed` is then True: the handler's writes must be idempotent).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
from collections.abc import Awaitable, Callable

from storage.zalo_inbox import ZaloInbox

from .updates import ZaloUpdate, parse_update

log = logging.getLogger(__name__)
Handler = Callable[[ZaloUpdate], Awaitable[None]]
PRUNE_EVERY = 1000  # updates done between two prunings of old inbox rows


class ZaloReceiver:
    def __init__(self, inbox: ZaloInbox, handler: Handler, *, max_concurrent: int = 64) -> None:
        self.inbox = inbox
        self.handler = handler
        self.duplicates = 0  # re-deliveries dropped
        self.processed = 0
        self.failed = 0  # handlers that raised
        self._gate = asyncio.Semaphore(max_concurrent)
        self._tails: dict[str, asyncio.Task[None]] = {}  # each chat's newest update
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def receive(self, update: ZaloUpdate) -> bool:
        """Store `update`, then have it processed; False for a re-delivery (dropped). Raises
        when it cannot be stored (the caller decides: the webhook answers 500)."""
        if not await self.inbox.receive(update.message_id, update.payload()):
            self.duplicates += 1
            log.info("Zalo message %s was delivered twice: processed once", update.message_id)
            return False
        self._schedule(update, stored=True)
        return True

    def process_unsaved(self, update: ZaloUpdate) -> None:
        """Process an update the inbox could not store (polling cannot ask for it again:
        better processed without the safety net than lost)."""
        self._schedule(update, stored=False)

    async def replay_pending(self) -> int:
        """Hand over again the updates a previous process stored but did not finish."""
        await self.inbox.prune()
        pending = await self.inbox.take_pending()
        for item in pending:
            try:
                update = parse_update(json.loads(item.payload))
            except ValueError:
                update = None
            if update is None:
                log.error("stored Zalo update %s cannot be read: dropped", item.message_id)
                await self.inbox.done(item.message_id)
                continue
            # Keyed as first stored, even if its id was made from its content.
            update = dataclasses.replace(update, message_id=item.message_id, replayed=True)
            self._schedule(update, stored=True)
        if pending:
            log.info("replaying %d Zalo update(s) received before the last stop", len(pending))
        return len(pending)

    async def join(self) -> None:
        """Wait until every update received so far is done."""
        await self._idle.wait()

    async def stop(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Let the updates in progress finish for up to `timeout` seconds, then cancel the
        rest: they stay in the inbox and are replayed at the next start."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ------------------------------------------------------------------ processing

    def _schedule(self, update: ZaloUpdate, *, stored: bool) -> None:
        previous = self._tails.get(update.chat_id)
        task = asyncio.create_task(self._run(update, previous, stored),
                                   name=f"zalo-update-{update.message_id}")
        self._tails[update.chat_id] = task
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(functools.partial(self._forget, update.chat_id))

    def _forget(self, chat_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(chat_id) is task:
            del self._tails[chat_id]
        if not self._tasks:
            self._idle.set()

    async def _run(self, update: ZaloUpdate, previous: asyncio.Task[None] | None,
                   stored: bool) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # the chat's previous update, done or failed
        async with self._gate:
            try:
                await self.handler(update)
            except Exception:
                self.failed += 1
                log.exception("handling Zalo message %s failed", update.message_id)
        if stored:
            try:
                await self.inbox.done(update.message_id)
            except Exception:  # replayed after a restart: harmless, handlers are idempotent
                log.exception("could not record that Zalo message %s was processed",
                              update.message_id)
        self.processed += 1
        if self.processed % PRUNE_EVERY == 0:
            with contextlib.suppress(Exception):
                await self.inbox.prune()
