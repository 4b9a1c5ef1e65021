"""Offline Telegram Bot API emulator: an aiohttp server PTB talks to, and users for tests.

async with BotApiEmulator() as emu:
    app = ApplicationBuilder().token(emu.token).base_url(emu.base_url)
          .base_file_url(emu.base_file_url).build()
    alice = emu.user(1001, "Lan", phone="0912345678")
    await alice.send("/start")
    await alice.expect("Xin chào")
"""

from .client import EmuChat, EmuGroup, EmuUser
from .errors import ApiError
from .faults import Fault, FaultPlan, FloodLimits
from .markup import parse_html, strip_html
from .methods.bot import scope_key
from .models import (
    ApiCall,
    BotMessage,
    CallbackAnswer,
    DocumentInfo,
    InlineButton,
    KeyboardButton,
    PhotoInfo,
    Stats,
)
from .server import DEFAULT_TOKEN, BotApiEmulator

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "BotMessage",
    "CallbackAnswer",
    "DocumentInfo",
    "EmuChat",
    "EmuGroup",
    "EmuUser",
    "Fault",
    "FaultPlan",
    "FloodLimits",
    "InlineButton",
    "KeyboardButton",
    "PhotoInfo",
    "Stats",
    "parse_html",
    "scope_key",
    "strip_html",
]
