"""Fitting long HTML texts into Telegram messages (4096 characters) and captions (1024)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAGS = re.compile(r"<[^>]+>")


def split_blocks(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack blocks (paragraphs of whole HTML lines) into as few messages as fit `limit`.

    A block never straddles two messages unless it alone is too long; then it is cut between
    its lines, so no tag opened on a line is ever cut. Lengths are counted on the HTML source,
    which is never shorter than what Telegram counts after parsing it.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block] if len(block) <= limit else _split_lines(block, limit)
        for piece in pieces:
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _split_lines(block: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        if len(line) > limit:  # one line alone too long: cut its plain text
            line = _cut(line, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def _cut(line: str, limit: int) -> str:
    """The line's plain text, escaped and cut (with "…") to at most `limit` characters."""
    text = plain_text(line)[: limit - 1]
    while len(html.escape(text)) + 1 > limit:
        text = text[: -max(1, len(html.escape(text)) + 1 - limit)]
    return html.escape(text) + "…"


def plain_text(text: str) -> str:
    """HTML message text as a terminal shows it."""
    return html.unescape(_TAGS.sub("", text))


def caption(text: str, limit: int = CAPTION_LIMIT) -> str:
    """A caption of at most `limit` characters, cut at a line when it must be shortened."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    while lines and len("\n".join(lines)) > limit - 2:
        lines.pop()
    return ("\n".join(lines) + "\n…") if lines else plain_text(text)[: limit - 1] + "…"
