"""The Zalo echo bot of support.py as a process, for kill tests:

    python -m tests.channels.zalo.echo_process BASE_URL TOKEN DATABASE

Replays what a killed predecessor left, then polls until SIGTERM. With ZALO_ECHO_HANG=1 the
handling of "treo" never ends (a process to kill between storing an update and finishing it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.channels.zalo.support import EchoBot


async def main(base_url: str, token: str, database: str) -> None:
    bot = EchoBot((base_url, token), Path(database))
    bot.hang = os.environ.get("ZALO_ECHO_HANG") == "1"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await bot.start_polling()
    await stop.wait()
    await bot.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
