"""Chat information and membership."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..world import ChatState
from ._registry import api_method

if TYPE_CHECKING:
    from ..params import Params
    from ..server import BotApiEmulator

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


@api_method("getChat")
async def get_chat(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    chat = emu.world.chat(p.get("chat_id"))
    # the fields ChatFullInfo requires
    gift_types = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    return {
        **chat.json,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": gift_types,
    }


def _member(emu: BotApiEmulator, chat: ChatState, user_id: int) -> dict[str, Any]:
    if user_id == emu.bot_user["id"]:
        user = emu.bot_user
    elif user_id in emu.world.users and (not chat.is_private or user_id == chat.id):
        user = emu.world.users[user_id].to_json()
    else:
        raise bad_request("user not found")
    if user_id not in chat.admins:
        return {"status": "member", "user": user}
    return {
        "status": "administrator",
        "user": user,
        "can_be_edited": False,
        "is_anonymous": False,
        "can_promote_members": False,
        **dict.fromkeys(_ADMIN_RIGHTS, True),
    }


@api_method("getChatMember")
async def get_chat_member(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    chat = emu.world.chat(p.get("chat_id"))
    return _member(emu, chat, p.integer("user_id", required=True))  # type: ignore[arg-type]


@api_method("getChatAdministrators")
async def get_chat_administrators(emu: BotApiEmulator, p: Params) -> list[dict[str, Any]]:
    chat = emu.world.chat(p.get("chat_id"))
    if chat.is_private:
        raise bad_request("there are no administrators in the private chat")
    return [_member(emu, chat, user_id) for user_id in sorted(chat.admins)]


@api_method("getChatMemberCount")
async def get_chat_member_count(emu: BotApiEmulator, p: Params) -> int:
    chat = emu.world.chat(p.get("chat_id"))
    return 2 if chat.is_private else len(chat.members | chat.admins) + 1


@api_method("leaveChat")
async def leave_chat(emu: BotApiEmulator, p: Params) -> bool:
    emu.world.chat(p.get("chat_id"))
    return True


@api_method("pinChatMessage")
async def pin_chat_message(emu: BotApiEmulator, p: Params) -> bool:
    chat = emu.world.chat(p.get("chat_id"))
    if p.integer("message_id", required=True) not in chat.messages:
        raise bad_request("message to pin not found")
    return True


@api_method("unpinChatMessage")
async def unpin_chat_message(emu: BotApiEmulator, p: Params) -> bool:
    emu.world.chat(p.get("chat_id"))
    return True


@api_method("unpinAllChatMessages")
async def unpin_all_chat_messages(emu: BotApiEmulator, p: Params) -> bool:
    emu.world.chat(p.get("chat_id"))
    return True
