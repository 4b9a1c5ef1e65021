"""Translations for every user-visible string, with the locale held per request.

Source strings are English. Each feature keeps its own catalog file
`locales/<locale>/LC_MESSAGES/<feature>.po`; all files of a locale are merged at start-up.
Catalogs are read straight from `.po` (compiled in memory), so an installed package works
without a compile step. The current locale lives in a ContextVar: every update handled by
the bot sets it for its own task, never a module global.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SUPPORTED_LOCALES: tuple[str, ...] = ("vi", "en")
DEFAULT_LOCALE = "vi"
LOCALES_DIR = Path(__file__).parent

_current: ContextVar[str] = ContextVar("thidua_locale", default=DEFAULT_LOCALE)


def normalize_locale(code: str | None, fallback: str = DEFAULT_LOCALE) -> str:
    """Map a Telegram `language_code` such as "en-US" to a supported locale."""
    if not code:
        return fallback
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LOCALES else fallback


@cache
def translations(locale: str) -> NullTranslations:
    """All catalogs of one locale merged into one gettext object."""
    merged: NullTranslations | None = None
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    for po_path in sorted(folder.glob("*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale, domain=po_path.stem)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(fp=buffer, domain="thidua")
        if merged is None:
            merged = part
        else:
            merged.merge(part)  # type: ignore[attr-defined]  # merged is Translations here
    return merged or NullTranslations()


def warm_up() -> None:
    """Compile the catalogs and load babel's locale data now (a few tenths of a second per
    locale), at start-up, not while the first people's answers wait."""
    for locale in SUPPORTED_LOCALES:
        translations(locale)
        babel_numbers.format_decimal(1234.5, locale=locale)
        babel_numbers.format_percent(0.5, locale=locale)
        babel_dates.format_datetime(datetime(2000, 1, 1), locale=locale)


def set_locale(locale: str) -> None:
    _current.set(normalize_locale(locale))


def get_locale() -> str:
    return _current.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    token = _current.set(normalize_locale(locale))
    try:
        yield
    finally:
        _current.reset(token)


# Whether choices are tapped as buttons (Telegram) or chosen by typing their number (Zalo),
# for the channel a text is written for: hints say "tap" or "type the number" accordingly.
_buttons: ContextVar[bool] = ContextVar("thidua_buttons", default=True)


@contextmanager
def choices_as_buttons(buttons: bool) -> Iterator[None]:
    token = _buttons.set(buttons)
    try:
        yield
    finally:
        _buttons.reset(token)


def tapped() -> bool:
    """True when the reader taps choices, False when they type their number."""
    return _buttons.get()


def _(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_()` where it is shown."""
    return message




def format_date(value: date, fmt: str = "dd/MM/yyyy") -> str:
    """Dates as Vietnamese paperwork writes them (15/03/2024); English gets its own order."""
    if _current.get() == "vi":
        return babel_dates.format_date(value, fmt, locale="vi")
    return babel_dates.format_date(value, "medium", locale="en")


def format_datetime(value: datetime) -> str:
    if _current.get() == "vi":
        return babel_dates.format_datetime(value, "HH:mm dd/MM/yyyy", locale="vi")
    return babel_dates.format_datetime(value, "medium", locale="en")


def format_number(value: int | float) -> str:
    return babel_numbers.format_decimal(value, locale=_current.get())


def format_percent(value: float, digits: int = 0) -> str:
    """A ratio 0..1 as a percentage in the current locale ("66,7 %" in Vietnamese)."""
    pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
    return babel_numbers.format_percent(value, pattern, locale=_current.get())


def format_size(size: int) -> str:
    """File sizes as people read them: "850 KB", "1,5 MB" (Vietnamese decimal comma)."""
    if size < 1024 * 1024:
        value, unit = size / 1024, "KB"
    else:
        value, unit = size / (1024 * 1024), "MB"
    number = babel_numbers.format_decimal(value, "#,##0.#", locale=_current.get())
    return f"{number} {unit}"
