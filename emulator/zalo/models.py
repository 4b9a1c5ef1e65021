"""Plain data of the Zalo emulator: what the bot showed, how updates are shaped, what it called."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..models import ApiCall, Matcher, nfc, text_matches

__all__ = [
    "ApiCall",
    "LinkContent",
    "Matcher",
    "ZaloFormat",
    "ZaloMessage",
    "ZaloPhoto",
    "ZaloStats",
    "text_matches",
    "zalo_id",
]

_URL = re.compile(r"https?://[^\s<>\"')\]]+")


def zalo_id(value: int | str, *, group: bool = False) -> str:
    """A Zalo id (20 hex digits) for a test's number; a string is taken as an id already.

    Stable across runs, so a test or a benchmark can name the same person on every start."""
    if isinstance(value, str):
        return value
    kind = "group" if group else "user"
    return hashlib.sha1(f"zalo-{kind}:{value}".encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class ZaloPhoto:
    """A picture the bot sent, as the person's phone got it: the emulator fetched the URL."""

    url: str
    data: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class ZaloMessage:
    """One message of the bot as the person sees it (Zalo bots cannot edit or delete)."""

    message_id: str
    chat_id: str
    kind: str  # "text", "photo", "sticker" or "voice"
    text: str  # as sent: the text, or the caption of a photo
    plain: str  # as read: parse mode marks removed
    date: int  # milliseconds
    parse_mode: str | None = None
    photo: ZaloPhoto | None = None
    sticker: str | None = None
    voice_url: str | None = None

    @property
    def links(self) -> list[str]:
        """The http(s) links in the text, in order."""
        return _URL.findall(self.plain)

    def matches(self, wanted: Matcher) -> bool:
        return text_matches(self.plain, wanted)

    def describe(self) -> str:
        body = self.plain if len(self.plain) <= 300 else self.plain[:300] + "…"
        parts = [f"[{self.kind} id={self.message_id}] {body!r}"]
        if self.photo is not None:
            parts.append(f"photo {self.photo.url} ({len(self.photo.data)} B)")
        if self.sticker:
            parts.append(f"sticker {self.sticker}")
        return "  ".join(parts)


@dataclass(frozen=True, slots=True)
class LinkContent:
    """What opening a link gives the person: the HTTP status, its type, the bytes."""

    url: str
    status: int
    content_type: str
    data: bytes
    filename: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


@dataclass
class ZaloFormat:
    """How the emulated platform shapes what it sends: public samples disagree, and the bot
    must accept each variant. The defaults are the documented reference."""

    wrapped: bool = True  # webhook body {"ok": true, "result": update} (else the bare update)
    event_name: bool = True  # the update names its event (a getUpdates sample does not)
    sender_name: str = "display_name"  # or "first_name", as in the getUpdates sample
    photo_key: str = "photo"  # or "photo_url", as some clients read it
    is_bot: bool = True  # `from.is_bot` present
    updates_as_list: bool = False  # getUpdates result: one update (documented) or a list
    errors_with_http_status: bool = True  # error answers carry their code as HTTP status
    empty_poll_status: int = 200  # HTTP status of the 408 answer (measured: 200)
    retry_after: bool = False  # 429 answers carry parameters.retry_after (undocumented)

    @classmethod
    def variants(cls) -> dict[str, ZaloFormat]:
        """Every documented shape, by name, for tests of the bot's tolerance."""
        return {
            "documented": cls(),
            "bare_webhook": cls(wrapped=False),
            "getupdates_sample": cls(event_name=False, sender_name="first_name", is_bot=False),
            "photo_url": cls(photo_key="photo_url"),
            "as_list": cls(updates_as_list=True),
            "errors_in_body": cls(errors_with_http_status=False, retry_after=True),
        }


@dataclass
class ZaloStats:
    calls: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    client_errors: int = 0
    updates: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    delivered: Counter[str] = field(default_factory=Counter)  # bot messages per chat

    def reset(self) -> None:
        self.calls = self.rate_limited = self.server_errors = self.client_errors = 0
        self.updates = 0
        self.by_method.clear()
        self.delivered.clear()

    def count(self, method: str, status: int) -> None:
        self.calls += 1
        self.by_method[method] += 1
        if status == 429:
            self.rate_limited += 1
        elif status >= 500:
            self.server_errors += 1
        elif status >= 400 and status != 408:
            self.client_errors += 1


def label_matches(label: str, wanted: Matcher) -> bool:
    """A menu label equal to `wanted` (NFC, stripped), or containing it."""
    if isinstance(wanted, str) and nfc(label.strip()) == nfc(wanted.strip()):
        return True
    return text_matches(label, wanted)


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
