"""A choice typed by its label on Zalo: as shown (ticks and emoji included, as people copy it)
or typed back without them and without diacritics."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.zalo.test_features import STAFF


async def test_a_label_typed_as_shown_picks_its_choice(zbot: BotHarness):
    khanh = await zbot.zalo_person(STAFF)
    await khanh.send("/ngonngu")
    await khanh.expect("Chọn ngôn ngữ")
    await khanh.send("🇬🇧 English")  # copied from the list, flag included
    await khanh.expect("English")
    await khanh.send("/ngonngu")
    await khanh.expect()
    await khanh.send("tieng viet")  # typed back: no flag, no diacritics
    await khanh.expect("tiếng Việt")


async def test_a_ticked_label_typed_as_shown_ticks_it(zbot: BotHarness):
    khanh = await zbot.zalo_person(STAFF)
    await khanh.send("/dangky")
    await khanh.expect("☐ Lao động tiên tiến")
    await khanh.send("☐ Lao động tiên tiến")
    await khanh.expect("☑ Lao động tiên tiến")


async def test_a_number_after_a_newer_screen_without_a_list_is_asked_again(zbot: BotHarness):
    """The language list, then the help (a screen without a list): a '2' typed now was read
    from the older list; it is asked again, never applied."""
    khanh = await zbot.zalo_person(STAFF)
    await khanh.send("/ngonngu")
    await khanh.expect("Chọn ngôn ngữ")
    await khanh.send("/trogiup")
    await khanh.expect("/dangky")
    await khanh.send("2")
    await khanh.expect("danh sách cũ")
    assert await zbot.services.account_settings.locale(f"zalo:{khanh.id}") is None
