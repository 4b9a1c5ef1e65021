"""Plain data the emulator hands to tests: what the bot showed, how it answered, what it called."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

Matcher = str | re.Pattern[str] | None


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def text_matches(text: str, wanted: Matcher) -> bool:
    """`wanted` is a substring (compared in NFC, since Vietnamese arrives in both forms), a
    compiled regex searched in the text, or None for anything."""
    if wanted is None:
        return True
    if isinstance(wanted, re.Pattern):
        return wanted.search(nfc(text)) is not None
    return nfc(wanted) in nfc(text)


@dataclass(frozen=True, slots=True)
class InlineButton:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class KeyboardButton:
    text: str
    request_contact: bool = False


@dataclass(frozen=True, slots=True)
class ReplyMarkup:
    """A parsed `reply_markup`; exactly one of the kinds is set (or none for no markup)."""

    inline: list[list[InlineButton]] | None = None
    keyboard: list[list[KeyboardButton]] | None = None
    remove_keyboard: bool = False
    force_reply: bool = False
    raw: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    filename: str
    mime_type: str
    data: bytes
    file_id: str


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    data: bytes
    file_id: str


@dataclass(frozen=True, slots=True)
class BotMessage:
    """One bot message as the user sees it at one moment (every edit yields a new snapshot)."""

    message_id: int
    chat_id: int
    text: str
    plain: str
    parse_mode: str | None = None
    buttons: list[list[InlineButton]] = field(default_factory=list)
    keyboard: list[list[KeyboardButton]] | None = None
    remove_keyboard: bool = False
    force_reply: bool = False
    document: DocumentInfo | None = None
    photo: PhotoInfo | None = None
    edited: int = 0
    deleted: bool = False
    reply_to_message_id: int | None = None
    disable_notification: bool = False

    def button_texts(self) -> list[str]:
        return [b.text for row in self.buttons for b in row]

    def keyboard_texts(self) -> list[str]:
        return [b.text for row in self.keyboard or [] for b in row]

    def find_buttons(self, wanted: Matcher) -> list[InlineButton]:
        """Buttons whose stripped text equals `wanted`; failing that, those containing it."""
        flat = [b for row in self.buttons for b in row]
        if isinstance(wanted, str):
            exact = [b for b in flat if nfc(b.text.strip()) == nfc(wanted.strip())]
            if exact:
                return exact
        return [b for b in flat if text_matches(b.text.strip(), wanted)]

    def has_button(self, wanted: Matcher) -> bool:
        return bool(self.find_buttons(wanted))

    def describe(self) -> str:
        kind = f"edit #{self.edited}" if self.edited else "message"
        body = self.plain if len(self.plain) <= 300 else self.plain[:300] + "…"
        parts = [f"[{kind} id={self.message_id}] {body!r}"]
        if self.document:
            parts.append(f"document={self.document.filename!r} ({len(self.document.data)} B)")
        if self.photo:
            parts.append(f"photo ({len(self.photo.data)} B)")
        if self.buttons:
            rows = " / ".join(" | ".join(b.text for b in row) for row in self.buttons)
            parts.append(f"buttons: {rows}")
        if self.keyboard:
            parts.append(f"keyboard: {' | '.join(self.keyboard_texts())}")
        if self.remove_keyboard:
            parts.append("remove_keyboard")
        return "  ".join(parts)


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass(slots=True)
class ApiCall:
    """One HTTP call of the bot; `status` is None while the call is still being answered."""

    method: str
    params: dict[str, Any]
    at: float
    status: int | None = None
    error: str | None = None


@dataclass(slots=True)
class Stats:
    calls: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    client_errors: int = 0
    updates: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    delivered: Counter[int] = field(default_factory=Counter)

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
        elif status >= 400:
            self.client_errors += 1
