"""Delivery of updates to the bot's webhook: POSTed one at a time, in order, with the
`X-Bot-Api-Secret-Token` header, retried until the bot answers 2xx.

Whether the platform retries is not documented; retrying is the case a bot must survive
(the same message id arriving twice), so the emulator does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import aiohttp

from .world import ZaloWorld, now_ms

SECRET_HEADER = "X-Bot-Api-Secret-Token"
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0)  # kept short for tests


class ZaloWebhookSender:
    def __init__(self, world: ZaloWorld) -> None:
        self._world = world
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="zalo-emulator-webhook")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        world = self._world
        failures = 0
        while world.webhook.url and not world.closing:
            if not world.updates:
                await world.updates_changed.wait(3600)
                continue
            update = world.updates[0]
            error = await self._post(update)
            if error is None:
                failures = 0
                world.webhook.delivered += 1
                if world.updates and world.updates[0] is update:
                    world.take_update()
                continue
            world.webhook.last_error, world.webhook.last_error_at = error, now_ms()
            await asyncio.sleep(RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)])
            failures += 1

    def body(self, update: dict[str, Any]) -> bytes:
        shaped = self._world.shaped(update)
        if self._world.format.wrapped:
            shaped = {"ok": True, "result": shaped}
        return json.dumps(shaped, ensure_ascii=False).encode()

    async def _post(self, update: dict[str, Any]) -> str | None:
        """None when the bot accepted the update, else what went wrong."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        headers = {"Content-Type": "application/json"}
        if self._world.webhook.secret_token:
            headers[SECRET_HEADER] = self._world.webhook.secret_token
        try:
            async with self._session.post(self._world.webhook.url, data=self.body(update),
                                          headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return exc.__class__.__name__
