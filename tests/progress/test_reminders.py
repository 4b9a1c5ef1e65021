"""Reminders reach exactly the people who have not acted, once a day, whoever asks."""

from __future__ import annotations

from datetime import date, timedelta

from storage import audit
from tests.harness import BotHarness
from tests.progress.helpers import (
    AGENCY,
    HDND_HEAD,
    MONDAY,
    QH,
    QH_HEAD,
    acknowledge,
    at,
    freeze,
    launch_campaign,
    link,
    open_window,
    org_id,
    person_id,
    register,
    register_collective,
    settle,
)

NGA, KHANH, ANH, YEN, HA = "0979159337", "0935722539", "0973531343", "0973144429", "0903628355"
LAN = "0979221291"  # Lò Ngọc Lan, Phòng Công tác HĐND


async def _unit_with_a_campaign(bot: BotHarness) -> int:
    """Phòng Công tác Quốc hội on 11/03/2024: Nga has done everything, Khánh has registered."""
    freeze(bot, MONDAY)
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    campaign = await launch_campaign(bot, "vpdbqh-2024-q1",
                                     "Phong trào thi đua Quý I năm 2024", date(2024, 3, 15))
    await register(bot, NGA)
    await acknowledge(bot, campaign, NGA)
    await register(bot, KHANH)
    freeze(bot, MONDAY)
    return campaign


async def test_remind_button_reaches_exactly_the_people_missing_in_the_heads_unit(
    bot: BotHarness,
):
    await _unit_with_a_campaign(bot)
    nga, khanh, anh, yen = [await link(bot, p) for p in (NGA, KHANH, ANH, YEN)]
    lan = await link(bot, LAN)  # missing too, but in another unit
    thao = await link(bot, QH_HEAD)
    await bot.services.scheduler.tick(MONDAY)
    digest = await thao.expect("Tiến độ thi đua")

    answer = await thao.tap("🔔 Nhắc việc (3)", message=digest)
    assert not answer.show_alert
    result = await thao.expect("Đã gửi nhắc việc tới 3 người")
    assert "Phạm Ngọc Anh, Trịnh Minh Khánh, Đinh Minh Yến" in result.plain
    assert "Chưa kết nối với bot (1): Bùi Thúy Hà" in result.plain

    to_anh = await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh")
    assert "Đăng ký thi đua năm 2024 – hạn 31/03/2024 (còn 20 ngày)" in to_anh.plain
    assert "Cam kết thực hiện: Phong trào thi đua Quý I năm 2024 – hạn 15/03/2024 (còn 4 ngày)" \
        in to_anh.plain
    assert f"Người nhắc: Hồ Kim Thảo, Trưởng phòng – {QH} – {AGENCY}" in to_anh.plain
    assert {(b.text, b.callback_data) for row in to_anh.buttons for b in row} == {
        ("📝 Đăng ký thi đua", "open:register"), ("✍️ Cam kết thực hiện", "open:goals")}
    to_khanh = await khanh.expect("Kính gửi anh/chị Trịnh Minh Khánh")
    assert "Đăng ký thi đua năm 2024" not in to_khanh.plain
    assert [b.callback_data for row in to_khanh.buttons for b in row] == ["open:goals"]
    await yen.expect("Kính gửi anh/chị Đinh Minh Yến")
    await nga.expect_silence(0.2)
    await lan.expect_silence(0.05)

    # The same day, a second tap reminds nobody again.
    await thao.tap("🔔 Nhắc việc", message=digest)
    again = await thao.expect("Không có lời nhắc mới nào được gửi")
    assert "Đã được nhắc hôm nay: Phạm Ngọc Anh, Trịnh Minh Khánh, Đinh Minh Yến" in again.plain
    await anh.expect_silence(0.2)
    logged = await audit.entries(bot.db, entity="progress")
    assert [e.details["queued"] for e in logged if e.action == "remind"] == [3, 0]


