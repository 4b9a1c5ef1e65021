"""Seed 001 end to end: the secretariat loads the campaign file in its chat, previews and launches
it; people read it on their phones page by page and commit to it, once."""

from __future__ import annotations

from datetime import date

from domain.campaigns import CampaignStatus
from storage import audit
from storage.campaigns import CampaignRepository
from tests.campaigns.helpers import (
    KHANH,
    LAM,
    MAI,
    SEED_FILE,
    SEED_NAME,
    TUAN,
    freeze,
    on,
)
from tests.harness import BotHarness


async def _load_seed_in_chat(bot: BotHarness):
    chat = bot.secretariat_chat()
    clerk = bot.user(8001, "Hằng")
    await chat.send_document(clerk, SEED_FILE.name, SEED_FILE.read_bytes())
    preview = await chat.expect("Tệp phong trào thi đua: vpubnd-2024-q1")
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã nạp phong trào thi đua “vpubnd-2024-q1”")
    return chat, clerk, preview


async def _launch(chat, clerk, number: int = 1) -> None:
    await chat.send(clerk, "/campaigns")
    await chat.expect("Phong trào thi đua")
    await chat.tap(f"🚀 Phát động {number}", by=clerk)
    await chat.expect("Phát động “")
    await chat.tap("🚀 Phát động", by=clerk)
    await chat.expect("Đã phát động")


