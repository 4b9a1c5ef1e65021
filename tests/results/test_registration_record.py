"""Registration uses the record: the years the results prove are filled and shown, not
typed; a claim the record contradicts, and an initiative already used, are flagged (to the
person, and in the summary). On Telegram and on Zalo."""

from __future__ import annotations

from app.results.imports import initiatives_import, results_import
from domain.subjects import Subject
from storage.audit import AuditContext
from storage.drafts import DraftRepository
from storage.registrations import RegistrationRepository
from tests.harness import BotHarness
from tests.registration.helpers import open_window, tick_and_continue, today
from tests.results.helpers import COLLEAGUE, STAFF

QH = "Văn phòng Đoàn ĐBQH và HĐND tỉnh,Phòng Công tác Quốc hội"
BY = "Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh"
INITIATIVE = "Sổ tay điện tử phục vụ đại biểu HĐND tỉnh"


async def _record(bot: BotHarness, rows: list[tuple[int, str, str, str]],
                  initiatives: str = "") -> None:
    """Results (year, name, phone, title) of the unit, each year's decision of the agency."""
    if initiatives:
        outcome = await initiatives_import(bot.services, initiatives.encode(), "sk.csv", None,
                                           AuditContext.cli())
        assert outcome.ok, outcome.text
    lines = ["year,agency,unit,full_name,phone,title,decision_number,decision_date,"
             "decided_by,initiative"]
    for year, name, phone, title, *initiative in rows:
        lines.append(f"{year},{QH},{name},{phone},{title},{year - 2000}/QĐ-VPĐĐBQH,"
                     f"20/12/{year},{BY},{initiative[0] if initiative else ''}")
    outcome = await results_import(bot.services, ("\n".join(lines) + "\n").encode(), "kq.csv",
                                   None, AuditContext.cli())
    assert outcome.ok, outcome.text


async def test_three_cstdcs_years_on_record_are_not_asked_for_cstd_tinh(bot: BotHarness):
    year = today(bot).year
    await _record(bot, [(y, "Trịnh Minh Khánh", STAFF, "CSTDCS") for y in range(year - 3, year)])
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Chiến sĩ thi đua cấp tỉnh")

    # The three years are filled from the record and shown; the questions start after them.
    ground = await khanh.expect("Câu hỏi 1/3")
    assert (f"📋 Theo kết quả đã ghi nhận, không hỏi lại: Ba năm liên tục gần nhất anh/chị đạt "
            f"danh hiệu Chiến sĩ thi đua cơ sở → {year - 3}, {year - 2}, {year - 1}") \
        in ground.plain
    await khanh.tap("Sáng kiến đã áp dụng hiệu quả, có khả năng nhân rộng")
    await khanh.expect("Câu hỏi 2/3")  # the initiative's title, asked once the ground says so
    await khanh.send("Số hoá hồ sơ trình kỳ họp HĐND tỉnh")
    await khanh.expect("Câu hỏi 3/3")
    await khanh.tap("Có")
    reviewed = await khanh.expect("Xem lại đăng ký thi đua năm")
    assert (f"→ {year - 3}, {year - 2}, {year - 1} (theo kết quả đã ghi nhận)") in reviewed.plain
    assert "Các năm đạt Chiến sĩ thi đua cơ sở" not in reviewed.plain  # no warning on them
    # The record's answer (the first: the prerequisite) is not offered to edit; the others are.
    assert reviewed.has_button("✏️ Câu 4") and not reviewed.has_button("✏️ Câu 1")
    await khanh.tap("✅ Xác nhận")
    await khanh.expect("Xem lại")
    await khanh.expect("Số tham chiếu")
    person = await bot.services.people.by_phone(STAFF)
    saved = await RegistrationRepository(bot.db).current(year, Subject.of_person(person))
    assert saved.answers["cstdcs_years"] == [year - 3, year - 2, year - 1]


