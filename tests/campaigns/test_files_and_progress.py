"""Campaign files rejected with clear messages, the CLI, and the measured targets per unit."""

from __future__ import annotations

import asyncio
from datetime import date

from app.campaigns import service
from bot.cli import main
from domain.campaigns import Measure
from storage.audit import AuditContext
from storage.campaign_progress import campaign_progress, pending_acknowledgements
from storage.campaigns import CampaignRepository
from storage.outbox import OutboxRepository
from tests.campaigns.helpers import (
    HANG,
    LAM,
    MAI,
    SEED_FILE,
    SEED_NAME,
    TUAN,
    around_today,
    campaign_yaml,
    freeze,
    on,
    register_person,
)
from tests.harness import BLOC, SAMPLE_ROSTER, BotHarness

BROKEN = """\
code: VP 2024
name: Phong trào thi đua thử nghiệm
issuer: Văn phòng UBND tỉnh Lào Cai
scope: Văn phòng UBND huyện
period:
  start: 2024-01-01
  end: 2024-02-30
ack_deadline: 15/01/2024
sections:
  - title: Mục đích
    text: Thi đua.
  - title: Chỉ tiêu
    targets:
      - text: 100% công chức đăng ký thi đua.
        measure: registration
"""


async def test_a_malformed_campaign_file_is_rejected_and_nothing_is_launched(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    chat = bot.secretariat_chat()
    clerk = bot.user(8001, "Hằng")
    await chat.send_document(clerk, "phong-trao.yaml", BROKEN.encode())
    problems = await chat.expect("Tệp phong trào có 4 lỗi; chưa nạp gì")
    assert "Dòng 1, trường “code”: mã “VP 2024” không hợp lệ" in problems.plain
    assert ("Dòng 4, trường “scope”: không có cơ quan, đơn vị nào tên “Văn phòng UBND huyện” "
            "trong danh sách cán bộ") in problems.plain
    assert "Dòng 7, trường “period.end”: “2024-02-30” không phải là ngày" in problems.plain
    assert ("Dòng 15, trường “sections[2].targets[1].measure”: cách đo “registration” không hợp "
            "lệ") in problems.plain
    assert not problems.buttons
    await chat.send(clerk, "/campaigns")
    await chat.expect("Chưa có phong trào thi đua nào")
    assert await CampaignRepository(bot.db).all() == []
    assert await OutboxRepository(bot.db).pending_count() == 0
    await mai.expect_silence(0.2)

    # A code already launched cannot be loaded again, whatever the rest of the file says.
    current = campaign_yaml("vp-launched", **around_today())
    _check, launched_id = await service.load_file(bot.services, current.encode(), "c.yaml",
                                                  AuditContext.cli())
    assert launched_id is not None
    campaign = await CampaignRepository(bot.db).get(launched_id)
    assert campaign is not None and await service.launch(bot.services, campaign,
                                                         AuditContext.cli()) is not None
    await mai.expect("Phong trào thi đua thử nghiệm")
    await chat.send_document(clerk, "c.yaml", current.replace("thử nghiệm", "sửa").encode())
    again = await chat.expect("Tệp phong trào có 1 lỗi")
    assert "Dòng 1, trường “code”: phong trào mang mã “vp-launched” đã được phát động" in (
        again.plain)
    assert [c.name for c in await CampaignRepository(bot.db).all()] == [
        "Phong trào thi đua thử nghiệm"]


async def test_markdown_problems_name_the_line_in_the_whole_file(bot: BotHarness):
    text = SEED_FILE.read_text(encoding="utf-8")
    text = text.replace("ack_deadline: 2024-01-15", "ack_deadline: 2024-05-15").replace(
        "{measure: registration_rate}", "{measure: registration_rate, goal: 150%}")
    check = await service.check_file(bot.services, text.encode(), "q1.md")
    lines = text.splitlines()
    deadline_line = next(i for i, line in enumerate(lines, 1) if line.startswith("ack_deadline"))
    target_line = next(i for i, line in enumerate(lines, 1) if line.startswith("2. 100%"))
    found = {(p.line, p.field, p.code) for p in check.problems}
    assert found == {(deadline_line, "ack_deadline", "deadline_outside_period"),
                     (target_line, "targets[2].goal", "bad_goal")}


async def test_measured_commitment_and_registration_rates_per_unit(bot: BotHarness):
    freeze(bot, on(date(2024, 1, 3)))
    mai = await bot.person_user(MAI)
    tuan = await bot.person_user(TUAN)
    lam = await bot.person_user(LAM)
    await register_person(bot, MAI)
    await register_person(bot, LAM)
    await register_person(bot, TUAN, year=2023)  # another year: not counted
    _check, campaign_id = await service.load_file(bot.services, SEED_FILE.read_bytes(),
                                                  SEED_FILE.name, AuditContext.cli())
    assert campaign_id is not None
    campaign = await CampaignRepository(bot.db).get(campaign_id)
    assert campaign is not None
    await service.launch(bot.services, campaign, AuditContext.cli())
    for person in (mai, tuan, lam):
        await person.expect(SEED_NAME)
    await mai.tap("✅ Tôi cam kết thực hiện")
    await mai.expect("Anh/chị đã cam kết")
    freeze(bot, on(date(2024, 1, 20)))  # after the deadline: counted, and counted late
    await tuan.tap("✅ Tôi cam kết thực hiện")
    await tuan.expect("Anh/chị đã cam kết")

    progress = await campaign_progress(bot.db, campaign_id, tz=bot.services.settings.tz)
    assert progress is not None
    assert (progress.total.people, progress.total.linked, progress.total.acknowledged,
            progress.total.late, progress.total.registered) == (52, 3, 2, 1, 2)
    [agency] = progress.agencies
    assert agency.name == "Văn phòng Ủy ban nhân dân tỉnh" and agency.figures == progress.total
    units = {u.name: u.figures for u in agency.units}
    tchc = units["Phòng Tổ chức - Hành chính"]
    assert (tchc.people, tchc.acknowledged, tchc.registered) == (7, 2, 1)
    assert round(tchc.acknowledgement_rate or 0, 4) == round(2 / 7, 4)
    assert units["Phòng Kinh tế"].acknowledgement_rate == 0
    assert units["Phòng Kinh tế"].registration_rate == 1 / 6
    assert agency.units[0].name == "Văn phòng Ủy ban nhân dân tỉnh"  # the agency's leadership
    assert sum(u.figures.people for u in agency.units) == 52
    [measured] = progress.measured_targets
    assert measured.number == 2 and measured.target.measure == Measure.REGISTRATION_RATE
    assert measured.value == 2 / 52 and measured.met is False

    tree = await bot.services.orgs.tree()
    hang = await bot.services.people.by_phone(HANG)
    assert progress.for_org(hang.org_id, tree) == tchc
    assert progress.within([None], tree) == progress.total
    pending = await pending_acknowledgements(bot.db, campaign_id)
    assert len(pending) == 50 and hang.id in {p.id for p in pending}

    # The secretariat sees the same figures from /campaigns.
    chat = bot.secretariat_chat()
    clerk = bot.user(8001, "Hằng")
    await chat.send(clerk, "/campaigns")
    listing = await chat.expect(SEED_NAME)
    assert "Đã cam kết: 2/52 (4%) · đã đăng ký thi đua: 2 (4%)" in listing.plain
    await chat.tap("📊 Tiến độ 1", by=clerk)
    report = await chat.expect(SEED_NAME)
    assert "1 cam kết sau hạn" in report.plain
    assert "⏳ Chỉ tiêu 2 (tỷ lệ đăng ký thi đua): 4%/100%" in report.plain
    assert "• Phòng Tổ chức - Hành chính: 2/7 đã cam kết (29%)" in report.plain
    assert "• Phòng Kinh tế: 0/6 đã cam kết (0%)" in report.plain
    assert "• Lãnh đạo cơ quan: 0/4 đã cam kết (0%)" in report.plain


def _cli(db, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_cli_loads_lists_and_refuses_to_launch_a_campaign_whose_period_is_over(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    assert _cli(db, "campaign", "load", str(SEED_FILE), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Số người trong phạm vi: 52" in out and "Chạy thử: chưa thay đổi" in out
    assert _cli(db, "campaign", "list") == 0
    assert "Chưa có phong trào thi đua nào" in capsys.readouterr().out

    assert _cli(db, "campaign", "load", str(SEED_FILE)) == 0
    assert "Đã nạp phong trào thi đua “vpubnd-2024-q1”" in capsys.readouterr().out
    assert _cli(db, "campaign", "load", str(SEED_FILE)) == 0  # not launched: replaced
    assert "thay thế phong trào cùng mã đã nạp trước đó" in capsys.readouterr().out
    assert _cli(db, "campaign", "list") == 0
    listing = capsys.readouterr().out
    assert SEED_NAME in listing and "đã nạp, chưa phát động" in listing
    assert "<b>" not in listing

    # Seed 001 ran in Q1 2024: today it can no longer be launched.
    assert _cli(db, "campaign", "launch", "vpubnd-2024-q1") == 1
    assert "đã kết thúc ngày 31/03/2024: không thể phát động nữa" in capsys.readouterr().err
    assert _cli(db, "campaign", "launch", "khong-co") == 1
    assert "Không có phong trào thi đua nào mang mã “khong-co”" in capsys.readouterr().err

    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    assert _cli(db, "campaign", "load", str(bad)) == 1
    err = capsys.readouterr().err
    assert "Dòng 7, trường “period.end”" in err and "chưa nạp gì" in err


async def test_cli_launch_is_sent_by_the_running_bot(bot: BotHarness, capsys):
    mai = await bot.person_user(MAI)
    path = bot.tmp_path / "current.yaml"
    path.write_text(campaign_yaml("vp-now", **around_today()), encoding="utf-8")
    database = str(bot.database)
    assert await asyncio.to_thread(main, ["--database", database, "campaign", "load",
                                          str(path)]) == 0
    assert await asyncio.to_thread(main, ["--database", database, "campaign", "launch",
                                          "vp-now"]) == 0
    assert "1 tin nhắn đã vào hàng đợi" in capsys.readouterr().out
    message = await mai.expect("Phong trào thi đua thử nghiệm")
    assert "Thi đua hoàn thành xuất sắc nhiệm vụ được giao." in message.plain
    await mai.tap("✅ Tôi cam kết thực hiện")
    await mai.expect("Anh/chị đã cam kết thực hiện lúc")

    assert await asyncio.to_thread(main, ["--database", database, "campaign", "progress",
                                          "vp-now"]) == 0
    report = capsys.readouterr().out
    assert "✅ Chỉ tiêu 1 (tỷ lệ cam kết)" not in report  # 1 of 52 is far from 100%
    assert "⏳ Chỉ tiêu 1 (tỷ lệ cam kết): 2%/100%" in report
    assert "Phòng Tổ chức - Hành chính: 1/7 đã cam kết (14%)" in report

    assert await asyncio.to_thread(main, ["--database", database, "campaign", "end",
                                          "vp-now"]) == 0
    assert await asyncio.to_thread(main, ["--database", database, "campaign", "end",
                                          "vp-now"]) == 1
    campaign = await CampaignRepository(bot.db).by_code("vp-now")
    assert campaign is not None and campaign.status == "ended"
