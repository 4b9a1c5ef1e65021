"""The year's results on record: which titles and forms of commendation a person or a
collective achieved in a year, by which decision; and what a history of them shows.

Pure models and functions; storage keeps them (storage/results.py), reports word them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.rules import NoRuleSetInForce, RuleSet, available_rulesets, ruleset_for_year
from domain.subjects import Subject
from domain.text import fold_key, nfc

MAX_DECIDED_BY = 200
MAX_NUMBER = 60
_NUMBER = re.compile(r"^[\w./\-–]+$")  # "125/QĐ-UBND", "3666/QĐ-UBND", "12a/QĐ"


@dataclass(frozen=True)
class Decision:
    """A decision (quyết định): its number as written, the day it was signed and who decided
    (the issuing body or the signatory's office)."""

    number: str
    signed_on: date
    decided_by: str

    @property
    def key(self) -> tuple[str, date]:
        """Two spellings of one number ("125/QĐ-UBND", "125/QD-UBND ") are one decision."""
        return number_key(self.number), self.signed_on


def number_key(number: str) -> str:
    return fold_key(number).replace(" ", "")


def clean_number(text: str) -> str | None:
    """A decision number as stored (NFC, no spaces), or None when it cannot be one."""
    number = nfc(text).replace(" ", "")
    if not number or len(number) > MAX_NUMBER or not _NUMBER.match(number):
        return None
    return number


@dataclass(frozen=True)
class Result:
    """A title or form of commendation achieved, as stored."""

    id: int
    year: int
    subject: Subject
    title: str
    decision: Decision
    revision: int
    source: str
    initiative_id: int | None = None
    initiative_title: str | None = None


def catalog_for_year(year: int) -> RuleSet:
    """The catalog a year's results are read with: the rule set the year is judged by, or
    the oldest one for years before every packaged rule set (the titles are the Law's)."""
    try:
        return ruleset_for_year(year)
    except NoRuleSetInForce:
        return available_rulesets()[0]


# --- History ------------------------------------------------------------------------------


def latest_run(years: Iterable[int], end: int, gap: int = 1) -> list[int]:
    """The run of `years` ending at `end`, successive years at most `gap` apart, oldest
    first; [] when `end` is not among them."""
    held = set(years)
    if end not in held:
        return []
    run = [end]
    while True:
        previous = next((run[0] - step for step in range(1, gap + 1)
                         if run[0] - step in held), None)
        if previous is None:
            return run
        run.insert(0, previous)


def years_with(results: Iterable[Result], title: str) -> list[int]:
    return sorted({r.year for r in results if r.title == title})


def by_year(results: Iterable[Result]) -> dict[int, list[Result]]:
    """Newest year first, each year's results in the order given."""
    grouped: dict[int, list[Result]] = {}
    for result in sorted(results, key=lambda r: -r.year):
        grouped.setdefault(result.year, []).append(result)
    return grouped


@dataclass(frozen=True)
class RecordFacts:
    """What the record holds about one subject, as registration needs it: the years it holds
    each title in, and for each title the years whose decisions are on record at all (for the
    subject's agency when the agency decides the title, anywhere otherwise)."""

    years: Mapping[str, tuple[int, ...]]
    covered: Mapping[str, frozenset[int]]
    initiatives: tuple[UsedInitiative, ...] = ()

    def held(self, title: str) -> tuple[int, ...]:
        return self.years.get(title, ())


@dataclass(frozen=True)
class UsedInitiative:
    """An initiative of the register (authored by the subject) and the results resting on
    it: (year, title code) each."""

    id: int
    title: str
    uses: tuple[tuple[int, str], ...]

    @property
    def key(self) -> str:
        return fold_key(self.title)


# --- A decision typed in a chat --------------------------------------------------------------

_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)"
                   r"|(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_LEAD = re.compile(r"^(?:quyet dinh|qd|so)\b[\s:.]*", re.IGNORECASE)
_JOINERS = re.compile(r"^[\s,;:.\-–]*(?:(?:cua|do)\s+)?", re.IGNORECASE)


class DecisionError(ValueError):
    """A typed decision that cannot be read; `code`: no_date, bad_date, bad_number,
    no_decider, too_long, in_future, before_year."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def parse_decision_line(text: str, *, year: int, today: date) -> Decision:
    """"125/QĐ-SNV, 15/12/2024, Giám đốc Sở Nội vụ", or as a Vietnamese text writes it
    ("Quyết định số 125/QĐ-SNV ngày 15/12/2024 của Giám đốc Sở Nội vụ")."""
    line = nfc(text)
    match = _DATE.search(line)
    if match is None:
        raise DecisionError("no_date")
    day_, month, year_ = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
        else (match.group(6), match.group(5), match.group(4))
    try:
        signed = date(int(year_), int(month), int(day_))
    except ValueError:
        raise DecisionError("bad_date") from None
    before = line[:match.start()].strip(" ,;:")
    folded = fold_key(before)
    for word in ("ngay", "ngày"):
        if folded.endswith(" " + word) or folded == word:
            before = before[: len(before) - len(word)].strip(" ,;:")
            folded = fold_key(before)
    lead = _LEAD.match(folded)
    while lead is not None and lead.end() > 0:
        before = before[lead.end():]
        folded = fold_key(before)
        lead = _LEAD.match(folded)
    number = clean_number(before)
    if number is None:
        raise DecisionError("bad_number")
    after = line[match.end():]
    joined = _JOINERS.match(fold_key(after))
    decided_by = after[joined.end() if joined else 0:].strip(" ,;:.")
    if not decided_by:
        raise DecisionError("no_decider")
    if len(decided_by) > MAX_DECIDED_BY:
        raise DecisionError("too_long")
    if signed > today:
        raise DecisionError("in_future")
    if signed.year < year:
        raise DecisionError("before_year")
    return Decision(number, signed, decided_by)
