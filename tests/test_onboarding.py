"""Linking a Telegram account to the roster: by contact, by invite code, and the refusals."""

from __future__ import annotations

from datetime import timedelta

from storage import audit
from storage.audit import AuditContext
from tests.harness import BotHarness

# From the sample roster: an agency head, a unit head and a staff member.
AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Chánh Văn phòng, Văn phòng Đoàn ĐBQH và HĐND tỉnh
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, Trưởng phòng Công tác Quốc hội
STAFF = "0935722539"  # Trịnh Minh Khánh, Nhân viên, Phòng Công tác Quốc hội


async def test_staff_member_links_by_sharing_own_contact(bot: BotHarness):
    khanh = bot.user(7001, "Khánh", last_name="Trịnh Minh", phone=STAFF)

    await khanh.send("/start")
    ask = await khanh.expect("chia sẻ số điện thoại")
    assert ask.keyboard and ask.keyboard[0][0].request_contact

    await khanh.share_contact()
    hello = await khanh.expect("Trịnh Minh Khánh")
    assert "Văn phòng Đoàn ĐBQH và HĐND tỉnh" in hello.plain
    assert "Phòng Công tác Quốc hội" in hello.plain
    assert "Cán bộ, công chức, viên chức" in hello.plain
    assert "/help" in hello.plain
    assert hello.remove_keyboard
    await khanh.expect("Việc đang mở cho anh/chị")  # its own message: it has choices

    person = await bot.services.people.by_phone(STAFF)
    link = await bot.services.links.for_person(person.id)
    assert link is not None and link.user_id == "7001" and link.method == "contact"
    logged = await audit.entries(bot.db, entity="person", entity_id=person.id)
    assert any(e.action == "link" and e.chat_id == 7001 for e in logged)

    await khanh.send("/start")
    await khanh.expect("Chào mừng Trịnh Minh Khánh quay lại")


async def test_contact_with_international_prefix_matches_the_roster(bot: BotHarness):
    thao = bot.user(7002, "Thảo", phone="+84 939 363 303")
    await thao.send("/start")
    await thao.expect("chia sẻ số điện thoại")
    await thao.share_contact()
    hello = await thao.expect("Hồ Kim Thảo")
    assert "Trưởng đơn vị" in hello.plain
    await thao.expect("Việc đang mở cho anh/chị")


async def test_someone_elses_contact_is_refused_and_links_nothing(bot: BotHarness):
    mallory = bot.user(7003, "Mallory", phone="0900000001")
    await mallory.send("/start")
    await mallory.expect("chia sẻ số điện thoại")

    # A contact card of a roster person, but not Mallory's own: proves nothing.
    await mallory.share_contact(phone=AGENCY_HEAD, user_id=None)
    await mallory.expect("số điện thoại của chính anh/chị")
    await mallory.share_contact(phone=AGENCY_HEAD, user_id=7999)
    await mallory.expect("số điện thoại của chính anh/chị")

    assert await bot.services.links.by_account("telegram", 7003) is None
    await mallory.send("/help")
    refused = await mallory.expect("chưa được liên kết")
    assert "/summary" not in refused.plain


async def test_unknown_phone_gets_a_polite_refusal_and_nothing_else(bot: BotHarness):
    stranger = bot.user(7004, "Khách", phone="0987000111")
    await stranger.send("/start")
    await stranger.expect("chia sẻ số điện thoại")
    await stranger.share_contact()
    refusal = await stranger.expect("không có trong danh sách cán bộ")
    assert refusal.remove_keyboard
    await stranger.expect_silence(0.3)
    assert await bot.services.links.by_account("telegram", 7004) is None

    await stranger.send("/register")
    await stranger.expect("chưa được liên kết")


async def test_invite_code_links_once_and_only_before_it_expires(bot: BotHarness):
    head = await bot.services.people.by_phone(AGENCY_HEAD)
    code = await bot.services.invites.create(head, timedelta(days=3), AuditContext.cli())

    long = bot.user(7005, "Long", last_name="Hầu Tiến")  # no phone shared at all
    await long.send(f"/start {code}")
    hello = await long.expect("Hầu Tiến Long")
    assert "Thủ trưởng cơ quan" in hello.plain
    link = await bot.services.links.by_account("telegram", 7005)
    assert link is not None and link[1].method == "invite"

    thief = bot.user(7006, "Thief")
    await thief.send(f"/start {code}")
    await thief.expect("đã được sử dụng")
    assert await bot.services.links.by_account("telegram", 7006) is None

    staff = await bot.services.people.by_phone(STAFF)
    expired = await bot.services.invites.create(staff, timedelta(seconds=-1), AuditContext.cli())
    late = bot.user(7007, "Late")
    await late.send(expired)  # typing the code also works
    await late.expect("đã hết hạn")
    assert await bot.services.links.by_account("telegram", 7007) is None

    guess = bot.user(7008, "Guess")
    await guess.send("/start AAAAAAAAAAAAAAAA")
    await guess.expect("không hợp lệ")


async def test_start_in_a_group_asks_for_a_private_chat(bot: BotHarness):
    group = bot.emu.group(-100777, "Nhóm cơ quan")
    member = bot.user(7009, "Member")
    await group.send(member, "/start")
    await group.expect("nhắn tin riêng")


async def test_english_after_choosing_it_with_language(bot: BotHarness):
    khanh = await bot.person_user(STAFF)
    await khanh.send("/language")
    await khanh.expect("Chọn ngôn ngữ")
    await khanh.tap("English")
    await khanh.expect("Language set to English.")
    await khanh.send("/help")
    help_text = await khanh.expect("Commands you can use")
    assert "/language" in help_text.plain

    await khanh.send("/ngonngu")
    await khanh.expect("Choose your language")
    await khanh.tap("Tiếng Việt")
    await khanh.expect("Đã chuyển sang tiếng Việt")


async def test_help_lists_the_commands_of_the_role(bot: BotHarness):
    khanh = await bot.person_user(STAFF)
    await khanh.send("/help")
    staff_help = await khanh.expect("Các lệnh anh/chị có thể dùng")
    assert "/language" in staff_help.plain

    stranger = bot.user(7010, "Stranger")
    await stranger.send("/help")
    stranger_help = await stranger.expect("chưa được liên kết")
    assert "/start" in stranger_help.plain and "/language" in stranger_help.plain


async def test_commands_are_published_per_scope_and_language(bot: BotHarness):
    scopes = {key for key in bot.emu.commands}
    languages = {language for _, language in scopes}
    assert {"vi", "en"} <= languages
    private_vi = next(cmds for (scope, lang), cmds in bot.emu.commands.items()
                      if '"all_private_chats"' in scope and lang == "vi")
    assert any(c["command"] == "start" for c in private_vi)
    assert all(c["description"] for c in private_vi)
