"""Text messages, edits, deletions, callback answers and chat actions."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..markup import format_text, parse_reply_markup
from ..models import BotMessage, CallbackAnswer, ReplyMarkup
from ..world import ChatState, now
from ._registry import api_method
from .common import new_message, target_chat, with_text

if TYPE_CHECKING:
    from ..params import Params
    from ..server import BotApiEmulator

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def markup_view(markup: ReplyMarkup) -> dict[str, Any]:
    """The BotMessage fields a reply_markup sets."""
    return {
        "buttons": markup.inline or [],
        "keyboard": markup.keyboard,
        "remove_keyboard": markup.remove_keyboard,
        "force_reply": markup.force_reply,
    }


def attach_markup(message: dict[str, Any], markup: ReplyMarkup) -> dict[str, Any]:
    """Only inline keyboards are part of the Message object Telegram returns."""
    message = {k: v for k, v in message.items() if k != "reply_markup"}
    if markup.inline:
        message["reply_markup"] = markup.raw
    return message


def deliver(
    emu: BotApiEmulator,
    chat: ChatState,
    p: Params,
    markup: ReplyMarkup,
    message: dict[str, Any],
    **view: Any,
) -> dict[str, Any]:
    """Stores a new bot message and shows it to the chat."""
    message = attach_markup(message, markup)
    replied = message.get("reply_to_message")
    emu.world.add_bot_message(
        chat,
        message,
        BotMessage(
            message_id=message["message_id"],
            chat_id=chat.id,
            parse_mode=p.text("parse_mode"),
            reply_to_message_id=replied["message_id"] if replied else None,
            disable_notification=p.flag("disable_notification"),
            **markup_view(markup),
            **view,
        ),
    )
    return message


@api_method("sendMessage")
async def send_message(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    chat = target_chat(emu, p)
    text = p.text("text") or ""
    plain, entities = format_text(text, p.text("parse_mode"))
    markup = parse_reply_markup(p.json("reply_markup"))
    message = with_text(new_message(emu, chat, p), "text", plain, entities)
    return deliver(emu, chat, p, markup, message, text=text, plain=plain)


# ---------------------------------------------------------------------------- edits


def _editable(emu: BotApiEmulator, p: Params) -> tuple[ChatState, dict[str, Any], BotMessage]:
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    chat = target_chat(emu, p)
    message_id = p.integer("message_id", required=True)
    message = chat.messages.get(message_id)  # type: ignore[arg-type]
    if message is None:
        raise bad_request("message to edit not found")
    view = chat.views.get(message_id)  # type: ignore[arg-type]
    if view is None:
        raise bad_request("message can't be edited")
    return chat, message, view


def _inline_markup(p: Params) -> ReplyMarkup:
    markup = parse_reply_markup(p.json("reply_markup"))
    if markup.keyboard is not None or markup.remove_keyboard or markup.force_reply:
        raise bad_request("inline keyboard expected")
    return markup


def _commit_edit(
    emu: BotApiEmulator,
    chat: ChatState,
    old: tuple[dict[str, Any], BotMessage],
    message: dict[str, Any],
    **changes: Any,
) -> dict[str, Any]:
    old_message, old_view = old
    if {**message, "edit_date": None} == {**old_message, "edit_date": None}:
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    message["edit_date"] = now()
    view = dataclasses.replace(old_view, edited=old_view.edited + 1, **changes)
    emu.world.replace_bot_message(chat, message, view)
    return message


@api_method("editMessageText")
async def edit_message_text(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    chat, old, view = _editable(emu, p)
    if "text" not in old:
        raise bad_request("there is no text in the message to edit")
    text = p.text("text") or ""
    plain, entities = format_text(text, p.text("parse_mode"))
    markup = _inline_markup(p)  # without reply_markup the inline keyboard goes away
    message = attach_markup(with_text(old, "text", plain, entities), markup)
    return _commit_edit(
        emu,
        chat,
        (old, view),
        message,
        text=text,
        plain=plain,
        parse_mode=p.text("parse_mode"),
        buttons=markup.inline or [],
    )


@api_method("editMessageCaption")
async def edit_message_caption(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    chat, old, view = _editable(emu, p)
    if "text" in old:
        raise bad_request("there is no caption in the message to edit")
    caption = p.text("caption") or ""
    plain, entities = format_text(caption, p.text("parse_mode"), caption=True)
    markup = _inline_markup(p)
    message = attach_markup(with_text(old, "caption", plain, entities), markup)
    return _commit_edit(
        emu,
        chat,
        (old, view),
        message,
        text=caption,
        plain=plain,
        parse_mode=p.text("parse_mode"),
        buttons=markup.inline or [],
    )


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    chat, old, view = _editable(emu, p)
    markup = _inline_markup(p)
    message = attach_markup(old, markup)
    return _commit_edit(emu, chat, (old, view), message, buttons=markup.inline or [])


@api_method("deleteMessage")
async def delete_message(emu: BotApiEmulator, p: Params) -> bool:
    chat = emu.world.chat(p.get("chat_id"))
    emu.world.delete_message(chat, p.integer("message_id", required=True))  # type: ignore[arg-type]
    return True


# ---------------------------------------------------------------------------- the rest


@api_method("answerCallbackQuery")
async def answer_callback_query(emu: BotApiEmulator, p: Params) -> bool:
    text = p.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = CallbackAnswer(text=text, show_alert=p.flag("show_alert"), url=p.text("url"))
    emu.world.answer_callback(p.text("callback_query_id", required=True) or "", answer)
    return True


@api_method("sendChatAction")
async def send_chat_action(emu: BotApiEmulator, p: Params) -> bool:
    target_chat(emu, p)
    if p.text("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
