"""The Zalo Bot API methods (names are case-sensitive, as on the platform)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp

from .errors import bad_request, request_timeout
from .models import ZaloMessage, ZaloPhoto
from .text import MAX_CAPTION, MAX_TEXT, PARSE_MODES, plain_text
from .world import new_message_id, now_ms

if TYPE_CHECKING:
    from .server import ZaloEmulator

Params = dict[str, Any]
Handler = Callable[["ZaloEmulator", Params], Awaitable[Any]]
NO_RESULT: Any = object()  # the answer is `{"ok": true}` without a result (sendChatAction)
METHODS: dict[str, Handler] = {}

# Bot API methods of Telegram that Zalo does not have: refused like any unknown method (404),
# and named in the call log so a test failure says what the adapter got wrong.
TELEGRAM_ONLY = frozenset({
    "sendDocument", "sendMediaGroup", "sendAnimation", "sendVideo", "sendAudio",
    "sendContact", "sendLocation", "sendPoll", "forwardMessage", "copyMessage",
    "editMessageText", "editMessageCaption", "editMessageReplyMarkup", "deleteMessage",
    "answerCallbackQuery", "setMyCommands", "getMyCommands", "deleteMyCommands",
    "setChatMenuButton", "getFile", "getChat", "getChatMember", "getChatAdministrators",
    "pinChatMessage", "leaveChat", "logOut", "close",
})
# Parameters of Telegram's send methods that Zalo has no use for: a strict emulator refuses
# them, since the person would never see the keyboard or the reply they stand for.
TELEGRAM_ONLY_PARAMS = frozenset({
    "reply_markup", "entities", "caption_entities", "reply_to_message_id", "reply_parameters",
    "disable_notification", "disable_web_page_preview", "link_preview_options",
    "protect_content", "message_thread_id", "allow_sending_without_reply",
})
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")
MAX_PHOTO_BYTES = 20 * 1024 * 1024


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


def _text(p: Params, name: str) -> str | None:
    value = p.get(name)
    if value is None or value == "":
        return None
    return str(value)


def _check_params(emu: ZaloEmulator, p: Params) -> None:
    if emu.strict:
        for name in sorted(TELEGRAM_ONLY_PARAMS & p.keys()):
            raise bad_request(f"unsupported parameter: {name}")


def _parse_mode(p: Params) -> str | None:
    mode = _text(p, "parse_mode")
    if mode is not None and mode.lower() not in PARSE_MODES:
        raise bad_request("parse_mode must be markdown or html")
    return mode


def _sent(message: ZaloMessage) -> dict[str, Any]:
    return {"message_id": message.message_id, "date": message.date}


# ---------------------------------------------------------------------------- the bot


@method("getMe")
async def get_me(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    return dict(emu.bot_info)


# ---------------------------------------------------------------------------- updates


@method("getUpdates")
async def get_updates(emu: ZaloEmulator, p: Params) -> Any:
    world = emu.world
    if world.webhook.url:
        raise bad_request("webhook is set: getUpdates is not available; call deleteWebhook")
    try:
        timeout = float(p.get("timeout", 30))
    except (TypeError, ValueError):
        raise bad_request("timeout must be a number of seconds") from None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(timeout, 0.0)
    while not world.updates and not world.closing:
        if not await world.updates_changed.wait(deadline - loop.time()):
            break
        if world.webhook.url:
            raise bad_request("webhook is set: getUpdates is not available; call deleteWebhook")
    if world.format.updates_as_list:
        taken: list[dict[str, Any]] = []
        while world.updates and len(taken) < 100:
            update = world.take_update()
            assert update is not None
            taken.append(world.shaped(update))
        if not taken:
            raise request_timeout()
        return taken
    update = world.take_update()
    if update is None:
        raise request_timeout()
    return world.shaped(update)


def _public_https(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return False
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return address.is_global


@method("setWebhook")
async def set_webhook(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    url = _text(p, "url")
    if url is None:
        raise bad_request("url is required")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise bad_request("url is invalid")
    if not emu.allow_insecure_webhook and not _public_https(url):
        raise bad_request("url must be a public HTTPS address")
    secret = _text(p, "secret_token")
    if secret is None or not 8 <= len(secret) <= 256:
        raise bad_request("secret_token must be 8 to 256 characters")
    webhook = emu.world.webhook
    webhook.url, webhook.secret_token, webhook.updated_at = url, secret, now_ms()
    webhook.last_error = webhook.last_error_at = None
    emu.webhook_sender.start()
    emu.world.updates_changed.wake()  # a pending getUpdates now refuses
    return webhook.info()


@method("deleteWebhook")
async def delete_webhook(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    webhook = emu.world.webhook
    webhook.url, webhook.secret_token, webhook.updated_at = "", None, now_ms()
    await emu.webhook_sender.stop()
    return webhook.info()


@method("getWebhookInfo")
async def get_webhook_info(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    return emu.world.webhook.info()


# ---------------------------------------------------------------------------- sending


@method("sendMessage")
async def send_message(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    _check_params(emu, p)
    chat = emu.world.target(p.get("chat_id"))
    text = _text(p, "text")
    if text is None or len(text) > MAX_TEXT:
        raise bad_request(f"text must be 1 to {MAX_TEXT} characters")
    mode = _parse_mode(p)
    message = ZaloMessage(new_message_id(), chat.id, "text", text, plain_text(text, mode),
                          now_ms(), parse_mode=mode)
    emu.world.add_bot_message(chat, message)
    return _sent(message)


@method("sendPhoto")
async def send_photo(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    _check_params(emu, p)
    chat = emu.world.target(p.get("chat_id"))
    url = _text(p, "photo")
    if url is None:
        raise bad_request("The photo must not be empty")
    if not url.startswith(("http://", "https://")):
        raise bad_request("The photo must start with http:// or https://")
    caption = _text(p, "caption") or ""
    if len(caption) > MAX_CAPTION:
        raise bad_request(f"caption must be at most {MAX_CAPTION} characters")
    mode = _parse_mode(p)
    photo = await fetch_photo(emu, url)
    message = ZaloMessage(new_message_id(), chat.id, "photo", caption,
                          plain_text(caption, mode), now_ms(), parse_mode=mode, photo=photo)
    emu.world.add_bot_message(chat, message)
    return _sent(message)


async def fetch_photo(emu: ZaloEmulator, url: str) -> ZaloPhoto:
    """The platform downloads the picture from its side: what it gets is what people see."""
    try:
        async with emu.http.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
            data = await response.content.read(MAX_PHOTO_BYTES + 1)
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            status = response.status
    except (aiohttp.ClientError, TimeoutError, ValueError):
        raise bad_request("The photo URL is invalid") from None
    is_image = kind.startswith("image/") or data.startswith(IMAGE_MAGIC)
    if status != 200 or not data or len(data) > MAX_PHOTO_BYTES or not is_image:
        raise bad_request("The photo URL is invalid")
    return ZaloPhoto(url, data, kind or "image/*")


@method("sendSticker")
async def send_sticker(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    _check_params(emu, p)
    chat = emu.world.target(p.get("chat_id"))
    sticker = _text(p, "sticker")
    if sticker is None:
        raise bad_request("sticker is required")
    message = ZaloMessage(new_message_id(), chat.id, "sticker", "", "", now_ms(),
                          sticker=sticker)
    emu.world.add_bot_message(chat, message)
    return _sent(message)


@method("sendVoice")
async def send_voice(emu: ZaloEmulator, p: Params) -> dict[str, Any]:
    _check_params(emu, p)
    chat = emu.world.target(p.get("chat_id"))
    if not chat.is_private:
        raise bad_request("voice messages can only be sent to private chats")
    voice = _text(p, "voice")
    if voice is None or not voice.startswith(("http://", "https://")):
        raise bad_request("voice must be the URL of an .aac file")
    message = ZaloMessage(new_message_id(), chat.id, "voice", "", "", now_ms(), voice_url=voice)
    emu.world.add_bot_message(chat, message)
    return _sent(message)


@method("sendChatAction")
async def send_chat_action(emu: ZaloEmulator, p: Params) -> Any:
    emu.world.target(p.get("chat_id"))
    if _text(p, "action") not in CHAT_ACTIONS:
        raise bad_request("action must be typing or upload_photo")
    return NO_RESULT
