"""The data of the council's choices, packed and unpacked here only (`app.choicedata`).

The secretariat (`cs:`):

    cs:a:<agency>                                  an agency's council
    cs:op:<agency>:<year>:<YYYYMMDDHHMM>:<mode>    preview opening a session (deadline, mode)
    cs:o:<agency>:<year>:<YYYYMMDDHHMM>:<mode>     open it
    cs:s:<session>                                 a session
    cs:dm | dt | dr:<session>                      its minutes, cover letter, reports
    cs:cl:<session>:<version>                      close it (asks), cs:cy: yes, close it
    cs:w:<session>:<version>                       enter written votes: tick the members
    cs:wt:<session>:<version>:<mask>:<i>           tick member i (mask: those ticked, hex)
    cs:wn:<session>:<version>:<mask>               continue: the counts are typed
    cs:pc:<session>:<version>                      enter a paper count
    cs:wy | py:<nonce>                             save the typed written or paper counts

A member's ballot (`cv:`):

    cv:o:<session>                                 open the ballot
    cv:x:<session>                                 the results (once closed)
    cv:p:<session>:<version>:<page>                a page of the ballot (version: the draft's)
    cv:m:<session>:<version>:<page>:<code>         a mark (an opaque code: `domain.council`)
    cv:y:<session>:<version>:<page>                agree to every proposal
    cv:r | k | c:<session>:<version>               review, ask to cast, cast

A candidate's achievement report (`ca:`):

    ca:o:<candidate>                               start or review it
    ca:e:<candidate>:<version>:<step>              answer a question again
    ca:ok:<candidate>:<version>                    done: send the report

The achievement report's session reference is `<candidate>:<version>:<step>` (`ReportRef`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from string import hexdigits

from app.choicedata import fields, number, numbers, pack

SECRETARIAT_PREFIX = "cs"
BALLOT_PREFIX = "cv"
REPORT_PREFIX = "ca"
STAMP = "%Y%m%d%H%M"


def _word(field: str) -> bool:
    return field.isascii() and field.replace("_", "a").isalnum()


# --- The secretariat --------------------------------------------------------------------------


def stamp(when: datetime) -> str:
    """A deadline in choice data (local time, to the minute)."""
    return when.strftime(STAMP)


def unstamp(text: str, tz: tzinfo) -> datetime | None:
    if len(text) != 12 or number(text) is None:
        return None
    try:
        return datetime.strptime(text, STAMP).replace(tzinfo=tz)
    except ValueError:
        return None


def _mask(text: str) -> int | None:
    if not text or len(text) > 16 or not all(c in hexdigits for c in text):
        return None
    return int(text, 16)


@dataclass(frozen=True)
class AgencyPick:
    """`cs:a:<agency>`."""

    agency: int

    @property
    def data(self) -> str:
        return pack(SECRETARIAT_PREFIX, "a", self.agency)


@dataclass(frozen=True)
class OpenPick:
    """`cs:<op | o>:<agency>:<year>:<YYYYMMDDHHMM>:<mode>`."""

    action: str
    agency: int
    year: int
    deadline: str
    mode: str

    @property
    def data(self) -> str:
        return pack(SECRETARIAT_PREFIX, self.action, self.agency, self.year, self.deadline,
                    self.mode)


@dataclass(frozen=True)
class SessionPick:
    """`cs:<action>:<session>[:<version>[:<mask>[:<i>]]]`."""

    action: str
    session: int
    version: int | None = None
    mask: int | None = None
    index: int | None = None

    @property
    def data(self) -> str:
        extra: list[object] = [] if self.version is None else [self.version]
        if self.mask is not None:
            extra.append(f"{self.mask:x}")
        if self.index is not None:
            extra.append(self.index)
        return pack(SECRETARIAT_PREFIX, self.action, self.session, *extra)


@dataclass(frozen=True)
class ConfirmPick:
    """`cs:<wy | py>:<nonce>`."""

    action: str
    nonce: str

    @property
    def data(self) -> str:
        return pack(SECRETARIAT_PREFIX, self.action, self.nonce)


SecretariatChoice = AgencyPick | OpenPick | SessionPick | ConfirmPick
# How many fields follow the session id: (with a version, with a mask, with an index).
SESSION_ACTIONS = {"s": 0, "dm": 0, "dt": 0, "dr": 0, "cl": 1, "cy": 1, "w": 1, "pc": 1,
                   "wn": 2, "wt": 3}


def unpack_secretariat(data: str | None) -> SecretariatChoice | None:
    parts = fields(data, SECRETARIAT_PREFIX)
    if not parts:
        return None
    action, rest = parts[0], parts[1:]
    if action in ("wy", "py"):
        return ConfirmPick(action, rest[0]) if len(rest) == 1 and rest[0].isalnum() else None
    if action == "a":
        ids = numbers(rest) if len(rest) == 1 else None
        return AgencyPick(ids[0]) if ids else None
    if action in ("op", "o"):
        ids = numbers(rest[:2]) if len(rest) == 4 else None
        if ids is None or len(rest[2]) != 12 or number(rest[2]) is None \
                or not _word(rest[3]):
            return None
        return OpenPick(action, ids[0], ids[1], rest[2], rest[3])
    if action not in SESSION_ACTIONS or len(rest) != 1 + SESSION_ACTIONS[action]:
        return None
    ids = numbers(rest[:2])
    if ids is None:
        return None
    mask = _mask(rest[2]) if len(rest) > 2 else None
    index = number(rest[3]) if len(rest) > 3 else None
    if (len(rest) > 2 and mask is None) or (len(rest) > 3 and index is None):
        return None
    return SessionPick(action, ids[0], ids[1] if len(ids) > 1 else None, mask, index)


# --- The ballot -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotPick:
    """`cv:<action>:<session>[:<version>[:<page>[:<code>]]]`."""

    action: str
    session: int
    version: int | None = None
    page: int | None = None
    code: str | None = None

    @property
    def data(self) -> str:
        extra = [f for f in (self.version, self.page, self.code) if f is not None]
        return pack(BALLOT_PREFIX, self.action, self.session, *extra)


BALLOT_ACTIONS = {"o": 0, "x": 0, "r": 1, "k": 1, "c": 1, "p": 2, "y": 2, "m": 3}


def unpack_ballot(data: str | None) -> BallotPick | None:
    parts = fields(data, BALLOT_PREFIX)
    if not parts or parts[0] not in BALLOT_ACTIONS \
            or len(parts) != 2 + BALLOT_ACTIONS[parts[0]]:
        return None
    action, rest = parts[0], parts[1:]
    ids = numbers(rest[:3])
    if ids is None or (len(rest) > 3 and not rest[3].isalnum()):
        return None
    return BallotPick(action, ids[0], ids[1] if len(ids) > 1 else None,
                      ids[2] if len(ids) > 2 else None, rest[3] if len(rest) > 3 else None)


# --- The achievement report -------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPick:
    """`ca:<o | e | ok>:<candidate>[:<version>[:<step>]]`."""

    action: str
    candidate: int
    version: int | None = None
    step: str | None = None

    @property
    def data(self) -> str:
        extra = [f for f in (self.version, self.step) if f is not None]
        return pack(REPORT_PREFIX, self.action, self.candidate, *extra)


REPORT_ACTIONS = {"o": 0, "ok": 1, "e": 2}


def unpack_report(data: str | None) -> ReportPick | None:
    parts = fields(data, REPORT_PREFIX)
    if not parts or parts[0] not in REPORT_ACTIONS \
            or len(parts) != 2 + REPORT_ACTIONS[parts[0]]:
        return None
    action, rest = parts[0], parts[1:]
    ids = numbers(rest[:2])
    if ids is None or (len(rest) > 2 and not _word(rest[2])):
        return None
    return ReportPick(action, ids[0], ids[1] if len(ids) > 1 else None,
                      rest[2] if len(rest) > 2 else None)


@dataclass(frozen=True)
class ReportRef:
    """The achievement report's session: `<candidate>:<version>:<step>`."""

    candidate: int
    version: int
    step: str

    @property
    def ref(self) -> str:
        return f"{self.candidate}:{self.version}:{self.step}"


