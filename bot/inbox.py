"""Updates are stored before Telegram learns they arrived, and acknowledged once processed.

`InboxQueue` is the application's update queue: the updater (polling) and the webhook server
both `put` every update into it, and `put` writes the update to SQLite first, so Telegram's
confirmation (the next getUpdates offset, or the webhook's 200) always comes after the update
is safe. `ThiduaApplication.process_update` commits the conversation states and the
acknowledgement together once the handlers are done. At start-up `replay_pending` queues
whatever a previous process received but did not finish.
"""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Update
from telegram.ext import Application

from handlers.context import REPLAYED_KEY
from storage.inbox import UpdateInbox
from storage.persistence import SQLitePersistence

log = logging.getLogger(__name__)
PRUNE_EVERY = 1000  # acknowledged updates between two prunings of old inbox rows


def encode(update: Update) -> str:
    return json.dumps(update.to_dict(), ensure_ascii=False, sort_keys=True)


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    def __init__(self, inbox: UpdateInbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.duplicates = 0

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            try:
                if not await self.inbox.receive(item.update_id, encode(item)):
                    self.duplicates += 1
                    log.info("update %s was delivered twice: processed once", item.update_id)
                    return
            except Exception:
                # Better processed without the safety net than not processed at all.
                log.exception("could not store update %s in the inbox", item.update_id)
        await super().put(item)


class ThiduaApplication(Application):  # type: ignore[type-arg]
    """PTB's Application, committing conversation states and the inbox after every update."""

    _acks = 0

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        await self.commit(update)

    async def commit(self, update: object) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        persistence = self.persistence
        try:
            await self.update_persistence()  # hands changed states to the persistence
            if isinstance(persistence, SQLitePersistence):
                await persistence.commit(update_id)
            if update_id is not None:
                self._acks += 1
                if self._acks % PRUNE_EVERY == 0 and isinstance(self.update_queue, InboxQueue):
                    await self.update_queue.inbox.prune()
        except Exception:
            # The handlers' own data is already saved; a replay after a restart is harmless.
            log.exception("could not record that update %s was processed", update_id)


async def replay_pending(app: Application) -> int:
    """Queue the updates a previous process stored but did not finish; returns how many."""
    queue = app.update_queue
    if not isinstance(queue, InboxQueue):
        return 0
    await queue.inbox.prune()
    pending = await queue.inbox.take_pending()
    app.bot_data.setdefault(REPLAYED_KEY, set()).update(p.update_id for p in pending)
    for item in pending:
        try:
            update = Update.de_json(json.loads(item.payload), app.bot)
        except (ValueError, TypeError, KeyError):
            log.exception("stored update %s cannot be read: dropped", item.update_id)
            await queue.inbox.ack(item.update_id)
            continue
        queue.put_nowait(update)  # already stored: bypass put()
    if pending:
        log.info("replaying %d update(s) received before the last stop", len(pending))
    return len(pending)
