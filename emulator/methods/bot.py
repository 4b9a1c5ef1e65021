"""The bot's profile: command lists per scope and language, name, descriptions, menu button."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ._registry import api_method

if TYPE_CHECKING:
    from ..params import Params
    from ..server import BotApiEmulator

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_DEFAULT_SCOPE = {"type": "default"}


def scope_key(scope: dict[str, Any] | None) -> str:
    """The canonical JSON of a BotCommandScope, the first half of the keys of emu.commands."""
    return json.dumps(scope or _DEFAULT_SCOPE, sort_keys=True, separators=(",", ":"))


def _key(emu: BotApiEmulator, p: Params) -> tuple[str, str]:
    scope = p.json("scope") or _DEFAULT_SCOPE
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("unsupported bot command scope type")
    # chats named in a scope are not checked: a group may be declared by a test only after
    # the bot has published its menus at start-up
    language = p.text("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return scope_key(scope), language


@api_method("setMyCommands")
async def set_my_commands(emu: BotApiEmulator, p: Params) -> bool:
    commands = p.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    cleaned = []
    for item in commands:
        command, description = str(item.get("command", "")), str(item.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request(
                "command description is empty"
                if not description
                else "BOT_COMMAND_DESCRIPTION_INVALID"
            )
        cleaned.append({"command": command, "description": description})
    key = _key(emu, p)
    if cleaned:
        emu.world.commands[key] = cleaned
    else:
        emu.world.commands.pop(key, None)
    return True


@api_method("getMyCommands")
async def get_my_commands(emu: BotApiEmulator, p: Params) -> list[dict[str, str]]:
    # Telegram answers for exactly this scope and language, without falling back
    return emu.world.commands.get(_key(emu, p), [])


@api_method("deleteMyCommands")
async def delete_my_commands(emu: BotApiEmulator, p: Params) -> bool:
    emu.world.commands.pop(_key(emu, p), None)
    return True


@api_method("setChatMenuButton")
async def set_chat_menu_button(emu: BotApiEmulator, p: Params) -> bool:
    chat_id = p.get("chat_id")
    if chat_id is not None:
        chat_id = emu.world.chat(chat_id).id
    emu.world.menu_buttons[chat_id] = p.json("menu_button") or {"type": "default"}
    return True


@api_method("getChatMenuButton")
async def get_chat_menu_button(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    chat_id = p.get("chat_id")
    buttons = emu.world.menu_buttons
    chosen = buttons.get(emu.world.chat(chat_id).id) if chat_id is not None else None
    return chosen or buttons.get(None) or {"type": "commands"}


def _profile_text(field: str) -> None:
    """A getMy<Field>/setMy<Field> pair, stored per language in the world."""
    camel = "".join(part.capitalize() for part in field.split("_"))

    @api_method(f"getMy{camel}")
    async def get(emu: BotApiEmulator, p: Params) -> dict[str, str]:
        default = emu.bot_user["first_name"] if field == "name" else ""
        language = p.text("language_code") or ""
        return {field: emu.world.profile.get((field, language), default)}

    @api_method(f"setMy{camel}")
    async def set_(emu: BotApiEmulator, p: Params) -> bool:
        emu.world.profile[(field, p.text("language_code") or "")] = p.text(field) or ""
        return True


for _field in ("name", "description", "short_description"):
    _profile_text(_field)


@api_method("getMyDefaultAdministratorRights")
async def get_my_default_administrator_rights(emu: BotApiEmulator, p: Params) -> dict:
    rights = (
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    )
    return dict.fromkeys(rights, False)


@api_method("setMyDefaultAdministratorRights")
async def set_my_default_administrator_rights(emu: BotApiEmulator, p: Params) -> bool:
    return True
