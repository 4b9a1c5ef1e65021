"""The data of the year-end review's choices and of the assessment a typed initiative goes
to, packed and unpacked here only (`app.choicedata`).

    ev:<action>:<assessment>:<version>[:<arg>]  an assessment: "r" rating (arg: its index),
                                                "i" tick an initiative (arg: its id), "c"
                                                declare one, "n" next, "d" disciplined (arg:
                                                y/n), "e" edit (arg: r, i or d), "ok" confirm
    ev:s:<org>                                  the collective to assess
    ev:o:<year>:<YYYYMMDD>                      secretariat: open the review (the day asked)
    ev:cl:<review>:<YYYYMMDD>                   secretariat: close it
    ev:x                                        secretariat: cancel
    open:review                                 the invitation: as /danhgia
    pl:<action>:<list>:<version>[:<n>…]         a proposal list: "p" page (n: page), "t"
                                                tick (n: entry), "rc" recompute, "sub" submit,
                                                "sy" yes, submit, "a" add, "at" a title to
                                                add (n: its index[, page]), "am" add it
                                                (n: index, person or 0 for the collective)
    pl:s:<org>                                  the collective whose list to show

A session's reference to the assessment a typed initiative goes to: `<assessment>:<version>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.choicedata import day, fields, number, numbers, pack

PREFIX = "ev"
LISTS_PREFIX = "pl"
OPEN_REVIEW = "open:review"
CANCEL = pack(PREFIX, "x")
ASSESSMENT_ACTIONS = ("r", "i", "c", "n", "d", "e", "ok")
WORDS = ("y", "n", "r", "i", "d")  # the arguments that are not numbers
LIST_ACTIONS = {"p": (1,), "t": (1,), "rc": (0,), "sub": (0,), "sy": (0,), "a": (0,),
                "at": (1, 2), "am": (2,)}  # how many numbers follow the list and version


@dataclass(frozen=True)
class AssessmentPick:
    """`ev:<action>:<assessment>:<version>[:<arg>]`."""

    action: str
    assessment: int
    version: int
    arg: int | str | None = None

    @property
    def data(self) -> str:
        extra = () if self.arg is None else (self.arg,)
        return pack(PREFIX, self.action, self.assessment, self.version, *extra)


@dataclass(frozen=True)
class CollectivePick:
    """`ev:s:<org>`."""

    org: int

    @property
    def data(self) -> str:
        return pack(PREFIX, "s", self.org)


@dataclass(frozen=True)
class SecretariatPick:
    """`ev:o:<year>:<YYYYMMDD>`, `ev:cl:<review>:<YYYYMMDD>`, `ev:x` (number None)."""

    action: str
    number: int | None = None
    day: str | None = None

    @property
    def data(self) -> str:
        if self.number is None:
            return pack(PREFIX, self.action)
        return pack(PREFIX, self.action, self.number, self.day)


ReviewChoice = AssessmentPick | CollectivePick | SecretariatPick


def secretariat_data(action: str, number: int, asked: date) -> str:
    return SecretariatPick(action, number, f"{asked:%Y%m%d}").data


def unpack(data: str | None) -> ReviewChoice | None:
    parts = fields(data, PREFIX)
    if not parts:
        return None
    action, rest = parts[0], parts[1:]
    if action == "x":
        return SecretariatPick("x") if not rest else None
    if action in ("o", "cl"):
        if len(rest) != 2 or number(rest[0]) is None or day(rest[1]) is None:
            return None
        return SecretariatPick(action, number(rest[0]), rest[1])
    if action == "s":
        ids = numbers(rest) if len(rest) == 1 else None
        return CollectivePick(ids[0]) if ids else None
    if action in ASSESSMENT_ACTIONS and len(rest) in (2, 3):
        ids = numbers(rest[:2])
        if ids is None:
            return None
        arg: int | str | None = None
        if len(rest) == 3:
            arg = rest[2] if rest[2] in WORDS else number(rest[2])
            if arg is None:
                return None
        return AssessmentPick(action, ids[0], ids[1], arg)
    return None


@dataclass(frozen=True)
class AssessmentRef:
    """A session's `<assessment>:<version>`."""

    assessment: int
    version: int

    @property
    def ref(self) -> str:
        return f"{self.assessment}:{self.version}"


def unpack_ref(ref: str | None) -> AssessmentRef | None:
    parts = (ref or "").split(":")
    ids = numbers(parts) if len(parts) == 2 and (ref or "").isascii() else None
    return AssessmentRef(ids[0], ids[1]) if ids else None


# --- Proposal lists ------------------------------------------------------------------------


@dataclass(frozen=True)
class ListPick:
    """`pl:<action>:<list>:<version>[:<n>…]`."""

    action: str
    list: int
    version: int
    args: tuple[int, ...] = ()

    @property
    def data(self) -> str:
        return pack(LISTS_PREFIX, self.action, self.list, self.version, *self.args)


@dataclass(frozen=True)
class ListOrgPick:
    """`pl:s:<org>`."""

    org: int

    @property
    def data(self) -> str:
        return pack(LISTS_PREFIX, "s", self.org)


def list_data(action: str, list_id: int, version: int, *args: int) -> str:
    return ListPick(action, list_id, version, args).data


def unpack_list(data: str | None) -> ListPick | ListOrgPick | None:
    parts = fields(data, LISTS_PREFIX)
    if not parts:
        return None
    action, values = parts[0], numbers(parts[1:])
    if values is None:
        return None
    if action == "s":
        return ListOrgPick(values[0]) if len(values) == 1 else None
    if action not in LIST_ACTIONS or len(values) - 2 not in LIST_ACTIONS[action]:
        return None
    return ListPick(action, values[0], values[1], tuple(values[2:]))
