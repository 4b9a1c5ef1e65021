"""What is left for me: /start and the greeting after linking say what is open now, with
choices to act; a paused empty draft is no registration; two windows open, /dangky asks
which. On Telegram and on Zalo."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from storage.audit import AuditContext
from tests.harness import BotHarness
from tests.progress.helpers import acknowledge, launch_campaign, link, open_window, register

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STAFF = "0935722539"  # Trịnh Minh Khánh, Phòng Công tác Quốc hội
ANH = "0973531343"  # Phạm Ngọc Anh, Phòng Công tác Quốc hội
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, head of Phòng Công tác Quốc hội
QH = "Phòng Công tác Quốc hội"
CAMPAIGN = "Phong trào thi đua Quý I năm 2026"


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[BotHarness]:
    bot = BotHarness(tmp_path, zalo=True)
    await bot.start()
    try:
        await bot.import_roster()
        yield bot
    finally:
        await bot.close()


def _freeze(bot: BotHarness, day: date) -> None:
    bot.services.clock = lambda: datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)


def _data(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.callback_data for row in message.buttons for b in row]


async def test_start_says_what_is_open_for_a_head_and_offers_to_act(both: BotHarness):
    _freeze(both, date(2026, 3, 10))
    await open_window(both.db, 2026, date(2026, 1, 5), date(2026, 3, 31))
    campaign = await launch_campaign(both, "vpdbqh-2026-q1", CAMPAIGN, date(2026, 3, 20),
                                     start=date(2026, 1, 1), end=date(2026, 6, 30))
    thao = await link(both, UNIT_HEAD)

    await thao.send("/start")
    hello = await thao.expect("Chào mừng Hồ Kim Thảo quay lại")
    assert "Việc đang mở cho anh/chị\n" \
        "📝 Đăng ký thi đua năm 2026 – hạn 31/03/2026 (còn 21 ngày): chưa đăng ký\n" \
        f"📝 Đăng ký thi đua năm 2026 của tập thể {QH} – hạn 31/03/2026 (còn 21 ngày): " \
        "chưa đăng ký\n" \
        f"✍️ Cam kết thực hiện: {CAMPAIGN} – hạn 20/03/2026 (còn 10 ngày): chưa cam kết" \
        in hello.plain
    assert _data(hello)[:3] == ["open:register", "open:collective", "open:goals"]
    await thao.tap("📝 Đăng ký thi đua", message=hello)
    await thao.expect("Đăng ký thi đua năm 2026")

    # Done: said with its reference number, and no longer offered.
    await register(both, UNIT_HEAD, year=2026)
    await acknowledge(both, campaign, UNIT_HEAD)
    await thao.send("/start")
    hello = await thao.expect("Chào mừng Hồ Kim Thảo quay lại")
    assert "✅ Đăng ký thi đua năm 2026: đã đăng ký (số tham chiếu 2026-" in hello.plain
    assert "Cam kết thực hiện" not in hello.plain
    assert _data(hello)[:1] == ["open:collective"] and "open:register" not in _data(hello)

    # On Zalo, the same, as numbered choices.
    zalo_thao = await both.zalo_person(UNIT_HEAD)
    await zalo_thao.send("/start")
    hello = await zalo_thao.expect("Chào mừng Hồ Kim Thảo quay lại")
    assert f"📝 Đăng ký thi đua năm 2026 của tập thể {QH}" in hello.plain
    assert [o.label for o in zalo_thao.options(hello)][:1] == ["👥 Đăng ký thi đua cho tập thể"]


async def test_the_greeting_after_linking_says_what_is_open(both: BotHarness):
    _freeze(both, date(2026, 3, 10))
    await open_window(both.db, 2026, date(2026, 1, 5), date(2026, 3, 31))

    # Zalo: one message, its choices numbered.
    person = await both.services.people.by_phone(STAFF)
    assert person is not None
    code = await both.services.invites.create(person, timedelta(days=14), AuditContext.cli())
    khanh = both.zalo.user(600_000_001, person.full_name)
    await khanh.send(code)
    hello = await khanh.expect("Đã liên kết tài khoản")
    assert "📝 Đăng ký thi đua năm 2026 – hạn 31/03/2026 (còn 21 ngày): chưa đăng ký" \
        in hello.plain
    await khanh.tap("📝 Đăng ký thi đua", message=hello)
    await khanh.expect("Đăng ký thi đua năm 2026")

    # Telegram: the greeting takes the contact keyboard away, what is open follows with its
    # choices.
    anh = both.user(7101, "Anh", last_name="Phạm Ngọc", phone=ANH)
    await anh.send("/start")
    await anh.expect("chia sẻ số điện thoại")
    await anh.share_contact()
    hello = await anh.expect("Đã liên kết tài khoản")
    assert hello.remove_keyboard
    waiting = await anh.expect("Việc đang mở cho anh/chị")
    assert "chưa đăng ký" in waiting.plain and _data(waiting) == ["open:register"]
    await anh.tap("📝 Đăng ký thi đua", message=waiting)
    await anh.expect("Đăng ký thi đua năm 2026")


async def test_nothing_open_is_said_plainly(both: BotHarness):
    _freeze(both, date(2026, 3, 10))
    khanh = await link(both, STAFF)
    await khanh.send("/start")
    hello = await khanh.expect("Chào mừng Trịnh Minh Khánh quay lại")
    assert "Hiện không có đợt đăng ký thi đua hay phong trào nào đang chờ anh/chị." \
        in hello.plain
    assert not any(d.startswith("open:") for d in _data(hello))


async def test_a_paused_empty_draft_is_no_registration_in_cuatoi(both: BotHarness):
    _freeze(both, date(2026, 3, 10))
    await open_window(both.db, 2026, date(2026, 1, 5), date(2026, 3, 31))
    khanh = await link(both, STAFF)
    await khanh.send("/dangky")
    titles = await khanh.expect("Đăng ký thi đua năm 2026")
    await khanh.tap("⏸ Để sau", message=titles)
    await khanh.expect("Đã tạm dừng")
    await khanh.send("/cuatoi")
    status = await khanh.expect("Đăng ký thi đua năm 2026 của anh/chị")
    assert "Anh/chị chưa đăng ký. Gửi /dangky để đăng ký." in status.plain
    assert "Chưa xác nhận" not in status.plain and "—" not in status.plain
    await khanh.tap("📝 Đăng ký thi đua", message=status)
    await khanh.expect("Đăng ký thi đua năm 2026")

    zalo_khanh = await both.zalo_person(STAFF)
    await zalo_khanh.send("/cuatoi")
    status = await zalo_khanh.expect("Đăng ký thi đua năm 2026 của anh/chị")
    assert "Chưa xác nhận" not in status.plain
    assert any("Đăng ký thi đua" in o.label for o in zalo_khanh.options(status))


async def test_with_two_windows_open_dangky_asks_which_year(both: BotHarness):
    _freeze(both, date(2026, 12, 2))
    this_year = await open_window(both.db, 2026, date(2026, 1, 5), date(2026, 12, 31))
    await open_window(both.db, 2027, date(2026, 12, 1), date(2027, 3, 31))
    khanh = await link(both, STAFF)

    await khanh.send("/start")
    hello = await khanh.expect("Chào mừng Trịnh Minh Khánh quay lại")
    assert "📝 Đăng ký thi đua năm 2026 – hạn 31/12/2026" in hello.plain
    assert "📝 Đăng ký thi đua năm 2027 – hạn 31/03/2027" in hello.plain

    await khanh.send("/dangky")
    ask = await khanh.expect("Anh/chị đăng ký cho năm nào?")
    assert [b.text for row in ask.buttons for b in row] == [
        "📝 Năm 2026 – hạn 31/12/2026", "📝 Năm 2027 – hạn 31/03/2027"]
    # A forged or stale choice changes nothing: another window, other dates, another subject.
    for data in (f"rg:y:p:{this_year}:20261130", "rg:y:p:99999:20261231",
                 f"rg:y:1:{this_year}:20261231", "rg:y:p:x:20261231"):
        answer = await khanh.tap_data(ask, data)
        assert answer.show_alert and "hết hiệu lực" in (answer.text or ""), data
    await khanh.tap("📝 Năm 2027 – hạn 31/03/2027", message=ask)
    titles = await khanh.expect("Đăng ký thi đua năm 2027")
    assert titles.message_id == ask.message_id  # the question is edited into the form
    row = await both.db.fetchone("SELECT year FROM registration_drafts")
    assert row["year"] == 2027

    # On Zalo, typed as a number; the year with a draft says so.
    zalo_khanh = await both.zalo_person(STAFF)
    await zalo_khanh.send("dang ky")
    ask = await zalo_khanh.expect("Anh/chị đăng ký cho năm nào?")
    labels = [o.label for o in zalo_khanh.options(ask)]
    assert labels == ["📝 Năm 2026 – hạn 31/12/2026", "📝 Năm 2027 – hạn 31/03/2027"]
    await zalo_khanh.tap("Năm 2026", message=ask)
    await zalo_khanh.expect("Đăng ký thi đua năm 2026")
