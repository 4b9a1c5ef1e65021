"""The weekly digest: each head gets their own unit's figures, once a week, and what changed."""

from __future__ import annotations

from datetime import date, timedelta

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
    register,
)

ALL_NAMES = {**QH_STAFF, **HDND_STAFF}


async def test_each_head_gets_exactly_their_units_figures(bot: BotHarness):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    campaign = await launch_campaign(bot.db, "vpdbqh-2024-q1",
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
    assert digest.has_button("🔔 Nhắc nhở (2)")
    assert "Chưa kết nối với bot (3): Bùi Thúy Hà, Trịnh Minh Khánh, Đinh Minh Yến" in digest.plain

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
