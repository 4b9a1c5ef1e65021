"""The council's secret ballot, without I/O: the rules a session is opened with, a member's
marks while they fill in their ballot, the opaque codes their choices carry, the tally and
what it decides. docs/council.md explains the ballot and why it cannot be traced.

A session keeps a snapshot of its rule set's `council` rules (`SessionRules`): results never
change because a rule file changed after the vote. The tally is counters per candidate (the
votes cast in the chat, and those written by absent members and entered by the secretary),
never one row per ballot: a stored ballot could be matched to its voter by its pattern, its
position or its time.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from typing import Any

from domain.rules import CouncilRules, LegalRef, RuleSet, Share
from domain.windows import parse_day

YES, NO, ABSTAIN, UNSET = "y", "n", "a", "-"
MARKS = (YES, NO, ABSTAIN)
CODE_BYTES = 5  # a choice's code: 10 hex characters (collisions are avoided, see `codes`)
DEFAULT_CLOSING = time(23, 59)  # a deadline typed without a time: the end of that day


# --- The rules a session was opened with ------------------------------------------------


def cite(ruleset: RuleSet, ref: LegalRef | None, locale: str) -> str:
    """"khoản 7 Điều 30 Nghị định số 98/2023/NĐ-CP" (reports.rule_warnings.citation, with the
    locale given: a session keeps both languages)."""
    if ref is None:
        return ""
    doc = next((d for d in ruleset.legal_docs if d.code == ref.doc), None)
    name = doc.cited(locale) if doc is not None else ref.doc
    return f"{ref.article} {name}" if ref.article else name


@dataclass(frozen=True)
class ShareRule:
    """A share of all members, as a session keeps it (per cent, and the article, both
    languages)."""

    at_least: float | None
    more_than: float | None
    ref_vi: str
    ref_en: str

    def needed(self, members: int) -> int:
        if members <= 0:
            return 1
        if self.at_least is not None:
            return -(-members * round(self.at_least * 100) // 10_000)
        assert self.more_than is not None
        return members * round(self.more_than * 100) // 10_000 + 1

    def ref(self, locale: str) -> str:
        return self.ref_en if locale.lower().startswith("en") else self.ref_vi

    @classmethod
    def of(cls, ruleset: RuleSet, share: Share) -> ShareRule:
        return cls(share.at_least, share.more_than, cite(ruleset, share.legal_ref, "vi"),
                   cite(ruleset, share.legal_ref, "en"))


@dataclass(frozen=True)
class TitleRule:
    title: str
    agree: ShareRule
    quorum: ShareRule


@dataclass(frozen=True)
class SessionRules:
    ruleset_id: str
    abstain: bool
    written_votes: bool
    written_count_for_quorum: bool
    titles: dict[str, TitleRule] = field(default_factory=dict)

    def rule(self, title: str) -> TitleRule:
        return self.titles[title]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SessionRules:
        data: dict[str, Any] = json.loads(text)
        titles = {code: TitleRule(code, ShareRule(**rule["agree"]), ShareRule(**rule["quorum"]))
                  for code, rule in data["titles"].items()}
        return cls(data["ruleset_id"], data["abstain"], data["written_votes"],
                   data["written_count_for_quorum"], titles)


def session_rules(ruleset: RuleSet) -> SessionRules | None:
    """The snapshot of a rule set's council rules (None: the rule set has none)."""
    council: CouncilRules | None = ruleset.council
    if council is None:
        return None
    titles = {}
    for rule in council.ballots:
        quorum = ShareRule.of(ruleset, rule.quorum or council.quorum)
        for code in rule.titles:
            titles[code] = TitleRule(code, ShareRule.of(ruleset, rule.agree), quorum)
    return SessionRules(ruleset.id, council.abstain, council.written_votes,
                        council.written_count_for_quorum, titles)


# --- A member's ballot while they fill it in ---------------------------------------------


def new_salt() -> str:
    """The key of one member's choice codes in one session (deleted with their draft)."""
    return secrets.token_hex(16)


def blank(size: int) -> str:
    return UNSET * size


def with_mark(marks: str, position: int, mark: str) -> str:
    if mark not in MARKS or not 0 <= position < len(marks):
        raise ValueError("no such mark or candidate")
    return marks[:position] + mark + marks[position + 1:]


def all_yes(marks: str) -> str:
    """Every candidate not marked yet: "Đồng ý" (a paper ballot's default: cross out who you
    disagree with)."""
    return marks.replace(UNSET, YES)


def is_complete(marks: str) -> bool:
    return bool(marks) and UNSET not in marks


