"""Delivery of updates to a webhook: POSTed one at a time in order, retried until accepted."""

from __future__ import annotations

import asyncio
import contextlib
import json
from http import HTTPStatus

import aiohttp

from .world import World, now

RETRY_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0)  # Telegram backs off too; kept short for tests


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class WebhookSender:
    def __init__(self, world: World) -> None:
        self._world = world
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="emulator-webhook")

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
                # the queue may have been dropped meanwhile (drop_pending_updates)
                if world.updates and world.updates[0] is update:
                    world.updates.popleft()
                continue
            world.webhook.last_error_date = now()
            world.webhook.last_error_message = error
            await asyncio.sleep(RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)])
            failures += 1

    async def _post(self, update: dict) -> str | None:
        """None when the webhook accepted the update, else Telegram's wording of the error."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        headers = {"Content-Type": "application/json"}
        if self._world.webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self._world.webhook.secret_token
        body = json.dumps(update, ensure_ascii=False).encode()
        try:
            async with self._session.post(
                self._world.webhook.url, data=body, headers=headers
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                # Telegram reports the standard phrase, not the server's own reason text
                return f"Wrong response from the webhook: {_status_line(response.status)}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            if isinstance(exc, aiohttp.ClientConnectorError):
                return "Connection refused"
            return f"Wrong response from the webhook: {exc.__class__.__name__}"
