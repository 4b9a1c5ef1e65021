"""/lichsu: a person's own titles by year, a head's unit, the secretariat's search; on
Telegram and on Zalo, and never anyone outside the asker's scope."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.results.helpers import (
    AGENCY_HEAD,
    COLLEAGUE,
    NOBODY,
    OUTSIDER,
    SECRETARIAT,
    STAFF,
    UNIT_HEAD,
)


async def test_a_person_sees_their_own_titles_year_by_year_on_telegram(rbot: BotHarness):
    khanh = await rbot.person_user(STAFF)
    await khanh.send("/lichsu")
    history = await khanh.expect("Lịch sử thi đua, khen thưởng")
    text = history.plain
    assert "Cá nhân: Trịnh Minh Khánh (Phòng Công tác Quốc hội" in text
    assert text.index("2024") < text.index("2023") < text.index("2022") < text.index("2021")
    assert "Chiến sĩ thi đua cấp tỉnh: Quyết định số 3150/QĐ-UBND ngày 27/12/2024, Chủ tịch " \
        "UBND tỉnh (sáng kiến: Số hoá hồ sơ trình kỳ họp HĐND tỉnh)" in text
    assert "Chiến sĩ thi đua cơ sở: Quyết định số 45/QĐ-VPĐĐBQH ngày 20/12/2023" in text
    assert "Phạm Ngọc Anh" not in text  # a colleague's history is not a staff member's to see

    # Someone with nothing on record is told so; a name typed by staff searches nothing.
    nga = await rbot.person_user(NOBODY)
    await nga.send("/history Phạm Ngọc Anh")
    empty = await nga.expect("Lịch sử thi đua, khen thưởng")
    assert "Chưa có danh hiệu, hình thức khen thưởng nào được ghi nhận." in empty.plain
    assert "Phạm Ngọc Anh" not in empty.plain


async def test_a_head_sees_the_unit_and_looks_up_its_people_on_zalo(rbot: BotHarness):
    thao = await rbot.zalo_person(UNIT_HEAD)
    await thao.send("/lichsu")
    own = await thao.expect("Lịch sử thi đua, khen thưởng")
    assert "Cá nhân: Hồ Kim Thảo" in own.plain
    await thao.tap("👥 Phòng Công tác Quốc hội", message=own)
    unit = await thao.expect("Tập thể: Phòng Công tác Quốc hội")
    assert "Tập thể lao động xuất sắc" in unit.plain  # the unit's own title of 2024
    assert "Trịnh Minh Khánh: Chiến sĩ thi đua cơ sở, Lao động tiên tiến, Chiến sĩ thi đua " \
        "cấp tỉnh" in unit.plain
    assert "Đỗ Đức Thắng" not in unit.plain  # Sở Nội vụ

    await thao.send("lich su pham ngoc anh")  # the command typed as words, no diacritics
    anh = await thao.expect("Cá nhân: Phạm Ngọc Anh")
    assert "Chiến sĩ thi đua cấp tỉnh" in anh.plain
    await thao.send(f"/lichsu {OUTSIDER[:0]}do duc thang")  # another agency's person
    await thao.expect("Không tìm thấy ai khớp với “do duc thang”")


async def test_the_secretariat_searches_anyone_in_scope_without_diacritics(rbot: BotHarness):
    hang = await rbot.person_user(SECRETARIAT)
    await rbot.person_user(AGENCY_HEAD)
    await hang.send("/lichsu")
    await hang.expect("Lịch sử thi đua, khen thưởng")  # her own
    await hang.expect("/lichsu")  # how to look someone up
    await hang.send("/lichsu PHAM NGOC")
    found = await hang.expect("Kết quả tra cứu “PHAM NGOC”")
    assert found.has_button("Phạm Ngọc Anh – Phòng Công tác Quốc hội")
    assert found.has_button("Phạm Ngọc Ngọc – Văn phòng Sở")
    await hang.tap("Phạm Ngọc Anh – Phòng Công tác Quốc hội")
    history = await hang.expect("Cá nhân: Phạm Ngọc Anh")
    assert history.has_button("✏️ Ghi nhận, sửa kết quả")

    # The group chat of the secretariat searches too (no correction from a group).
    group = rbot.secretariat_chat()
    clerk = rbot.user(8201, "Thư ký")
    await group.send(clerk, "/lichsu trinh minh khanh")
    shown = await group.expect("Cá nhân: Trịnh Minh Khánh")
    assert not shown.buttons

    # A forged choice for someone (or a unit) out of a staff member's sight: expired.
    khanh = await rbot.person_user(STAFF)
    await khanh.send("/lichsu")
    mine = await khanh.expect("Lịch sử")
    colleague = await rbot.services.people.by_phone(COLLEAGUE)
    answer = await khanh.tap_data(mine, f"lh:p:{colleague.id}")
    assert "hết hiệu lực" in answer.text
    answer = await khanh.tap_data(mine, f"lh:o:{colleague.org_id}")
    assert "hết hiệu lực" in answer.text