async def test_stale_forged_and_foreign_remind_buttons_change_nothing(bot: BotHarness):
    await _unit_with_a_campaign(bot)
    anh = await link(bot, ANH)
    lan = await link(bot, LAN)
    thao = await link(bot, QH_HEAD)
    phuong = await link(bot, HDND_HEAD)
    await bot.services.scheduler.tick(MONDAY)
    digest = await thao.expect("Tiến độ thi đua")
    other = await phuong.expect("Tiến độ thi đua")

    # A week and a day later the button has expired.
    freeze(bot, MONDAY + timedelta(days=8))
    answer = await thao.tap("Nhắc việc", message=digest)
    assert answer.show_alert and "hết hiệu lực" in (answer.text or "")
    freeze(bot, MONDAY)
    for data in ("pr:rm:2024031", "pr:rm:20241399", "pr:rm:20240311:9"):
        answer = await thao.tap_data(digest, data)
        assert answer.show_alert and "hết hiệu lực" in (answer.text or "")
    await anh.expect_silence(0.2)

    # Staff cannot remind, whatever the button says.
    await register(bot, LAN)
    await anh.send("/help")
    help_message = await anh.expect("/help")
    answer = await anh.tap_data(help_message, "pr:rm:20240311")
    assert answer.show_alert and "không có quyền" in (answer.text or "")

    # The head of another unit reminds her own unit, never Thảo's, even with Thảo's data.
    await phuong.tap_data(other, "pr:rm:20240311")
    await phuong.expect("Đã gửi nhắc việc tới 1 người: Lò Ngọc Lan")
    await lan.expect("Kính gửi anh/chị Lò Ngọc Lan")
    await anh.expect_silence(0.2)


async def test_a_head_is_reminded_of_the_unit_collective_registration(bot: BotHarness):
    await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
    await register(bot, QH_HEAD)
    await register(bot, HDND_HEAD)
    await register_collective(bot, AGENCY, "Phòng Công tác HĐND")
    thao = await link(bot, QH_HEAD)
    phuong = await link(bot, HDND_HEAD)
    freeze(bot, MONDAY)
    secretariat = bot.secretariat_chat()
    member = bot.user(9001, "Hằng")

    await secretariat.send(member, "/remind")
    await secretariat.expect("Chọn phạm vi nhắc việc")
    await secretariat.tap(AGENCY, by=member)
    await secretariat.expect("Nhắc việc về nội dung nào?")
    await secretariat.tap("Đăng ký thi đua năm 2024", by=member)
    preview = await secretariat.expect("sẽ nhắc việc: 1 người")
    await secretariat.tap("Gửi nhắc việc", by=member)
    await secretariat.expect("Đã gửi nhắc việc tới 1 người: Hồ Kim Thảo")

    reminder = await thao.expect("Kính gửi anh/chị Hồ Kim Thảo")
    assert f"Đăng ký thi đua cho tập thể {QH} – hạn 31/03/2024" in reminder.plain
    assert "Người nhắc: Thường trực Hội đồng Thi đua – Khen thưởng" in reminder.plain
    assert [b.callback_data for row in reminder.buttons for b in row] == ["open:collective"]
    await phuong.expect_silence(0.2)
    assert "Chưa thực hiện: 21 người" in preview.plain


async def test_secretariat_reminds_an_agency_after_a_preview(bot: BotHarness):
    campaign = await _unit_with_a_campaign(bot)
    await acknowledge(bot, campaign, KHANH)
    anh, khanh, lan = [await link(bot, p) for p in (ANH, KHANH, LAN)]
    blocked = await link(bot, YEN)
    blocked.block_bot()
    secretariat = bot.secretariat_chat()
    member = bot.user(9001, "Hằng")
    # Lan was already reminded today by her head: she is not reminded twice.
    phuong = await link(bot, HDND_HEAD)
    await phuong.send("/progress")
    await phuong.expect("Tiến độ thi đua")
    await phuong.tap("Nhắc việc")
    await phuong.expect("Đã gửi nhắc việc tới 1 người")
    await lan.expect("Nhắc việc")

    await secretariat.send(member, "/nhacnho")
    await secretariat.expect("Chọn phạm vi nhắc việc")
    await secretariat.tap(AGENCY, by=member)
    await secretariat.expect("Nhắc việc về nội dung nào?")
    await secretariat.tap("Cam kết thực hiện", by=member)
    preview = await secretariat.expect("Nội dung: Cam kết thực hiện: Phong trào thi đua Quý I "
                                       "năm 2024 – hạn 15/03/2024 (còn 4 ngày)")
    assert "Phạm vi: Văn phòng Đoàn ĐBQH và HĐND tỉnh" in preview.plain
    assert "Chưa thực hiện: 20 người" in preview.plain
    assert "sẽ nhắc việc: 2 người" in preview.plain  # Anh, and Phương herself
    assert "đã được nhắc hôm nay: 1 người" in preview.plain  # Lan
    assert "không liên lạc được qua bot: 17 người" in preview.plain
    # Unit by unit, not one paragraph of names.
    assert f"Theo đơn vị:\n🏢 {AGENCY}: không liên lạc được qua bot: 3 người\n📵 Chưa kết " \
        "nối với bot (3): Hầu Tiến Long, Đinh Thanh Mai, Trần Hồng Vân\n" in preview.plain
    assert f"\n🏢 {QH} – {AGENCY}: sẽ nhắc việc: 1 người; không liên lạc được qua bot: 3 " \
        "người\n⛔ Đã chặn bot (1): Đinh Minh Yến\n📵 Chưa kết nối với bot (2): Bùi Thúy Hà, " \
        "Hồ Kim Thảo\n" in preview.plain
    assert "Trịnh Minh Khánh" not in preview.plain  # he has committed

    await secretariat.tap("Gửi nhắc việc (2)", by=member)
    await secretariat.expect("Đã gửi nhắc việc tới 2 người: Phạm Ngọc Anh, Trần Thúy Phương")
    reminder = await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh")
    assert "Đăng ký thi đua" not in reminder.plain  # only what the secretariat chose
    await khanh.expect_silence(0.2)
    await lan.expect_silence(0.05)

    # Yesterday's preview cannot send today; cancelling sends nothing.
    answer = await secretariat.tap_data(preview, f"rmd:go:{await org_id(bot, AGENCY)}:all:"
                                        "20240310", by=member)
    assert answer.show_alert
    await secretariat.send(member, "/remind")
    await secretariat.expect("Chọn phạm vi")
    await secretariat.tap("✖ Huỷ", by=member)
    await secretariat.expect("Đã huỷ")


