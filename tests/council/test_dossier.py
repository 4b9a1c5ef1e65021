"""The dossier of what the council passed: each passed candidate completes their achievement
report in a short conversation and gets it back (Telegram: a file; Zalo: a link); the report
is pre-filled from the record; the secretariat gets the cover letter with its list and every
report. The documents open in python-docx with the templates' sections filled."""

from __future__ import annotations

from datetime import timedelta

from app.council import closing, service
from domain.council import blank, new_salt
from storage.audit import AuditContext
from storage.council import CouncilRepository, Session
from tests.council.helpers import PROPOSALS, SECRETARIAT, Council, set_up_council
from tests.council.test_story import docx_text
from tests.harness import BotHarness
from tests.results.helpers import import_demo_results

THANG = "0909893580"  # Đỗ Đức Thắng, Văn phòng Sở: CSTĐCS 2021–2024, CSTĐ tỉnh 2024 on record
LINH = "0906648302"  # Vũ Kim Linh, head of Phòng Cải cách hành chính (its TTLĐXS)


async def vote_everyone(bot: BotHarness, council: Council, session: Session, marks: str) -> None:
    """Every member casts `marks` (through the repository: the ballot's screens are the
    story's subject), then the session closes and is posted as the periodic job does."""
    repo = CouncilRepository(bot.db)
    for person in council.members:
        draft = await repo.start_draft(session.id, person.id, blank(len(marks)), new_salt())
        draft = await repo.mark(draft, marks)
        outcome, _pending = await repo.cast(session.id, person.id, draft.version,
                                            bot.services.now(), AuditContext.cli())
        assert outcome == "cast"
    closed = await repo.close(session.id, "all_voted", AuditContext.cli())
    assert await closing.post(bot.services, closed)


