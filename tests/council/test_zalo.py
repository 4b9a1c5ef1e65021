"""The council on Zalo, where there are no buttons, only numbered choices: the secretariat
opens a session from Zalo, the members vote by typing numbers, the secretary enters the
absent member's written vote and a paper count (typed numbers that are answers, not menu
picks), the results and the minutes reach the secretariat's Zalo group (the files as links),
and the secretariat downloads the cover letter there."""

from __future__ import annotations

from datetime import timedelta

from storage.council import CouncilRepository
from tests.council.helpers import AGENCY, COUNCIL, SECRETARIAT, set_up_council
from tests.council.test_story import docx_text, vote_on_zalo
from tests.harness import BotHarness


async def _until(chat, text: str, first) -> str:
    """`first` and the messages after it, up to the one containing `text` (Zalo splits long
    texts)."""
    seen = first.plain
    while text not in seen:
        seen += "\n" + (await chat.expect(timeout=10)).plain
    return seen


async def _link(chat, *, prefix: str, by_caption: str | None = None):
    """The next message of `chat` carrying a link to a file whose name starts with `prefix`."""
    for _ in range(8):
        message = await chat.expect(by_caption, timeout=15)
        for word in message.plain.split():
            if word.startswith("http"):
                content = await chat.open_link(word)
                if (content.filename or "").startswith(prefix):
                    return content
    raise AssertionError(f"no link to {prefix}…")


async def test_the_whole_session_from_zalo(cbot: BotHarness):
    bot = cbot
    year = bot.services.now().year
    await set_up_council(bot, year)
    hang = await bot.zalo_person(SECRETARIAT)
    members = [await bot.zalo_person(p) for p in COUNCIL[:8]]
    group = bot.zalo_secretariat_chat()
    deadline = (bot.services.now() + timedelta(days=2)).strftime("%d/%m/%Y")

    await hang.send(f"/hoidong mo {year} {deadline} {AGENCY}")
    preview = await hang.expect(f"Mở phiên bỏ phiếu của Hội đồng Thi đua – Khen thưởng "
                                f"{AGENCY} năm {year}?")
    assert "khoản 7 Điều 30" in preview.plain and "Mở phiên" in preview.plain
    await hang.tap("✅ Mở phiên", message=preview)
    status = await hang.expect("Đã mở phiên")  # the session's screen in the same message
    assert f"Phiên bỏ phiếu năm {year}: {AGENCY}" in status.plain
    assert "Đã bỏ phiếu trên ứng dụng: 0/9" in status.plain

    # Eight members vote on Zalo: member k disagrees with proposal k.
    for k, member in enumerate(members, start=1):
        await vote_on_zalo(member, k)

    # A member cannot vote twice: /bophieu again says so and offers no ballot.
    await members[0].send("bo phieu")
    again = await members[0].expect("đã bỏ phiếu trong phiên này")
    assert "Đồng ý" not in again.plain

    # Nothing but the turnout before the close, also on Zalo.
    await hang.send("hoi dong")  # /hoidong without slash or diacritics
    agency = await hang.expect(f"Hội đồng Thi đua – Khen thưởng {AGENCY}")
    await hang.tap(f"🗳 Năm {year}: đang mở", message=agency)
    status = await hang.expect(f"Phiên bỏ phiếu năm {year}")
    assert "Đã bỏ phiếu trên ứng dụng: 8/9" in status.plain
    assert "đồng ý" not in status.plain.replace("Đồng ý", "")

    # Tuấn's written vote, ticked by number; his counts typed as numbers (answers, not picks).
    await hang.tap("✍️ Phiếu bằng văn bản của thành viên vắng mặt", message=status)
    ticks = await hang.expect("Những thành viên vắng mặt nào có ý kiến bằng văn bản?")
    await hang.tap("☐ Lê Xuân Tuấn", message=ticks)
    ticks = await hang.expect("Những thành viên vắng mặt nào")
    assert "☑ Lê Xuân Tuấn" in ticks.plain
    await hang.tap("Tiếp tục ➡️", message=ticks)
    await hang.expect("Vui lòng nhập số phiếu đồng ý của từng đề nghị")
    await hang.send("1")  # one number: not a menu pick, a count short of eleven others
    await hang.expect("Vui lòng nhập 12 số, mỗi đề nghị một số (đã nhập 1 số).")
    await hang.send("1 1 1 1 1 1 1 1 1 1 1 0")
    preview = await hang.expect("Phiếu bằng văn bản của 1 thành viên vắng mặt")
    await hang.tap("✅ Lưu", message=preview)
    await hang.expect("Đã lưu phiếu bằng văn bản của 1 thành viên vắng mặt.")
    result = await hang.expect(f"Kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng {AGENCY}")
    assert "Thành viên tham gia bỏ phiếu: 8/9; 1 thành viên vắng mặt" in result.plain
    await _until(hang, "Được thông qua: 10/12 đề nghị.", result)

    repo = CouncilRepository(bot.db)
    session = (await repo.sessions())[-1]
    assert not session.is_open and session.close_reason == "all_voted" and session.written == 1

    # The members are told; no ballot after the close.
    await members[1].expect("đã kết thúc: 10/12 đề nghị được thông qua", timeout=10)
    await members[1].send("/bophieu")
    closed = await members[1].expect("Kết quả bỏ phiếu của Hội đồng")
    assert "Bỏ phiếu" not in closed.plain.replace("Bỏ phiếu kín", "")

    # The secretariat's Zalo group: the results, then the minutes as a link.
    await bot.services.scheduler.tick()
    posted = await group.expect("Kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng",
                                timeout=10)
    await _until(group, "Được thông qua: 10/12 đề nghị.", posted)
    minutes = await _link(group, prefix="bien-ban")  # files follow as links
    words = docx_text(minutes.data)
    assert "BIÊN BẢN" in words and "Tổng số thành viên Hội đồng: 9." in words
    assert "Thành viên vắng mặt, có ý kiến bằng văn bản: 1: Lê Xuân Tuấn" in words
    assert "TỜ TRÌNH" in docx_text((await _link(group, prefix="to-trinh")).data)

    # Later, from the menu: the files again, on request.
    await group.send(hang, "/hoidong Sở Nội vụ")
    agency = await group.expect(f"Hội đồng Thi đua – Khen thưởng {AGENCY}")
    await group.tap(f"📊 Năm {year}: kết quả", by=hang, message=agency)
    documents = await group.expect("Kết quả bỏ phiếu")
    while "Hồ sơ của phiên họp" not in documents.plain:
        documents = await group.expect(timeout=10)
    await group.tap("📄 Biên bản", by=hang, message=documents)
    assert "BIÊN BẢN" in docx_text((await _link(group, prefix="bien-ban")).data)
    await group.tap("📄 Tờ trình và danh sách", by=hang, message=documents)
    letter = await _link(group, prefix="to-trinh")
    assert "TỜ TRÌNH" in docx_text(letter.data)


