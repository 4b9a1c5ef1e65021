"""Texts as a Zalo user sees them: the 2000-character limit and the two parse modes.

Zalo does not publish its Markdown dialect; the emulator strips the common marks (bold,
italic, strike-through, code, links) so tests match on what a person reads, and keeps
anything it does not recognise as typed.
"""

from __future__ import annotations

import html
import re

MAX_TEXT = 2000
MAX_CAPTION = 2000
PARSE_MODES = frozenset({"markdown", "html"})

_MARKDOWN = (
    (re.compile(r"\[([^\]\n]+)\]\((\S+?)\)"), r"\1 (\2)"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S), r"\1"),
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__", re.S), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.S), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
)
_TAG = re.compile(r"<[^<>]*>")


def plain_text(text: str, parse_mode: str | None) -> str:
    """What the person reads of `text` sent with `parse_mode` (None: as typed)."""
    mode = (parse_mode or "").lower()
    if mode == "markdown":
        for pattern, replacement in _MARKDOWN:
            text = pattern.sub(replacement, text)
        return text
    if mode == "html":
        return html.unescape(_TAG.sub("", text.replace("<br>", "\n").replace("<br/>", "\n")))
    return text
