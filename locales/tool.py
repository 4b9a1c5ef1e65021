"""Catalog maintenance.

`python -m locales.tool check`: list msgids used in code that a catalog lacks, and translations
    whose `{placeholders}` differ from their msgid's (exit 1 if any: `.format` would fail).
`python -m locales.tool add FEATURE`: append the missing msgids to
    `locales/{vi,en}/LC_MESSAGES/FEATURE.po`; English gets msgstr = msgid (the source strings are
    English), Vietnamese gets an empty msgstr to fill in.
`python -m locales.tool fill LOCALE FEATURE FILE.json`: set translations from a JSON object
    {msgid: msgstr} (plural entries: {msgid: [singular, plural]}; the key is the singular msgid).
"""


from __future__ import annotations

import json
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from locales import LOCALES_DIR, SUPPORTED_LOCALES

ROOT = LOCALES_DIR.parent
SOURCE_DIRS = ("app", "bot", "channels", "domain", "storage", "reports")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


@dataclass(frozen=True)
class UsedMessage:
    msgid: str | tuple[str, str]
    location: str


def used_messages() -> list[UsedMessage]:
    found: list[UsedMessage] = []
    for folder in SOURCE_DIRS:
        path = ROOT / folder
        if not path.exists():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(path), method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            msgid = message if isinstance(message, str) else (message[0], message[1])
            found.append(UsedMessage(msgid, f"{folder}/{filename}:{lineno}"))
    return found


def merged_catalog(locale: str) -> Catalog:
    merged = Catalog(locale=locale)
    for po_path in sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id:
                    merged[message.id] = message
    return merged


def missing(locale: str, messages: Iterable[UsedMessage]) -> list[UsedMessage]:
    catalog = merged_catalog(locale)
    result = []
    for used in messages:
        entry = catalog.get(used.msgid)
        strings = entry.string if entry else None
        translated = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if not translated:
            result.append(used)
    return result


def _fields(text: str) -> frozenset[str] | None:
    """The `{name}` fields of a format string; None if it does not parse."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)
    except ValueError:
        return None


def placeholder_mismatches(locale: str) -> list[str]:
    """Translations that would not format with the arguments the code passes."""
    problems = []
    for entry in merged_catalog(locale):
        if not entry.id or not entry.string:
            continue
        ids: tuple[str, ...] = tuple(entry.id) if isinstance(entry.id, tuple | list) \
            else (str(entry.id),)
        forms: tuple[str, ...] = tuple(entry.string) if isinstance(entry.string, tuple | list) \
            else (str(entry.string),)
        wanted = [_fields(i) for i in ids]
        everything = frozenset().union(*(w or frozenset() for w in wanted))
        for index, form in enumerate(forms):
            if not form:
                continue
            # English keeps each form's own fields; other languages' forms may use any of them.
            expected = wanted[min(index, len(wanted) - 1)] if locale == "en" else everything
            found = _fields(form)
            if found is None or (expected is not None and found != expected
                                 and not (locale != "en" and found <= everything)):
                problems.append(f"{locale}: {ids[0]!r}: {form!r} has {sorted(found or [])}, "
                                f"expected {sorted(expected or [])}")
    return problems


def add(feature: str) -> None:
    messages = used_messages()
    for locale in SUPPORTED_LOCALES:
        po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{feature}.po"
        if po_path.exists():
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="thidua")
        known = merged_catalog(locale)
        for used in messages:
            if known.get(used.msgid) is None and catalog.get(used.msgid) is None:
                string = used.msgid if locale == "en" else ("", "") if isinstance(
                    used.msgid, tuple) else ""
                catalog.add(used.msgid, string=string,
                            locations=[(used.location, None)])  # type: ignore[list-item]
        po_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("wb") as fh:
            write_po(fh, catalog, omit_header=False, sort_output=False, width=100)


def fill(locale: str, feature: str, source: Path) -> int:
    """Set translations from JSON; returns how many msgids of the file were not found."""
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{feature}.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    wanted = json.loads(source.read_text(encoding="utf-8"))
    unknown = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in wanted:
            value = wanted.pop(key)
            message.string = tuple(value) if isinstance(value, list) else value
    for key in wanted:
        unknown += 1
        print(f"not in {po_path.name}: {key!r}")
    with po_path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=False, width=100)
    return unknown


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "check":
        problems = 0
        messages = used_messages()
        for locale in SUPPORTED_LOCALES:
            for used in missing(locale, messages):
                problems += 1
                print(f"{locale}: {used.location}: {used.msgid!r}")
            for problem in placeholder_mismatches(locale):
                problems += 1
                print(problem)
        return 1 if problems else 0
    if len(argv) == 2 and argv[0] == "add":
        add(argv[1])
        return 0
    if len(argv) == 4 and argv[0] == "fill":
        return 1 if fill(argv[1], argv[2], Path(argv[3])) else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
