"""Sessions that do not end with the last ballot: a paper ballot whose totals the secretary
enters, a session the deadline closes (nobody votes afterwards; too few took part, so nothing
passes), what may not be opened, and who may not vote."""

from __future__ import annotations

from datetime import timedelta

from app.council import service
from storage.audit import AuditContext
from storage.council import CouncilRepository
from tests.council.helpers import (
    AGENCY,
    COUNCIL,
    SECRETARIAT,
    add_members,
    set_up_council,
    set_up_proposals,
)
from tests.council.test_story import docx_text
from tests.harness import BotHarness


async def test_a_paper_ballot_records_the_counted_totals_only(cbot: BotHarness):
    bot = cbot
    year = bot.services.now().year
    await set_up_council(bot, year)
    member = await bot.person_user(COUNCIL[2])
    hang = await bot.person_user(SECRETARIAT)
    group = bot.secretariat_chat()
    deadline = (bot.services.now() + timedelta(days=1)).strftime("%d/%m/%Y")

    await hang.send(f"/hoidong mo {year} {deadline} giay")  # the one council of the scope
    preview = await hang.expect(f"Mở phiên bỏ phiếu của Hội đồng Thi đua – Khen thưởng "
                                f"{AGENCY} năm {year}?")
    assert "Bỏ phiếu giấy: Thư ký nhập kết quả kiểm phiếu" in preview.plain
    await hang.tap("✅ Mở phiên", message=preview)
    await hang.expect("Đã mở phiên")
    screen = await hang.expect("Bỏ phiếu giấy: đã nhập kết quả kiểm phiếu: chưa.")

    # No ballot in the chat for a paper session.
    await member.send("/bophieu")
    await member.expect("Phiên họp này bỏ phiếu bằng phiếu giấy")
    await member.expect_silence()

    await hang.tap("🧮 Nhập kết quả kiểm phiếu", message=screen)
    await hang.expect("Số thành viên có mặt và bỏ phiếu giấy (từ 0 đến 9)?")
    await hang.send("10")
    await hang.expect("Vui lòng nhập một số nguyên từ 0 đến 9.")
    await hang.send("8")
    await hang.expect("12 số, mỗi số từ 0 đến 8")
    await hang.send("8 8 8 8 8 8 9 8 5 4 8 3")
    await hang.expect("Mỗi số từ 0 đến 8.")
    await hang.send("8 8 8 8 8 8 8 7 5 4 8 3")
    preview = await hang.expect("Kết quả kiểm phiếu giấy, 8 thành viên có mặt:")
    assert "4 đồng ý, 4 không đồng ý" in preview.plain
    await hang.tap("✅ Lưu", message=preview)
    await hang.expect("Đã lưu kết quả kiểm phiếu giấy.")
    screen = await hang.expect("đã nhập kết quả kiểm phiếu: có.")
    await hang.tap("🔒 Kết thúc phiên", message=screen)
    ask = await hang.expect("Kết thúc phiên ngay?")
    await hang.tap("🔒 Đồng ý kết thúc", message=ask)
    await hang.expect("Phiên bỏ phiếu đã kết thúc.")
    result = await hang.expect("Bỏ phiếu kín bằng phiếu giấy, Thư ký nhập kết quả kiểm phiếu")
    text = result.plain
    assert "Thành viên tham gia bỏ phiếu: 8/9" in text
    # CSTĐ tỉnh needs 9 of 9; a majority is 5 of 9: 4 and 3 do not make it.
    marks = [line[0] for line in text.split("\n") if line.startswith(("✅", "❌"))]
    assert marks == ["✅"] * 6 + ["❌", "❌", "✅", "❌", "✅", "❌"]
    assert "Được thông qua: 8/12 đề nghị." in text

    repo = CouncilRepository(bot.db)
    session = (await repo.sessions())[-1]
    assert session.paper and session.present == 8 and session.counted
    assert {v.state for v in await repo.voters(session.id)} == {"pending"}  # nobody in chat
    await bot.services.scheduler.tick()
    await group.expect("Kết quả bỏ phiếu", timeout=10)
    minutes = await group.expect(timeout=15)
    words = docx_text(minutes.document.data)
    assert "họp trực tiếp, bỏ phiếu kín bằng phiếu giấy" in words
    assert "Số thành viên có mặt và bỏ phiếu: 8." in words


