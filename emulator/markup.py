"""Text formatting and keyboards as Telegram checks them.

The HTML parser follows Telegram's rules (tdlib `parse_html`) with one deliberate deviation: a
bare `&` that does not start an entity is rejected, although Telegram would keep it literally,
because it almost always means user text was not escaped and the next `<` would break the message.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, bad_request
from .models import InlineButton, KeyboardButton, ReplyMarkup

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z0-9_-]*")
_COMMAND = re.compile(r"/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?")


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _cant_parse(text: str, reason: str, pos: int | None = None) -> ApiError:
    if pos is not None:
        reason = f"{reason} at byte offset {len(text[:pos].encode())}"
    return bad_request(f"can't parse entities: {reason}")


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """The character of the HTML entity at `pos` and the position after it, if valid."""
    m = _ENTITY.match(text, pos)
    if not m:
        return None
    dec, hexa, name = m.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return (char, m.end()) if char else None
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), m.end()


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and the entities of an HTML-formatted message; ApiError when Telegram
    would answer "can't parse entities"."""
    if not _SPECIAL.search(text):
        return text, []
    out: list[str] = []
    offset = 0  # UTF-16 length of `out`
    stack: list[tuple[str, dict[str, str], int]] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    for m in _SPECIAL.finditer(text):
        if m.start() < pos:
            continue  # inside a tag or entity already consumed
        chunk = text[pos : m.start()]
        out.append(chunk)
        offset += utf16_len(chunk)
        start = m.start()
        if text[start] == "&":
            decoded = _decode_entity(text, start)
            if decoded is None:
                named = _ENTITY.match(text, start)
                reason = 'Unescaped "&" (use &amp;)'
                if named:
                    reason = f'Unsupported HTML entity "{named.group()}"'
                raise _cant_parse(text, reason, start)
            out.append(decoded[0])
            offset += utf16_len(decoded[0])
            pos = decoded[1]
        elif text.startswith("</", start):
            pos = _close_tag(text, start, stack, entities, offset)
        else:
            pos, name, attrs = _open_tag(text, start)
            stack.append((name, attrs, offset))
    tail = text[pos:]
    out.append(tail)
    if stack:
        raise _cant_parse(text, f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _open_tag(text: str, start: int) -> tuple[int, str, dict[str, str]]:
    name_match = _NAME.match(text, start + 1)
    assert name_match is not None
    name = name_match.group().lower()
    if name not in _TAG_ENTITY:
        raise _cant_parse(text, f'Unsupported start tag "{name}"', start)
    pos = name_match.end()
    attrs: dict[str, str] = {}
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            raise _cant_parse(text, "Unclosed start tag", start)
        if text[pos] == ">":
            pos += 1
            break
        attr = _ATTR_NAME.match(text, pos)
        assert attr is not None
        if not attr.group():
            raise _cant_parse(text, f'Empty attribute name in the tag "{name}"', start)
        pos = attr.end()
        value = ""
        if text.startswith("=", pos):
            value, pos = _attr_value(text, pos + 1, start)
        attrs[attr.group().lower()] = value
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _cant_parse(text, 'Tag "span" must have class "tg-spoiler"', start)
    return pos, name, attrs


def _attr_value(text: str, pos: int, tag_start: int) -> tuple[str, int]:
    if pos < len(text) and text[pos] in "\"'":
        end = text.find(text[pos], pos + 1)
        if end < 0:
            raise _cant_parse(text, "Unclosed start tag", tag_start)
        raw, after = text[pos + 1 : end], end + 1
    else:
        end = pos
        while end < len(text) and not text[end].isspace() and text[end] != ">":
            end += 1
        raw, after = text[pos:end], end
    value = re.sub(r"&[^;&\s]*;", lambda m: (_decode_entity(m.group(), 0) or (m.group(),))[0], raw)
    return value, after


def _close_tag(
    text: str,
    start: int,
    stack: list[tuple[str, dict[str, str], int]],
    entities: list[dict[str, Any]],
    offset: int,
) -> int:
    name_match = _NAME.match(text, start + 2)
    assert name_match is not None
    name = name_match.group().lower()
    pos = name_match.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text) or text[pos] != ">":
        raise _cant_parse(text, "Unclosed end tag", start)
    if not stack:
        raise _cant_parse(text, "Unexpected end tag", start)
    open_name, attrs, begin = stack.pop()
    if name != open_name:
        raise _cant_parse(
            text,
            f"Unmatched end tag at byte offset {len(text[:start].encode())}, "
            f'expected "</{open_name}>", found "</{name}>"',
        )
    if offset > begin:
        entity = _make_entity(open_name, attrs, begin, offset - begin, entities)
        if entity:
            entities.append(entity)
    return pos + 1


