"""A staff member registers their own titles from the phone, and nothing they say is lost."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from domain.subjects import Subject
from storage import audit
from storage.audit import AuditContext
from storage.drafts import DraftRepository
from storage.registrations import RegistrationRepository
from storage.windows import WindowRepository
from tests.harness import BotHarness
from tests.registration.helpers import STAFF, open_window, tick_and_continue, today

INITIATIVE = "Số hoá quy trình tiếp nhận kiến nghị cử tri"


async def _me(bot: BotHarness) -> Subject:
    return Subject.of_person(await bot.services.people.by_phone(STAFF))


async def test_staff_registers_cstdcs_with_an_initiative_edits_one_answer_and_confirms(
    bot: BotHarness,
):
    year = today(bot).year
    await open_window(bot)
    khanh = await bot.person_user(STAFF)

    await khanh.send("/dangky")
    titles = await khanh.expect(f"Đăng ký thi đua năm {year}")
    assert "Cá nhân: Trịnh Minh Khánh (Phòng Công tác Quốc hội – Văn phòng Đoàn ĐBQH" \
        in titles.plain
    assert titles.has_button("☐ Lao động tiên tiến")
    assert titles.has_button("☐ Chiến sĩ thi đua cấp tỉnh")
    assert not titles.has_button("Tập thể lao động xuất sắc")  # collective titles: not here

    await khanh.tap("☐ Chiến sĩ thi đua cơ sở")
    ticked = await khanh.expect("Chọn danh hiệu")
    assert ticked.has_button("☑ Chiến sĩ thi đua cơ sở")
    assert ticked.has_button("☑ Lao động tiên tiến (kèm theo)")
    refused = await khanh.tap("☑ Lao động tiên tiến (kèm theo)")
    assert refused.show_alert and "đi kèm" in refused.text
    await khanh.tap("Tiếp tục ➡️")

    # The titles screen becomes the first question (one message, edited as it goes). The
    # initiative's title may follow the ground: 4 from the start, never more.
    months = await khanh.expect("Câu hỏi 1/4")  # months of service
    assert months.message_id == ticked.message_id
    assert "Nhập số tháng, ví dụ 36." in months.plain  # the hint, on the question only
    await khanh.send("60")
    rating = await khanh.expect("Câu hỏi 2/4")
    assert "✔ Đã lưu: 60 tháng" in rating.plain
    await khanh.tap("Hoàn thành xuất sắc nhiệm vụ")
    await khanh.expect("Câu hỏi 3/4")
    await khanh.tap("Có sáng kiến được cơ sở công nhận")
    await khanh.expect("Câu hỏi 4/4")
    await khanh.send(INITIATIVE)

    reviewed = await khanh.expect("Xem lại đăng ký thi đua năm")
    assert "• Chiến sĩ thi đua cơ sở\n• Lao động tiên tiến (kèm theo)" in reviewed.plain
    # The answer as the record keeps it: "60 tháng", never the hint.
    assert "→ 60 tháng" in reviewed.plain and INITIATIVE in reviewed.plain
    assert "Nhập số tháng" not in reviewed.plain
    # Every answer is in SQLite before the confirmation.
    draft = await DraftRepository(bot.db).draft(year, await _me(bot))
    assert draft.answers == {"service_months": 60, "expected_rating": "excellent",
                             "cstdcs_ground": "initiative", "initiative_title": INITIATIVE}

    await khanh.tap("✏️ Câu 1")
    again = await khanh.expect("Câu hỏi 1/4")
    assert "Câu trả lời hiện tại: 60 tháng" in again.plain and again.has_button("↩️ Giữ nguyên")
    await khanh.send("72")
    reviewed = await khanh.expect("Xem lại đăng ký thi đua năm")
    assert "→ 72 tháng" in reviewed.plain and "→ 60" not in reviewed.plain

    answer = await khanh.tap("✅ Xác nhận")
    assert answer.text == "Đã lưu."
    await khanh.expect("Xem lại")
    done = await khanh.expect(f"Đã lưu đăng ký thi đua năm {year} lúc")
    assert f"Số tham chiếu: {year}-000001." in done.plain
    assert "Danh hiệu: Chiến sĩ thi đua cơ sở, Lao động tiên tiến (kèm theo)" in done.plain

    registration = await RegistrationRepository(bot.db).current(year, await _me(bot))
    assert registration.is_confirmed and registration.reference == f"{year}-000001"
    assert registration.titles == {"CSTDCS"} and registration.implied == {"LDTT"}
    assert registration.answers["service_months"] == 72
    logged = await audit.entries(bot.db, entity="registration_draft")
    assert len(logged) >= 8 and all(e.chat_id == khanh.id for e in logged)

    # A button of the review screen, tapped after confirming, changes nothing.
    stale = await khanh.tap("✏️ Câu 2", message=reviewed)
    assert "hết hiệu lực" in stale.text
    assert await DraftRepository(bot.db).draft(year, await _me(bot)) is None


async def test_bad_answers_are_explained_and_nfd_text_is_stored_composed(bot: BotHarness):
    year = today(bot).year
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/register")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Chiến sĩ thi đua cấp tỉnh")

    # The prerequisite first: the three CSTDCS years (the count is final from the start).
    await khanh.expect("Câu hỏi 1/4")
    await khanh.send(f"{year - 1}-{year + 1}")
    await khanh.expect(f"Năm sau {year} chưa diễn ra")
    await khanh.send("ba năm gần đây")
    await khanh.expect("Không đọc được các năm")
    # The registration year as the third grassroots year: accepted, with what it needs.
    await khanh.send(f"{year - 2} – {year}")
    ground = await khanh.expect("Câu hỏi 2/4")  # an initiative, or a research topic
    assert ground.has_button("Đề tài, đề án, công trình khoa học đã nghiệm thu, áp dụng hiệu quả")
    await khanh.send("sáng kiến đã áp dụng hiệu quả, có khả năng nhân rộng")  # typed
    await khanh.expect("Câu hỏi 3/4")  # the initiative
    await khanh.send("ngắn")
    problem = await khanh.expect("ít nhất 10 ký tự")
    assert "Chưa lưu gì" in problem.plain
    decomposed = unicodedata.normalize("NFD", "Ứng dụng chữ ký số trong văn phòng điện tử")
    await khanh.send(decomposed)
    await khanh.expect("Câu hỏi 4/4")  # province-wide? (buttons, or typed)
    await khanh.send("có lẽ")
    await khanh.expect("có hoặc không")
    await khanh.send("Có")
    reviewed = await khanh.expect("Xem lại")
    assert "cần đăng ký cả Chiến sĩ thi đua cơ sở năm nay" in reviewed.plain
    assert "(điểm a khoản 1 Điều 22 Luật Thi đua, khen thưởng)" in reviewed.plain

    draft = await DraftRepository(bot.db).draft(year, await _me(bot))
    assert draft.answers["cstd_initiative_title"] == unicodedata.normalize("NFC", decomposed)
    assert draft.answers["cstdcs_years"] == [year - 2, year - 1, year]
    assert draft.answers["initiative_province_wide"] is True

    # Years with a gap are kept too: the review says why they fall short.
    await khanh.tap("✏️ Câu 1")
    await khanh.expect("Câu hỏi 1/4")
    await khanh.send(f"{year - 4}, {year - 2}, {year - 1}")
    reviewed = await khanh.expect("Xem lại")
    assert "⚠️ Các năm đạt Chiến sĩ thi đua cơ sở phải liên tục" in reviewed.plain


async def test_restart_between_two_answers_continues_at_the_same_question(bot: BotHarness):
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Lao động tiên tiến")
    await khanh.expect("Câu hỏi 1/2")
    await khanh.send("30")
    await khanh.expect("Câu hỏi 2/2")

    await bot.restart()

    await khanh.send("hoàn thành tốt nhiệm vụ")  # typed instead of tapped: read as the option
    reviewed = await khanh.expect("Xem lại")
    assert "→ 30" in reviewed.plain and "Hoàn thành tốt nhiệm vụ" in reviewed.plain
    await khanh.tap("✅ Xác nhận")
    await khanh.expect("Xem lại")
    await khanh.expect("Số tham chiếu")


async def test_an_edited_message_is_not_taken_as_an_answer(bot: BotHarness):
    year = today(bot).year
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Lao động tiên tiến")
    await khanh.expect("Câu hỏi 1/2")
    sent = await khanh.send("30")
    await khanh.expect("Câu hỏi 2/2")

    await khanh.edit(sent, "3")
    await khanh.expect("không đọc tin nhắn đã sửa")  # told that the correction was not taken
    await khanh.expect_silence(0.3)
    draft = await DraftRepository(bot.db).draft(year, await _me(bot))
    assert draft.answers == {"service_months": 30} and draft.step == "q:expected_rating"


async def test_forged_and_stale_buttons_change_nothing(bot: BotHarness):
    year = today(bot).year
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    first = await khanh.expect("Chọn danh hiệu")
    await khanh.tap("☐ Lao động tiên tiến")
    await khanh.expect("Chọn danh hiệu")
    repo = DraftRepository(bot.db)
    draft = await repo.draft(year, await _me(bot))

    # The first screen's buttons carry the old version.
    stale = await khanh.tap("☐ Lao động tiên tiến", message=first)
    assert "hết hiệu lực" in stale.text
    for data in (
        f"rg:t:{draft.id}:{draft.version}:99",  # no such title
        f"rg:t:{draft.id}:{draft.version}:4",  # a collective title (TTLDTT) for a person
        f"rg:ok:{draft.id}:{draft.version}",  # confirming from the titles screen
        f"rg:ok:{draft.id + 1}:{draft.version}",  # somebody else's draft
        f"rg:e:{draft.id}:{draft.version}:0",
        "rg:s:1",  # picking a collective she does not head
        "rg:w:1:1",
        "rg:zz:1:1",
        "rg:t:x:y:z",
        "open:everything",
    ):
        answer = await khanh.tap_data(first, data)
        assert "hết hiệu lực" in answer.text, data
    assert await repo.draft(year, await _me(bot)) == draft

    # A colleague replaying Khánh's button data from her own chat.
    colleague = await bot.person_user("0973531343")
    await colleague.send("/dangky")
    own = await colleague.expect("Chọn danh hiệu")
    taken = await colleague.tap_data(own, f"rg:t:{draft.id}:{draft.version}:1")
    assert "không có quyền" in taken.text
    assert await repo.draft(year, await _me(bot)) == draft


async def test_cancel_keeps_the_draft_and_register_resumes_it(bot: BotHarness):
    year = today(bot).year
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Lao động tiên tiến")
    await khanh.expect("Câu hỏi 1/2")
    await khanh.send("/huy")
    paused = await khanh.expect("Đã tạm dừng")
    assert "/dangky" in paused.plain
    await khanh.send("40")  # not in the conversation any more: not an answer
    await khanh.expect("chưa hiểu")
    assert (await DraftRepository(bot.db).draft(year, await _me(bot))).answers == {}

    await khanh.send("/cuatoi")
    status = await khanh.expect(f"Đăng ký thi đua năm {year} của anh/chị")
    assert "Chưa xác nhận" in status.plain and "Lao động tiên tiến" in status.plain
    await khanh.tap("▶️ Tiếp tục")
    await khanh.expect("Câu hỏi 1/2")
    await khanh.send("40")
    await khanh.expect("Câu hỏi 2/2")

    await khanh.send("/dangky")  # re-entering mid-way resumes too
    resumed = await khanh.expect("đang soạn dở")
    assert "Câu hỏi 2/2" in resumed.plain


async def _register_ldtt(khanh) -> None:
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Lao động tiên tiến")
    await khanh.expect("Câu hỏi 1/2")
    await khanh.send("30")
    await khanh.expect("Câu hỏi 2/2")
    await khanh.tap("Hoàn thành tốt nhiệm vụ")
    await khanh.expect("Xem lại")
    await khanh.tap("✅ Xác nhận")
    await khanh.expect("Xem lại")
    await khanh.expect("Số tham chiếu")


async def test_editing_then_abandoning_keeps_the_confirmed_registration(bot: BotHarness):
    year = today(bot).year
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await _register_ldtt(khanh)
    repo, drafts = RegistrationRepository(bot.db), DraftRepository(bot.db)
    confirmed = await repo.current(year, await _me(bot))

    await khanh.send("/status")
    status = await khanh.expect("của anh/chị")
    assert "Đã xác nhận lúc" in status.plain and confirmed.reference in status.plain
    assert "đang mở" in status.plain

    # Editing works on a draft copy; the confirmed registration stays until confirmed again.
    await khanh.tap("✏️ Sửa")
    editing = await khanh.expect("Xem lại")
    assert f"Anh/chị đang sửa đăng ký số {confirmed.reference}" in editing.plain
    await khanh.tap("✏️ Sửa danh hiệu")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Chiến sĩ thi đua cơ sở")
    await khanh.expect("Câu hỏi 3/4")
    await khanh.send("/huy")
    await khanh.expect("Đã tạm dừng")
    assert await repo.current(year, await _me(bot)) == confirmed

    await khanh.send("/dangky")
    await khanh.expect("đang soạn dở")
    await khanh.tap("Hoàn thành xuất sắc nhiệm vụ")
    review = await khanh.expect("Xem lại")
    assert "Chiến sĩ thi đua cơ sở" in review.plain
    await khanh.tap("🗑 Bỏ các thay đổi")
    await khanh.expect(f"Đăng ký đã xác nhận (số {confirmed.reference}) vẫn giữ nguyên")
    assert await repo.current(year, await _me(bot)) == confirmed
    assert await drafts.draft(year, await _me(bot)) is None


async def test_withdrawing_until_the_deadline(bot: BotHarness):
    year = today(bot).year
    window = await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await _register_ldtt(khanh)
    repo = RegistrationRepository(bot.db)
    confirmed = await repo.current(year, await _me(bot))

    await khanh.send("/dangky")  # already registered: offered to edit or withdraw
    shown = await khanh.expect("đã được xác nhận")
    await khanh.tap("↩️ Rút đăng ký", message=shown)
    ask = await khanh.expect("Rút đăng ký thi đua năm")
    assert window.deadline.strftime("%d/%m/%Y") in ask.plain
    await khanh.tap("↩️ Đồng ý rút")
    await khanh.expect("Đã rút lúc")
    withdrawn = await repo.current(year, await _me(bot))
    assert not withdrawn.is_confirmed and withdrawn.reference == confirmed.reference
    again = await khanh.tap("↩️ Đồng ý rút", message=ask)
    assert "hết hiệu lực" in again.text
    edit = await khanh.tap("✏️ Sửa", message=shown)
    assert "hết hiệu lực" in edit.text
    assert [e.action for e in await audit.entries(bot.db, entity="registration")] == \
        ["confirm", "withdraw"]

    await khanh.send("/cuatoi")
    status = await khanh.expect("của anh/chị")
    assert "Đã rút lúc" in status.plain and not status.buttons
    await khanh.send("/dangky")  # registering again starts afresh
    await khanh.expect("Chọn danh hiệu")


async def test_outside_the_window_registering_is_refused_with_the_dates(bot: BotHarness):
    year = today(bot).year
    window = await open_window(bot, starts=-30, ends=-1)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    refused = await khanh.expect(f"Đã hết hạn đăng ký thi đua năm {year}")
    assert window.deadline.strftime("%d/%m/%Y") in refused.plain
    assert window.opens_on.strftime("%d/%m/%Y") in refused.plain
    assert await DraftRepository(bot.db).draft(year, await _me(bot)) is None

    await WindowRepository(bot.db).set_deadline(window.id, today(bot), AuditContext.cli())
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")  # extended: the last day is today, inclusive


async def test_before_the_window_opens_and_without_a_window(bot: BotHarness):
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("Chưa mở đăng ký thi đua cho Trịnh Minh Khánh")
    await khanh.send("/cuatoi")
    await khanh.expect("Chưa mở đăng ký thi đua cho anh/chị")
    window = await open_window(bot, starts=3, ends=30)
    await khanh.send("/dangky")
    early = await khanh.expect("Chưa đến thời gian đăng ký thi đua")
    assert window.opens_on.strftime("%d/%m/%Y") in early.plain


async def test_english_locale(bot: BotHarness):
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/language")
    await khanh.expect("Chọn ngôn ngữ")
    await khanh.tap("English")
    await khanh.expect("Language set to English.")
    await khanh.send("/register")
    titles = await khanh.expect("Emulation registration")
    assert titles.has_button("☐ Advanced Worker")
    await tick_and_continue_en(khanh, "Advanced Worker")
    question = await khanh.expect("Question 1 of 2")
    assert "months" in question.plain


async def tick_and_continue_en(user, title: str) -> None:
    await user.tap(f"☐ {title}")
    await user.expect("Tick the titles")
    await user.tap("Continue ➡️")


async def test_the_deadline_passing_mid_way_refuses_the_next_answer(bot: BotHarness):
    year = today(bot).year
    window = await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Lao động tiên tiến")
    await khanh.expect("Câu hỏi 1/2")
    await WindowRepository(bot.db).set_deadline(
        window.id, today(bot) - timedelta(days=1), AuditContext.cli())

    await khanh.send("30")
    await khanh.expect("Đã hết hạn đăng ký")
    draft = await DraftRepository(bot.db).draft(year, await _me(bot))
    assert draft.answers == {}  # kept as it was, for the record
