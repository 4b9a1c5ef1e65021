"""Unit heads register their unit, agency heads their agency; nobody registers for others."""

from __future__ import annotations

from app.imports.registrations import apply_import
from domain.registration_import import parse_registration_file
from domain.subjects import Subject
from storage.audit import AuditContext
from storage.drafts import DraftRepository
from storage.registrations import RegistrationRepository
from tests.harness import BLOC, SAMPLE_ROSTER, BotHarness
from tests.registration.helpers import (
    AGENCY,
    AGENCY_HEAD,
    OTHER_UNIT_HEAD,
    STAFF,
    UNIT,
    UNIT_HEAD,
    open_window,
    tick_and_continue,
    today,
)


async def _org(bot: BotHarness, name: str) -> int:
    tree = await bot.services.orgs.tree()
    return next(u.id for u in tree.walk() if u.name == name)


async def _members_register(bot: BotHarness, year: int, *rows: str) -> None:
    """Registrations of the unit's members (full name, phone, title), as the import enters."""
    lines = "".join(f"{year},{AGENCY},{UNIT},{row}\n" for row in rows)
    file = parse_registration_file(
        ("year,agency,unit,full_name,phone,title\n" + lines).encode(), "members.csv")
    plan = await apply_import(bot.db, file, AuditContext.cli())
    assert plan.ok, plan.problems


async def test_unit_head_registers_ttldxs_for_the_unit(bot: BotHarness):
    year = today(bot).year
    await open_window(bot)
    # One member of six has registered Chiến sĩ thi đua cơ sở (so Lao động tiên tiến too).
    await _members_register(bot, year, f"Trịnh Minh Khánh,{STAFF},CSTDCS")
    thao = await bot.person_user(UNIT_HEAD)

    await thao.send("/tapthe")
    titles = await thao.expect(f"Đăng ký thi đua năm {year}")
    assert f"Đơn vị: {UNIT} ({AGENCY})" in titles.plain
    assert titles.has_button("☐ Tập thể lao động xuất sắc")
    assert not titles.has_button("Cờ thi đua của Chính phủ")  # an agency's flag
    # The provincial flag goes to a bloc's leading member agency, not to a unit.
    assert not titles.has_button("☐ Cờ thi đua của UBND tỉnh")
    assert not titles.has_button("☐ Lao động tiên tiến")  # an individual title
    await tick_and_continue(thao, "Tập thể lao động xuất sắc")

    # The collective's own rating (Điều 27, 28) is asked first.
    rating = await thao.expect("Câu hỏi 1/5")
    assert "Mức hoàn thành nhiệm vụ tập thể phấn đấu đạt trong năm" in rating.plain
    await thao.tap("Hoàn thành xuất sắc nhiệm vụ")
    share = await thao.expect("Câu hỏi 2/5")
    assert "1/6 người (16%) đăng ký Lao động tiên tiến" in share.plain
    await thao.send("85")
    await thao.expect("Câu hỏi 3/5")  # anyone disciplined?
    await thao.tap("Không")
    await thao.expect("Câu hỏi 4/5")
    await thao.tap("Có")
    cstdcs = await thao.expect("Câu hỏi 5/5")
    assert "1 người đăng ký Chiến sĩ thi đua cơ sở" in cstdcs.plain
    await thao.tap("Không")  # no member registers CSTDCS: a warning, not a block
    review = await thao.expect("Xem lại")
    assert "• Tập thể lao động xuất sắc\n• Tập thể lao động tiên tiến (kèm theo)" in review.plain
    assert "⚠️ Tập thể lao động xuất sắc cần có cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở" \
        in review.plain
    # Both self-declared figures contradict the members' registrations.
    assert "khai 85% thành viên đạt Lao động tiên tiến, nhưng theo đăng ký của các thành " \
        "viên hiện mới có 16% (1/6 người)" in review.plain
    assert "(khoản 1 Điều 28 Luật Thi đua, khen thưởng)" in review.plain
    assert "đã có 1 thành viên đăng ký danh hiệu này" in review.plain
    await thao.tap("✅ Xác nhận")
    await thao.expect("Xem lại")
    done = await thao.expect("Đã lưu đăng ký thi đua")
    assert "Số tham chiếu" in done.plain

    unit = Subject.of_org((await bot.services.orgs.tree()).get(await _org(bot, UNIT)))
    registration = await RegistrationRepository(bot.db).current(year, unit)
    assert registration.titles == {"TTLDXS"} and registration.implied == {"TTLDTT"}
    assert registration.answers == {"collective_rating": "excellent", "members_ldtt_percent": 85,
                                    "disciplined_members": False, "all_members_complete": True,
                                    "has_cstdcs_member": False}
    person = await bot.services.people.by_phone(UNIT_HEAD)
    assert registration.actor_person_id == person.id

    await thao.send("/cuatoi")
    status = await thao.expect("của anh/chị")
    assert f"✅ {UNIT}: Tập thể lao động xuất sắc" in status.plain