async def test_seed_001_loaded_previewed_and_launched_to_the_people_in_scope(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    tuan = await bot.person_user(TUAN)
    lam = await bot.person_user(LAM)
    khanh = await bot.person_user(KHANH)  # Văn phòng Đoàn ĐBQH và HĐND: outside the scope

    chat, clerk, preview = await _load_seed_in_chat(bot)
    assert "Phạm vi: Văn phòng Ủy ban nhân dân tỉnh" in preview.plain
    assert "Thời gian thi đua: 01/01/2024 – 31/03/2024" in preview.plain
    assert "Hạn cam kết: 15/01/2024" in preview.plain
    assert "tỷ lệ đăng ký thi đua" in preview.plain
    assert "Số người trong phạm vi: 52, trong đó 3 người đang dùng bot" in preview.plain

    await chat.send(clerk, "/phongtrao")
    listing = await chat.expect(SEED_NAME)
    assert "đã nạp, chưa phát động" in listing.plain
    await chat.tap("👁 Xem 1", by=clerk)
    first = await chat.expect("Xem trước")
    assert "Mục đích" in first.plain and "Nội dung thi đua" in first.plain
    assert "Trang 1/2" in first.plain and not first.has_button("Tôi cam kết thực hiện")
    await chat.tap("Trang sau ▶", by=clerk)
    second = await chat.expect("Chỉ tiêu thi đua cụ thể")
    assert second.message_id == first.message_id  # paged in place
    assert "Tổ chức thực hiện" in second.plain and "Phan Quốc Nghĩa" in second.plain

    # Nothing reached anybody before the launch.
    await mai.expect_silence(0.2)

    await chat.send(clerk, "/campaigns")
    await chat.expect(SEED_NAME)
    await chat.tap("🚀 Phát động 1", by=clerk)
    confirm = await chat.expect("Phát động “" + SEED_NAME)
    assert "gửi ngay tới 3 người" in confirm.plain
    assert "49 người trong phạm vi chưa dùng bot" in confirm.plain
    await chat.tap("🚀 Phát động", by=clerk)
    done = await chat.expect("Đã phát động")
    assert "đang gửi 3 tin nhắn" in done.plain

    for person in (mai, tuan, lam):
        message = await person.expect(SEED_NAME)
        assert "Văn phòng UBND tỉnh Lào Cai" in message.plain
        assert "Trang 1/2" in message.plain and "Hạn cam kết: 15/01/2024" in message.plain
        assert len(message.plain) <= 4096
        assert message.has_button("Trang sau ▶")
        assert message.has_button("✅ Tôi cam kết thực hiện")
    await khanh.expect_silence(0.3)
    await khanh.send("/goals")
    await khanh.expect("Hiện chưa có phong trào thi đua nào dành cho anh/chị")

    campaign = await CampaignRepository(bot.db).by_code("vpubnd-2024-q1")
    assert campaign is not None and campaign.status == CampaignStatus.LAUNCHED
    logged = await audit.entries(bot.db, entity="campaign", entity_id=campaign.id)
    assert [e.action for e in logged] == ["load", "launch"]
    assert logged[1].details["queued"] == 3


async def test_commit_once_twice_late_and_after_the_end(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    tuan = await bot.person_user(TUAN)
    lam = await bot.person_user(LAM)
    chat, clerk, _ = await _load_seed_in_chat(bot)
    await _launch(chat, clerk)
    launch_message = await mai.expect(SEED_NAME)
    await tuan.expect(SEED_NAME)
    await lam.expect(SEED_NAME)

    # Mai reads page 2 (the message is edited in place), then commits from there.
    await mai.tap("Trang sau ▶")
    page2 = await mai.expect("Tổ chức thực hiện")
    assert page2.message_id == launch_message.message_id and "Trang 2/2" in page2.plain
    answer = await mai.tap("✅ Tôi cam kết thực hiện")
    assert "cam kết đã được ghi nhận" in (answer.text or "")
    committed = await mai.expect("Anh/chị đã cam kết thực hiện lúc 09:00 03/01/2024")
    assert "Trang 2/2" in committed.plain and not committed.has_button("Tôi cam kết thực hiện")

    # A second tap (the old button on the first snapshot) changes nothing, and says so.
    again = await mai.tap("✅ Tôi cam kết thực hiện", message=launch_message)
    assert again.show_alert and "đã cam kết thực hiện phong trào này lúc 09:00 03/01/2024" in (
        again.text or "")
    refreshed = await mai.expect("Anh/chị đã cam kết thực hiện lúc 09:00 03/01/2024")
    assert refreshed.message_id == launch_message.message_id and "Trang 1/2" in refreshed.plain

    campaign = await CampaignRepository(bot.db).by_code("vpubnd-2024-q1")
    assert campaign is not None
    person = await bot.services.people.by_phone(MAI)
    ack = await CampaignRepository(bot.db).acknowledgement(campaign.id, person.id)
    assert ack is not None and ack.channel == "telegram"
    acks = [e for e in await audit.entries(bot.db, entity="campaign", entity_id=campaign.id)
            if e.action == "acknowledge"]
    assert len(acks) == 1 and acks[0].details == {
        "person_id": person.id, "channel": "telegram", "late": False}

    # After the deadline to commit (15/01) but within the period: accepted, marked late.
    freeze(bot, on(date(2024, 2, 10), 14))
    await tuan.send("/camket")
    goals = await tuan.expect("Phong trào thi đua của anh/chị")
    assert "Hạn cam kết là 15/01/2024; anh/chị vẫn có thể cam kết đến hết ngày 31/03/2024" in (
        goals.plain)
    late = await tuan.tap("✅ Tôi cam kết thực hiện")
    assert "sau hạn 15/01/2024" in (late.text or "")
    marked = await tuan.expect("Anh/chị đã cam kết thực hiện lúc 14:00 10/02/2024, sau hạn")
    assert not marked.has_button("Tôi cam kết thực hiện")

    # After the period (31/03): refused with the dates, nothing stored.
    freeze(bot, on(date(2024, 4, 2)))
    refused = await lam.tap("✅ Tôi cam kết thực hiện")
    assert refused.show_alert
    assert "đã kết thúc ngày 31/03/2024 (thời gian thi đua 01/01/2024 – 31/03/2024)" in (
        refused.text or "")
    closed = await lam.expect("Phong trào đã kết thúc ngày 31/03/2024")
    assert not closed.has_button("Tôi cam kết thực hiện")
    again = await mai.tap("✅ Tôi cam kết thực hiện", message=launch_message)
    assert "đã cam kết thực hiện phong trào này lúc 09:00 03/01/2024" in (again.text or "")
    lam_person = await bot.services.people.by_phone(LAM)
    assert await CampaignRepository(bot.db).acknowledgement(campaign.id, lam_person.id) is None
    await lam.send("/goals")
    await lam.expect("Hiện chưa có phong trào thi đua nào dành cho anh/chị")


async def test_a_campaign_ended_by_hand_refuses_commitments_with_its_end_date(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    chat, clerk, _ = await _load_seed_in_chat(bot)
    await _launch(chat, clerk)
    await mai.expect(SEED_NAME)
    campaign = await CampaignRepository(bot.db).by_code("vpubnd-2024-q1")
    assert campaign is not None
    freeze(bot, on(date(2024, 2, 20)))
    from storage.audit import AuditContext

    assert await CampaignRepository(bot.db).end(campaign.id, AuditContext.cli(),
                                                bot.services.now())
    refused = await mai.tap("✅ Tôi cam kết thực hiện")
    assert "đã kết thúc ngày 20/02/2024" in (refused.text or "")

    # And it can no longer be launched again.
    await chat.send(clerk, "/campaigns")
    listing = await chat.expect(SEED_NAME)
    assert "đã kết thúc" in listing.plain and not listing.has_button("📨 Gửi bổ sung 1")


async def test_english_reader_gets_the_frame_in_english_and_the_text_as_written(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    lam = await bot.person_user(LAM)
    await lam.send("/language")
    await lam.expect("Chọn ngôn ngữ")
    await lam.tap("English")
    await lam.expect("Language set to English.")
    chat, clerk, _ = await _load_seed_in_chat(bot)
    await _launch(chat, clerk)
    message = await lam.expect(SEED_NAME)
    assert "Page 1 of 2" in message.plain and "Commit by: Jan 15, 2024" in message.plain
    assert "Mục đích" in message.plain  # the campaign's own text stays in Vietnamese
    assert message.has_button("✅ I commit to carry it out")
    await lam.tap("Next page ▶")
    await lam.expect("Page 2 of 2")
