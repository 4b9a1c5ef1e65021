"""Invite codes people can read off a slip and type on a phone.

A code is 100 random bits written in Crockford's base32 (digits and upper-case letters without
I, L, O and U, so nothing reads as something else), in groups of four: `7KQ2-M9XD-…`
(24 characters). Typed back, case, spaces, dashes and the look-alikes (O for 0, I or L for 1)
do not matter: `canonical` turns every such spelling into the one form whose hash is stored.

Codes of the first format (16 characters of Telegram's deep-link alphabet, case-sensitive)
are still accepted as typed: `legacy_form`. Other words typed by someone not linked yet are
not codes, so they never count as wrong codes.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
BITS = 100  # ≥ 96 random bits: 20 characters of 5 bits
LENGTH = BITS // 5
GROUP = 4
# What people type between groups or around a code: spaces of every kind, dashes of every
# kind, dots and underscores.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_.·]+")
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# secrets.token_urlsafe(12): always 16 characters (a longer or shorter word is not a code).
_LEGACY = re.compile(r"^[A-Za-z0-9_-]{16}$")


def new_code() -> str:
    """A fresh code, in groups of four."""
    value = secrets.randbits(BITS)
    chars = [ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH))]
    return grouped("".join(chars))


def grouped(code: str) -> str:
    """`7KQ2M9XD…` → `7KQ2-M9XD-…` (the form printed and sent)."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def canonical(text: str) -> str | None:
    """The 20 characters a typed code stands for, or None if it is not one."""
    squeezed = _SEPARATORS.sub("", text.strip()).upper().translate(_LOOK_ALIKES)
    if len(squeezed) != LENGTH or any(c not in ALPHABET for c in squeezed):
        return None
    return squeezed


def legacy_form(text: str) -> str | None:
    """A code of the first format, exactly as typed (those were case-sensitive)."""
    stripped = text.strip()
    return stripped if _LEGACY.match(stripped) else None


def looks_like_code(text: str) -> bool:
    return canonical(text) is not None or legacy_form(text) is not None
