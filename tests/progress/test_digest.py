"""The weekly digest: each head gets their own unit's figures, once a week, and what changed."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from pathlib import Path

from storage.outbox import OutboxRepository
from tests.harness import BotHarness
from tests.progress.helpers import (
    AGENCY,
    AGENCY_HEAD,
    HCTC,
    HDND,
    HDND_HEAD,
    HDND_STAFF,
    MONDAY,
    QH,
    QH_HEAD,
    QH_STAFF,
    acknowledge,
    freeze,
    launch_campaign,
    link,
    open_window,
    person_id,
    register,
    settle,
)

ALL_NAMES = {**QH_STAFF, **HDND_STAFF}


async def test_each_head_gets_exactly_their_units_figures(bot: BotHarness):
    freeze(bot, MONDAY)
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    campaign = await launch_campaign(bot, "vpdbqh-2024-q1",
                                     "Phong trào thi đua Quý I năm 2024", date(2024, 3, 15))
    for phone in ("0979159337", "0935722539"):  # Nga and Khánh registered
        await register(bot, phone)
    await register(bot, "0979221291")  # Lò Ngọc Lan, HĐND
    await acknowledge(bot, campaign, "0935722539")
    for phone in ("0973531343", "0979159337"):  # Anh and Nga use the bot
        await link(bot, phone)
    thao = await link(bot, QH_HEAD)
    phuong = await link(bot, HDND_HEAD)
    long = await link(bot, AGENCY_HEAD)
    freeze(bot, MONDAY)

    ran = await bot.services.scheduler.tick(MONDAY)
    assert ("weekly-digest", "2024-W11") in ran

    digest = await thao.expect("Tiến độ thi đua – tuần 11/2024")
    assert QH in digest.plain and HDND not in digest.plain
    assert "Đăng ký thi đua năm 2024" in digest.plain
    assert "Hạn 31/03/2024 (còn 20 ngày)" in digest.plain
    assert "███░░░░░░░ 2/6 (33%)" in digest.plain
    assert "Cam kết thực hiện: Phong trào thi đua Quý I năm 2024" in digest.plain
    assert "1/6 (17%)" in digest.plain
    for name in ("Phạm Ngọc Anh", "Đinh Minh Yến", "Bùi Thúy Hà", "Hồ Kim Thảo"):
        assert name in digest.plain
    for name in HDND_STAFF.values():
        assert name not in digest.plain
    # Anh (registration, commitment) and Nga (commitment) can be reminded; Thảo is the reader.
    assert digest.has_button("🔔 Nhắc việc (2)")
    # Khánh has registered and committed: nothing left, so nobody to chase, linked or not.
    assert "Chưa kết nối với bot (2): Bùi Thúy Hà, Đinh Minh Yến" in digest.plain
    assert "Khánh" not in digest.plain

    other = await phuong.expect("Tiến độ thi đua")
    assert HDND in other.plain and QH not in other.plain
    assert "1/7 (14%)" in other.plain
    for name in QH_STAFF.values():
        assert name not in other.plain

    agency = await long.expect("Tiến độ thi đua")
    assert AGENCY in agency.plain
    assert "3/22 (14%)" in agency.plain
    assert f"• {QH}: 2/6 (33%)" in agency.plain
    assert f"• {HDND}: 1/7 (14%)" in agency.plain
    assert f"• {HCTC}: 0/6 (0%)" in agency.plain
    assert "• Lãnh đạo cơ quan: 0/3 (0%)" in agency.plain

    # Once a week, whatever happens: another tick, a restart, the CLI's digest --now.
    later = await bot.services.scheduler.tick(MONDAY + timedelta(hours=3))
    assert "weekly-digest" not in dict(later)
    await bot.restart()
    freeze(bot, MONDAY)
    later = await bot.services.scheduler.tick(MONDAY + timedelta(days=2))
    assert "weekly-digest" not in dict(later)
    await thao.expect_silence(0.3)
    await long.expect_silence(0.1)


async def test_next_weeks_digest_says_what_changed_and_the_secretariat_sees_every_agency(
    bot: BotHarness,
):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    await register(bot, "0979159337")  # Nga
    thao = await link(bot, QH_HEAD)
    khanh = await link(bot, "0935722539")
    secretariat = bot.secretariat_chat()
    freeze(bot, MONDAY)

    await bot.services.scheduler.tick(MONDAY)
    first = await thao.expect("tuần 11/2024")
    assert "1/6 (17%)" in first.plain and "so với tuần trước" not in first.plain
    overview = await secretariat.expect("Tiến độ thi đua – tuần 11/2024")
    assert "Khối Tham mưu Tổng hợp" in overview.plain
    assert f"• {AGENCY}: 1/22 (5%)" in overview.plain
    assert "• Sở Nội vụ: 0/72 (0%)" in overview.plain
    assert "1/300 (0%)" in overview.plain
    assert "297 người chưa kết nối với bot." in overview.plain  # Nga has nothing left
    assert "Phạm Ngọc Anh" not in overview.plain  # figures, not the names of 300 people
    assert not overview.buttons

    # During the week Yến and Anh register, and Khánh blocks the bot.
    await register(bot, "0973144429")
    await register(bot, "0973531343")
    khanh.block_bot()
    await _until_unreachable(bot, "0935722539")

    next_monday = MONDAY + timedelta(days=7)
    freeze(bot, next_monday)
    await bot.services.scheduler.tick(next_monday)
    second = await thao.expect("tuần 12/2024")
    assert "3/6 (50%) · +2 người so với tuần trước" in second.plain
    assert "Đã chặn bot (1): Trịnh Minh Khánh" in second.plain
    overview = await secretariat.expect("tuần 12/2024")
    assert "3/300 (1%) · +2 người so với tuần trước" in overview.plain
    assert (f"Đã chặn bot (1): Trịnh Minh Khánh ({QH} – {AGENCY})") in overview.plain


async def test_no_digest_when_nothing_is_open_or_before_its_time(bot: BotHarness):
    thao = await link(bot, QH_HEAD)
    freeze(bot, MONDAY)
    assert "weekly-digest" in dict(await bot.services.scheduler.tick(MONDAY))
    await thao.expect_silence(0.3)

    # Next week a window is open, but Monday 07:59 is before the digest's time.
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    early = MONDAY + timedelta(days=7, minutes=-31)
    assert "weekly-digest" not in dict(await bot.services.scheduler.tick(early))
    await thao.expect_silence(0.2)
    # The bot was down all Monday: the digest goes out when it is back on Tuesday.
    await bot.services.scheduler.tick(MONDAY + timedelta(days=8))
    await thao.expect("tuần 12/2024")


async def test_heads_read_the_digest_in_their_language_and_blocked_heads_get_none(
    bot: BotHarness,
):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    phuong = await link(bot, HDND_HEAD)
    await phuong.send("/language")
    await phuong.expect("Chọn ngôn ngữ")
    await phuong.tap("English")
    await phuong.expect("English")
    thao = await link(bot, QH_HEAD)
    thao.block_bot()
    await _until_unreachable(bot, QH_HEAD)
    freeze(bot, MONDAY)

    await bot.services.scheduler.tick(MONDAY)
    digest = await phuong.expect("Emulation progress – week 11/2024")
    assert "Emulation registration 2024" in digest.plain
    assert "Deadline Mar 31, 2024 (20 days left)" in digest.plain
    assert "Not registered (7)" in digest.plain
    await settle(bot)
    outcomes = await OutboxRepository(bot.db).outcomes("digest:2024-W11")
    assert set(outcomes.values()) == {"sent"}
    assert await person_id(bot, QH_HEAD) not in outcomes


async def test_progress_on_demand_for_heads_and_the_secretariat(bot: BotHarness):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    await register(bot, "0979159337")
    freeze(bot, MONDAY)
    long = await link(bot, AGENCY_HEAD)
    await long.send("/tiendo")
    view = await long.expect("Tiến độ thi đua – tuần 11/2024")
    assert f"• {QH}: 1/6 (17%)" in view.plain

    secretariat = bot.secretariat_chat()
    member = bot.user(9001, "Hằng")
    await secretariat.send(member, "/progress")
    overview = await secretariat.expect("Tiến độ thi đua")
    assert f"• {AGENCY}: 1/22 (5%)" in overview.plain

    khanh = await link(bot, "0935722539")
    await khanh.send("/progress")
    await khanh.expect("không có quyền")


async def _until_unreachable(bot: BotHarness, phone: str) -> None:
    """Blocking reaches the bot as an update; wait until it has been recorded."""
    pid = await person_id(bot, phone)
    for _ in range(100):
        link = await bot.services.links.for_person(pid)
        if link is not None and link.unreachable_at is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{phone} was not marked unreachable")


async def test_a_large_agencys_digest_stays_one_message(bot: BotHarness):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    dung = await link(bot, "0931723003")  # Đinh Hữu Dũng, Giám đốc Sở Nội vụ (72 people)
    freeze(bot, MONDAY)
    await bot.services.scheduler.tick(MONDAY)
    digest = await dung.expect("Tiến độ thi đua")
    assert "Sở Nội vụ" in digest.plain and "0/72 (0%)" in digest.plain
    assert len(digest.text) <= 4096
    assert "Trần Thanh Yến" in digest.plain  # 72 names still fit: nobody left out
    await dung.send("/help")
    help_text = await dung.expect("/help")
    assert "/progress" in help_text.plain and "/remind" not in help_text.plain


async def test_the_digest_day_and_time_come_from_the_settings(tmp_path: Path):
    bot = BotHarness(tmp_path, digest_weekday=5, digest_time=time(16, 30))
    await bot.start()
    try:
        await bot.import_roster()
        await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
        thao = await link(bot, QH_HEAD)
        friday = datetime(2024, 3, 15, 16, 29, tzinfo=MONDAY.tzinfo)
        freeze(bot, friday)
        assert "weekly-digest" not in dict(await bot.services.scheduler.tick(MONDAY))
        assert "weekly-digest" not in dict(await bot.services.scheduler.tick(friday))
        late = friday + timedelta(minutes=1)
        assert ("weekly-digest", "2024-W11") in await bot.services.scheduler.tick(late)
        digest = await thao.expect("tuần 11/2024")
        assert "Hạn 31/03/2024 (còn 16 ngày)" in digest.plain
    finally:
        await bot.close()
