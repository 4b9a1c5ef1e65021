"""A bare Zalo echo bot as a process: the baseline of `bench.deadline_day --channel zalo`.

    python -m bench.zalo_echo_bot BASE_URL TOKEN [POLL_TIMEOUT]

Polls as thidua's Zalo transport does (channels.zalo.api: getUpdates with a 10 s timeout, one
poll at a time since the platform hands out one update per answer) and answers each text
with itself, each reply in a task of its own. No inbox, no parsing beyond the text: what is
left of a Zalo bot without thidua. Stops cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from channels.zalo import ZaloApiError, ZaloBotApi, parse_update

log = logging.getLogger("bench.zalo_echo_bot")


async def _echo(api: ZaloBotApi, chat_id: str, text: str) -> None:
    try:
        await api.send_message(chat_id, text)
    except ZaloApiError as exc:
        log.warning("echo failed: %s", exc)


async def poll(api: ZaloBotApi, stop: asyncio.Event, timeout: float) -> None:  # noqa: ASYNC109
    replies: set[asyncio.Task[None]] = set()
    while not stop.is_set():
        try:
            raws = await api.get_updates(timeout=timeout)
        except ZaloApiError as exc:
            log.warning("getUpdates failed: %s", exc)
            await asyncio.sleep(1)
            continue
        for raw in raws:
            update = parse_update(raw)
            if update is not None and update.text:
                task = asyncio.create_task(_echo(api, update.chat_id, update.text))
                replies.add(task)
                task.add_done_callback(replies.discard)
    await asyncio.gather(*replies, return_exceptions=True)


async def main(base_url: str, token: str, poll_timeout: str = "10") -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with ZaloBotApi(token, base_url) as api:
        polling = asyncio.create_task(poll(api, stop, float(poll_timeout)))
        await stop.wait()
        # the poll in flight may bring one more text: it is answered, then we leave
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(polling), float(poll_timeout) + 1)
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
