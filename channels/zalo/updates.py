"""Every shape of a Zalo update read into one typed `ZaloUpdate`.

Public samples disagree: the webhook body comes wrapped (`{"ok": true, "result": update}`) and
bare, once with `event_name` beside `result`; a getUpdates sample lacks `event_name` and names
the sender `first_name` instead of `display_name`; pictures come as `photo` or `photo_url`; ids
may come as numbers. Each is accepted; what cannot be used (no sender, not an object) is
logged and skipped, never raised.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

TEXT = "text"
IMAGE = "image"
STICKER = "sticker"
VOICE = "voice"
UNSUPPORTED = "unsupported"
OTHER = "other"  # an event this code does not know (kept: the caller may log it)
PRIVATE = "PRIVATE"
GROUP = "GROUP"
_EVENTS = {
    "message.text.received": TEXT,
    "message.image.received": IMAGE,
    "message.sticker.received": STICKER,
    "message.voice.received": VOICE,
    "message.unsupported.received": UNSUPPORTED,
}


@dataclass(frozen=True, slots=True)
class ZaloUpdate:
    """One message to the bot. `message_id` keys the inbox (a re-delivery has the same)."""

    kind: str  # TEXT, IMAGE, STICKER, VOICE, UNSUPPORTED or OTHER
    message_id: str
    user_id: str
    display_name: str | None
    chat_id: str
    chat_type: str  # PRIVATE or GROUP
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None
    sticker: str | None = None
    voice_url: str | None = None
    date: int | None = None  # milliseconds
    event_name: str | None = None  # as sent (None when the platform left it out)
    from_bot: bool = False
    replayed: bool = False  # handed over again after a restart (see channels.zalo.inbox)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_group(self) -> bool:
        return self.chat_type == GROUP

    @property
    def is_private(self) -> bool:
        return self.chat_type == PRIVATE

    def payload(self) -> str:
        """The update as received (json), what the inbox stores and replays."""
        return json.dumps(self.raw, ensure_ascii=False, sort_keys=True)


def _str(value: object) -> str | None:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


def _dict(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def unwrap(payload: object) -> list[dict[str, Any]]:
    """The update objects of a webhook body or a getUpdates result: wrapped or bare, one or
    a list. Each keeps an `event_name` found beside the wrapped result."""
    if isinstance(payload, list):
        return [u for item in payload for u in unwrap(item)]
    body = _dict(payload)
    if body is None:
        return []
    result = body.get("result")
    if "message" not in body and isinstance(result, dict | list):
        inner = unwrap(result)
        outer_event = body.get("event_name")
        if isinstance(outer_event, str):
            inner = [{"event_name": outer_event, **u} if "event_name" not in u else u
                     for u in inner]
        return inner
    return [body]


def parse_updates(payload: object) -> list[ZaloUpdate]:
    """Every usable update of a webhook body or a getUpdates result."""
    updates = []
    for raw in unwrap(payload):
        update = parse_update(raw)
        if update is not None:
            updates.append(update)
    return updates


def parse_update(payload: object) -> ZaloUpdate | None:
    """One update (wrapped or bare); None, logged, when it cannot be used."""
    found = unwrap(payload)
    if len(found) != 1:
        log.warning("Zalo update skipped: %s", "empty" if not found else "several in one")
        return None
    raw = found[0]
    try:
        return _parse(raw)
    except Exception:  # a shape nobody foresaw: skipped, never a crash of the loop
        log.exception("Zalo update skipped: unreadable (keys %s)", sorted(raw)[:10])
        return None


def _parse(raw: dict[str, Any]) -> ZaloUpdate | None:
    message = _dict(raw.get("message"))
    if message is None:
        log.warning("Zalo update skipped: no message (keys %s)", sorted(raw)[:10])
        return None
    sender = _dict(message.get("from")) or _dict(message.get("sender")) or {}
    user_id = _str(sender.get("id"))
    if user_id is None:
        log.warning("Zalo update skipped: no sender id")
        return None
    chat = _dict(message.get("chat")) or {}
    chat_id = _str(chat.get("id"))
    chat_type = (_str(chat.get("chat_type")) or _str(chat.get("type")) or "").upper()
    if chat_id is None:
        chat_id = user_id  # a private chat's id is the person's
        log.info("Zalo update without a chat id: taken as the sender's private chat")
    if chat_type not in (PRIVATE, GROUP):
        chat_type = PRIVATE if chat_id == user_id else GROUP
    elif chat_type == PRIVATE and chat_id != user_id:
        # A private chat's id is its person's: someone else naming it did not write there
        # (the platform makes no such update), and must neither answer nor reach its lists.
        log.warning("Zalo update skipped: a private chat that is not the sender's")
        return None
    photo = None
    if _has_picture(raw, message):
        photo = (_str(message.get("photo")) or _str(message.get("photo_url"))
                 or _str(message.get("url")))
    event_name = _str(raw.get("event_name"))
    kind = _kind(event_name, message, photo)
    message_id = _str(message.get("message_id")) or _str(message.get("msg_id"))
    if message_id is None:
        # Without an id a re-delivery could not be recognised; the content's digest can be.
        digest = hashlib.sha256(json.dumps(message, sort_keys=True, ensure_ascii=False)
                                .encode()).hexdigest()
        message_id = f"sha256:{digest[:40]}"
        log.warning("Zalo update without a message id: keyed by its content")
    return ZaloUpdate(
        kind=kind,
        message_id=message_id,
        user_id=user_id,
        display_name=_str(sender.get("display_name")) or _str(sender.get("first_name"))
        or _str(sender.get("name")),
        chat_id=chat_id,
        chat_type=chat_type,
        text=message.get("text") if isinstance(message.get("text"), str) else None,
        photo_url=photo,
        caption=_str(message.get("caption")),
        sticker=_str(message.get("sticker")),
        voice_url=_str(message.get("voice")) if kind == VOICE else None,
        date=_date(message.get("date")),
        event_name=event_name,
        from_bot=sender.get("is_bot") is True,
        raw=raw,
    )


def _has_picture(raw: dict[str, Any], message: dict[str, Any]) -> bool:
    event = raw.get("event_name")
    return "photo" in message or "photo_url" in message or (
        event == "message.image.received" and "url" in message)


def _kind(event_name: str | None, message: dict[str, Any], photo: str | None) -> str:
    if event_name is not None:
        kind = _EVENTS.get(event_name)
        if kind is None:
            log.info("Zalo event %r is not known here: kept as %r", event_name, OTHER)
            return OTHER
        return kind
    # No event name (the getUpdates sample): what the message holds says what it is.
    if isinstance(message.get("text"), str):
        return TEXT
    if photo is not None:
        return IMAGE
    if message.get("sticker") is not None:
        return STICKER
    if message.get("voice") is not None:
        return VOICE
    return UNSUPPORTED


def _date(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    # Milliseconds on this platform; a value in seconds (as on Telegram) is converted.
    return int(number * 1000) if number < 100_000_000_000 else int(number)
