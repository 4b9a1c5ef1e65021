"""Every kind of update the users produce is Telegram-shaped: PTB parses it and finds no
unknown fields (PTB puts those in `api_kwargs`)."""

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, TelegramObject, Update

from emulator import BotApiEmulator


@pytest.fixture
async def emu():
    async with BotApiEmulator() as emu:
        yield emu


@pytest.fixture
async def bot(emu):
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as bot:
        yield bot


def assert_known_fields(obj: object, path: str = "update") -> None:
    """No object in the tree carries fields PTB does not know."""
    if isinstance(obj, TelegramObject):
        assert not obj.api_kwargs, f"{path} has unknown fields {obj.api_kwargs}"
        slots = {name for cls in type(obj).__mro__ for name in getattr(cls, "__slots__", ())}
        for name in sorted(slots - {"_bot", "_frozen", "api_kwargs", "_id_attrs"}):
            assert_known_fields(getattr(obj, name, None), f"{path}.{name}")
    elif isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            assert_known_fields(item, f"{path}[{index}]")


async def fetch_one(bot: Bot) -> Update:
    (update,) = await bot.get_updates(timeout=2)
    await bot.get_updates(offset=update.update_id + 1)  # confirm it
    assert_known_fields(update)
    return update


async def test_text_command_and_group_messages_parse(emu, bot):
    alice = emu.user(1001, "Lan", last_name="Nguyễn", username="lan_ng", language_code="vi")
    await alice.send("/start abc123")
    update = await fetch_one(bot)
    message = update.message
    assert message.text == "/start abc123" and message.chat.type == "private"
    assert message.from_user.id == 1001 and message.from_user.last_name == "Nguyễn"
    assert message.chat.id == 1001 and message.chat.username == "lan_ng"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6
    assert message.parse_entities() == {message.entities[0]: "/start"}

    group = emu.group(-100123, "Văn phòng – TĐKT")
    await group.send(alice, "/summary@thidua_test_bot")
    update = await fetch_one(bot)
    assert (
        update.message.chat.type == "supergroup" and update.message.chat.title == "Văn phòng – TĐKT"
    )
    assert update.message.entities[0].length == len("/summary@thidua_test_bot")
    assert update.update_id > 1


async def test_contact_cards_parse(emu, bot):
    alice = emu.user(1001, "Lan", last_name="Nguyễn", phone="0912345678")
    await alice.share_contact()
    own = (await fetch_one(bot)).message.contact
    assert (own.phone_number, own.first_name, own.last_name, own.user_id) == (
        "0912345678",
        "Lan",
        "Nguyễn",
        1001,
    )
    await alice.share_contact(phone="0987654321")
    foreign = (await fetch_one(bot)).message.contact
    assert foreign.phone_number == "0987654321" and foreign.user_id is None


async def test_document_photo_and_edit_parse(emu, bot):
    alice = emu.user(1001, "Lan")
    await alice.send_document("roster.csv", b"a,b\n", mime_type="text/csv", caption="Danh sách")
    message = (await fetch_one(bot)).message
    assert message.document.file_name == "roster.csv" and message.document.mime_type == "text/csv"
    assert message.document.file_size == 4 and message.caption == "Danh sách"
    assert message.document.file_id and message.document.file_unique_id

    await alice.send_photo(b"jpeg")
    assert (await fetch_one(bot)).message.photo[-1].file_size == 4

    sent = await alice.send("8h")
    await fetch_one(bot)
    await alice.edit(sent, "9h")
    edited = (await fetch_one(bot)).edited_message
    assert edited.text == "9h" and edited.message_id == sent["message_id"] and edited.edit_date


async def test_callback_query_parses_and_tap_returns_the_answer(emu, bot):
    alice = emu.user(1001, "Lan")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Lưu", callback_data="reg:save:1")]])
    await bot.send_message(1001, "<b>Xác nhận</b>", parse_mode="HTML", reply_markup=markup)
    tap = asyncio.create_task(alice.tap("Lưu"))
    query = (await fetch_one(bot)).callback_query
    assert query.data == "reg:save:1" and query.from_user.id == 1001 and query.chat_instance
    assert query.message.text == "Xác nhận" and query.message.from_user.is_bot
    assert query.message.reply_markup.inline_keyboard[0][0].callback_data == "reg:save:1"
    await bot.answer_callback_query(query.id, "Đã lưu", show_alert=True)
    answer = await tap
    assert answer.text == "Đã lưu" and answer.show_alert


async def test_block_and_unblock_parse_as_my_chat_member(emu, bot):
    alice = emu.user(1001, "Lan")
    alice.block_bot()
    update = await fetch_one(bot)
    member = update.my_chat_member
    assert member.new_chat_member.status == "kicked" and member.new_chat_member.user.is_bot
    assert member.from_user.id == 1001


async def test_method_results_parse_without_unknown_fields(emu, bot):
    emu.user(1001, "Lan")
    group = emu.group(-100123, "Văn phòng")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(1001, "<b>x</b> y", parse_mode="HTML", reply_markup=markup)
    replied = await bot.send_message(1001, "z", reply_to_message_id=sent.message_id)
    assert replied.reply_to_message.message_id == sent.message_id
    edited = await bot.edit_message_text("w", 1001, sent.message_id)
    document = await bot.send_document(1001, b"abc", filename="a.txt", caption="c")
    photo = await bot.send_photo(1001, b"jpeg")
    for result in (
        sent, replied, edited, document, photo,
        await bot.get_chat(1001), await bot.get_chat(group.chat_id),
        await bot.get_chat_member(group.chat_id, 1001), await bot.get_me(),
        await bot.get_file(document.document.file_id), await bot.get_webhook_info(),
    ):  # fmt: skip
        assert_known_fields(result, type(result).__name__)
    assert edited.edit_date and edited.reply_markup is None