async def test_a_passed_candidate_completes_the_report_and_gets_the_document(cbot: BotHarness):
    bot = cbot
    await import_demo_results(bot)
    year = bot.services.now().year
    proposals = [*PROPOSALS[:5], (THANG, "CSTDCS"), *PROPOSALS[6:]]
    council = await set_up_council(bot, year, proposals=proposals)
    thang = await bot.person_user(THANG)
    linh = await bot.zalo_person(LINH)
    hang = await bot.person_user(SECRETARIAT)
    group = bot.secretariat_chat()
    tree = await bot.services.orgs.tree()
    plan = await service.plan(bot.services, tree, council.agency_id, year, "chat",
                              bot.services.now() + timedelta(days=1))
    session = await service.open_session(bot.services, tree, plan, AuditContext.cli())
    await vote_everyone(bot, council, session, "y" * 12)
    await group.expect("Kết quả bỏ phiếu", timeout=10)  # posted: the results, then the files
    assert (await group.expect(timeout=15)).document.filename.startswith("bien-ban")
    assert (await group.expect(timeout=15)).document.filename.startswith("to-trinh")
    await linh.expect("Phiếu bầu của Hội đồng", timeout=10)  # she is a member: invited

    # Thắng is told his proposal passed, and completes his report in three answers.
    invitation = await thang.expect("đã thông qua đề nghị “Chiến sĩ thi đua cơ sở”",
                                    timeout=10)
    await thang.tap("📝 Bổ sung thành tích", message=invitation)
    await thang.expect("Báo cáo thành tích · câu hỏi 1/3\nTrình độ chuyên môn, nghiệp vụ")
    await thang.send("Cử nhân Luật")
    await thang.expect("Đã lưu: Trình độ chuyên môn.")
    await thang.expect("câu hỏi 2/3")
    await thang.send("Ngắn")
    await thang.expect("Vui lòng nhập từ 10 đến 3000 ký tự.")
    await thang.send("Tham mưu công tác văn thư, lưu trữ và số hoá hồ sơ của Sở.")
    await thang.expect("Đã lưu: Nhiệm vụ được giao.")
    await thang.expect("câu hỏi 3/3")
    await thang.send("Hoàn thành xuất sắc nhiệm vụ; số hoá 12.000 hồ sơ.\n"
                     "Áp dụng phần mềm quản lý hồ sơ thi đua, khen thưởng.")
    await thang.expect("Đã lưu: Thành tích đạt được.")
    review = await thang.expect("Báo cáo thành tích: Đỗ Đức Thắng, Chiến sĩ thi đua cơ sở")
    assert "Cử nhân Luật" in review.plain
    await thang.tap("✅ Hoàn tất: gửi tôi báo cáo", message=review)
    await thang.expect("Báo cáo thành tích đã hoàn tất.")
    sent = await thang.expect("Báo cáo thành tích (DOCX)", timeout=15)
    words = docx_text(sent.document.data)
    for section in ("BÁO CÁO THÀNH TÍCH",
                    f"ĐỀ NGHỊ TẶNG DANH HIỆU “CHIẾN SĨ THI ĐUA CƠ SỞ” NĂM {year}",
                    "I. SƠ LƯỢC LÝ LỊCH", "- Họ và tên: Đỗ Đức Thắng",
                    "- Đơn vị công tác: Văn phòng Sở, Sở Nội vụ",
                    "- Trình độ chuyên môn, nghiệp vụ: Cử nhân Luật",
                    "II. THÀNH TÍCH ĐẠT ĐƯỢC", "1. Quyền hạn, nhiệm vụ được giao:",
                    "Tham mưu công tác văn thư, lưu trữ", "2. Thành tích đạt được:",
                    "Áp dụng phần mềm quản lý hồ sơ", "“Phần mềm quản lý hồ sơ thi đua, khen "
                    "thưởng” (2024, cấp cơ sở; Quyết định số 48/QĐ-SNV ngày 16/12/2024)",
                    "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", "1. Danh hiệu thi đua:",
                    "Chiến sĩ thi đua cấp tỉnh", "3150/QĐ-UBND", "2. Hình thức khen thưởng:",
                    "NGƯỜI BÁO CÁO THÀNH TÍCH", "THỦ TRƯỞNG ĐƠN VỊ", "SỞ NỘI VỤ\nVĂN PHÒNG SỞ\n"):
        assert section in words, section
    assert words.count("Chiến sĩ thi đua cơ sở\n") >= 4  # 2021–2024 on record

    # Someone else cannot open or answer his report.
    other = await bot.person_user(PROPOSALS[0][0])
    await other.send("/trogiup")
    answer = await other.tap_data(await other.expect(), invitation.buttons[0][0].callback_data)
    assert answer.text == "Anh/chị không có quyền sử dụng chức năng này."

    # Linh completes her unit's report on Zalo (two questions) and gets a link.
    await linh.expect("đã kết thúc: 12/12", timeout=10)
    asked = await linh.expect("đối với Phòng Cải cách hành chính", timeout=10)
    await linh.tap("📝 Bổ sung thành tích", message=asked)
    await linh.expect("câu hỏi 1/2\nChức năng, nhiệm vụ được giao của tập thể")
    await linh.send("Tham mưu cải cách hành chính của tỉnh.")
    await linh.expect("Đã lưu")
    await linh.expect("câu hỏi 2/2")
    await linh.send("Chỉ số cải cách hành chính của tỉnh tăng 5 bậc.")
    await linh.expect("Đã lưu")
    review = await linh.expect("Báo cáo thành tích: Phòng Cải cách hành chính")
    await linh.tap("✅ Hoàn tất: gửi tôi báo cáo", message=review)
    await linh.expect("Báo cáo thành tích đã hoàn tất.")
    link = await linh.expect("Báo cáo thành tích (DOCX)", timeout=15)
    url = next(w for w in link.plain.split() if w.startswith("http"))
    content = await linh.open_link(url)
    words = docx_text(content.data)
    assert f"ĐỀ NGHỊ TẶNG DANH HIỆU “TẬP THỂ LAO ĐỘNG XUẤT SẮC” NĂM {year}" in words
    assert "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH" in words and "Tên tập thể: Phòng Cải cách" in words
    assert "Chỉ số cải cách hành chính của tỉnh tăng 5 bậc." in words

    # The secretariat: the cover letter with its list, and every report.
    await group.send(hang, "/hoidong Sở Nội vụ")
    agency = await group.expect("Hội đồng Thi đua – Khen thưởng Sở Nội vụ")
    await group.tap(f"📊 Năm {year}: kết quả", by=hang, message=agency)
    await group.expect("Kết quả bỏ phiếu")
    documents = await group.expect("Hồ sơ của phiên họp")
    await group.tap("📄 Tờ trình và danh sách", by=hang, message=documents)
    letter = None
    while letter is None:
        message = await group.expect(timeout=15)
        if message.document is not None:
            letter = message
    words = docx_text(letter.document.data)
    assert "TỜ TRÌNH" in words and "DANH SÁCH" in words
    assert "Kính gửi: Giám đốc Sở Nội vụ." in words  # the agency's own titles (CSTĐCS)
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh." in words  # the province's
    assert "Đỗ Đức Thắng" in words and "9/9 (100%)" in words
    await group.tap("📄 Báo cáo thành tích", by=hang, message=documents)
    reports = [await group.expect("Báo cáo thành tích:", timeout=15) for _ in range(12)]
    captions = [r.plain for r in reports]
    assert sum("đã được bổ sung" in c for c in captions) == 2
    assert all(r.document.filename.startswith(f"bao-cao-thanh-tich-{year}-") for r in reports)
