"""One person on Telegram, Zalo or both: /start says where they are linked and how to add the
other channel; linking the second keeps the first."""

from __future__ import annotations

from storage import audit
from tests.harness import BotHarness
from tests.invites.helpers import CODE, STAFF


async def test_a_telegram_user_gets_a_code_for_zalo_and_ends_up_linked_on_both(
        zbot: BotHarness):
    telegram = await zbot.person_user(STAFF)  # linked by sharing the contact
    await telegram.send("/start")
    hello = await telegram.expect("Chào mừng Trịnh Minh Khánh quay lại")
    assert "Anh/chị đã liên kết trên Telegram." in hello.plain
    assert "Zalo" in hello.plain

    await telegram.tap("🔑 Mã để liên kết Zalo", message=hello)
    assert (await telegram.expect("quay lại")).buttons == []  # the choice is taken
    given = await telegram.expect("Mã để liên kết Zalo của anh/chị")
    code = CODE.search(given.plain).group()
    assert "dùng một lần" in given.plain

    zalo = zbot.zalo.user(8401, "Khánh")
    await zalo.send(code)
    linked = await zalo.expect("Trịnh Minh Khánh")
    assert "Telegram và Zalo" in linked.plain

    person = await zbot.services.people.by_phone(STAFF)
    links = await zbot.services.links.all_of(person.id)
    assert {k.channel: k.method for k in links} == {"telegram": "contact", "zalo": "invite"}
    await zalo.send("/start")
    both = await zalo.expect("Chào mừng Trịnh Minh Khánh quay lại")
    assert "Telegram và Zalo" in both.plain
    assert zalo.options(both) == []  # nothing left to add
    await telegram.send("/start")
    assert "Telegram và Zalo" in (await telegram.expect("quay lại")).plain
    entries = await audit.entries(zbot.db, entity="person", entity_id=person.id)
    assert [e.action for e in entries if e.action.startswith("invite")] == \
        ["invite_create", "invite_redeem"]


async def test_a_zalo_user_is_told_how_to_add_telegram(zbot: BotHarness):
    zalo = await zbot.zalo_person(STAFF)  # linked with a code
    await zalo.send("/start")
    hello = await zalo.expect("Chào mừng Trịnh Minh Khánh quay lại")
    assert "Anh/chị đã liên kết trên Zalo." in hello.plain
    assert "Telegram" in hello.plain and "chia sẻ số điện thoại" in hello.plain
    await zalo.tap("🔑 Mã để liên kết Telegram")
    given = await zalo.expect("Mã để liên kết Telegram của anh/chị")
    code = CODE.search(given.plain).group()

    telegram = zbot.user(7401, "Khánh")
    await telegram.send(f"/start {code}")
    await telegram.expect("Telegram và Zalo")
    person = await zbot.services.people.by_phone(STAFF)
    assert {k.channel for k in await zbot.services.links.all_of(person.id)} == \
        {"telegram", "zalo"}


async def test_only_the_channels_the_bot_runs_on_are_offered(bot: BotHarness):
    """A bot on Telegram alone says where the person is linked, and offers no Zalo code."""
    khanh = await bot.person_user(STAFF)
    await khanh.send("/start")
    hello = await khanh.expect("quay lại")
    assert "Anh/chị đã liên kết trên Telegram." in hello.plain
    assert "Zalo" not in hello.plain and hello.buttons == []
    forged = await khanh.tap_data(hello, "iv:me:zalo")
    assert forged.text == "Nút này đã hết hiệu lực. Vui lòng dùng tin nhắn mới nhất."
    assert await bot.db.fetchall("SELECT * FROM invite_codes") == []