async def test_a_claim_the_record_contradicts_is_flagged_to_the_person_and_in_the_summary(
        bot: BotHarness):
    year = today(bot).year
    initiatives = ("year,title,kind,level,authors,phones,decision_number,decision_date,"
                   f"decided_by\n{year - 1},{INITIATIVE},sáng kiến,cơ sở,Phạm Ngọc Anh,"
                   f"{COLLEAGUE},9/QĐ-VPĐĐBQH,01/12/{year - 1},{BY}\n")
    # Anh is CSTĐCS the year before only (on an initiative); the agency's lists of the two
    # years before are on record (Khánh is on them).
    await _record(bot, [
        (year - 3, "Trịnh Minh Khánh", STAFF, "CSTDCS"),
        (year - 2, "Trịnh Minh Khánh", STAFF, "CSTDCS"),
        (year - 1, "Phạm Ngọc Anh", COLLEAGUE, "CSTDCS", INITIATIVE),
    ], initiatives)
    await open_window(bot)
    anh = await bot.person_user(COLLEAGUE)
    await anh.send("/dangky")
    await anh.expect("Chọn danh hiệu")
    await tick_and_continue(anh, "Chiến sĩ thi đua cấp tỉnh")
    await anh.expect("Câu hỏi 1/4")  # the record proves nothing: the years are asked, first
    await anh.send(f"{year - 3}-{year - 1}")
    await anh.expect("Câu hỏi 2/4")
    await anh.send("sáng kiến đã áp dụng hiệu quả, có khả năng nhân rộng")
    await anh.expect("Câu hỏi 3/4")
    await anh.send(INITIATIVE.upper())  # the initiative of last year's CSTĐCS, again
    await anh.expect("Câu hỏi 4/4")
    await anh.send("có")
    reviewed = await anh.expect("Xem lại")
    assert (f"⚠️ Kết quả đã ghi nhận không có Chiến sĩ thi đua cơ sở năm {year - 3}, "
            f"{year - 2} như câu trả lời đã khai") in reviewed.plain
    assert "(điểm a khoản 1 Điều 22 Luật Thi đua, khen thưởng)" in reviewed.plain
    assert "đã là căn cứ của một danh hiệu, hình thức khen thưởng khác" in reviewed.plain
    assert f"({INITIATIVE}: Chiến sĩ thi đua cơ sở {year - 1})" in reviewed.plain
    await anh.tap("✅ Xác nhận")
    await anh.expect("Xem lại")
    await anh.expect("Số tham chiếu")

    # The summary of the secretariat names the claim (within its scope).
    chat = bot.secretariat_chat()
    clerk = bot.user(8401, "Hằng")
    await chat.send(clerk, f"/tonghop {year}")
    found = False
    for _ in range(6):
        message = await chat.expect()
        if "Khai trái với kết quả đã ghi nhận" in message.plain:
            assert f"Phạm Ngọc Anh (Chiến sĩ thi đua cấp tỉnh): Chiến sĩ thi đua cơ sở " \
                f"{year - 3}, {year - 2}" in message.plain
            found = True
            break
    assert found


async def test_two_years_on_record_and_this_years_cstdcs_on_zalo(zbot: BotHarness):
    year = today(zbot).year
    await _record(zbot, [(y, "Trịnh Minh Khánh", STAFF, "CSTDCS") for y in (year - 2, year - 1)])
    khanh = await zbot.zalo_person(STAFF)
    await khanh.send("dang ky")
    titles = await khanh.expect("Đăng ký thi đua năm")
    await khanh.tap("☐ Chiến sĩ thi đua cơ sở", message=titles)
    ticked = await khanh.expect("☑ Chiến sĩ thi đua cơ sở")
    await khanh.tap("☐ Chiến sĩ thi đua cấp tỉnh", message=ticked)
    ticked = await khanh.expect("☑ Chiến sĩ thi đua cấp tỉnh")
    await khanh.tap("Tiếp tục ➡️", message=ticked)
    for _ in range(14):
        screen = await khanh.expect()
        if "Xem lại" in screen.plain:
            break
        assert "Ba năm liên tục gần nhất" not in screen.plain.split("Câu hỏi")[-1]
        options = khanh.options(screen)
        if "Câu hỏi" in screen.plain and options:
            await khanh.send(options[0].number)
        elif "Câu hỏi" in screen.plain and "tháng" in screen.plain:
            await khanh.send("48")
        elif "Câu hỏi" in screen.plain:
            await khanh.send("Số hoá hồ sơ trình kỳ họp HĐND tỉnh")
    else:
        raise AssertionError("no review")
    assert f"→ {year - 2}, {year - 1}, {year} (theo kết quả đã ghi nhận)" in screen.plain
    assert "cần đăng ký cả Chiến sĩ thi đua cơ sở năm nay" not in screen.plain


async def test_the_cstd_tinh_years_on_record_are_not_asked_for_cstd_tq(bot: BotHarness):
    year = today(bot).year
    await _record(bot, [(year - 3, "Trịnh Minh Khánh", STAFF, "CSTD_TINH")])
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("Chọn danh hiệu")
    await tick_and_continue(khanh, "Chiến sĩ thi đua cấp tỉnh", "Chiến sĩ thi đua toàn quốc")
    first = await khanh.expect("Câu hỏi 1/")
    # CSTĐ tỉnh three years ago, and this year's (registered too): the two awards.
    assert (f"Hai lần liên tục gần nhất anh/chị được tặng danh hiệu Chiến sĩ thi đua cấp tỉnh "
            f"→ {year - 3}, {year}") in first.plain
    # No CSTĐCS on record: the three years are asked, first (CSTĐ tỉnh's prerequisite).
    assert "Ba năm liên tục gần nhất" in first.plain.split("Câu hỏi")[-1]
    person = await bot.services.people.by_phone(STAFF)
    draft = await DraftRepository(bot.db).draft(year, Subject.of_person(person))
    assert draft.answers == {"cstd_tinh_years": [year - 3, year]}
