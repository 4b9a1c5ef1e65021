"""A unit head asks the bot for the codes of their people who are not linked yet: a list to
confirm, then the codes (name: code) and the slips to print, on Telegram and on Zalo. Heads
see only their units; stale and forged confirmations create nothing; all of it audited."""

from __future__ import annotations

import io

from docx import Document

from app.invites import batch
from storage import audit
from tests.harness import BotHarness
from tests.invites.helpers import (
    AGENCY_HEAD,
    COLLEAGUE,
    OTHER_UNIT,
    STAFF,
    UNIT_HEAD,
    codes_in,
)

UNLINKED = ["Bùi Thúy Nga", "Phạm Ngọc Anh", "Đinh Minh Yến", "Bùi Thúy Hà"]


def slip_texts(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert document.styles["Normal"].font.name == "Times New Roman"
    (table,) = document.tables
    assert 'w:val="dashed"' in table._tbl.xml  # cut lines
    return [row.cells[0].text for row in table.rows]


async def test_a_unit_head_gets_her_peoples_codes_and_slips_on_telegram(zbot: BotHarness):
    await zbot.person_user(STAFF)  # Khánh is linked already: no code for him
    thao = await zbot.person_user(UNIT_HEAD)

    await thao.send("/mamoi")
    screen = await thao.expect("Mã mời")
    assert "Phòng Công tác Quốc hội" in screen.plain and "(4)" in screen.plain
    assert all(name in screen.plain for name in UNLINKED)
    assert "Trịnh Minh Khánh" not in screen.plain  # linked
    assert "Hồ Kim Thảo" not in screen.plain  # herself
    assert "Đinh Thúy Huyền" not in screen.plain  # another unit of the agency
    assert await zbot.db.fetchall("SELECT * FROM invite_codes") == []  # nothing yet

    await thao.tap("🔑 Tạo 4 mã", message=screen)
    await thao.expect("Đã tạo 4 mã mời")
    listed = await thao.expect("Bùi Thúy Nga:")
    codes = codes_in(listed.plain)
    assert sorted(codes) == sorted(UNLINKED)
    assert "Có hiệu lực đến" in listed.plain
    slips = await thao.expect("Phiếu mã mời")
    assert slips.document is not None and slips.document.filename.endswith(".docx")
    texts = slip_texts(slips.document.data)
    assert len(texts) == 4
    for text in texts:
        name = next(n for n in UNLINKED if n in text)
        assert codes[name] in text and "Phòng Công tác Quốc hội" in text
        assert "Zalo" in text and "Telegram" in text and "hiệu lực đến" in text

    # Handed out: Nga types hers on Zalo.
    nga = zbot.zalo.user(8501, "Nga")
    await nga.send(codes["Bùi Thúy Nga"])
    await nga.expect("Bùi Thúy Nga")

    thao_id = (await zbot.services.people.by_phone(UNIT_HEAD)).id
    requests = [e for e in await audit.entries(zbot.db, entity="invites")
                if e.action == "invite_batch"]
    assert len(requests) == 1 and requests[0].actor_person_id == thao_id
    assert requests[0].details["people"] == 4


async def test_asking_again_replaces_the_codes_not_handed_out_yet(zbot: BotHarness):
    thao = await zbot.person_user(UNIT_HEAD)
    await thao.send("/mamoi")
    await thao.tap("🔑 Tạo 5 mã", message=await thao.expect("Mã mời"))
    await thao.expect("Đã tạo 5 mã mời")
    first = codes_in((await thao.expect("Trịnh Minh Khánh:")).plain)
    await thao.expect("Phiếu mã mời")

    await thao.send("/mamoi")
    again = await thao.expect("Mã mời")
    assert "mã mới sẽ thay mã cũ" in again.plain
    await thao.tap("🔑 Tạo 5 mã", message=again)
    await thao.expect("Đã tạo 5 mã mời")
    second = await thao.expect("Trịnh Minh Khánh:")
    assert "Đã huỷ 5 mã cũ chưa dùng" in second.plain
    khanh = zbot.zalo.user(8502, "Khánh")
    await khanh.send(first["Trịnh Minh Khánh"])
    await khanh.expect("đã được thay bằng mã mới")
    await khanh.send(codes_in(second.plain)["Trịnh Minh Khánh"])
    await khanh.expect("Trịnh Minh Khánh")


async def test_stale_and_forged_confirmations_create_nothing(zbot: BotHarness):
    thao = await zbot.person_user(UNIT_HEAD)
    await thao.send("/mamoi")
    screen = await thao.expect("Mã mời")
    assert "(5)" in screen.plain

    # Someone links in the meantime: the confirmation is for a list that no longer is.
    await zbot.person_user(COLLEAGUE)
    answer = await thao.tap("🔑 Tạo 5 mã", message=screen)
    assert "Danh sách đã thay đổi" in (answer.text or "")
    fresh = await thao.expect("(4)")
    assert "Phạm Ngọc Anh" not in fresh.plain
    assert await zbot.db.fetchall("SELECT * FROM invite_codes") == []

    # A unit she does not head, with that unit's true fingerprint.
    tree = await zbot.services.orgs.tree()
    other = await zbot.services.people.by_phone(OTHER_UNIT)
    selection = await batch.select(zbot.services, tree, {other.org_id})
    data = f"iv:go:{other.org_id}:{batch.version(selection.candidates)}"
    answer = await thao.tap_data(fresh, data)
    assert "Danh sách đã thay đổi" in (answer.text or "")
    assert await zbot.db.fetchall("SELECT * FROM invite_codes") == []

    # Not a head at all.
    khanh = await zbot.person_user(STAFF)
    await khanh.send("/mamoi")
    await khanh.expect("Anh/chị không có quyền")
    answer = await khanh.tap_data(await _help(khanh), f"iv:go:0:{data.rsplit(':', 1)[1]}")
    assert "không có quyền" in (answer.text or "")
    assert await zbot.db.fetchall("SELECT * FROM invite_codes") == []


async def test_an_agency_head_chooses_a_unit(zbot: BotHarness):
    long = await zbot.person_user(AGENCY_HEAD)
    await long.send("/invites")
    screen = await long.expect("Mã mời")
    labels = screen.button_texts()
    assert any(label.startswith("🔑 Phòng Công tác HĐND") for label in labels)
    assert any(label.startswith("🔑 Tất cả") for label in labels)
    await long.tap("Phòng Công tác HĐND", message=screen)
    await long.expect("Đã tạo 7 mã mời")
    listed = await long.expect("Đinh Thúy Huyền:")
    assert "Phòng Công tác Quốc hội" not in listed.plain and len(codes_in(listed.plain)) == 7


async def test_a_unit_head_on_zalo_gets_the_codes_and_a_link_to_the_slips(zbot: BotHarness):
    thao = await zbot.zalo_person(UNIT_HEAD)
    await thao.send("ma moi")  # no slash, no diacritics
    screen = await thao.expect("Mã mời")
    assert "1. 🔑 Tạo 5 mã" in screen.plain
    await thao.tap("🔑 Tạo 5 mã")
    made = await thao.expect("Đã tạo 5 mã mời")  # the codes follow in the same message
    assert "Trịnh Minh Khánh:" in made.plain
    codes = codes_in(made.plain)
    assert len(codes) == 5
    file = await thao.expect("Phiếu mã mời")
    (url,) = file.links
    got = await thao.open_link(url)
    assert got.status == 200 and got.filename.endswith(".docx")
    texts = slip_texts(got.data)
    assert any(codes["Trịnh Minh Khánh"] in t and "Trịnh Minh Khánh" in t for t in texts)


async def _help(user):  # type: ignore[no-untyped-def]
    await user.send("/help")
    return await user.expect()
