"""/tonghop in an office's first week: the year it shows by default, a year with nothing, and
the names it prints accepted back; on Telegram and on Zalo."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.summary_request import SummaryRequest, default_year, parse_summary_args
from domain.windows import RegistrationWindow
from storage.audit import AuditContext
from storage.registrations import RegistrationRepository
from tests.harness import BotHarness
from tests.summary.helpers import AGENCY_HEAD, import_sample_registrations, receive_summary

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[BotHarness]:
    """Telegram and Zalo, the sample roster and seed 000's registrations of 2024."""
    bot = BotHarness(tmp_path, zalo=True)
    await bot.start()
    try:
        await bot.import_roster()
        await import_sample_registrations(bot.db)
        yield bot
    finally:
        await bot.close()


def _freeze(bot: BotHarness, day: date) -> None:
    bot.services.clock = lambda: datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)


async def _open(bot: BotHarness, year: int, opens: date, deadline: date) -> None:
    await RegistrationRepository(bot.db).open_window(year, None, opens, deadline,
                                                     AuditContext.cli())


async def test_the_summary_shows_the_window_open_now_not_next_years(both: BotHarness):
    _freeze(both, date(2026, 3, 10))
    await _open(both, 2026, date(2026, 1, 5), date(2026, 3, 31))
    # The office creates next year's window in advance: it must not become the default.
    await _open(both, 2027, date(2027, 1, 4), date(2027, 3, 31))

    group = both.secretariat_chat()
    clerk = both.user(8001, "Hằng")
    await group.send(clerk, "/tonghop")
    post = await receive_summary(group)
    assert "TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2026" in post.texts[0].plain
    assert post.xlsx.document.filename == "tong-hop-dang-ky-thi-dua-2026.xlsx"
    assert post.docx.document.filename == "tong-hop-dang-ky-thi-dua-2026.docx"

    head = await both.zalo_person(AGENCY_HEAD)
    await head.send("/tonghop")
    table = await head.expect("TỔNG HỢP ĐĂNG KÝ THI ĐUA")
    assert "NĂM 2026" in table.plain and "2027" not in table.plain

    # After the deadline, before next year's window opens: the window that closed last.
    _freeze(both, date(2026, 6, 1))
    await group.send(clerk, "/tonghop")
    post = await receive_summary(group)
    assert "TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2026" in post.texts[0].plain
    # Asked for, next year's is shown.
    await group.send(clerk, "/tonghop 2027")
    post = await receive_summary(group)
    assert "TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2027" in post.texts[0].plain


async def test_a_year_with_nothing_is_answered_as_a_year(both: BotHarness):
    group = both.secretariat_chat()
    clerk = both.user(8001, "Hằng")
    await group.send(clerk, "/tonghop 1999")
    answer = await group.expect("năm 1999")
    assert "Không có số liệu" in answer.plain and "Các năm có số liệu: 2024." in answer.plain
    assert "cơ quan, đơn vị nào khớp" not in answer.plain
    await group.expect_silence(0.5)  # no chart, no file

    head = await both.zalo_person(AGENCY_HEAD)
    await head.send("/tonghop năm 1999")
    answer = await head.expect("năm 1999")
    assert "Không có số liệu" in answer.plain
    await head.expect_silence(0.5)


async def test_a_label_the_bot_printed_is_accepted_back(both: BotHarness):
    group = both.secretariat_chat()
    clerk = both.user(8001, "Hằng")
    await group.send(clerk, "/tonghop Văn phòng Sở")
    listing = await group.expect("Có nhiều cơ quan, đơn vị khớp")
    labels = [line[2:] for line in listing.plain.splitlines() if line.startswith("• ")]
    assert "Văn phòng Sở – Sở Nội vụ" in labels and len(labels) == 3

    await group.send(clerk, "/tonghop Văn phòng Sở – Sở Nội vụ")
    post = await receive_summary(group)
    # Its heading and files say which "Văn phòng Sở" it is.
    assert "NĂM 2024\nVăn phòng Sở – Sở Nội vụ\n" in post.texts[0].plain
    assert post.xlsx.document.filename == \
        "tong-hop-dang-ky-thi-dua-2024-van-phong-so-so-noi-vu.xlsx"
    # Typed with a hyphen and without diacritics, as people do.
    await group.send(clerk, "/tonghop van phong so - so noi vu 2024")
    post = await receive_summary(group)
    assert "Văn phòng Sở – Sở Nội vụ" in post.texts[0].plain

    secretariat = await both.zalo_person("0899967996")
    await secretariat.send("/tonghop Văn phòng Sở – Sở Ngoại vụ")
    table = await secretariat.expect("TỔNG HỢP ĐĂNG KÝ THI ĐUA")
    assert "Văn phòng Sở – Sở Ngoại vụ" in table.plain


def _window(n: int, year: int, opens: date, deadline: date) -> RegistrationWindow:
    return RegistrationWindow(id=n, year=year, scope_org_id=None, opens_on=opens,
                              deadline=deadline, ruleset_id="x")


def test_the_default_year_is_the_window_open_now_else_the_last_one_closed():
    this = _window(1, 2026, date(2026, 1, 5), date(2026, 3, 31))
    following = _window(2, 2027, date(2026, 12, 1), date(2027, 3, 31))
    windows = [following, this]
    assert default_year(windows, [2024], date(2026, 3, 10)) == 2026
    assert default_year(windows, [2024], date(2026, 6, 1)) == 2026  # closed last
    assert default_year(windows, [2024], date(2026, 12, 2)) == 2027  # open now
    assert default_year([following], [2024], date(2026, 6, 1)) == 2024  # only in advance
    assert default_year([following], [], date(2026, 6, 1)) == 2027
    assert default_year([], [], date(2026, 6, 1)) == 2026


def test_a_year_is_any_four_digit_number():
    assert parse_summary_args(["1999"]) == SummaryRequest(year=1999)
    assert parse_summary_args(["Sở", "Nội", "vụ", "năm", "1999"]) == \
        SummaryRequest(agency="Sở Nội vụ", year=1999)
