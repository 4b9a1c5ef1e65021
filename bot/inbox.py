"""Updates are stored before Telegram learns they arrived, and acknowledged once processed.

`InboxQueue` is the application's update queue: the updater (polling) and the webhook server
both `put` every update into it, and nothing is queued before it is in SQLite, so Telegram's
confirmation (the next getUpdates offset, or the webhook's 200) always comes after the update
is safe. When polling, `InboxRequest` (the getUpdates connection) writes each batch Telegram
returns in one statement, before PTB parses it; `put` then only queues those. Other updates
(the webhook's) are written one by one by `put`. `ThiduaApplication.process_update` commits
the conversation states and the acknowledgement together once the handlers are done. At
start-up `replay_pending` queues whatever a previous process received but did not finish.

Updates of different chats run concurrently (bot.updates), each chat's in order, and an
update's processing includes its commit: so when an update is committed, the states of its
chat are its own (the conversation key starts with the chat), and those of chats with an
update in progress are left to that update's commit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.http import AiohttpRequest
from channels.telegram.context import REPLAYED_KEY
from storage.db import tokens_once
from storage.inbox import Finisher, UpdateInbox

log = logging.getLogger(__name__)
PRUNE_EVERY = 1000  # acknowledged updates between two prunings of old inbox rows


def encode(update: Update) -> str:
    return json.dumps(update.to_dict(), ensure_ascii=False, sort_keys=True)


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    def __init__(self, inbox: UpdateInbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.duplicates = 0
        # Ids of a stored getUpdates batch, until `put` sees them: new ones, redelivered ones.
        self._stored: set[int] = set()
        self._redelivered: set[int] = set()

    async def receive_batch(self, raw: list[Any]) -> None:
        """Store the updates of a getUpdates answer (Telegram's json), in one statement."""
        items = [(u["update_id"], json.dumps(u, ensure_ascii=False, sort_keys=True))
                 for u in raw if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
        try:
            new = await self.inbox.receive_many(items)
        except Exception:
            # `put` will try each update again, and queue it whatever happens.
            log.exception("could not store %d updates in the inbox", len(items))
            return
        for update_id, _payload in items:
            (self._stored if update_id in new else self._redelivered).add(update_id)

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and item.update_id in self._stored:
            self._stored.discard(item.update_id)
        elif isinstance(item, Update) and item.update_id in self._redelivered:
            self._redelivered.discard(item.update_id)
            self.duplicates += 1
            log.info("update %s was delivered twice: processed once", item.update_id)
            return
        elif isinstance(item, Update):
            try:
                if not await self.inbox.receive(item.update_id, encode(item)):
                    self.duplicates += 1
                    log.info("update %s was delivered twice: processed once", item.update_id)
                    return
            except Exception:
                # Better processed without the safety net than not processed at all.
                log.exception("could not store update %s in the inbox", item.update_id)
        await super().put(item)


class InboxRequest(AiohttpRequest):
    """The getUpdates connection: every batch goes to the inbox as it arrives, before PTB
    parses it. The updater queues the updates, then asks for the next batch, which is what
    tells Telegram these arrived: by then they are stored."""

    def __init__(self, queue: InboxQueue, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.queue = queue

    async def post(  # type: ignore[misc]  # PTB marks it final; the inbox must see each batch
        self,
        url: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> Any:
        result = await super().post(url, request_data, read_timeout=read_timeout,
                                    write_timeout=write_timeout,
                                    connect_timeout=connect_timeout, pool_timeout=pool_timeout)
        if isinstance(result, list) and result:
            await self.queue.receive_batch(result)
        return result


class ThiduaApplication(Application):  # type: ignore[type-arg]
    """PTB's Application, acknowledging each update in the inbox once it is handled.

    Conversations are not PTB's any more: where a person stands lives in the core's own
    tables (drafts, `chat_sessions`), written with the answers themselves, so finishing an
    update is only its acknowledgement (grouped with other updates finishing meanwhile)."""

    _acks = 0
    _finisher: Finisher | None = None

    async def process_update(self, update: object) -> None:
        with tokens_once():  # cached data (org tree, windows) checked with one query
            await super().process_update(update)
        await self.commit(update)

    async def commit(self, update: object) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        if update_id is None or not isinstance(self.update_queue, InboxQueue):
            return
        try:
            if self._finisher is None:
                self._finisher = Finisher(self.update_queue.inbox.db)
            await self._finisher.finish(update_id, ())
            self._acks += 1
            if self._acks % PRUNE_EVERY == 0:
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