async def test_a_paper_count_entered_from_zalo(cbot: BotHarness):
    bot = cbot
    year = bot.services.now().year
    await set_up_council(bot, year)
    hang = await bot.zalo_person(SECRETARIAT)
    deadline = (bot.services.now() + timedelta(days=1)).strftime("%d/%m/%Y")

    await hang.send(f"/hoidong mo {year} {deadline} giay")
    preview = await hang.expect("Bỏ phiếu giấy: Thư ký nhập kết quả kiểm phiếu")
    await hang.tap("✅ Mở phiên", message=preview)
    screen = await hang.expect("Đã mở phiên")  # the session's screen in the same message
    assert "đã nhập kết quả kiểm phiếu: chưa." in screen.plain
    await hang.tap("🧮 Nhập kết quả kiểm phiếu", message=screen)
    await hang.expect("Số thành viên có mặt và bỏ phiếu giấy (từ 0 đến 9)?")
    await hang.send("2")  # an answer (two present), even where a menu had a choice 2
    await hang.expect("12 số, mỗi số từ 0 đến 2")
    await hang.send("2 2 2 2 2 2 2 2 2 2 2 2")
    preview = await hang.expect("Kết quả kiểm phiếu giấy, 2 thành viên có mặt:")
    await hang.tap("✅ Lưu", message=preview)
    screen = await hang.expect("Đã lưu kết quả kiểm phiếu giấy.")
    assert "đã nhập kết quả kiểm phiếu: có." in screen.plain
    await hang.tap("🔒 Kết thúc phiên", message=screen)
    ask = await hang.expect("Kết thúc phiên ngay?")
    await hang.tap("🔒 Đồng ý kết thúc", message=ask)
    result = await hang.expect("Phiên bỏ phiếu đã kết thúc.")  # the results follow in it
    assert "Bỏ phiếu kín bằng phiếu giấy" in result.plain
    # Two of nine present: short of the quorum, nothing passes however they voted.
    assert "Thành viên tham gia bỏ phiếu: 2/9" in result.plain
    await _until(hang, "Được thông qua: 0/12 đề nghị.", result)
    session = (await CouncilRepository(bot.db).sessions())[-1]
    assert session.paper and session.present == 2 and session.counted
