"""/sangkien: the initiatives register, what rests on each initiative, and an initiative used
for a second title flagged; authors outside the reader's scope counted, not named."""

from __future__ import annotations

from datetime import date

from domain.subjects import Subject
from storage.audit import AuditContext
from storage.registrations import store_registration
from tests.harness import BotHarness
from tests.results.helpers import SECRETARIAT, STAFF

NOTEBOOK = "Sổ tay điện tử phục vụ đại biểu HĐND tỉnh"


async def test_a_person_sees_their_initiatives_and_a_second_use_is_flagged(rbot: BotHarness):
    khanh = await rbot.person_user(STAFF)
    await khanh.send("/sangkien")
    mine = await khanh.expect("Sáng kiến, đề tài của anh/chị")
    text = mine.plain
    assert "Số hoá hồ sơ trình kỳ họp HĐND tỉnh (sáng kiến, cấp tỉnh, năm 2024)" in text
    assert "Tác giả: Trịnh Minh Khánh, 1 tác giả khác" in text  # a colleague: not his to see
    assert "Làm căn cứ cho: Chiến sĩ thi đua cấp tỉnh 2024 (kết quả)" in text
    assert f"{NOTEBOOK} (sáng kiến, cấp cơ sở, năm 2023)" in text
    assert "Đã dùng cho hơn một danh hiệu" not in text

    # He names the 2023 initiative again for this year's CSTĐ tỉnh: flagged in the register.
    year = date.today().year
    person = await rbot.services.people.by_phone(STAFF)
    async with rbot.db.transaction() as conn:
        await store_registration(
            conn, year=year, subject=Subject.of_person(person), ticked={"CSTD_TINH"},
            implied=set(), answers={"cstd_ground": "initiative",
                                    "cstd_initiative_title": NOTEBOOK},
            source="import", actor_person_id=None, who=AuditContext.cli())
    await khanh.send("/sangkien")
    again = await khanh.expect("Sáng kiến, đề tài của anh/chị")
    block = again.plain.split(NOTEBOOK)[1]
    assert (f"Làm căn cứ cho: Chiến sĩ thi đua cơ sở 2023 (kết quả); Chiến sĩ thi đua cấp tỉnh "
            f"{year} (đăng ký)") in block
    assert "⚠️ Đã dùng cho hơn một danh hiệu hoặc năm" in block
    assert "(căn cứ: điểm c tiểu mục 5 Mục III Công văn số 5007/BNV-TĐKT)" in block


async def test_the_secretariat_searches_the_register_on_zalo(rbot: BotHarness):
    hang = await rbot.zalo_person(SECRETARIAT)
    await hang.send("sang kien so hoa")
    found = await hang.expect("Sáng kiến, đề tài khớp với “so hoa”")
    assert "Tác giả: Phạm Ngọc Anh, Trịnh Minh Khánh" in found.plain
    await hang.send("/sangkien khong co sang kien nao nhu the")
    await hang.expect("Không có sáng kiến, đề tài nào khớp")
