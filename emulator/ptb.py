"""Running a PTB application against the emulator the way the tests and the console need."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application


@asynccontextmanager
async def polling(app: Application, *, poll_timeout: int = 10) -> AsyncIterator[Application]:
    """initialize → start → start_polling, and the reverse on exit. (`post_init` does not run:
    PTB calls it only from run_polling/run_webhook.)"""
    await app.initialize()
    try:
        await app.start()
        try:
            assert app.updater is not None, "the application was built without an updater"
            await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
            try:
                yield app
            finally:
                await app.updater.stop()
        finally:
            await app.stop()
    finally:
        await app.shutdown()
