"""Right person, right data: each asker gets only the summary of what is theirs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from storage.audit import AuditContext
from storage.windows import WindowRepository
from tests.harness import BotHarness
from tests.summary.helpers import (
    AGENCY_HEAD,
    SEED_ORDER,
    STAFF,
    UNIT_HEAD,
    counts_in,
    import_sample_registrations,
    read_xlsx,
    receive_summary,
    without_units,
)


async def test_a_unit_head_gets_their_unit_only(seeded: BotHarness):
    thao = await seeded.person_user(UNIT_HEAD)
    await thao.send("/summary")
    post = await receive_summary(thao)
    assert "Phòng Công tác Quốc hội" in post.texts[0].plain
    assert "Đăng ký thi đua của đơn vị: chưa đăng ký" in post.text
    assert "• 01 tập thể Lao động xuất sắc\n• 04 cá nhân tặng danh hiệu Chiến sĩ thi đua " \
        "cấp tỉnh" in post.text
    assert counts_in(post.text) == (1, 4)
    assert not any(name in post.text for name in SEED_ORDER[1:])
    listed = list(read_xlsx(post.xlsx.document.data)["Danh sách đăng ký"]
                  .iter_rows(min_row=2, values_only=True))
    assert {row[2] for row in listed} == {"Phòng Công tác Quốc hội"}
    assert post.xlsx.document.filename == \
        "tong-hop-dang-ky-thi-dua-2024-phong-cong-tac-quoc-hoi.xlsx"

    # Another agency by name: answered as if it did not exist, no data at all.
    await thao.send("/summary Sở Nội vụ")
    refused = await thao.expect("Không tìm thấy cơ quan, đơn vị nào khớp với “Sở Nội vụ”")
    assert "09" not in refused.plain
    await thao.expect_silence(0.3)


async def test_an_agency_head_gets_their_agency_and_may_narrow_it(seeded: BotHarness):
    long = await seeded.person_user(AGENCY_HEAD)
    await long.send("/summary")
    post = await receive_summary(long)
    assert "1. Văn phòng Đoàn ĐBQH và HĐND tỉnh" in post.text
    assert "Đăng ký thi đua của cơ quan: Cờ thi đua của Chính phủ; Cờ thi đua của UBND tỉnh" \
        in post.text
    assert counts_in(without_units(post.text)) == (2, 4)
    assert "Theo phòng, ban, đơn vị" in post.text and "Phòng Công tác HĐND" in post.text
    assert not any(name in post.text for name in SEED_ORDER[1:])
    assert "Khối Tham mưu Tổng hợp" not in post.text  # no bloc-wide warning leaks in

    await long.send("/summary phong cong tac quoc hoi")
    unit = await receive_summary(long)
    assert "Phòng Công tác Quốc hội" in unit.texts[0].plain and counts_in(unit.text) == (1, 4)

    await long.send("/summary Văn phòng UBND tỉnh")
    await long.expect("Không tìm thấy cơ quan, đơn vị nào")
    await long.expect_silence(0.3)


async def test_a_staff_member_and_a_stranger_get_nothing(seeded: BotHarness):
    khanh = await seeded.person_user(STAFF)
    await khanh.send("/summary")
    refusal = await khanh.expect("dành cho lãnh đạo đơn vị, lãnh đạo cơ quan và Thường trực")
    assert refusal.document is None and refusal.photo is None
    await khanh.send("/summary Phòng Công tác Quốc hội")
    await khanh.expect("dành cho lãnh đạo đơn vị")
    await khanh.expect_silence(0.3)

    stranger = seeded.user(7999, "Khách")
    await stranger.send("/tonghop")
    await stranger.expect("chưa được liên kết")
    await stranger.expect_silence(0.3)


async def test_other_groups_get_nothing_and_a_head_only_answers_in_private(seeded: BotHarness):
    long = await seeded.person_user(AGENCY_HEAD)
    other = seeded.emu.group(-1009999, "Nhóm khác")
    await other.send(long, "/summary")
    await other.expect("tin nhắn riêng")
    await other.expect_silence(0.3)


async def test_ambiguous_and_unknown_names_and_campaigns(seeded: BotHarness):
    chat = seeded.secretariat_chat()
    clerk = seeded.user(8001, "Hằng")
    await chat.send(clerk, "/summary phòng tổng hợp")
    post = await receive_summary(chat)  # one unit is named exactly so
    assert "Phòng Tổng hợp" in post.texts[0].plain and counts_in(post.text) == (1, 4)

    await chat.send(clerk, "/summary văn phòng sở")
    listing = await chat.expect("Có nhiều cơ quan, đơn vị khớp với “văn phòng sở”")
    assert "Văn phòng Sở – Sở Nội vụ" in listing.plain

    await chat.send(clerk, "/summary Sở Tài chính")
    await chat.expect("Không tìm thấy cơ quan, đơn vị nào khớp với “Sở Tài chính”")
    await chat.expect_silence(0.3)


async def test_a_secretariat_of_one_agency_sees_and_is_posted_only_that_agency(tmp_path):
    harness = BotHarness(tmp_path, secretariat_scope="Sở Nội vụ")
    await harness.start()
    try:
        await harness.import_roster()
        await import_sample_registrations(harness.db)
        chat = harness.secretariat_chat()
        clerk = harness.user(8001, "Hằng")
        await chat.send(clerk, "/summary")
        post = await receive_summary(chat)
        assert "1. Sở Nội vụ" in post.text and counts_in(without_units(post.text)) == (9, 2)
        assert not any(name in post.text for name in SEED_ORDER[:4])
        await chat.send(clerk, "/summary Sở Ngoại vụ")
        await chat.expect("Không tìm thấy cơ quan, đơn vị nào khớp với “Sở Ngoại vụ”")

        # The bloc's registration window: the digest covers the secretariat's agency only.
        await WindowRepository(harness.db).open_window(
            2024, None, date(2024, 1, 15), date(2024, 3, 15), AuditContext.cli())
        scheduler = harness.services.scheduler
        assert scheduler is not None
        await scheduler.tick(datetime(2024, 3, 1, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
        digest = await chat.expect("bản tin ngày 01/03/2024")
        assert "Sở Nội vụ: số người đã đăng ký 0 → 2 trên 72" in digest.plain
        assert "Sở Ngoại vụ" not in digest.plain and "Khối" not in digest.plain
    finally:
        await harness.close()
