"""The data of the results' choices, packed and unpacked here only (`app.choicedata`).

A subject is `p:<person>` or `o:<org>` (`SubjectRef.code`, also kept in a pending entry's
session).

    lh:<subject>                       /lichsu: the history of a person or a unit
    rs:s:<subject>                     /ghinhan: the subject's results
    rs:n:<subject>                     /ghinhan: record a new result (choose a title)
    rs:t:<subject>:<title index>       /ghinhan: its title (choose a year)
    rs:y:<subject>:<title index>:<year>  /ghinhan: its year (then the decision is typed)
    rs:r:<result>:<revision>           /ghinhan: a result
    rs:c:<result>:<revision>           /ghinhan: correct its decision
    rs:d:<result>:<revision>           /ghinhan: remove it (asks)
    rs:dy:<result>:<revision>          /ghinhan: yes, remove it
    rs:ok:<nonce>                      /ghinhan: save what was typed (the session's nonce)
    rs:x                               /ghinhan: cancel
"""

from __future__ import annotations

from dataclasses import dataclass

from app.choicedata import fields, number, numbers, pack

HISTORY_PREFIX = "lh"
PREFIX = "rs"
CANCEL = pack(PREFIX, "x")
PERSON, ORG = "p", "o"
SUBJECT_ACTIONS = {"s": 0, "n": 0, "t": 1, "y": 2}  # how many numbers follow the subject
RESULT_ACTIONS = ("r", "c", "d", "dy")


@dataclass(frozen=True)
class SubjectRef:
    """`p:<person>` or `o:<org>`."""

    kind: str
    id: int

    @property
    def code(self) -> str:
        return f"{self.kind}:{self.id}"


def _subject(kind: str, ident: str) -> SubjectRef | None:
    target = number(ident)
    return SubjectRef(kind, target) if kind in (PERSON, ORG) and target is not None else None


def unpack_subject(code: str | None) -> SubjectRef | None:
    """A subject's code as a pending entry keeps it."""
    parts = (code or "").split(":")
    return _subject(*parts) if len(parts) == 2 and (code or "").isascii() else None


def history_data(subject: SubjectRef) -> str:
    return pack(HISTORY_PREFIX, subject.kind, subject.id)


def unpack_history(data: str | None) -> SubjectRef | None:
    parts = fields(data, HISTORY_PREFIX, 2)
    return _subject(*parts) if parts else None


@dataclass(frozen=True)
class SubjectPick:
    """`rs:<s | n | t | y>:<subject>[:<title index>[:<year>]]`."""

    action: str
    subject: SubjectRef
    index: int | None = None
    year: int | None = None

    @property
    def data(self) -> str:
        extra = [n for n in (self.index, self.year) if n is not None]
        return pack(PREFIX, self.action, self.subject.kind, self.subject.id, *extra)


@dataclass(frozen=True)
class ResultPick:
    """`rs:<r | c | d | dy>:<result>:<revision>`."""

    action: str
    result: int
    revision: int

    @property
    def data(self) -> str:
        return pack(PREFIX, self.action, self.result, self.revision)


@dataclass(frozen=True)
class SavePick:
    """`rs:ok:<nonce>`."""

    nonce: str

    @property
    def data(self) -> str:
        return pack(PREFIX, "ok", self.nonce)


@dataclass(frozen=True)
class CancelPick:
    """`rs:x`."""

    @property
    def data(self) -> str:
        return CANCEL


def record_data(subject: SubjectRef) -> str:
    """`rs:s:<subject>`: record or correct the subject's results (also from /lichsu)."""
    return SubjectPick("s", subject).data


EntryChoice = SubjectPick | ResultPick | SavePick | CancelPick


def unpack(data: str | None) -> EntryChoice | None:
    parts = fields(data, PREFIX)
    if not parts:
        return None
    action, rest = parts[0], parts[1:]
    if action == "x":
        return CancelPick() if not rest else None
    if action == "ok":
        return SavePick(rest[0]) if len(rest) == 1 and rest[0].isalnum() else None
    if action in SUBJECT_ACTIONS and len(rest) == 2 + SUBJECT_ACTIONS[action]:
        subject, extra = _subject(rest[0], rest[1]), numbers(rest[2:])
        if subject is None or extra is None:
            return None
        return SubjectPick(action, subject, *extra)
    if action in RESULT_ACTIONS and len(rest) == 2:
        ids = numbers(rest)
        return ResultPick(action, ids[0], ids[1]) if ids else None
    return None
