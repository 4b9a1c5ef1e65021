"""The year-end review: the secretariat opens it, people confirm their rating and
initiatives, heads their collective's, the rules compute who qualifies, and each unit edits
and submits its draft proposal list; on Telegram and on Zalo."""

from __future__ import annotations

from app.results.imports import initiatives_import, results_import
from storage import audit
from storage.audit import AuditContext
from storage.reviews import ReviewRepository
from tests.harness import BotHarness
from tests.registration.helpers import today
from tests.results.helpers import COLLEAGUE, SECRETARIAT, STAFF, UNIT_HEAD

QH = "Văn phòng Đoàn ĐBQH và HĐND tỉnh,Phòng Công tác Quốc hội"
BY = "Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh"


async def _khanh_on_record(bot: BotHarness, year: int) -> None:
    """CSTĐCS the two years before, and a provincial initiative of last year."""
    initiatives = ("year,title,kind,level,authors,phones,decision_number,decision_date,"
                   f"decided_by\n{year - 1},Số hoá hồ sơ trình kỳ họp HĐND tỉnh,sáng kiến,tỉnh,"
                   f"Trịnh Minh Khánh,{STAFF},2890/QĐ-UBND,05/12/{year - 1},Chủ tịch UBND tỉnh\n")
    outcome = await initiatives_import(bot.services, initiatives.encode(), "sk.csv", None,
                                       AuditContext.cli())
    assert outcome.ok, outcome.text
    rows = ["year,agency,unit,full_name,phone,title,decision_number,decision_date,decided_by"]
    rows += [f"{y},{QH},Trịnh Minh Khánh,{STAFF},CSTDCS,{y - 2000}/QĐ-VPĐĐBQH,20/12/{y},{BY}"
             for y in (year - 2, year - 1)]
    outcome = await results_import(bot.services, ("\n".join(rows) + "\n").encode(), "kq.csv",
                                   None, AuditContext.cli())
    assert outcome.ok, outcome.text


