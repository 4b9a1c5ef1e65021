"""Offline Zalo Bot API emulator: an aiohttp server a Zalo bot talks to, and people for tests.

async with ZaloEmulator(allow_insecure_webhook=True) as emu:
    api = ZaloBotApi(emu.token, base_url=emu.base_url)   # channels.zalo
    lan = emu.user(1001, "Lan")
    await lan.send("Xin chào")
    await lan.expect("Chào")
"""

from .client import MenuOption, ZaloChat, ZaloGroup, ZaloUser, menu_options
from .errors import ZaloError
from .models import LinkContent, ZaloFormat, ZaloMessage, ZaloPhoto, ZaloStats, zalo_id
from .server import DEFAULT_ZALO_TOKEN, ZaloEmulator
from .text import MAX_TEXT, plain_text
from .webhook import SECRET_HEADER

__all__ = [
    "DEFAULT_ZALO_TOKEN",
    "MAX_TEXT",
    "SECRET_HEADER",
    "LinkContent",
    "MenuOption",
    "ZaloChat",
    "ZaloEmulator",
    "ZaloError",
    "ZaloFormat",
    "ZaloGroup",
    "ZaloMessage",
    "ZaloPhoto",
    "ZaloStats",
    "ZaloUser",
    "menu_options",
    "plain_text",
    "zalo_id",
]
