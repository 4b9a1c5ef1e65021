"""Vietnamese text handling: Unicode normalisation, search keys and official name ordering.

The same name can arrive composed (NFC) or decomposed (NFD, from some keyboards and macOS
files), and with the tone mark on a different vowel ("Hòa" / "Hoà"). Everything stored is NFC;
everything compared goes through `fold_key`, which also drops tones and diacritics so that
"so noi vu" finds "Sở Nội vụ".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def _invisible() -> dict[int, None]:
    """Characters nobody types on purpose and that break names and files: C0 controls (tab,
    newline, carriage return, vertical tab and form feed are whitespace and stay, to be
    collapsed), DEL and C1 controls, zero-width and direction marks, bidi embeddings and
    isolates, word joiner and invisible operators, the byte order mark. A ZWSP inside "Sở Tài
    chính" made it a second agency; a \x01 made openpyxl and python-docx refuse a whole file."""
    keep = {0x09, 0x0A, 0x0B, 0x0C, 0x0D}
    ranges = [(0x00, 0x1F), (0x7F, 0x9F), (0x200B, 0x200F), (0x202A, 0x202E),
              (0x2060, 0x2064), (0x2066, 0x2069), (0xFEFF, 0xFEFF)]
    return {c: None for low, high in ranges for c in range(low, high + 1) if c not in keep}


_INVISIBLE = _invisible()
# The same set as a character class: one C-level search, then a substitution only when found.
_INVISIBLE_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _INVISIBLE) + "]")
_LINE_CONTROLS = re.compile("[\x0b\x0c\r]")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền sắc ngã hỏi nặng


def strip_invisible(text: str) -> str:
    """`text` without control, zero-width and direction characters; tabs and newlines kept
    (for texts written to files, whose line breaks matter)."""
    return _LINE_CONTROLS.sub("", _INVISIBLE_CHARS.sub("", text))


def nfc(text: str) -> str:
    """NFC with invisible characters dropped and whitespace collapsed: the one form we store."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", _INVISIBLE_CHARS.sub("", text))).strip()


# Names, units and labels come back again and again (every roster row names its agency and
# unit, every summary line its org): their keys are remembered. Long texts (typed input, file
# cells up to their cap) are computed each time, so no hostile text is kept.
_CACHED_UP_TO = 200


def fold_key(text: str) -> str:
    """Search/match key: lower case, no diacritics, đ→d, single spaces.

    Tone placement differences ("Hòa"/"Hoà") vanish because all marks are removed.
    """
    return _fold_key_cached(text) if len(text) <= _CACHED_UP_TO else _fold_key(text)


def identity_key(text: str) -> str:
    """Key under which two spellings of one name are the same name.

    Keeps every letter and mark (so "Hà" and "Ha" differ) but is insensitive to Unicode form,
    case, spacing and to where the tone mark sits in the syllable.
    """
    return _identity_key_cached(text) if len(text) <= _CACHED_UP_TO else _identity_key(text)


def _fold_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def _identity_key(text: str) -> str:
    out: list[str] = []
    for word in nfc(text).casefold().split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        tones = sorted(ch for ch in decomposed if ch in _TONE_MARKS)
        rest = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
        out.append(unicodedata.normalize("NFC", rest) + "".join(tones))
    return " ".join(out)


_fold_key_cached = lru_cache(maxsize=32768)(_fold_key)
_identity_key_cached = lru_cache(maxsize=32768)(_identity_key)


# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
# tones ordered: none, huyền, hỏi, ngã, sắc, nặng (the order of official lists and dictionaries).
_BASE_ORDER = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_BASE_RANK = {ch: i for i, ch in enumerate(_BASE_ORDER)}
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_VOWEL_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


@functools.lru_cache(maxsize=65536)
def _letters(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Split a word into base-letter ranks and tone ranks (tones compare after letters).

    Cached: names repeat few distinct words, and sorting 30,000 people calls this per word.
    """
    letters: list[int] = []
    tones: list[int] = []
    for cluster in _clusters(unicodedata.normalize("NFD", word.casefold())):
        base = cluster[0]
        modifiers = "".join(ch for ch in cluster[1:] if ch in _VOWEL_MODIFIERS)
        tone = next((ch for ch in cluster[1:] if ch in _TONE_RANK), "")
        letter = unicodedata.normalize("NFC", base + modifiers)
        letters.append(_BASE_RANK.get(letter, 100 + ord(letter[0])))
        tones.append(_TONE_RANK[tone])
    return tuple(letters), tuple(tones)


def _clusters(decomposed: str) -> list[str]:
    clusters: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and clusters:
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


@functools.lru_cache(maxsize=1 << 15)  # lists of thousands of people share a few names
def vietnamese_sort_key(full_name: str) -> tuple:
    """Order people as official lists do: given name, then middle names, then family name."""
    words = nfc(full_name).split(" ")
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    # Word by word: a word's letters, then its tones, before the next word is looked at.
    return tuple(_letters(word) for word in ordered)

