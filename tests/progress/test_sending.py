"""Broadcasts at scale: Telegram's 429s, a restart in the middle, people who blocked the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from emulator import EmuUser
from storage.outbox import Button, NewMessage, OutboxRepository
from tests.harness import BotHarness
from tests.progress.helpers import (
    MONDAY,
    QH,
    QH_HEAD,
    confirm_reminders,
    freeze,
    link,
    open_window,
    person_id,
    reachable,
    remind_agency,
    roster_phones,
    settle,
    until,
)

NOI_VU = "Sở Nội vụ"
REGISTRATION = "Đăng ký thi đua năm 2024"


async def _staff_of(bot: BotHarness, agency: str, count: int) -> list[EmuUser]:
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    freeze(bot, MONDAY)
    return [await link(bot, phone) for phone in roster_phones(agency)[:count]]


def _received(users: list[EmuUser]) -> list[int]:
    """How many messages each user has from the bot."""
    return [len(u.messages) for u in users]


async def _all_sent(bot: BotHarness) -> dict[str, int]:
    rows = await bot.db.fetchall("SELECT status, count(*) AS n FROM outbox GROUP BY status")
    return {r["status"]: r["n"] for r in rows}


async def test_telegram_429s_delay_the_broadcast_but_every_message_arrives_once(
    bot: BotHarness,
):
    people = await _staff_of(bot, NOI_VU, 20)
    preview = await remind_agency(bot, NOI_VU, REGISTRATION)
    assert "sẽ nhắc việc: 20 người" in preview.plain
    bot.emu.stats.reset()
    bot.emu.faults.add("sendMessage", status=429, retry_after=1, times=2)

    await confirm_reminders(bot)
    await settle(bot)

    assert _received(people) == [1] * 20
    assert bot.emu.stats.rate_limited == 2
    assert await _all_sent(bot) == {"sent": 20}
    # The first message was refused twice, and the rest waited behind the pause.
    retried = await bot.db.fetchall(
        "SELECT attempts, last_error FROM outbox WHERE last_error IS NOT NULL")
    assert [(r["last_error"], r["attempts"]) for r in retried] == [("429 retry after 1s", 1)]


@pytest.fixture
async def strict(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """A bot sending faster than the emulated Telegram allows (its flood limits are on)."""
    harness = BotHarness(tmp_path, send_rate=100)
    await harness.start()
    await harness.import_roster()
    harness.emu.flood_limits(global_per_second=20)
    try:
        yield harness
    finally:
        await harness.close()


async def test_flood_limits_answer_429s_and_the_broadcast_still_delivers_everything(
    strict: BotHarness,
):
    people = await _staff_of(strict, NOI_VU, 50)
    await remind_agency(strict, NOI_VU, REGISTRATION)
    strict.emu.stats.reset()

    await confirm_reminders(strict)
    await settle(strict, seconds=60)

    assert _received(people) == [1] * 50
    assert strict.emu.stats.rate_limited > 0
    assert await _all_sent(strict) == {"sent": 50}


async def test_a_restart_in_the_middle_of_a_broadcast_completes_it_without_duplicates(
    bot: BotHarness,
):
    people = await _staff_of(bot, NOI_VU, 40)
    await remind_agency(bot, NOI_VU, REGISTRATION)
    bot.emu.faults.add("sendMessage", delay=0.05, times=None)  # a slow Telegram

    await confirm_reminders(bot)

    async def some_delivered() -> bool:
        return sum(_received(people)) >= 10

    await until(some_delivered, "10 reminders delivered")
    await bot.restart()
    before = sum(_received(people))
    assert before < 40, "the broadcast finished before the restart"
    await settle(bot)

    assert _received(people) == [1] * 40
    assert await _all_sent(bot) == {"sent": 40}
    # Nothing is queued twice either: the reminders of the day are deduplicated.
    freeze(bot, MONDAY)
    again = await remind_agency(bot, NOI_VU, REGISTRATION)
    assert "đã được nhắc hôm nay: 40 người" in again.plain
    assert "sẽ nhắc việc: 0 người" in again.plain


async def test_a_person_who_blocked_the_bot_is_reported_to_the_head_and_the_secretariat(
    bot: BotHarness,
):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    freeze(bot, MONDAY)
    khanh = await link(bot, "0935722539")
    anh = await link(bot, "0973531343")
    thao = await link(bot, QH_HEAD)
    secretariat = bot.secretariat_chat()
    # Khánh blocked the bot without the bot noticing (no update): the send answers 403.
    bot.emu.faults.add("sendMessage", status=403, chat_id=khanh.id, times=None)
    await bot.services.scheduler.tick(MONDAY)
    digest = await thao.expect("Tiến độ thi đua")
    await secretariat.expect("Tiến độ thi đua")
    await thao.tap("Nhắc việc", message=digest)
    await thao.expect("Đã gửi nhắc việc tới 2 người")
    await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh")
    await settle(bot)

    khanh_id = await person_id(bot, "0935722539")
    assert (await OutboxRepository(bot.db).outcomes(
        "remind:2024-03-11:head:" + str(await person_id(bot, QH_HEAD))))[khanh_id] == \
        "unreachable"
    link_row = await bot.services.links.for_person(khanh_id)
    assert link_row is not None and link_row.unreachable_at is not None

    next_monday = MONDAY + timedelta(days=7)
    freeze(bot, next_monday)
    await bot.services.scheduler.tick(next_monday)
    digest = await thao.expect("tuần 12/2024")
    assert "Đã chặn bot (1): Trịnh Minh Khánh" in digest.plain
    assert "🔔 Nhắc việc (1)" in digest.button_texts()  # Anh only
    overview = await secretariat.expect("tuần 12/2024")
    assert f"Đã chặn bot (1): Trịnh Minh Khánh ({QH}" in overview.plain

    # Khánh unblocks the bot and writes to it: reachable again.
    bot.emu.faults.clear()
    await khanh.send("/help")
    await khanh.expect("/help")
    await until(lambda: reachable(bot, "0935722539"), "Khánh reachable again")


async def test_blocking_and_unblocking_the_bot_is_noticed_at_once(bot: BotHarness):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    freeze(bot, MONDAY)
    khanh = await link(bot, "0935722539")
    khanh.block_bot()
    preview = await remind_agency(bot, "Văn phòng Đoàn ĐBQH và HĐND tỉnh", REGISTRATION)
    assert "Đã chặn bot (1): Trịnh Minh Khánh" in preview.plain
    assert "Gửi nhắc việc" not in " ".join(preview.button_texts())
    khanh.unblock_bot()
    await until(lambda: reachable(bot, "0935722539"), "Khánh reachable again")


async def test_messages_to_one_chat_leave_in_order(bot: BotHarness):
    khanh = await link(bot, "0935722539")
    await OutboxRepository(bot.db).enqueue(
        NewMessage(batch="test", kind="test", chat_id=khanh.id, text=f"Phần {n}/3",
                   buttons=[[Button("OK", callback_data="noop")]] if n == 3 else ())
        for n in range(1, 4)
    )
    bot.services.wake_sender()
    for n in range(1, 4):
        await khanh.expect(f"Phần {n}/3")
