"""A week of a unit head: the digest, a reminder, and the people who act on it in the bot."""

from __future__ import annotations

from datetime import date, timedelta

from storage.campaign_progress import campaign_progress
from tests.harness import BotHarness
from tests.progress.helpers import (
    MONDAY,
    QH,
    QH_HEAD,
    freeze,
    launch_campaign,
    link,
    open_window,
    org_id,
)

ANH = "0973531343"  # Phạm Ngọc Anh, Chuyên viên chính, Phòng Công tác Quốc hội
CAMPAIGN = "Phong trào thi đua Quý I năm 2024"


async def test_reminded_people_register_and_commit_through_the_reminders_buttons(
    bot: BotHarness,
):
    freeze(bot, MONDAY)
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    campaign_id = await launch_campaign(bot, "vpdbqh-2024-q1", CAMPAIGN, date(2024, 3, 15))
    anh = await link(bot, ANH)
    thao = await link(bot, QH_HEAD)

    await bot.services.scheduler.tick(MONDAY)
    digest = await thao.expect("Tiến độ thi đua – tuần 11/2024")
    assert "░░░░░░░░░░ 0/6 (0%)" in digest.plain
    await thao.tap("🔔 Nhắc việc (1)", message=digest)
    await thao.expect("Đã gửi nhắc việc tới 1 người: Phạm Ngọc Anh")
    reminder = await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh")

    # The first button opens the registration conversation.
    await anh.tap("📝 Đăng ký thi đua", message=reminder)
    titles = await anh.expect("Đăng ký thi đua năm 2024")
    assert "Cá nhân: Phạm Ngọc Anh" in titles.plain
    await anh.tap("☐ Lao động tiên tiến")
    await anh.expect("Chọn danh hiệu")
    await anh.tap("Tiếp tục ➡️")
    await anh.expect("Đã chọn:")
    await anh.expect("Câu hỏi 1/2")  # months of service
    await anh.send("60")
    await anh.expect("Câu hỏi 2/2")  # the rating she aims for
    await anh.tap("Hoàn thành tốt nhiệm vụ")
    await anh.expect("→ Hoàn thành tốt nhiệm vụ")
    await anh.expect("Xem lại đăng ký thi đua năm 2024")
    await anh.tap("✅ Xác nhận")
    await anh.expect("Xem lại")
    await anh.expect("Đã lưu đăng ký thi đua năm 2024")

    # The second one opens the campaign, where she commits.
    await anh.tap("✍️ Cam kết thực hiện", message=reminder)
    goals = await anh.expect("Phong trào thi đua của anh/chị")
    await anh.tap("📄 1. Đọc và cam kết", message=goals)
    page = await anh.expect("📣 " + CAMPAIGN)
    await anh.tap("✅ Tôi cam kết thực hiện", message=page)
    await anh.expect("cam kết")

    await thao.send("/tiendo")
    now = await thao.expect("Tiến độ thi đua – tuần 11/2024")
    assert now.plain.count("█░░░░░░░░░ 1/6 (17%)") == 2  # registered and committed
    assert "Phạm Ngọc Anh" not in now.plain.split("Chưa đăng ký")[1].split("\n")[0]

    # The campaign feature measures the same figures.
    measured = await campaign_progress(bot.db, campaign_id, tz=bot.services.settings.tz)
    tree = await bot.services.orgs.tree()
    unit = measured.for_org(await org_id(bot, QH), tree)
    assert (unit.acknowledged, unit.registered, unit.people) == (1, 1, 6)

    next_monday = MONDAY + timedelta(days=7)
    freeze(bot, next_monday)
    await bot.services.scheduler.tick(next_monday)
    digest = await thao.expect("tuần 12/2024")
    assert digest.plain.count("1/6 (17%) · +1 người so với tuần trước") == 2
    assert not digest.has_button("Nhắc việc")  # nobody left whom the bot can reach
