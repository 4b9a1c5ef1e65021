"""A civil servant on Zalo: linked with the code the office handed out, registers by typing
numbers, answers the questions, confirms; the same registration is seen from Telegram."""

from __future__ import annotations

from tests.harness import BotHarness

STAFF = "0935722539"  # Trịnh Minh Khánh, Nhân viên, Phòng Công tác Quốc hội


async def test_a_civil_servant_registers_on_zalo_by_typing_numbers(zbot: BotHarness):
    khanh = await zbot.zalo_person(STAFF)

    await khanh.send("dang ky")  # no slash, no diacritics
    titles = await khanh.expect("Đăng ký thi đua năm")
    assert "1. ☐ Lao động tiên tiến" in titles.plain
    assert "<b>" not in titles.plain  # never Telegram HTML

    await khanh.tap("☐ Chiến sĩ thi đua cơ sở")  # types its number
    ticked = await khanh.expect("☑ Chiến sĩ thi đua cơ sở")
    await khanh.tap("Tiếp tục ➡️", message=ticked)
    await khanh.expect("Đã chọn")  # the titles chosen, said once
    question = await khanh.expect("Câu hỏi 1/")
    assert "tháng" in question.plain
    await khanh.send("36")
    await khanh.expect("Đã lưu")
    rating = khanh.options()
    assert any("Hoàn thành xuất sắc nhiệm vụ" in o.label for o in rating)
    await khanh.tap("Hoàn thành xuất sắc nhiệm vụ")
    await khanh.expect("→ Hoàn thành xuất sắc nhiệm vụ")  # the answer, said back
    ground = await khanh.expect("Câu hỏi 3/3")
    await khanh.tap("Có sáng kiến được cơ sở công nhận", message=ground)
    await khanh.expect("→ Có sáng kiến")
    name = await khanh.expect("Tên sáng kiến")
    assert "1." not in name.plain  # a typed answer is expected: no numbers to pick
    await khanh.send("Sổ tay điện tử phục vụ đại biểu HĐND")
    review = await khanh.expect("Xem lại")
    assert "Sổ tay điện tử phục vụ đại biểu HĐND" in review.plain
    await khanh.tap("✅ Xác nhận", message=review)
    done = await khanh.expect("Đã lưu đăng ký thi đua năm")
    assert "Số tham chiếu" in done.plain

    # The same person on Telegram sees the same registration.
    telegram = await zbot.person_user(STAFF)
    await telegram.send("/cuatoi")
    status = await telegram.expect("Chiến sĩ thi đua cơ sở")
    assert "Sổ tay điện tử" in status.plain
    links = await zbot.services.links.all_of((await zbot.services.people.by_phone(STAFF)).id)
    assert {link.channel for link in links} == {"telegram", "zalo"}


async def test_a_late_number_is_asked_again_and_several_numbers_tick_several_titles(
        zbot: BotHarness):
    khanh = await zbot.zalo_person(STAFF)
    await khanh.send("/dangky")
    titles = await khanh.expect("Đăng ký thi đua năm")
    options = {o.label: o.number for o in khanh.options(titles)}
    lao_dong = options["☐ Lao động tiên tiến"]
    co_so = options["☐ Chiến sĩ thi đua cơ sở"]
    await khanh.send(f"{lao_dong} {co_so}")
    ticked = await khanh.expect("☑ Chiến sĩ thi đua cơ sở")
    assert "☑ Lao động tiên tiến" in ticked.plain
    await khanh.expect_silence(0.3)  # one screen for the two ticks

    # A number typed before the newest menu was shown never acts on it.
    menus = await zbot.db.fetchone("SELECT shown_at FROM zalo_menus")
    zbot.zalo.push_raw({
        "event_name": "message.text.received",
        "message": {"from": {"id": khanh.id, "display_name": "Khánh"},
                    "chat": {"id": khanh.chat_id, "chat_type": "PRIVATE"},
                    "text": "1", "message_id": "late000000000000000a",
                    "date": menus["shown_at"] - 5000}})
    await khanh.expect("danh sách cũ")
    draft = await zbot.db.fetchone("SELECT titles FROM registration_drafts")
    assert "LDTT" in draft["titles"] and "CSTDCS" in draft["titles"]  # unchanged

    await khanh.send("99")
    await khanh.expect("không có số 99")