def _make_entity(
    name: str, attrs: dict[str, str], offset: int, length: int, entities: list[dict[str, Any]]
) -> dict[str, Any] | None:
    kind = _TAG_ENTITY[name]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if kind == "text_link":
        if not attrs.get("href"):
            return None
        entity["url"] = attrs["href"]
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "pre":
        # <pre><code class="language-x"> becomes one pre entity carrying the language
        same_span = (
            e for e in entities if (e["type"], e["offset"], e["length"]) == ("code", offset, length)
        )
        inner = next(same_span, None)
        if inner is not None:
            entities.remove(inner)
            if inner.get("language"):
                entity["language"] = inner["language"]
    if kind == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    return entity


def strip_html(text: str) -> str:
    """The text a user reads; falls back to the raw text if it is not valid HTML."""
    try:
        return parse_html(text)[0]
    except ApiError:
        return text


def format_text(
    text: str | None, parse_mode: str | None, *, caption: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Validates a message text or caption; returns the plain text and the entities.
    Only HTML is parsed; other parse modes are passed through unchecked."""
    text = text or ""
    if parse_mode and parse_mode.lower() not in ("html", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    if parse_mode and parse_mode.lower() == "html":
        plain, entities = parse_html(text)
    else:
        plain, entities = text, []
    limit = MAX_CAPTION if caption else MAX_TEXT
    if len(plain) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    if not caption and not plain.strip():
        raise bad_request("message text is empty")
    return plain, entities


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds for a leading `/command` (or `/command@botname`)."""
    m = _COMMAND.match(text)
    if not m or (m.end() < len(text) and not text[m.end()].isspace()):
        return []
    return [{"type": "bot_command", "offset": 0, "length": m.end()}]


# ---------------------------------------------------------------------------- reply markup

_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def parse_reply_markup(raw: Any) -> ReplyMarkup:
    if raw is None:
        return ReplyMarkup()
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return ReplyMarkup(inline=_inline_rows(raw["inline_keyboard"]), raw=raw)
    if "keyboard" in raw:
        return ReplyMarkup(keyboard=_keyboard_rows(raw["keyboard"]), raw=raw)
    if raw.get("remove_keyboard"):
        return ReplyMarkup(remove_keyboard=True, raw=raw)
    if raw.get("force_reply"):
        return ReplyMarkup(force_reply=True, raw=raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(raw: Any, what: str) -> list[list[Any]]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request(f'can\'t parse {what}: field "{what}" must be an Array of Arrays')
    return raw


def _inline_rows(raw: Any) -> list[list[InlineButton]]:
    rows = []
    for row in _rows(raw, "inline_keyboard"):
        buttons = []
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button")
            if not button.get("text"):
                raise bad_request("BUTTON_TEXT_EMPTY")
            actions = [a for a in _INLINE_ACTIONS if a in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            buttons.append(InlineButton(button["text"], data, button.get("url")))
        rows.append(buttons)
    return rows


def _keyboard_rows(raw: Any) -> list[list[KeyboardButton]]:
    rows = []
    for row in _rows(raw, "keyboard"):
        buttons = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse keyboard button: text must be non-empty")
            buttons.append(KeyboardButton(button["text"], bool(button.get("request_contact"))))
        rows.append(buttons)
    return rows
