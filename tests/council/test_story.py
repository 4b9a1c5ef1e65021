"""The council meeting in chat: nine members vote by secret ballot on twelve proposals, five
on Telegram and three on Zalo, one absent member in writing; the session closes when the last
one votes, its results and minutes go to the secretariat, and nobody votes twice or late."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from docx import Document

from storage import audit
from storage.council import CouncilRepository
from tests.council.helpers import COUNCIL, PROPOSALS, SECRETARIAT, set_up_council
from tests.harness import BotHarness

TELEGRAM = COUNCIL[:5]  # the chair, the secretary, Việt, Yến, Nhung
ZALO = COUNCIL[5:8]  # Linh, Hà, Phương
WRITTEN = COUNCIL[8]  # Tuấn, absent: his opinion comes in writing


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


async def vote_on_telegram(user, disagree: int) -> None:
    """Agree with everything but proposal `disagree` (1-based), review, cast."""
    invitation = await user.expect("Phiếu bầu của Hội đồng Thi đua – Khen thưởng Sở Nội vụ",
                                   timeout=10)
    await user.tap("🗳 Bỏ phiếu", message=invitation)
    page = await user.expect("Trang 1/2 · đã chọn 0/12")
    assert "Bỏ phiếu kín" in page.plain and "1. " in page.plain
    await user.tap("✅ Đồng ý tất cả đề nghị chưa chọn", message=page)
    page = await user.expect("đã chọn 12/12")
    await user.tap(f"{disagree} ❌ Không đồng ý", message=page)
    page = await user.expect("đã chọn 12/12")
    assert f"{disagree}. " in page.plain and "❌ Không đồng ý" in page.plain
    await user.tap("📋 Xem lại và bỏ phiếu", message=page)
    review = await user.expect("Xem lại phiếu bầu")
    assert "Đồng ý: 11 · Không đồng ý: 1" in review.plain
    await user.tap("📥 Bỏ phiếu", message=review)
    confirm = await user.expect("Bỏ phiếu ngay?")
    assert "Không đồng ý" not in confirm.plain  # the screen that casts shows no marks
    await user.tap("📥 Đồng ý, bỏ phiếu", message=confirm)
    done = await user.expect("Đã bỏ phiếu")
    assert not done.buttons


async def vote_on_zalo(user, disagree: int) -> None:
    invitation = await user.expect("Phiếu bầu của Hội đồng Thi đua – Khen thưởng Sở Nội vụ",
                                   timeout=10)
    await user.tap("🗳 Bỏ phiếu", message=invitation)
    page = await user.expect("Trang 1/3 · đã chọn 0/12")
    await user.tap("✅ Đồng ý tất cả đề nghị chưa chọn", message=page)
    page = await user.expect("đã chọn 12/12")
    if disagree > 5:  # five proposals a page on Zalo
        await user.tap("Trang sau ▶", message=page)
        page = await user.expect("Trang 2/3")
    await user.tap(f"{disagree} ❌ Không đồng ý", message=page)
    page = await user.expect("đã chọn 12/12")
    await user.tap("📋 Xem lại và bỏ phiếu", message=page)
    review = await user.expect("Xem lại phiếu bầu")
    assert "Đồng ý: 11 · Không đồng ý: 1" in review.plain
    await user.tap("📥 Bỏ phiếu", message=review)
    confirm = await user.expect("Bỏ phiếu ngay?")
    await user.tap("📥 Đồng ý, bỏ phiếu", message=confirm)
    await user.expect("Đã bỏ phiếu")


async def test_nine_members_vote_on_twelve_proposals_on_both_channels(cbot: BotHarness):
    bot = cbot
    year = bot.services.now().year
    council = await set_up_council(bot, year)
    telegram = [await bot.person_user(p) for p in TELEGRAM]
    zalo = [await bot.zalo_person(p) for p in ZALO]
    hang = await bot.person_user(SECRETARIAT)
    group = bot.secretariat_chat()
    deadline = (bot.services.now() + timedelta(days=3)).strftime("%d/%m/%Y")

    # The secretariat opens the session: a preview with the rules of the rule set, then ✅.
    await hang.send(f"/hoidong mo {year} {deadline} 17:00 Sở Nội vụ")
    preview = await hang.expect(f"Mở phiên bỏ phiếu của Hội đồng Thi đua – Khen thưởng Sở "
                                f"Nội vụ năm {year}?")
    text = preview.plain
    assert "Thành viên: 9" in text
    assert ("Chiến sĩ thi đua cơ sở: 6 đề nghị; cần từ 80% trở lên tổng số thành viên đồng ý "
            "(8/9; khoản 7 Điều 30 Nghị định số 98/2023/NĐ-CP)") in text
    assert "Chiến sĩ thi đua cấp tỉnh: 2 đề nghị; cần từ 90% trở lên" in text
    assert "(9/9;" in text
    assert "Số thành viên tham gia tối thiểu: từ 80% trở lên tổng số thành viên (8/9;" in text
    await hang.tap("✅ Mở phiên", message=preview)
    await hang.expect("Đã mở phiên bỏ phiếu")
    status = await hang.expect(f"Phiên bỏ phiếu năm {year}: Sở Nội vụ")
    assert "Đã bỏ phiếu trên ứng dụng: 0/9" in status.plain
    session = (await CouncilRepository(bot.db).sessions([council.agency_id]))[-1]

    # Member k disagrees with proposal k only; the rest agree with everything.
    for k, user in enumerate(telegram, start=1):
        await vote_on_telegram(user, k)
    for k, user in enumerate(zalo, start=len(telegram) + 1):
        await vote_on_zalo(user, k)

    # Nothing of the votes shows before the session closes: turnout only.
    await hang.send("/hoidong Sở Nội vụ")
    agency = await hang.expect("Hội đồng Thi đua – Khen thưởng Sở Nội vụ")
    await hang.tap(f"🗳 Năm {year}: đang mở", message=agency)
    status = await hang.expect(f"Phiên bỏ phiếu năm {year}")
    assert "Đã bỏ phiếu trên ứng dụng: 8/9" in status.plain
    assert "Chưa bỏ phiếu: Lê Xuân Tuấn" in status.plain
    assert "đồng ý" not in status.plain.replace("Đồng ý", "")

    # A member cannot vote twice: the old confirm screen, or /bophieu again.
    first = telegram[0]
    await first.send("/bophieu")
    again = await first.expect()
    assert "đã bỏ phiếu trong phiên này" in again.plain
    stale = await first.tap_data(again, f"cv:c:{session.id}:3")
    assert "đã bỏ phiếu trong phiên này" in (stale.text or "")

    # Tuấn's written vote: agrees with everything but the last proposal. The secretary enters
    # it (the last member: the session closes).
    await hang.tap("✍️ Phiếu bằng văn bản của thành viên vắng mặt", message=status)
    ticks = await hang.expect("Những thành viên vắng mặt nào có ý kiến bằng văn bản?")
    await hang.tap("☐ Lê Xuân Tuấn", message=ticks)
    ticks = await hang.expect("Những thành viên vắng mặt nào")
    await hang.tap("Tiếp tục ➡️", message=ticks)
    ask = await hang.expect("Vui lòng nhập số phiếu đồng ý của từng đề nghị")
    assert "12 số, mỗi số từ 0 đến 1" in ask.plain
    await hang.send("1 1 1 1 1 1 1 1 1 1 1")
    await hang.expect("Vui lòng nhập 12 số, mỗi đề nghị một số (đã nhập 11 số).")
    await hang.send("1 1 1 1 1 1 1 1 1 1 1 0")
    preview = await hang.expect("Phiếu bằng văn bản của 1 thành viên vắng mặt")
    assert "12. " in preview.plain and "0 đồng ý, 1 không đồng ý" in preview.plain
    await hang.tap("✅ Lưu", message=preview)
    await hang.expect("Đã lưu phiếu bằng văn bản của 1 thành viên vắng mặt.")
    result = await hang.expect(f"Kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng Sở Nội vụ "
                               f"năm {year}")
    text = result.plain
    assert "Thành viên tham gia bỏ phiếu: 8/9; 1 thành viên vắng mặt có ý kiến bằng văn bản" \
        in text
    assert "): đạt." in text

    # The tally matches the ballots cast: proposals 1–8 got one "no" each, 12 got Tuấn's.
    repo = CouncilRepository(bot.db)
    closed = await repo.get(session.id)
    assert closed is not None and not closed.is_open and closed.close_reason == "all_voted"
    tallies = await repo.tallies(session.id)
    candidates = await repo.candidates(session.id)
    assert len(candidates) == len(PROPOSALS) == 12
    counts = [(tallies[c.id].counted.yes, tallies[c.id].counted.no,
               tallies[c.id].written.yes, tallies[c.id].written.no) for c in candidates]
    assert counts == [(7, 1, 1, 0)] * 8 + [(8, 0, 1, 0)] * 3 + [(8, 0, 0, 1)]
    # CSTĐCS (80%: 8/9) passes with 8; CSTĐ tỉnh (90%: 9/9) does not; majorities pass.
    blocks = [b for b in result.plain.split("\n") if b.startswith(("✅", "❌"))]
    assert [b[0] for b in blocks] == ["✅"] * 6 + ["❌"] * 2 + ["✅"] * 4
    assert "8 đồng ý (1 bằng văn bản), 1 không đồng ý · 88,9%" in text
    assert "Được thông qua: 10/12 đề nghị." in text

    # The secretariat's group gets the results, then the minutes and the cover letter.
    await bot.services.scheduler.tick()
    posted = await group.expect("Kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng", timeout=10)
    assert "Được thông qua: 10/12 đề nghị." in posted.plain
    minutes = None
    for _ in range(6):
        message = await group.expect(timeout=15)
        if message.document is not None and message.document.filename.startswith("bien-ban"):
            minutes = message
            break
    assert minutes is not None
    content = minutes.document.data
    words = docx_text(content)
    assert "BIÊN BẢN" in words and "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in words
    assert "Tổng số thành viên Hội đồng: 9." in words
    assert "Thành viên tham gia bỏ phiếu: 8" in words
    assert "Thành viên vắng mặt, có ý kiến bằng văn bản: 1: Lê Xuân Tuấn" in words
    assert "Số thành viên tham gia bỏ phiếu: 8/9" in words and "đạt yêu cầu" in words
    assert "8\n(1 bằng văn bản)" in words and "88,9%" in words
    assert words.count("Không đạt") == 2 and words.count("Đạt\n") == 10

    # Members are told the outcome and may read it; a ballot after the close is refused.
    await zalo[0].expect("đã kết thúc: 10/12 đề nghị được thông qua", timeout=10)
    # Linh heads Phòng Cải cách hành chính, whose TTLĐXS passed: she completes its report.
    await zalo[0].expect("đã thông qua đề nghị “Tập thể lao động xuất sắc”", timeout=10)
    await zalo[0].send("bo phieu")
    await zalo[0].expect("Kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng Sở Nội vụ")
    assert "Được thông qua: 10/12 đề nghị." in (await zalo[0].expect("✅")).plain
    closed_notice = await telegram[1].expect("đã kết thúc: 10/12", timeout=10)
    late = await telegram[1].tap_data(closed_notice, f"cv:c:{session.id}:0")
    assert late.text == "Phiên bỏ phiếu đã kết thúc: không nhận thêm phiếu."

    # The audit trail: opened, eight casts (who, not how), written votes, closed, posted.
    actions = [e.action for e in await audit.entries(bot.db, entity="council_session")]
    assert actions.count("cast_ballot") == 8
    assert actions[0] == "open_council_session" and "close_council_session" in actions
    casts = [e for e in await audit.entries(bot.db, entity="council_session")
             if e.action == "cast_ballot"]
    assert all(e.details == {} for e in casts)
