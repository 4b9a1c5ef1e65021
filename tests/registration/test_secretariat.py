"""The secretariat opens, extends and lists windows from its chat, and sends registration files."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta

from bot.cli import main
from domain.subjects import Subject
from storage import audit
from storage.audit import AuditContext
from storage.registrations import RegistrationRepository
from storage.windows import WindowRepository
from tests.harness import BLOC, SAMPLE_REGISTRATIONS, BotHarness
from tests.registration.helpers import SECRETARIAT, STAFF, today


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


async def test_secretariat_opens_lists_and_extends_a_window_from_its_chat(bot: BotHarness):
    year = today(bot).year
    deadline = today(bot) + timedelta(days=20)
    chat = bot.secretariat_chat()
    clerk = bot.user(8101, "Hằng")

    await chat.send(clerk, "/dotdangky")
    empty = await chat.expect("Chưa mở đợt đăng ký thi đua nào")
    assert "/dotdangky mo" in empty.plain

    await chat.send(clerk, f"/dotdangky mo {year} {_d(deadline)}")
    opened = await chat.expect("Đã mở đăng ký thi đua")
    assert f"Năm {year} · tất cả các khối, cơ quan: từ {_d(today(bot))} đến hết ngày " \
        f"{_d(deadline)}" in opened.plain
    assert "Nghị định 152/2025/NĐ-CP" in opened.plain
    await chat.send(clerk, f"/window open {year} {_d(deadline)}")
    await chat.expect("đã được mở")
    await chat.send(clerk, f"/dotdangky mo {year} 31/02/{year}")  # issue 16: say why
    await chat.expect(f"“31/02/{year}” không phải ngày hợp lệ")
    await chat.send(clerk, f"/dotdangky mo {year} ngaymai")
    await chat.expect("Không hiểu lệnh này")

    await chat.send(clerk, "/dotdangky")
    listing = await chat.expect("Các đợt đăng ký thi đua")
    assert "đang mở, còn 20 ngày" in listing.plain
    await chat.send(clerk, "/dotdangky")
    second = await chat.expect("Các đợt đăng ký thi đua")
    await chat.tap(f"⏩ Năm {year}: gia hạn thêm 7 ngày", by=clerk, message=second)
    later = deadline + timedelta(days=7)
    asked = await chat.expect(f"đến hết ngày {_d(later)}?")  # the listing becomes a question
    answer = await chat.tap(f"✅ Gia hạn đến {_d(later)}", by=clerk, message=asked)
    assert answer.text == f"Đã gia hạn đến hết ngày {_d(later)}."
    refreshed = await chat.expect("Các đợt đăng ký thi đua")
    assert "còn 27 ngày" in refreshed.plain
    # The first listing's button still carries the old deadline: it changes nothing.
    stale = await chat.tap(f"⏩ Năm {year}: gia hạn thêm 7 ngày", by=clerk, message=listing)
    assert "hết hiệu lực" in stale.text

    await chat.send(clerk, f"/dotdangky giahan {year} {_d(deadline)}")
    changed = await chat.expect("Đã đổi hạn đăng ký")
    assert f"đến hết ngày {_d(deadline)}" in changed.plain
    window = (await WindowRepository(bot.db).windows(year))[0]
    assert window.deadline == deadline
    logged = await audit.entries(bot.db, entity="registration_window", entity_id=window.id)
    assert [e.action for e in logged] == ["open", "set_deadline", "set_deadline"]
    assert {e.chat_id for e in logged} == {chat.chat_id}


async def test_the_examples_work_on_the_day_they_are_shown_december_too(bot: BotHarness):
    """Issue 16: the built-in examples had fixed dates (15/03/2026) that fail in December."""
    year = today(bot).year
    december = datetime(year, 12, 20, 9, 0, tzinfo=bot.services.settings.tz)
    bot.services.clock = lambda: december
    chat = bot.secretariat_chat()
    clerk = bot.user(8105, "Hằng")
    await chat.send(clerk, "/dotdangky")
    shown = await chat.expect("Chưa mở đợt đăng ký thi đua nào")
    example = re.search(r"/dotdangky mo \S+ \S+", shown.plain)
    assert example is not None
    await chat.send(clerk, example.group(0))  # copied as it is
    await chat.expect("Đã mở đăng ký thi đua")
    listing_example = re.search(r"/dotdangky giahan \S+ \S+", shown.plain)
    assert listing_example is not None
    await chat.send(clerk, listing_example.group(0))
    await chat.expect("Đã đổi hạn đăng ký")


async def test_a_window_opening_later_is_announced_as_such(bot: BotHarness, capsys):
    """Issue 16: never "Đã mở … (chưa mở)"."""
    opens = today(bot) + timedelta(days=40)
    deadline = opens + timedelta(days=30)
    chat = bot.secretariat_chat()
    clerk = bot.user(8106, "Hằng")
    await chat.send(clerk, f"/dotdangky mo {deadline.year} {_d(deadline)} {_d(opens)}")
    said = await chat.expect(f"sẽ mở ngày {_d(opens)}")
    assert f"Đăng ký thi đua năm {deadline.year} (tất cả các khối, cơ quan) sẽ mở ngày " \
        f"{_d(opens)}, hạn cuối hết ngày {_d(deadline)}." in said.plain
    assert "Đã mở" not in said.plain and "chưa mở" not in said.plain

    assert await asyncio.to_thread(main, [
        "--database", str(bot.database), "registration", "open", "--year",
        str(deadline.year + 1), "--opens", (opens + timedelta(days=365)).isoformat(),
        "--deadline", (deadline + timedelta(days=365)).isoformat()]) == 0
    out = capsys.readouterr().out
    assert "sẽ mở ngày" in out and "Đã mở" not in out


async def test_only_the_secretariat_manages_windows(bot: BotHarness):
    khanh = await bot.person_user(STAFF)
    await khanh.send("/dotdangky")
    await khanh.expect("Thường trực Hội đồng Thi đua")

    hang = await bot.person_user(SECRETARIAT)  # the secretariat member, in private
    await hang.send(f"/dotdangky mo {today(bot).year} {_d(today(bot))}")
    await hang.expect("Đã mở đăng ký thi đua")

    other_group = bot.emu.group(-100555, "Nhóm khác")
    await other_group.send(khanh, "/dotdangky")
    await other_group.expect("Thường trực Hội đồng Thi đua")


async def test_secretariat_sends_the_registrations_file_and_applies_it(bot: BotHarness):
    chat = bot.secretariat_chat()
    clerk = bot.user(8102, "Hằng")
    await chat.send_document(clerk, "dang-ky-2024.csv", SAMPLE_REGISTRATIONS.read_bytes())
    preview = await chat.expect("Đăng ký thi đua: dang-ky-2024.csv")
    assert "58 dòng hợp lệ" in preview.plain
    assert "Đăng ký mới: 51 (16 cá nhân, 35 tập thể)" in preview.plain
    assert "• Chiến sĩ thi đua cấp tỉnh: 16" in preview.plain
    assert await RegistrationRepository(bot.db).registrations(2024) == []

    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã nhập các đăng ký thi đua")
    registrations = await RegistrationRepository(bot.db).registrations(2024)
    assert len(registrations) == 51 and {r.source for r in registrations} == {"import"}
    assert len({r.reference for r in registrations}) == 51

    await chat.send_document(clerk, "dang-ky-2024.csv", SAMPLE_REGISTRATIONS.read_bytes())
    again = await chat.expect("Không đổi: 51")
    assert "Đăng ký mới: 0" in again.plain
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Không có thay đổi")
    assert len(await RegistrationRepository(bot.db).registrations(2024)) == 51

    bad = "year,agency,unit,full_name,phone,title\n2024,Sở Không Có,,,,CO_TINH\n"
    await chat.send_document(clerk, "x.csv", bad.encode())
    problems = await chat.expect("Dòng 2: không có cơ quan “Sở Không Có”")
    assert "chưa thay đổi" in problems.plain and not problems.buttons

    # The person sees what the secretariat entered for them.
    person = await bot.services.people.by_phone("0935722539")
    entered = await RegistrationRepository(bot.db).current(2024, Subject.of_person(person))
    assert entered.titles == {"CSTD_TINH"}


async def test_imported_registration_shows_in_status(bot: BotHarness):
    year = today(bot).year
    await WindowRepository(bot.db).open_window(
        year, None, today(bot), today(bot) + timedelta(days=5), AuditContext.cli())
    chat = bot.secretariat_chat()
    clerk = bot.user(8103, "Hằng")
    content = (SAMPLE_REGISTRATIONS.read_text(encoding="utf-8")
               .replace("2024,", f"{year},")).encode()
    await chat.send_document(clerk, "dk.csv", content)
    await chat.expect("Đăng ký mới: 51")
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã nhập")

    khanh = await bot.person_user(STAFF)
    await khanh.send("/cuatoi")
    status = await khanh.expect("của anh/chị")
    assert "Chiến sĩ thi đua cấp tỉnh" in status.plain
    assert "do bộ phận thi đua – khen thưởng nhập" in status.plain
    assert BLOC not in status.plain
    # Editing what the office entered asks the questions it did not answer, then saves.
    await khanh.tap("✏️ Sửa")  # /cuatoi becomes the first question (the prerequisite)
    await khanh.expect("Câu hỏi 1/4")
    await khanh.send(f"{year - 3}-{year - 1}")
    await khanh.expect("Câu hỏi 2/4")
    await khanh.tap("Sáng kiến đã áp dụng hiệu quả, có khả năng nhân rộng")
    await khanh.expect("Câu hỏi 3/4")
    await khanh.send("Sổ tay điện tử phục vụ đại biểu")
    await khanh.expect("Câu hỏi 4/4")
    await khanh.tap("Có")
    await khanh.expect("Xem lại")
    await khanh.tap("✅ Xác nhận")
    await khanh.expect("Xem lại")
    saved = await khanh.expect(f"Đã lưu thay đổi đăng ký thi đua năm {year}")
    person = await bot.services.people.by_phone(STAFF)
    registration = await RegistrationRepository(bot.db).current(
        year, Subject.of_person(person))
    assert registration.source == "telegram" and registration.revision == 2
    assert registration.reference in saved.plain


async def test_status_without_an_open_window_still_shows_what_the_office_entered(bot: BotHarness):
    khanh = await bot.person_user(STAFF)
    await khanh.send("/cuatoi")
    nothing = await khanh.expect("Chưa mở đăng ký")
    assert "Chiến sĩ thi đua" not in nothing.plain

    # The office enters last year's paper registrations; no window is open now.
    chat = bot.secretariat_chat()
    clerk = bot.user(8104, "Hằng")
    await chat.send_document(clerk, "dk.csv", SAMPLE_REGISTRATIONS.read_bytes())
    await chat.expect("Đăng ký mới: 51")
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã nhập")

    await khanh.send("/cuatoi")
    status = await khanh.expect("Chưa mở đăng ký")
    assert "Đăng ký thi đua năm 2024 của anh/chị" in status.plain
    assert "Chiến sĩ thi đua cấp tỉnh" in status.plain
    assert "do bộ phận thi đua – khen thưởng nhập" in status.plain
    assert not status.buttons