async def test_the_review_from_opening_to_a_submitted_proposal_list(bot: BotHarness):
    year = today(bot).year
    await _khanh_on_record(bot, year)
    khanh = await bot.person_user(STAFF)
    thao = await bot.person_user(UNIT_HEAD)
    hang = await bot.person_user(SECRETARIAT)

    await khanh.send("/danhgia")
    await khanh.expect("Chưa mở đợt tự đánh giá cuối năm cho anh/chị")

    # The secretariat opens the review (after a preview); the invitations go out.
    await hang.send(f"/danhgia mo {year}")
    preview = await hang.expect(f"Mở đợt tự đánh giá năm {year} cho Khối Tham mưu Tổng hợp?")
    assert "3 người đã liên kết tài khoản" in preview.plain
    await hang.tap("✅ Mở đợt", message=preview)
    await hang.expect(f"Đã mở đợt tự đánh giá năm {year}")
    invitation = await khanh.expect(f"Tự đánh giá năm {year}", timeout=10)
    assert "/danhgia" in invitation.plain
    await thao.expect(f"Tự đánh giá năm {year}", timeout=10)
    await hang.expect(f"Tự đánh giá năm {year}", timeout=10)  # she is staff too

    # Khánh: his rating, his initiatives (the register's, ticked), then the review.
    await khanh.tap("📝 Tự đánh giá", message=invitation)
    rating = await khanh.expect(f"Mức xếp loại chất lượng năm {year} của anh/chị")
    await khanh.tap("Hoàn thành xuất sắc nhiệm vụ", message=rating)
    mine = await khanh.expect(f"Sáng kiến, đề tài năm {year} của anh/chị")
    assert mine.has_button("☑ Số hoá hồ sơ trình kỳ họp HĐND tỉnh")
    await khanh.tap("Tiếp tục ➡️", message=mine)
    reviewed = await khanh.expect("Xem lại")
    assert "Mức xếp loại: Hoàn thành xuất sắc nhiệm vụ" in reviewed.plain
    assert ("Theo quy định, đủ điều kiện đề nghị: Lao động tiên tiến; Chiến sĩ thi đua cơ sở; "
            "Chiến sĩ thi đua cấp tỉnh; Bằng khen của Chủ tịch UBND tỉnh.") in reviewed.plain
    answer = await khanh.tap("✅ Xác nhận", message=reviewed)
    assert answer.text == "Đã lưu."
    confirmed = await khanh.expect("Đã xác nhận lúc")
    assert confirmed.has_button("✏️ Sửa")

    # Thảo: her own, then her unit's (rating, discipline).
    await thao.send("/danhgia")
    own = await thao.expect("Mức xếp loại chất lượng")
    units = await thao.expect(f"Tập thể anh/chị đánh giá năm {year}")
    await thao.tap("Hoàn thành tốt nhiệm vụ", message=own)
    await thao.tap("Tiếp tục ➡️", message=await thao.expect("Sáng kiến, đề tài"))
    await thao.tap("✅ Xác nhận", message=await thao.expect("Xem lại"))
    await thao.expect("Đã xác nhận")
    await thao.tap("▫️ Phòng Công tác Quốc hội", message=units)
    await thao.tap("Hoàn thành xuất sắc nhiệm vụ",
                   message=await thao.expect("Mức xếp loại chất lượng năm"))
    discipline = await thao.expect("có cá nhân bị kỷ luật từ hình thức cảnh cáo")
    await thao.tap("Không", message=discipline)
    unit_review = await thao.expect("Xem lại")
    assert "Cá nhân đã xác nhận tự đánh giá: 2/" in unit_review.plain
    assert "chưa đủ điều kiện đề nghị danh hiệu nào" in unit_review.plain  # 2 of 6: < 70%
    await thao.tap("✅ Xác nhận", message=unit_review)
    await thao.expect("Đã xác nhận")

    # Her unit's draft proposal list, computed from the rules.
    await thao.send("/denghi")
    listing = await thao.expect(f"Danh sách đề nghị khen thưởng năm {year}")
    text = listing.plain
    assert "Tự đánh giá: 2/6 cá nhân đã xác nhận; tập thể: đã xác nhận." in text
    assert "Lao động tiên tiến\n☑ Trịnh Minh Khánh\n☑ Hồ Kim Thảo" in text  # by given name
    assert "Chiến sĩ thi đua cấp tỉnh\n☑ Trịnh Minh Khánh" in text
    assert "☑ Hồ Kim Thảo" in text
    old = next(b.callback_data for row in listing.buttons for b in row
               if b.text == "☑ Hồ Kim Thảo · Lao động tiên tiến")
    await thao.tap("☑ Trịnh Minh Khánh · Bằng khen của Chủ tịch UBND tỉnh", message=listing)
    edited = await thao.expect("Danh sách đề nghị")
    assert "Bằng khen của Chủ tịch UBND tỉnh\n☐ Trịnh Minh Khánh" in edited.plain
    stale = await thao.tap_data(listing, old)
    assert "hết hiệu lực" in stale.text  # the first screen's version
    await thao.tap("➕ Bổ sung", message=edited)
    await thao.tap("Giấy khen", message=await thao.expect("Đề nghị danh hiệu"))
    await thao.tap("Phạm Ngọc Anh", message=await thao.expect("Đề nghị ai cho Giấy khen?"))
    added = await thao.expect("Đã bổ sung.")
    assert "Giấy khen\n☑ Phạm Ngọc Anh (bổ sung)" in added.plain
    await thao.tap("📤 Nộp danh sách", message=added)
    ask = await thao.expect("Nộp danh sách gồm 5 đề nghị?")
    await thao.tap("📤 Đồng ý nộp", message=ask)
    await thao.expect("Đã nộp danh sách đề nghị")
    final = await thao.expect("đã nộp")
    assert not final.buttons

    person = await bot.services.people.by_phone(COLLEAGUE)
    stored = await ReviewRepository(bot.db).proposal_list(year, person.org_id)
    assert stored.submitted and len(stored.entries) == 6
    assert sum(e.included for e in stored.entries) == 5
    added_entry = next(e for e in stored.entries if e.origin == "added")
    assert (added_entry.title, added_entry.subject.person_id) == ("GK", person.id)
    actions = [e.action for e in await audit.entries(bot.db, entity="proposal_list")]
    assert actions == ["create_proposal_list", "toggle_proposal_entry", "add_proposal_entry",
                       "submit_proposal_list"]

    # The secretariat sees every list of its scope, and gets them as a file.
    await hang.send("/denghi")
    overview = await hang.expect(f"Danh sách đề nghị khen thưởng năm {year}")
    assert "Văn phòng Đoàn ĐBQH và HĐND tỉnh: 1/" in overview.plain
    workbook = await hang.expect(timeout=30)
    assert workbook.document.filename == f"danh-sach-de-nghi-khen-thuong-{year}.xlsx"


