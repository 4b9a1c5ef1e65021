"""A tiny PTB application (conversation, inline and reply keyboards, contact, files, edits,
groups) played through the emulator's users: the pattern the project's end-to-end tests use."""

import hashlib
import html

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from emulator import BotApiEmulator
from emulator.ptb import polling

ASK_NAME = 0


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = context.args[0] if context.args else "-"
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📱 Chia sẻ số điện thoại", request_contact=True)], ["✅ Đồng ý"]],
        one_time_keyboard=True,
    )
    await update.message.reply_text(
        f"Xin chào {update.effective_user.first_name}! mã={payload}", reply_markup=keyboard
    )


async def agree(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text("Đã ghi nhận", reply_markup=ReplyKeyboardRemove())


async def register(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await update.message.reply_text("Họ và tên của bạn?")
    return ASK_NAME


async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    name = update.message.text
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("💾 Lưu", callback_data="reg:save:1"),
                InlineKeyboardButton("Hủy", callback_data="reg:cancel:1"),
            ]
        ]
    )
    await update.message.reply_html(f"Xác nhận: <b>{html.escape(name)}</b>", reply_markup=buttons)
    return ConversationHandler.END


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query.data == "reg:save:1":
        await query.answer("Đã lưu")
        await query.edit_message_text(query.message.text_html + "\n✅ Đã lưu", parse_mode="HTML")
    elif query.data == "reg:cancel:1":
        await query.answer()
        await query.delete_message()
    else:
        await query.answer("Nút đã hết hạn", show_alert=True)


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    contact = update.message.contact
    if contact.user_id == update.effective_user.id:
        await update.message.reply_text(f"Số của bạn: {contact.phone_number}")
    else:
        await update.message.reply_text("Đây không phải số của bạn")


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    document = update.message.document
    data = bytes(await (await document.get_file()).download_as_bytearray())
    digest = hashlib.sha256(data).hexdigest()[:12]
    await update.message.reply_text(
        f"Nhận {document.file_name} ({document.mime_type}): {len(data)} byte {digest}"
    )
    await update.message.reply_document(data[::-1], filename="dao-nguoc.bin")


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    photo = update.message.photo[-1]
    await update.message.reply_text(f"Ảnh {photo.file_size} byte")


async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.edited_message.reply_text(f"Bạn đã sửa: {update.edited_message.text}")


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(f"Tổng hợp cho {update.effective_chat.title}")


def build_app(emu: BotApiEmulator):
    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("register", register)],
            states={
                ASK_NAME: [
                    MessageHandler(
                        filters.TEXT & filters.UpdateType.MESSAGE & ~filters.COMMAND, got_name
                    )
                ]
            },
            fallbacks=[],
        )
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("summary", summary))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^reg:"))
    app.add_handler(MessageHandler(filters.Regex("^✅ Đồng ý$"), agree))
    app.add_handler(MessageHandler(filters.CONTACT, on_contact))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.PHOTO, on_photo))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit))
    return app


@pytest.fixture
async def emu():
    async with BotApiEmulator() as emu, polling(build_app(emu)):
        yield emu


async def test_start_with_payload_and_reply_keyboard(emu):
    alice = emu.user(1001, "Lan", last_name="Nguyễn", phone="0912345678")
    await alice.send("/start abc123")
    welcome = await alice.expect("Xin chào Lan! mã=abc123")
    assert welcome.keyboard_texts() == ["📱 Chia sẻ số điện thoại", "✅ Đồng ý"]
    assert welcome.keyboard[0][0].request_contact
    await alice.press("Đồng ý")
    done = await alice.expect("Đã ghi nhận")
    assert done.remove_keyboard and alice.keyboard is None
    with pytest.raises(AssertionError, match="no reply-keyboard button"):
        await alice.press("✅ Đồng ý")


