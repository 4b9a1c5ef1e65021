"""Updates of different chats overlap; updates of one chat are handled one after the other,
in the order they came, as the conversations need."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.updates import PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Lan", False)
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, from_user=user,
                                             text=str(update_id)))


async def test_one_chat_in_order_other_chats_meanwhile():
    processor = PerChatUpdateProcessor(concurrency=8)
    log: list[str] = []
    release_first = asyncio.Event()

    async def handle(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"start {name}")
        if wait is not None:
            await wait.wait()
        log.append(f"end {name}")

    # As PTB does: one task per update, created in the order the updates arrived.
    tasks = [
        asyncio.create_task(processor.process_update(_update(1, 100),
                                                     handle("lan 1", release_first))),
        asyncio.create_task(processor.process_update(_update(2, 100), handle("lan 2"))),
        asyncio.create_task(processor.process_update(_update(3, 200), handle("minh 1"))),
    ]
    await asyncio.sleep(0.05)
    # Lan's second update waits for her first; Minh is not held up by Lan.
    assert log == ["start lan 1", "start minh 1", "end minh 1"]
    release_first.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["end lan 1", "start lan 2", "end lan 2"]


async def test_a_failing_update_does_not_block_the_next_one_of_its_chat():
    processor = PerChatUpdateProcessor(concurrency=2)
    done: list[int] = []

    async def fail() -> None:
        raise RuntimeError("handler bug")

    async def ok() -> None:
        done.append(2)

    first = asyncio.create_task(processor.process_update(_update(1, 100), fail()))
    second = asyncio.create_task(processor.process_update(_update(2, 100), ok()))
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and done == [2]


async def test_no_more_than_the_limit_at_once():
    processor = PerChatUpdateProcessor(concurrency=3)
    running = peak = 0

    async def handle() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(*(processor.process_update(_update(n, 1000 + n), handle())
                           for n in range(10)))
    assert peak == 3