async def test_a_person_assesses_their_year_on_zalo_and_declares_an_initiative(
        rbot: BotHarness):
    year = today(rbot).year
    from app.review.assess import open_review

    tree = await rbot.services.orgs.tree()
    await open_review(rbot.services, tree, year, None, AuditContext.cli())
    anh = await rbot.zalo_person(COLLEAGUE)
    await anh.send("danh gia")
    rating = await anh.expect("Mức xếp loại chất lượng")
    await anh.tap("Hoàn thành tốt nhiệm vụ", message=rating)
    step = await anh.expect("Sáng kiến, đề tài")
    await anh.tap("✍️ Khai sáng kiến chưa có trong sổ", message=step)
    await anh.expect("Vui lòng nhập tên sáng kiến")
    await anh.send("ngắn")
    await anh.expect("từ 10 đến 500 ký tự")
    await anh.send("Ứng dụng chữ ký số trong văn phòng điện tử")
    saved = await anh.expect("Tự khai, chưa có trong sổ theo dõi: Ứng dụng chữ ký số")
    await anh.tap("Tiếp tục ➡️", message=saved)
    reviewed = await anh.expect("Xem lại")
    assert "Chiến sĩ thi đua cơ sở" in reviewed.plain  # a declared initiative counts
    await anh.tap("✅ Xác nhận", message=reviewed)
    await anh.expect("Đã xác nhận")
    person = await rbot.services.people.by_phone(COLLEAGUE)
    from domain.subjects import Subject

    stored = await ReviewRepository(rbot.db).assessment(year, Subject.of_person(person))
    assert stored.confirmed and stored.rating == "good"
    assert stored.claimed == "Ứng dụng chữ ký số trong văn phòng điện tử"


async def test_a_head_edits_and_submits_the_list_on_zalo(rbot: BotHarness):
    year = today(rbot).year
    from app.review.assess import open_review
    from domain.subjects import Subject

    tree = await rbot.services.orgs.tree()
    review, _invited = await open_review(rbot.services, tree, year, None, AuditContext.cli())
    repo = ReviewRepository(rbot.db)
    for phone, rating in ((STAFF, "excellent"), (COLLEAGUE, "good")):
        person = await rbot.services.people.by_phone(phone)
        started = await repo.start(review, Subject.of_person(person), person.id,
                                   AuditContext.cli())
        await repo.update(started.id, started.version, AuditContext.cli(), person.id,
                          rating=rating, step="review", status="confirmed")

    thao = await rbot.zalo_person(UNIT_HEAD)
    await thao.send("/denghi")
    listing = await thao.expect(f"Danh sách đề nghị khen thưởng năm {year}")
    assert "Chiến sĩ thi đua cơ sở\n☑ Trịnh Minh Khánh" in listing.plain
    await thao.tap("☑ Phạm Ngọc Anh · Lao động tiên tiến", message=listing)
    edited = await thao.expect("Danh sách đề nghị")
    assert "☐ Phạm Ngọc Anh" in edited.plain
    await thao.tap("📤 Nộp danh sách", message=edited)
    ask = await thao.expect("Nộp danh sách gồm 2 đề nghị?")
    await thao.tap("📤 Đồng ý nộp", message=ask)
    await thao.expect("Đã nộp danh sách đề nghị")

    group = rbot.zalo_secretariat_chat()
    clerk = await rbot.zalo_person(SECRETARIAT)
    await group.send(clerk, "/danhgia")
    status = await group.expect(f"Năm {year} (mở từ")
    assert "2/300 cá nhân" in status.plain and "1/" in status.plain.split("tập thể")[-1]