def code(salt: str, position: int, mark: str) -> str:
    """The opaque code a choice carries for "candidate `position`: `mark`". Without the salt
    (kept in the member's draft, deleted when the ballot is cast) a logged or stored choice
    says nothing about the vote it made."""
    digest = hashlib.blake2s(f"{position}:{mark}".encode(), key=bytes.fromhex(salt),
                             digest_size=CODE_BYTES)
    return digest.hexdigest()


def codes(salt: str, size: int, marks: Sequence[str]) -> dict[str, tuple[int, str]] | None:
    """Every code of a ballot → (position, mark); None if two collide (a new salt is drawn:
    one chance in about a billion per pair)."""
    found: dict[str, tuple[int, str]] = {}
    for position in range(size):
        for mark in marks:
            key = code(salt, position, mark)
            if key in found:
                return None
            found[key] = (position, mark)
    return found


def read_code(salt: str, value: str, size: int, marks: Sequence[str]) -> tuple[int, str] | None:
    if len(value) != 2 * CODE_BYTES or not re.fullmatch(r"[0-9a-f]+", value):
        return None
    return (codes(salt, size, marks) or {}).get(value)


def allowed_marks(rules: SessionRules) -> tuple[str, ...]:
    return (YES, NO, ABSTAIN) if rules.abstain else (YES, NO)


# --- The tally and what it decides -------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Tally:
    """One candidate's counters: the chat's (or a paper count's) and the written votes'."""

    candidate_id: int
    counted: Counts
    written: Counts

    @property
    def yes(self) -> int:
        return self.counted.yes + self.written.yes

    @property
    def no(self) -> int:
        return self.counted.no + self.written.no

    @property
    def abstain(self) -> int:
        return self.counted.abstain + self.written.abstain


@dataclass(frozen=True)
class Outcome:
    candidate_id: int
    title: str
    tally: Tally
    members: int
    needed: int  # agreeing votes needed
    quorum_needed: int
    participants: int
    quorum_met: bool
    passed: bool

    @property
    def share(self) -> float:
        """Agreeing votes among all members (0–1)."""
        return self.tally.yes / self.members if self.members else 0.0


def participants(rules: SessionRules, present: int, written: int) -> int:
    """Members who took part, for the quorum: those who voted in the chat (or were present at
    a paper count), and those who voted in writing if the rules count them."""
    return present + (written if rules.written_count_for_quorum else 0)


def evaluate(rules: SessionRules, members: int, present: int, written: int,
             candidates: Iterable[tuple[int, str]], tallies: Mapping[int, Tally]
             ) -> list[Outcome]:
    """Per candidate (id, title): the votes, the share of all members, passed or not."""
    taking_part = participants(rules, present, written)
    outcomes = []
    for candidate_id, title in candidates:
        rule = rules.rule(title)
        tally = tallies.get(candidate_id, Tally(candidate_id, Counts(), Counts()))
        quorum_needed = rule.quorum.needed(members)
        needed = rule.agree.needed(members)
        quorum_met = taking_part >= quorum_needed
        outcomes.append(Outcome(candidate_id, title, tally, members, needed, quorum_needed,
                                taking_part, quorum_met, quorum_met and tally.yes >= needed))
    return outcomes


# --- Typed input: counts and deadlines ---------------------------------------------------


class CountsError(ValueError):
    """Codes: count (how many numbers), range (a number out of 0…most), unreadable."""

    def __init__(self, code: str, expected: int = 0, found: int = 0, most: int = 0) -> None:
        self.code, self.expected, self.found, self.most = code, expected, found, most
        super().__init__(code)


def parse_counts(text: str, size: int, most: int) -> list[int]:
    """`size` whole numbers from 0 to `most`, separated by spaces, commas or semicolons."""
    words = [w for w in re.split(r"[\s,;]+", text.strip()) if w]
    if not all(w.isdigit() and len(w) <= 4 for w in words):
        raise CountsError("unreadable")
    if len(words) != size:
        raise CountsError("count", expected=size, found=len(words))
    numbers = [int(w) for w in words]
    if any(n > most for n in numbers):
        raise CountsError("range", most=most)
    return numbers


def parse_number(text: str, most: int) -> int | None:
    value = text.strip()
    if not value.isdigit() or len(value) > 4 or int(value) > most:
        return None
    return int(value)


def parse_deadline(words: Sequence[str]) -> tuple[datetime, int] | None:
    """A deadline typed as "20/12/2025" (the end of that day) or "20/12/2025 17:00", naive
    local time, and how many words it took; None if the words are not one."""
    if not words:
        return None
    day = parse_day(words[0])
    if day is None:
        return None
    if len(words) > 1:
        match = re.fullmatch(r"(\d{1,2})[:hg](\d{2})", words[1].lower())
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return datetime.combine(day, time(int(match[1]), int(match[2]))), 2
    return datetime.combine(day, DEFAULT_CLOSING), 1