async def test_only_the_secretariat_can_remind_a_scope(bot: BotHarness):
    await _unit_with_a_campaign(bot)
    anh = await link(bot, ANH)
    await anh.send("/remind")
    await anh.expect("Thường trực")
    thao = await link(bot, QH_HEAD)
    await thao.send("/nhacnho")
    await thao.expect("Thường trực")
    secretariat = bot.secretariat_chat()
    member = bot.user(9001, "Hằng")
    await secretariat.send(member, "/remind")
    menu = await secretariat.expect("Chọn phạm vi")
    # An agency id outside the tree, or not an agency, is refused.
    unit = await org_id(bot, QH)
    for data in (f"rmd:s:{unit}", "rmd:s:99999", "rmd:w:all:r999", "rmd:zz"):
        answer = await secretariat.tap_data(menu, data, by=member)
        assert answer.show_alert, data
    await anh.expect_silence(0.2)


async def test_automatic_reminders_a_few_days_before_the_deadline(bot: BotHarness):
    deadline = date(2024, 3, 15)
    freeze(bot, at(deadline - timedelta(days=4)))
    await launch_campaign(bot, "vpdbqh-2024-q1", "Phong trào thi đua Quý I năm 2024",
                          deadline)
    anh = await link(bot, ANH)
    thao = await link(bot, QH_HEAD)
    scheduler = bot.services.scheduler

    four_days = at(deadline - timedelta(days=4))
    freeze(bot, four_days)
    await scheduler.tick(four_days)  # a Monday: the weekly digest, no reminder yet
    await thao.expect("Tiến độ thi đua")
    await anh.expect_silence(0.2)

    three_days = at(deadline - timedelta(days=3), 9, 5)
    freeze(bot, three_days)
    assert ("deadline-reminders", "2024-03-12") in await scheduler.tick(three_days)
    reminder = await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh")
    assert "Nhắc việc tự động: sắp đến hạn." in reminder.plain
    assert "hạn 15/03/2024 (còn 3 ngày)" in reminder.plain
    await thao.expect("Kính gửi anh/chị Hồ Kim Thảo")
    # Restarted the same day: nothing again.
    await bot.restart()
    freeze(bot, three_days)
    await bot.services.scheduler.tick(three_days + timedelta(hours=2))
    await anh.expect_silence(0.2)

    two_days = at(deadline - timedelta(days=2))
    freeze(bot, two_days)
    await bot.services.scheduler.tick(two_days)
    await anh.expect_silence(0.2)

    last_eve = at(deadline - timedelta(days=1))
    freeze(bot, last_eve)
    await bot.services.scheduler.tick(last_eve)
    reminder = await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh")
    assert "hạn 15/03/2024 (còn 1 ngày)" in reminder.plain
    await settle(bot)
    sent = await bot.db.fetchall(
        "SELECT dedupe_key FROM outbox WHERE person_id = ? ORDER BY id",
        (await person_id(bot, ANH),))
    assert [r["dedupe_key"] for r in sent] == ["remind:2024-03-12:" + str(await person_id(
        bot, ANH)), "remind:2024-03-14:" + str(await person_id(bot, ANH))]
