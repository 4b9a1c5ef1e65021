"""Documents and photos: upload (multipart) or re-send by file_id, and getFile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import bad_request
from ..markup import format_text, parse_reply_markup
from ..models import DocumentInfo, PhotoInfo
from ..params import Upload
from ..world import StoredFile
from ._registry import api_method
from .common import new_message, target_chat, with_text
from .messages import deliver

if TYPE_CHECKING:
    from ..params import Params
    from ..server import BotApiEmulator


def _input_file(emu: BotApiEmulator, p: Params, kind: str) -> StoredFile:
    given = p.file(kind)
    if given is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(given, Upload):
        if not given.data:
            raise bad_request("file must be non-empty")
        return emu.world.store_file(kind, given.data, given.filename, given.content_type)
    stored = emu.world.files.get(given)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


async def _send_file(emu: BotApiEmulator, p: Params, kind: str) -> dict[str, Any]:
    chat = target_chat(emu, p)
    caption = p.text("caption") or ""
    plain, entities = format_text(caption, p.text("parse_mode"), caption=True)
    markup = parse_reply_markup(p.json("reply_markup"))
    stored = _input_file(emu, p, kind)
    message = new_message(emu, chat, p)
    if kind == "photo":
        message["photo"] = stored.photo_json()
        media: dict[str, Any] = {"photo": PhotoInfo(stored.data, stored.file_id)}
    else:
        message["document"] = stored.document_json()
        media = {
            "document": DocumentInfo(
                stored.file_name or "", stored.mime_type or "", stored.data, stored.file_id
            )
        }
    message = with_text(message, "caption", plain, entities)
    return deliver(emu, chat, p, markup, message, text=caption, plain=plain, **media)


@api_method("sendDocument")
async def send_document(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    return await _send_file(emu, p, "document")


@api_method("sendPhoto")
async def send_photo(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    return await _send_file(emu, p, "photo")


@api_method("getFile")
async def get_file(emu: BotApiEmulator, p: Params) -> dict[str, Any]:
    stored = emu.world.files.get(p.text("file_id", required=True) or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }
