"""Pieces shared by the message-producing methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import bad_request, forbidden
from ..world import ChatState, now, shallow

if TYPE_CHECKING:
    from ..params import Params
    from ..server import BotApiEmulator


def target_chat(emu: BotApiEmulator, p: Params) -> ChatState:
    """The chat to write to; 403 for a user who blocked the bot."""
    if not p.has("chat_id"):
        raise bad_request("chat_id is empty")
    chat = emu.world.chat(p.get("chat_id"))
    if chat.user is not None and chat.user.blocked:
        raise forbidden("bot was blocked by the user")
    return chat


def reply_to(chat: ChatState, p: Params) -> int | None:
    params = p.json("reply_parameters") or {}
    message_id = params.get("message_id", p.integer("reply_to_message_id"))
    if message_id is None:
        return None
    if int(message_id) not in chat.messages:
        if params.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return int(message_id)


def new_message(emu: BotApiEmulator, chat: ChatState, p: Params) -> dict[str, Any]:
    """The envelope of a bot message: id, sender, chat, date and the replied message."""
    message: dict[str, Any] = {
        "message_id": chat.take_message_id(),
        "from": emu.bot_user,
        "chat": chat.json,
        "date": now(),
    }
    replied = reply_to(chat, p)
    if replied is not None:
        message["reply_to_message"] = shallow(chat.messages[replied])
    return message


def with_text(
    message: dict[str, Any], key: str, plain: str, entities: list[dict[str, Any]]
) -> dict[str, Any]:
    """Sets text/caption and its entities (removing stale ones); empty captions vanish."""
    entities_key = "entities" if key == "text" else "caption_entities"
    message = {k: v for k, v in message.items() if k not in (key, entities_key)}
    if plain:
        message[key] = plain
    if entities:
        message[entities_key] = entities
    return message
