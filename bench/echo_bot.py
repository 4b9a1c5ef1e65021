"""The bare echo bot (emulator/echo.py) as a process: the baseline of bench.deadline_day.

    python -m bench.echo_bot BASE_URL BASE_FILE_URL TOKEN [httpx|aiohttp]

Polls exactly as `thidua run` does (BotRuntime: poll_interval 0, timeout 10) and stops cleanly
on SIGTERM. `httpx` (the default) is python-telegram-bot's own transport, the bare bot;
`aiohttp` is thidua's (bot/http.py), for a comparison on the same transport.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from emulator.echo import build_echo_application


async def main(base_url: str, base_file_url: str, token: str, transport: str = "httpx") -> None:
    if transport == "aiohttp":
        from bot.http import AiohttpRequest

        app = build_echo_application(
            base_url, base_file_url, token, request=AiohttpRequest(),
            get_updates_request=AiohttpRequest(connection_pool_size=1))
    else:
        app = build_echo_application(base_url, base_file_url, token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