def unpack_report_ref(ref: str | None) -> ReportRef | None:
    parts = (ref or "").split(":")
    if len(parts) != 3 or not (ref or "").isascii():
        return None
    ids = numbers(parts[:2])
    return ReportRef(ids[0], ids[1], parts[2]) if ids else None


@dataclass(frozen=True)
class CountsRef:
    """The secretariat's typed entry of written votes or a paper count (its session):

        w:<session>:<version>:<member,…>      the written votes of these members: counts next
        p:<session>:<version>                 a paper count: how many were present next
        pn:<session>:<version>:<present>      a paper count: counts next
        wy:<session>:<version>:<member,…>:<nonce>:<count …>   typed, to save (✅ cs:wy:<nonce>)
        py:<session>:<version>:<present>:<nonce>:<count …>    typed, to save (✅ cs:py:<nonce>)
    """

    kind: str
    session: int
    version: int
    members: tuple[int, ...] = ()
    present: int | None = None
    nonce: str | None = None
    counts: tuple[int, ...] = ()

    @property
    def ref(self) -> str:
        head = [self.kind, str(self.session), str(self.version)]
        if self.kind in ("w", "wy"):
            head.append(",".join(str(m) for m in self.members))
        elif self.kind in ("pn", "py"):
            head.append(str(self.present))
        if self.kind in ("wy", "py"):
            head += [str(self.nonce), " ".join(str(c) for c in self.counts)]
        return ":".join(head)


COUNTS_FIELDS = {"p": 3, "w": 4, "pn": 4, "wy": 6, "py": 6}


def unpack_counts_ref(ref: str | None) -> CountsRef | None:
    parts = (ref or "").split(":")
    if not (ref or "").isascii() or not parts or COUNTS_FIELDS.get(parts[0]) != len(parts):
        return None
    kind = parts[0]
    ids = numbers(parts[1:3])
    if ids is None:
        return None
    members: tuple[int, ...] = ()
    present = None
    if kind in ("w", "wy"):
        listed = numbers(parts[3].split(","))
        if not listed:
            return None
        members = tuple(listed)
    elif kind in ("pn", "py"):
        present = number(parts[3])
        if present is None:
            return None
    nonce: str | None = None
    counts: tuple[int, ...] = ()
    if kind in ("wy", "py"):
        nonce, typed = parts[4], numbers(parts[5].split())
        if not nonce.isalnum() or typed is None:
            return None
        counts = tuple(typed)
    return CountsRef(kind, ids[0], ids[1], members, present, nonce, counts)