async def test_contact_own_versus_foreign(emu):
    alice = emu.user(1001, "Lan", phone="+84912345678")
    await alice.send("/start")
    await alice.expect("Xin chào")
    await alice.press("Chia sẻ số")  # the request_contact button shares her own card
    await alice.expect("Số của bạn: +84912345678")
    await alice.share_contact(phone="0987654321")
    await alice.expect("Đây không phải số của bạn")
    await alice.share_contact(phone="0987654321", user_id=1002)
    await alice.expect("Đây không phải số của bạn")


async def test_conversation_inline_tap_and_edit(emu):
    alice = emu.user(1001, "Lan")
    await alice.send("/register")
    await alice.expect("Họ và tên")
    await alice.send("Trần <Thị> Hòa")
    confirm = await alice.expect("Xác nhận: Trần <Thị> Hòa")
    assert confirm.text == "Xác nhận: <b>Trần &lt;Thị&gt; Hòa</b>" and confirm.parse_mode == "HTML"
    assert confirm.button_texts() == ["💾 Lưu", "Hủy"] and confirm.has_button("Lưu")
    answer = await alice.tap("Lưu")
    assert answer.text == "Đã lưu" and not answer.show_alert
    edited = await alice.expect("✅ Đã lưu")
    assert edited.message_id == confirm.message_id and edited.edited == 1
    assert edited.buttons == [] and alice.last.plain.endswith("✅ Đã lưu")

    forged = await alice.tap_data(confirm, "reg:x:forged")
    assert forged.text == "Nút đã hết hạn" and forged.show_alert
    with pytest.raises(AssertionError, match="no inline button 'Lưu'"):
        await alice.tap("Lưu")  # the keyboard is gone after the edit
    # the snapshot still shows it: a stale tap reaches the bot with the current message
    stale = await alice.tap("Lưu", message=confirm)
    assert stale.text == "Đã lưu"
    assert (await alice.expect()).plain.endswith("✅ Đã lưu\n✅ Đã lưu")
    await alice.expect_silence(0.1)


async def test_delete_and_tap_timeout_report(emu):
    alice = emu.user(1001, "Lan")
    await alice.send("/register")
    await alice.expect("Họ và tên")
    await alice.send("Lan")
    confirm = await alice.expect("Xác nhận")
    await alice.tap("Hủy")
    await alice.expect_deleted(confirm)
    assert confirm.message_id not in [m.message_id for m in alice.messages]
    with pytest.raises(AssertionError, match="was deleted"):
        await alice.tap("Lưu", message=confirm)
    await alice.send("/register")
    await alice.expect("Họ và tên")
    await alice.send("Lan")
    await alice.expect("Xác nhận")
    emu.faults.add("answerCallbackQuery", status=500, times=None)
    with pytest.raises(AssertionError, match=r"was not answered within 0\.3s"):
        await alice.tap("Lưu", timeout=0.3)


async def test_user_edit_reaches_the_bot(emu):
    alice = emu.user(1001, "Lan")
    sent = await alice.send("Họp lúc 8h")
    await alice.edit(sent, "Họp lúc 9h")
    await alice.expect("Bạn đã sửa: Họp lúc 9h")


async def test_document_upload_download_and_bot_document(emu):
    alice = emu.user(1001, "Lan")
    data = "Họ tên,SĐT\nNguyễn Văn A,0912345678\n".encode()
    await alice.send_document("roster.csv", data, mime_type="text/csv")
    digest = hashlib.sha256(data).hexdigest()[:12]
    await alice.expect(f"Nhận roster.csv (text/csv): {len(data)} byte {digest}")
    back = await alice.expect()
    assert back.document.filename == "dao-nguoc.bin" and back.document.data == data[::-1]
    await alice.send_photo(b"\xff\xd8 fake jpeg")
    await alice.expect("Ảnh 12 byte")


async def test_group_commands_with_bot_username(emu):
    alice = emu.user(1001, "Lan")
    group = emu.group(-100123, "Văn phòng – TĐKT")
    await group.send(alice, "/summary@thidua_test_bot")
    msg = await group.expect("Tổng hợp cho Văn phòng – TĐKT")
    assert msg.chat_id == -100123
    await alice.expect_silence(0.05)
