"""Vietnamese mobile numbers: one canonical form for matching roster rows with Telegram contacts."""

from __future__ import annotations

import re

# Before the 2018 renumbering mobile numbers had 11 digits; these prefixes moved to 10 digits.
_OLD_PREFIXES = {
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039",
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0186": "056", "0188": "058", "0199": "059",
}
_SEPARATORS = re.compile(r"[\s.\-()/]")


class InvalidPhone(ValueError):
    """The text is not a Vietnamese phone number."""


def normalize_phone(raw: str) -> str:
    """Return the national 10-digit form `0xxxxxxxxx` of a Vietnamese number.

    Accepts `0912…`, `+84912…`, `84912…`, `912…` (as Telegram sometimes sends it without
    the country code's plus), spaces, dots, dashes, slashes and brackets, and pre-2018
    11-digit numbers. A `+` followed by another country code is refused.
    """
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+"):
        # An international number: Vietnamese only with the country code 84 (+376312345 is
        # Andorra, not the Viettel number 0376312345).
        if not digits.startswith("+84"):
            raise InvalidPhone(raw)
        digits = digits[1:]
    if not digits.isdigit():
        raise InvalidPhone(raw)
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits
    if len(digits) == 11:
        new_prefix = _OLD_PREFIXES.get(digits[:4])
        if new_prefix is None:
            raise InvalidPhone(raw)
        digits = new_prefix + digits[4:]
    if len(digits) != 10 or not digits.startswith("0"):
        raise InvalidPhone(raw)
    return digits


_DIGITS = re.compile(r"[\s.\-()/+]")


def looks_like_phone(text: str) -> bool:
    """Whether a typed text is a phone number (9 to 12 digits with the usual separators):
    what a person types when asked who they are."""
    digits = _DIGITS.sub("", text.strip())
    return digits.isdigit() and 9 <= len(digits) <= 12
