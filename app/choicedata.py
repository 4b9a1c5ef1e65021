"""Choice data, packed and unpacked: `<prefix>:<field>:<field>…`, ASCII, at most 64 bytes.

Every feature defines the data of its choices once (`app/<feature>/choices.py`, or the
feature module itself for a feature of one module): typed values packed by `pack` and read
back by `fields` and `number`, so no other module formats or splits choice data. Reading is
total: anything malformed or forged (another prefix, a wrong number of fields, a field that
is not a number where one is expected, non-ASCII, longer than a choice can be) reads as
None, which the use case answers as an expired or refused choice, never with an exception.
"""

from __future__ import annotations

MAX_DATA_BYTES = 64  # Telegram's callback-data limit (`app.ui.Choice` checks it too)
SEP = ":"


def pack(prefix: str, *fields: object) -> str:
    """`prefix:field:…`; a ValueError if that is not ASCII or is longer than 64 bytes (a bug:
    the fields are ids, versions, codes and dates)."""
    data = SEP.join([prefix, *(str(f) for f in fields)])
    if not data.isascii() or len(data) > MAX_DATA_BYTES:
        raise ValueError(f"choice data must be ASCII of at most 64 bytes: {data!r}")
    return data


def fields(data: str | None, prefix: str, count: int | None = None) -> list[str] | None:
    """The fields after `prefix:` (exactly `count` of them, if given); None if `data` is not
    ASCII of at most 64 bytes or does not start with `prefix:`. `prefix` alone has no
    fields."""
    if not data or not data.isascii() or len(data) > MAX_DATA_BYTES:
        return None
    if data == prefix:
        parts: list[str] = []
    elif data.startswith(prefix + SEP):
        parts = data[len(prefix) + 1:].split(SEP)
    else:
        return None
    if count is not None and len(parts) != count:
        return None
    return parts


def number(field: str | None) -> int | None:
    """A field of ASCII digits as an int (ids, versions, indexes, pages), else None."""
    if field is None or not field.isascii() or not field.isdigit() or len(field) > 18:
        return None
    return int(field)


def numbers(parts: list[str] | None) -> list[int] | None:
    """Every field as an int, or None if one is not a number."""
    if parts is None:
        return None
    values = [number(p) for p in parts]
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def day(field: str | None) -> str | None:
    """A date field (`YYYYMMDD`, as shown: compared, never computed with), else None."""
    return field if field is not None and len(field) == 8 and number(field) is not None \
        else None
