"""/ghinhan: the secretariat records, corrects and removes results in chat, on Telegram and
on Zalo; every change audited, stale or forged choices change nothing."""

from __future__ import annotations

from storage import audit
from storage.results import ResultsRepository
from storage.sessions import SessionRepository
from tests.harness import BotHarness
from tests.results.helpers import COLLEAGUE, NOBODY, SECRETARIAT, STAFF


async def test_the_secretariat_records_a_result_and_corrects_it_on_telegram(rbot: BotHarness):
    hang = await rbot.person_user(SECRETARIAT)
    await hang.send("/ghinhan")
    await hang.expect("/ghinhan kèm họ tên hoặc số điện thoại")
    await hang.send(f"/ghinhan {NOBODY}")
    subject = await hang.expect("Cá nhân: Bùi Thúy Nga")
    assert "Chưa có danh hiệu, hình thức khen thưởng nào được ghi nhận." in subject.plain
    await hang.tap("➕ Ghi nhận kết quả mới")
    titles = await hang.expect("Danh hiệu thi đua, hình thức khen thưởng nào đã đạt?")
    assert not titles.has_button("Tập thể lao động xuất sắc")  # a person's titles only
    await hang.tap("Giấy khen")
    await hang.expect("Của năm nào?")
    await hang.tap("2024")
    await hang.expect("Vui lòng nhập quyết định")
    await hang.send("Giấy khen của Chánh Văn phòng")
    await hang.expect("Không thấy ngày ký")
    await hang.send("Quyết định số 60/QĐ-VPĐĐBQH ngày 30/12/2024 của Chánh Văn phòng Đoàn "
                    "ĐBQH và HĐND tỉnh")
    preview = await hang.expect("Ghi nhận: Quyết định số 60/QĐ-VPĐĐBQH ngày 30/12/2024")
    person = await rbot.services.people.by_phone(NOBODY)
    assert await ResultsRepository(rbot.db).of_people([person.id]) == []  # not yet
    await hang.tap("✅ Lưu", message=preview)
    await hang.expect("Lưu lại?")  # the preview loses its choices
    saved = await hang.expect("Đã lưu: Giấy khen năm 2024")
    assert "• Giấy khen: Quyết định số 60/QĐ-VPĐĐBQH" in saved.plain
    (result,) = await ResultsRepository(rbot.db).of_people([person.id])
    assert result.source == "telegram"
    again = await hang.tap("✅ Lưu", message=preview)  # the same save, twice
    assert "hết hiệu lực" in again.text

    await hang.tap("✏️ 2024 · Giấy khen", message=saved)
    shown = await hang.expect("Giấy khen: Quyết định số 60/QĐ-VPĐĐBQH")
    await hang.tap("✏️ Sửa quyết định", message=shown)
    await hang.expect("Hiện ghi: Quyết định số 60/QĐ-VPĐĐBQH")
    await hang.send("61/QĐ-VPĐĐBQH, 30/12/2024, Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh")
    await hang.expect("Sửa thành: Quyết định số 61/QĐ-VPĐĐBQH")
    await hang.tap("✅ Lưu")
    await hang.expect("Lưu lại?")
    await hang.expect("Đã lưu")
    (corrected,) = await ResultsRepository(rbot.db).of_people([person.id])
    assert corrected.decision.number == "61/QĐ-VPĐĐBQH" and corrected.revision == 2
    stale = await hang.tap("✏️ Sửa quyết định", message=shown)  # revision 1: stale
    assert "hết hiệu lực" in stale.text

    logged = await audit.entries(rbot.db, entity="result", entity_id=result.id)
    assert [e.action for e in logged] == ["add_result", "correct_result"]
    assert logged[1].details["before"]["number"] == "60/QĐ-VPĐĐBQH"
    secretary = await rbot.services.people.by_phone(SECRETARIAT)
    assert {e.actor_person_id for e in logged} == {secretary.id}


async def test_the_secretariat_removes_a_result_on_zalo_and_staff_cannot(rbot: BotHarness):
    hang = await rbot.zalo_person(SECRETARIAT)
    await hang.send("/ghinhan pham ngoc anh")
    subject = await hang.expect("Cá nhân: Phạm Ngọc Anh")
    assert "Chiến sĩ thi đua cấp tỉnh" in subject.plain
    before = await ResultsRepository(rbot.db).of_people(
        [(await rbot.services.people.by_phone(COLLEAGUE)).id])
    await hang.tap("✏️ 2024 · Chiến sĩ thi đua cấp tỉnh", message=subject)
    shown = await hang.expect("Chiến sĩ thi đua cấp tỉnh: Quyết định số 3150/QĐ-UBND")
    await hang.tap("🗑 Xoá", message=shown)
    ask = await hang.expect("Xoá Chiến sĩ thi đua cấp tỉnh năm 2024 của Phạm Ngọc Anh")
    await hang.tap("🗑 Đồng ý xoá", message=ask)
    await hang.expect("Đã xoá: Chiến sĩ thi đua cấp tỉnh năm 2024 của Phạm Ngọc Anh")
    after = await ResultsRepository(rbot.db).of_people(
        [(await rbot.services.people.by_phone(COLLEAGUE)).id])
    assert len(after) == len(before) - 1
    removed = [e for e in await audit.entries(rbot.db, entity="result")
               if e.action == "remove_result"]
    assert removed[0].details["title"] == "CSTD_TINH" and removed[0].channel == "zalo"

    # Typed decisions wait in the account's session; staff have no such flow.
    khanh = await rbot.zalo_person(STAFF)
    await khanh.send("/ghinhan pham ngoc anh")
    await khanh.expect("không có quyền")
    account = f"zalo:{khanh.id}"
    assert await SessionRepository(rbot.db).get(account) is None
