"""The data of the progress choices, packed and unpacked here only (`app.choicedata`).

    pr:rm:<YYYYMMDD>                   a head's weekly digest: remind the people of the units
                                       they head (valid for a week from that day)
    rmd:s:<scope>                      /remind: the scope ("all" or an agency id)
    rmd:w:<scope>:<what>               /remind: what to remind about ("all", r<window> for a
                                       registration, c<campaign> for a campaign)
    rmd:go:<scope>:<what>:<YYYYMMDD>   /remind: send (the day of the preview)
    rmd:x                              /remind: cancel

(`open:collective` in a digest is the registration's: `reports.progress`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.choicedata import day, fields, number, pack
from domain.progress import Item, ItemKind

DIGEST_PREFIX = "pr:rm"
PREFIX = "rmd"
EVERYTHING = "all"
CANCEL = pack(PREFIX, "x")


def remind_data(today: date) -> str:
    """`pr:rm:<YYYYMMDD>`."""
    return pack(DIGEST_PREFIX, f"{today:%Y%m%d}")


def unpack_remind(data: str | None) -> date | None:
    """The day of a digest's "Remind", or None."""
    parts = fields(data, DIGEST_PREFIX, 1)
    stamp = day(parts[0]) if parts else None
    if stamp is None:
        return None
    try:
        return datetime.strptime(stamp, "%Y%m%d").date()
    except ValueError:
        return None


def item_code(item: Item) -> str:
    """What names an open item in /remind's data: r<window> or c<campaign> (from its key,
    `<kind>:<id>`)."""
    return ("r" if item.kind == ItemKind.REGISTRATION else "c") + item.key.split(":")[1]


def _scope_ok(code: str) -> bool:
    return code == EVERYTHING or number(code) is not None


def _what_ok(code: str) -> bool:
    return code == EVERYTHING or (code[:1] in ("r", "c") and number(code[1:]) is not None)


@dataclass(frozen=True)
class RemindPick:
    """`rmd:<s | w | go>:<scope>[:<what>[:<YYYYMMDD>]]`, or `rmd:x` (scope None)."""

    step: str
    scope: str | None = None
    what: str | None = None
    day: str | None = None

    @property
    def data(self) -> str:
        rest = [f for f in (self.scope, self.what, self.day) if f is not None]
        return pack(PREFIX, self.step, *rest)


def scope_data(scope: str | int) -> str:
    return RemindPick("s", str(scope)).data


def what_data(scope: str, what: str) -> str:
    return RemindPick("w", scope, what).data


def send_data(scope: str, what: str, today: date) -> str:
    return RemindPick("go", scope, what, f"{today:%Y%m%d}").data


ARITY = {"x": 0, "s": 1, "w": 2, "go": 3}


def unpack(data: str | None) -> RemindPick | None:
    parts = fields(data, PREFIX)
    if not parts or ARITY.get(parts[0]) != len(parts) - 1:
        return None
    step, rest = parts[0], parts[1:]
    if step == "x":
        return RemindPick("x")
    if not _scope_ok(rest[0]) or (len(rest) > 1 and not _what_ok(rest[1])) \
            or (len(rest) > 2 and day(rest[2]) is None):
        return None
    return RemindPick(step, *rest)