async def test_every_member_agency_registers_the_flag_without_a_warning(bot: BotHarness):
    """Registering Cờ thi đua của UBND tỉnh commits to compete for it: the bloc's one-flag
    limit belongs to its year-end proposal, so a second agency is not warned."""
    year = today(bot).year
    await open_window(bot)
    # Another agency of the bloc already registered the provincial flag for this year.
    other = parse_registration_file(
        f"year,agency,unit,full_name,phone,title\n{year},Sở Nội vụ,,,,CO_TINH\n".encode(), "x.csv")
    await apply_import(bot.db, other, AuditContext.cli())

    long = await bot.person_user(AGENCY_HEAD)
    await long.send("/tapthe")
    titles = await long.expect("Chọn danh hiệu")
    assert f"Cơ quan: {AGENCY} ({BLOC})" in titles.plain
    assert titles.has_button("☐ Cờ thi đua của Chính phủ")
    await tick_and_continue(long, "Cờ thi đua của UBND tỉnh")
    await long.expect("Câu hỏi 1/1")
    await long.send("Dẫn đầu Khối trong triển khai chuyển đổi số và cải cách hành chính")
    review = await long.expect("Xem lại")
    assert "⚠️" not in review.plain and "tối đa" not in review.plain
    await long.tap("✅ Xác nhận")
    await long.expect("Xem lại")
    await long.expect("Số tham chiếu")
    agency = Subject.of_org((await bot.services.orgs.tree()).get(await _org(bot, AGENCY)))
    registration = await RegistrationRepository(bot.db).current(year, agency)
    assert registration.is_confirmed and registration.titles == {"CO_TINH"}


async def test_an_agency_head_is_told_its_own_ttldtt_is_decided_above_it(bot: BotHarness):
    await open_window(bot)
    long = await bot.person_user(AGENCY_HEAD)
    await long.send("/tapthe")
    await long.expect("Chọn danh hiệu")
    await tick_and_continue(long, "Tập thể lao động tiên tiến")
    await long.expect("Câu hỏi 1/3")
    await long.tap("Hoàn thành tốt nhiệm vụ")
    await long.expect("Câu hỏi 2/3")
    await long.send("75")
    await long.expect("Câu hỏi 3/3")
    await long.tap("Không")
    review = await long.expect("Xem lại")
    assert "ℹ️ Thủ trưởng cơ quan quyết định Tập thể lao động tiên tiến và Giấy khen cho tập " \
        "thể, cá nhân thuộc cơ quan, không cho chính cơ quan mình" in review.plain
    assert "(khoản 1 Điều 80 Luật Thi đua, khen thưởng)" in review.plain


async def test_staff_cannot_register_a_collective(bot: BotHarness):
    await open_window(bot)
    khanh = await bot.person_user(STAFF)
    await khanh.send("/tapthe")
    refusal = await khanh.expect("trưởng đơn vị")
    assert "/dangky" in refusal.plain
    await khanh.send("/collective")
    await khanh.expect("thủ trưởng cơ quan")


async def test_a_head_cannot_register_for_a_unit_that_is_not_theirs(bot: BotHarness):
    year = today(bot).year
    await open_window(bot)
    thao = await bot.person_user(UNIT_HEAD)
    await thao.send("/tapthe")
    await thao.expect("Chọn danh hiệu")
    unit = Subject.of_org((await bot.services.orgs.tree()).get(await _org(bot, UNIT)))
    draft = await DraftRepository(bot.db).draft(year, unit)

    phuong = await bot.person_user(OTHER_UNIT_HEAD)  # heads Phòng Công tác HĐND
    await phuong.send("/tapthe")
    own = await phuong.expect("Đơn vị: Phòng Công tác HĐND")
    picked = await phuong.tap_data(own, f"rg:s:{unit.org_id}")
    assert "hết hiệu lực" in picked.text
    ticked = await phuong.tap_data(own, f"rg:t:{draft.id}:{draft.version}:5")
    assert "không có quyền" in ticked.text
    assert await DraftRepository(bot.db).draft(year, unit) == draft


