"""What the Zalo transport tests share: a bot made of the real transport pieces (API client,
receiver on a real SQLite inbox, poller or webhook) that echoes what people write."""

from __future__ import annotations

import asyncio
from pathlib import Path

from channels.zalo import ZaloBotApi, ZaloInbox, ZaloPoller, ZaloReceiver, ZaloUpdate
from emulator.zalo import ZaloEmulator
from storage.db import Database

HANG = "treo"  # a text whose handling never ends (a process killed meanwhile)


class EchoBot:
    """Answers `echo: <text>`; records each update and what the inbox said of it then."""

    def __init__(self, emu: ZaloEmulator | tuple[str, str], database: Path, *,
                 poll_timeout: float = 0.3) -> None:
        """`emu`: the emulator, or (its base URL, the token) when it runs elsewhere."""
        base_url, token = (emu.base_url, emu.token) if isinstance(emu, ZaloEmulator) else emu
        self.db = Database(database)
        self.api = ZaloBotApi(token, base_url, quick_retries=(0.01, 0.01),
                              rate_limit_backoff=0.01)
        self.inbox = ZaloInbox(self.db)
        self.receiver = ZaloReceiver(self.inbox, self.handle)
        self.poller = ZaloPoller(self.api, self.receiver, timeout=poll_timeout,
                                 backoff=(0.01, 0.05))
        self.handled: list[ZaloUpdate] = []
        self.stored_first: list[bool] = []  # the update was in the inbox when handled
        self.hang = True

    async def handle(self, update: ZaloUpdate) -> None:
        self.stored_first.append(await self.inbox.is_done(update.message_id) is False)
        self.handled.append(update)
        if update.text == HANG and self.hang:
            await asyncio.Event().wait()
        if update.text is not None:
            await self.api.send_text(update.chat_id, f"echo: {update.text}")

    async def open(self) -> EchoBot:
        await self.db.open()
        return self

    async def start_polling(self) -> EchoBot:
        await self.open()
        await self.receiver.replay_pending()
        await self.poller.start()
        return self

    async def close(self, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.poller.stop()
        await self.receiver.stop(timeout)
        await self.api.close()
        await self.db.close()