async def test_the_deadline_closes_the_ballot_and_nobody_votes_after_it(cbot: BotHarness):
    bot = cbot
    year = bot.services.now().year
    council = await set_up_council(bot, year)
    early = await bot.zalo_person(COUNCIL[5])
    late = await bot.person_user(COUNCIL[1])
    tree = await bot.services.orgs.tree()
    deadline = bot.services.now() + timedelta(hours=2)
    plan = await service.plan(bot.services, tree, council.agency_id, year, "chat", deadline)
    session = await service.open_session(bot.services, tree, plan, AuditContext.cli())

    invitation = await early.expect("Phiếu bầu của Hội đồng", timeout=10)
    await early.tap("🗳 Bỏ phiếu", message=invitation)
    await early.tap("✅ Đồng ý tất cả đề nghị chưa chọn", message=await early.expect("0/12"))
    await early.tap("📋 Xem lại và bỏ phiếu", message=await early.expect("12/12"))
    await early.tap("📥 Bỏ phiếu", message=await early.expect("Xem lại phiếu bầu"))
    await early.tap("📥 Đồng ý, bỏ phiếu", message=await early.expect("Bỏ phiếu ngay?"))
    await early.expect("Đã bỏ phiếu")
    # Khánh opens his ballot but has not cast it when the deadline passes.
    await late.tap("🗳 Bỏ phiếu", message=await late.expect("Phiếu bầu của Hội đồng",
                                                            timeout=10))
    page = await late.expect("đã chọn 0/12")
    repo = CouncilRepository(bot.db)
    assert await repo.draft(session.id, council.members[1].id) is not None

    ran = await bot.services.scheduler.tick(deadline + timedelta(minutes=1))
    assert ("council", f"close:{session.id}") in ran
    closed = await repo.get(session.id)
    assert closed is not None and closed.close_reason == "deadline"
    assert await repo.draft(session.id, council.members[1].id) is None  # never cast: gone
    await late.expect("đã kết thúc: 0/12 đề nghị được thông qua", timeout=10)
    answer = await late.tap("✅ Đồng ý tất cả đề nghị chưa chọn", message=page)
    assert answer.text == "Phiên bỏ phiếu đã kết thúc: không nhận thêm phiếu."
    await early.expect("đã kết thúc: 0/12 đề nghị được thông qua", timeout=10)
    await early.send("bo phieu")
    results = await early.expect("Kết quả bỏ phiếu")
    assert "Thành viên tham gia bỏ phiếu: 1/9" in results.plain
    assert "(8/9; điểm b khoản 4 Điều 8" in results.plain and "): không đạt." in results.plain
    data = await repo.tallies(session.id)
    assert sum(t.counted.yes for t in data.values()) == 12  # one ballot: agreeing with all


async def test_what_cannot_be_opened_and_who_cannot_vote(cbot: BotHarness):
    bot = cbot
    year = bot.services.now().year
    hang = await bot.person_user(SECRETARIAT)
    tomorrow = (bot.services.now() + timedelta(days=1)).strftime("%d/%m/%Y")
    council = await set_up_proposals(bot.services, year)
    await hang.expect("Tự đánh giá năm", timeout=10)  # the review's invitation

    await hang.send(f"/hoidong mo {year} {tomorrow} Sở Nội vụ")
    await hang.expect("Hội đồng của cơ quan này chưa có thành viên")
    await add_members(bot, council)
    await hang.send(f"/hoidong mo {year} 31/02/{year} Sở Nội vụ")
    await hang.expect("Vui lòng gửi /hoidong mo")  # no such day
    yesterday = (bot.services.now() - timedelta(days=1)).strftime("%d/%m/%Y")
    await hang.send(f"/hoidong mo {year} {yesterday} Sở Nội vụ")
    await hang.expect("Hạn bỏ phiếu đã qua")
    await hang.send(f"/hoidong mo {year - 3} {tomorrow} Sở Nội vụ")
    await hang.expect("Chưa có danh sách đề nghị đã nộp nào")
    await hang.send("/hoidong mo")
    await hang.expect("Vui lòng gửi /hoidong mo <năm> <hạn dd/mm/yyyy>")

    tree = await bot.services.orgs.tree()
    plan = await service.plan(bot.services, tree, council.agency_id, year, "chat",
                              bot.services.now() + timedelta(days=1))
    session = await service.open_session(bot.services, tree, plan, AuditContext.cli())
    await hang.send(f"/hoidong mo {year} {tomorrow} Sở Nội vụ")
    await hang.expect("đang có phiên bỏ phiếu mở")

    # Someone who is not a member: no ballot, and a forged choice is refused.
    outsider = await bot.person_user("0935722539")
    await outsider.send("/bophieu")
    help_ = await outsider.expect("không phải thành viên của Hội đồng")
    for data in (f"cv:o:{session.id}", f"cv:c:{session.id}:0", f"cv:x:{session.id}"):
        answer = await outsider.tap_data(help_, data)
        assert answer.text == "Anh/chị không có quyền sử dụng chức năng này."
    # A staff member cannot use the secretariat's choices.
    answer = await outsider.tap_data(help_, f"cs:cy:{session.id}:0")
    assert "chỉ dành cho Thường trực Hội đồng Thi đua – Khen thưởng" in (answer.text or "")
    assert (await CouncilRepository(bot.db).get(session.id)).is_open
