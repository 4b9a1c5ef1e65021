"""Long texts cut for Zalo's 2000-character messages, on line boundaries.

A cut falls after a line when it can, else (one line longer than a message) after a word,
and only a single word longer than a message is cut inside.
"""

from __future__ import annotations

MAX_TEXT = 2000


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` as messages of at most `limit` characters (none for an empty text)."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text] if text.strip() else []
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        for piece in _split_line(line, limit):
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return [c for c in (chunk.strip("\n") for chunk in chunks) if c.strip()]


def _split_line(line: str, limit: int) -> list[str]:
    """A line of any length as pieces of at most `limit`, cut after words."""
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit + 1)
        if cut <= 0:  # one word longer than a message
            pieces.append(line[:limit])
            line = line[limit:]
        else:
            pieces.append(line[:cut])
            line = line[cut + 1:]
    pieces.append(line)
    return pieces
