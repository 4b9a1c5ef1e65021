"""The summary posts itself: a daily digest of what changed while registration is open, the
final summary once the deadline has passed, and never a message per registration."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.imports.registrations import apply_import
from domain.registration_import import parse_registration_file
from storage.audit import AuditContext
from storage.summary import SummaryStore
from storage.windows import WindowRepository
from tests.harness import BotHarness
from tests.summary.helpers import counts_in, import_sample_registrations, receive_summary

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAILY, FINAL = "summary-daily-digest", "summary-final"
MORE = (
    "year,agency,unit,full_name,phone,title\n"
    "2024,Sở Ngoại vụ,Văn phòng Sở,Nguyễn Thu Dung,0895583100,CSTD_TINH\n"
    "2024,Sở Ngoại vụ,Văn phòng Sở,Hầu Thu Hà,0899039440,LDTT\n"
    "2024,Sở Ngoại vụ,,,,CO_TINH\n"  # the file gives a subject's whole registration
    "2024,Sở Ngoại vụ,,,,TTLDXS\n"
)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=TZ)


async def _import(bot: BotHarness, csv: str) -> None:
    file = parse_registration_file(csv.encode("utf-8"), "them.csv")
    assert file.ok, file.problems
    plan = await apply_import(bot.db, file, AuditContext.cli())
    assert plan.ok, plan.problems


async def own_runs(scheduler, now):
    """The summary jobs that ran at `now` (other features' jobs share the ticks)."""
    return [run for run in await scheduler.tick(now) if run[0] in (DAILY, FINAL)]


async def test_daily_digests_while_open_then_the_final_summary(bot: BotHarness):
    repo = WindowRepository(bot.db)
    window = await repo.open_window(2024, None, date(2024, 1, 15), date(2024, 3, 15),
                                    AuditContext.cli())
    chat = bot.secretariat_chat()
    scheduler = bot.services.scheduler
    assert scheduler is not None

    # Fifty-one registrations arrive at once: no message for any of them.
    await import_sample_registrations(bot.db)
    await chat.expect_silence(0.3)

    assert await own_runs(scheduler, at(1, 16, 59)) == []  # before THIDUA_DAILY_DIGEST_TIME
    # The weekly progress overview of this week (issue 6) catches up on the first tick.
    await chat.expect("Tiến độ thi đua – tuần 9/2024")
    assert await own_runs(scheduler, at(1, 17, 0)) == [(DAILY, "2024-03-01")]
    first = await chat.expect("Đăng ký thi đua năm 2024: bản tin ngày 01/03/2024")
    assert "Hạn đăng ký 15/03/2024 (còn 14 ngày)" in first.plain
    assert "Tình hình đăng ký đến nay" in first.plain
    assert "Văn phòng Đoàn ĐBQH và HĐND tỉnh: số người đã đăng ký 0 → 4 trên 22" in first.plain
    assert "Tập thể lao động xuất sắc 0 → 2" in first.plain
    assert "đăng ký mới Cờ thi đua của Chính phủ" in first.plain
    assert "Toàn bộ: 16/300 người đã đăng ký (5%)." in first.plain
    # Seven agencies registering the provincial flag is no warning (the year-end proposal's);
    # the bloc's 40% share is.
    assert "tối đa" not in first.plain and "mục tiêu từ 40%" in first.plain
    await chat.expect_silence(0.3)
    assert await own_runs(scheduler, at(1, 17, 30)) == []  # once a day

    # The next day: only what changed since, and no repeated warnings.
    await _import(bot, MORE)
    await chat.expect_silence(0.3)
    assert await own_runs(scheduler, at(2, 17, 5)) == [(DAILY, "2024-03-02")]
    second = await chat.expect("bản tin ngày 02/03/2024")
    assert "Thay đổi so với bản tin trước (17:00 01/03/2024)" in second.plain
    lines = [line for line in second.plain.split("\n") if line.startswith("• ")]
    assert lines == [
        "• Sở Ngoại vụ: số người đã đăng ký 0 → 2 trên 27; Tập thể lao động tiên tiến 3 → 4; "
        "Tập thể lao động xuất sắc 3 → 4; Lao động tiên tiến 0 → 1; "
        "Chiến sĩ thi đua cấp tỉnh 0 → 1"
    ]
    assert "Toàn bộ: 18/300 người đã đăng ký (6%), +2 so với bản tin trước." in second.plain
    assert "Cảnh báo mới" not in second.plain

    # A day without changes records its snapshot and posts nothing.
    assert await own_runs(scheduler, at(3, 17, 0)) == [(DAILY, "2024-03-03")]
    await chat.expect_silence(0.3)
    digests = await SummaryStore(bot.db).digests(window.id)
    assert [(d.kind, d.period, d.messages) for d in digests] == [
        ("daily", "2024-03-01", 1), ("daily", "2024-03-02", 1), ("daily", "2024-03-03", 0)]

    # The deadline passes: the final summary, text and files, the next morning.
    assert await own_runs(scheduler, at(16, 7, 59)) == []
    assert await own_runs(scheduler, at(16, 8, 0)) == [(FINAL, f"2024-03-16:{window.id}")]
    post = await receive_summary(chat, "Đợt đăng ký thi đua năm 2024 đã kết thúc ngày 15/03/2024")
    assert "TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2024" in post.text
    sngv = post.text.split("3. Sở Ngoại vụ\n", 1)[1].split("\n\n", 1)[0]
    assert counts_in(sngv) == (4, 1)
    assert post.docx.document.filename == "tong-hop-dang-ky-thi-dua-2024.docx"
    closed = await repo.window(window.id)
    assert closed is not None and closed.closed_at is not None
    assert await own_runs(scheduler, at(17, 8, 0)) == []
    assert await own_runs(scheduler, at(17, 17, 0)) == []  # no digest once closed
    await chat.expect_silence(0.3)

    # Extending the deadline reopens the window; it is summarised again when it ends.
    await repo.set_deadline(window.id, date(2024, 3, 20), AuditContext.cli())
    assert await own_runs(scheduler, at(21, 9, 0)) == [(FINAL, f"2024-03-21:{window.id}")]
    await receive_summary(chat, "đã kết thúc ngày 20/03/2024")


async def test_no_secretariat_chat_no_posts(tmp_path):
    harness = BotHarness(tmp_path, secretariat_chat_id=None)
    await harness.start()
    try:
        await harness.import_roster()
        await WindowRepository(harness.db).open_window(
            2024, None, date(2024, 1, 15), date(2024, 3, 15), AuditContext.cli())
        scheduler = harness.services.scheduler
        assert scheduler is not None
        assert await own_runs(scheduler, at(1, 17, 0)) == []
        assert await own_runs(scheduler, at(16, 9, 0)) == []
    finally:
        await harness.close()