async def test_a_head_of_several_units_picks_which(bot: BotHarness, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        SAMPLE_ROSTER.read_text(encoding="utf-8")
        + f"{AGENCY},Phòng Công tác HĐND,Hồ Kim Thảo,Trưởng phòng,có,unit_head,{UNIT_HEAD}\n",
        encoding="utf-8",
    )
    await bot.import_roster(roster)
    await open_window(bot)
    thao = await bot.person_user(UNIT_HEAD)
    await thao.send("/tapthe")
    pick = await thao.expect("Anh/chị đăng ký cho tập thể nào?")
    assert pick.button_texts() == [f"▫️ {UNIT}", "▫️ Phòng Công tác HĐND"]
    await thao.tap("Phòng Công tác HĐND")  # the list becomes the unit's titles
    titles = await thao.expect("Chọn danh hiệu")
    assert titles.message_id == pick.message_id and "Phòng Công tác HĐND" in titles.plain
    assert "Đơn vị: Phòng Công tác HĐND" in titles.plain

    await thao.send("/tapthe")
    again = await thao.expect("Anh/chị đăng ký cho tập thể nào?")
    assert again.button_texts() == [f"▫️ {UNIT}", "📝 Phòng Công tác HĐND"]


async def test_reminder_buttons_open_the_conversations(bot: BotHarness):
    await open_window(bot)
    thao = await bot.person_user(UNIT_HEAD)
    greeting = thao.messages[-1]  # any bot message: reminders carry these buttons
    await thao.tap_data(greeting, "open:register")
    titles = await thao.expect("Chọn danh hiệu")
    assert "Cá nhân: Hồ Kim Thảo" in titles.plain
    await thao.tap_data(greeting, "open:collective")
    titles = await thao.expect("Chọn danh hiệu")
    assert f"Đơn vị: {UNIT}" in titles.plain

    khanh = await bot.person_user(STAFF)
    refused = await khanh.tap_data(khanh.messages[-1], "open:collective")
    assert refused.text is None  # the query is answered; the refusal comes as a message
    await khanh.expect("trưởng đơn vị")


async def test_two_heads_of_one_unit_never_overwrite_each_other(bot: BotHarness, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        SAMPLE_ROSTER.read_text(encoding="utf-8")  # Bùi Thúy Nga becomes a second head
        .replace(f"{AGENCY},{UNIT},Bùi Thúy Nga,Phó Trưởng phòng,có,staff,",
                 f"{AGENCY},{UNIT},Bùi Thúy Nga,Phó Trưởng phòng,có,unit_head,"),
        encoding="utf-8",
    )
    await bot.import_roster(roster)
    year = today(bot).year
    await open_window(bot)
    thao = await bot.person_user(UNIT_HEAD)
    nga = await bot.person_user("0979159337")
    await thao.send("/tapthe")
    await thao.expect("Chọn danh hiệu")
    await tick_and_continue(thao, "Tập thể lao động tiên tiến")
    await thao.expect("Câu hỏi 1/3")
    await thao.tap("Hoàn thành tốt nhiệm vụ")
    await thao.expect("Câu hỏi 2/3")

    await nga.send("/tapthe")  # the same unit's draft, carried on where Thảo stopped
    await nga.expect("đang soạn dở")
    await nga.send("90")
    await nga.expect("Câu hỏi 3/3")

    await thao.send("75")  # typed against a screen that is no longer current
    stale = await thao.expect("vừa được thay đổi ở nơi khác")
    assert "Câu hỏi 3/3" in stale.plain
    unit = Subject.of_org((await bot.services.orgs.tree()).get(await _org(bot, UNIT)))
    draft = await DraftRepository(bot.db).draft(year, unit)
    assert draft.answers == {"collective_rating": "good", "members_ldtt_percent": 90}
    await thao.tap("Không")
    await thao.expect("Xem lại")
    assert (await DraftRepository(bot.db).draft(year, unit)).answers == \
        {"collective_rating": "good", "members_ldtt_percent": 90, "disciplined_members": False}
