"""The data of the registration choices and of the draft a typed answer goes to, packed and
unpacked here only (`app.choicedata`).

    rg:<action>:<draft>:<version>[:<arg>]   a draft's screen: "t" tick a title (arg: its
                                            index), "n" continue, "a" answer (arg: option
                                            index, or y/n), "k" keep, "e" edit an answer
                                            (arg: question index), "et" titles, "ok" confirm,
                                            "x" later, "d" discard, "r" resume
    rg:<action>:<registration>:<revision>   a confirmed registration: "ed" edit, "w" withdraw,
                                            "wy" yes, withdraw, "wn" no
    rg:s:<org>                              the collective to register
    rg:y:<p | org>:<window>:<YYYYMMDD>      the year to register for, two windows being open
    open:register, open:collective          start registering (also from reminders)
    win:x:<window>:<YYYYMMDD>               secretariat: ask to extend a window's deadline
    win:y:<window>:<YYYYMMDD>               secretariat: extend it
    win:n                                   secretariat: back to the windows

A session's reference to the draft a typed answer goes to is `<draft>:<version>`
(`DraftRef`). Indexes point into the rule set's titles, questions and options (the rule set
of a window never changes); dates are the deadline shown, so a changed one is recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.choicedata import day, fields, number, numbers, pack

# `open:register`, `open:collective`: also offered by reminders, hence defined below the core
from reports.progress import OPEN_COLLECTIVE as OPEN_COLLECTIVE
from reports.progress import OPEN_REGISTER as OPEN_REGISTER

PREFIX = "rg"
WINDOWS_PREFIX = "win"
DRAFT_ACTIONS = ("t", "n", "a", "k", "e", "et", "ok", "x", "d", "r")
REGISTRATION_ACTIONS = ("ed", "w", "wy", "wn")
YES, NO = "y", "n"


@dataclass(frozen=True)
class DraftPick:
    """`rg:<action>:<draft>:<version>[:<arg>]`; `arg` an index or y/n."""

    action: str
    draft: int
    version: int
    arg: int | str | None = None

    @property
    def data(self) -> str:
        extra = () if self.arg is None else (self.arg,)
        return pack(PREFIX, self.action, self.draft, self.version, *extra)


@dataclass(frozen=True)
class RegistrationPick:
    """`rg:<ed | w | wy | wn>:<registration>:<revision>`."""

    action: str
    registration: int
    revision: int

    @property
    def data(self) -> str:
        return pack(PREFIX, self.action, self.registration, self.revision)


@dataclass(frozen=True)
class CollectivePick:
    """`rg:s:<org>`."""

    org: int

    @property
    def data(self) -> str:
        return pack(PREFIX, "s", self.org)


@dataclass(frozen=True)
class YearPick:
    """`rg:y:<p | org>:<window>:<YYYYMMDD>`: `org` None for the person themself."""

    org: int | None
    window: int
    deadline: str

    @property
    def data(self) -> str:
        return pack(PREFIX, "y", "p" if self.org is None else self.org, self.window,
                    self.deadline)


RegistrationChoice = DraftPick | RegistrationPick | CollectivePick | YearPick


def unpack(data: str | None) -> RegistrationChoice | None:
    parts = fields(data, PREFIX)
    if not parts:
        return None
    action, rest = parts[0], parts[1:]
    if action == "s":
        ids = numbers(rest) if len(rest) == 1 else None
        return CollectivePick(ids[0]) if ids else None
    if action == "y":
        if len(rest) != 3:
            return None
        window, deadline = number(rest[1]), day(rest[2])
        subject = None if rest[0] == "p" else number(rest[0])
        if window is None or deadline is None or (subject is None and rest[0] != "p"):
            return None
        return YearPick(subject, window, deadline)
    if action in REGISTRATION_ACTIONS:
        ids = numbers(rest) if len(rest) == 2 else None
        return RegistrationPick(action, ids[0], ids[1]) if ids else None
    if action in DRAFT_ACTIONS and len(rest) in (2, 3):
        ids = numbers(rest[:2])
        if ids is None:
            return None
        arg: int | str | None = None
        if len(rest) == 3:
            arg = rest[2] if rest[2] in (YES, NO) else number(rest[2])
            if arg is None:
                return None
        return DraftPick(action, ids[0], ids[1], arg)
    return None


def year_data(org: int | None, window: int, deadline: date) -> str:
    return YearPick(org, window, f"{deadline:%Y%m%d}").data


# --- The secretariat's windows ------------------------------------------------------------


@dataclass(frozen=True)
class WindowPick:
    """`win:<x | y>:<window>:<YYYYMMDD>` (ask, extend) or `win:n` (back: window None)."""

    action: str
    window: int | None = None
    deadline: str | None = None

    @property
    def data(self) -> str:
        if self.window is None:
            return pack(WINDOWS_PREFIX, self.action)
        return pack(WINDOWS_PREFIX, self.action, self.window, self.deadline)


def window_data(action: str, window: int | None = None, deadline: date | None = None) -> str:
    return WindowPick(action, window, None if deadline is None else f"{deadline:%Y%m%d}").data


def unpack_window(data: str | None) -> WindowPick | None:
    parts = fields(data, WINDOWS_PREFIX)
    if parts == ["n"]:
        return WindowPick("n")
    if parts is None or len(parts) != 3 or parts[0] not in ("x", "y"):
        return None
    window, deadline = number(parts[1]), day(parts[2])
    if window is None or deadline is None:
        return None
    return WindowPick(parts[0], window, deadline)


# --- The draft a typed answer goes to -----------------------------------------------------


@dataclass(frozen=True)
class DraftRef:
    """A session's `<draft>:<version>`."""

    draft: int
    version: int

    @property
    def ref(self) -> str:  # as `storage.drafts` writes it (storage cannot import the core)
        return f"{self.draft}:{self.version}"


def unpack_ref(ref: str | None) -> DraftRef | None:
    parts = (ref or "").split(":")
    ids = numbers(parts) if len(parts) == 2 and (ref or "").isascii() else None
    return DraftRef(ids[0], ids[1]) if ids else None
