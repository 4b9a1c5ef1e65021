"""The parts of a rule set about the year's results: what the results on record prove at
registration (`record`), and how the year-end review rates people and computes who qualifies
for what (`review`). Schema in `domain/rulesets/README.md` ("Results on record", "Year-end
review").
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from domain.rules.schema import LegalRef, LocalText, Option, Strict, SubjectKind


class InitiativeLevel(StrEnum):
    """Who recognised an initiative or research topic (cấp công nhận)."""

    GRASSROOTS = "grassroots"  # cơ sở: the agency
    PROVINCE = "province"  # tỉnh (or a ministry): province-wide effect
    NATIONAL = "national"  # toàn quốc

    @property
    def rank(self) -> int:
        return _LEVELS.index(self)


_LEVELS = [InitiativeLevel.GRASSROOTS, InitiativeLevel.PROVINCE, InitiativeLevel.NATIONAL]


# --- What the record proves at registration ----------------------------------------------


class RecordYears(Strict):
    """A years question the results on record answer: the latest run of `count` years with
    `title` on record, successive years at most `gap_at_most` apart, ending the year before
    the registration (or, with `this_year`, a run one short ending then, the registration
    year counting as its last). Filled and shown, not asked; a typed answer naming a year
    whose decisions are on record without the title is flagged."""

    question: str
    title: str
    count: int = Field(ge=1, le=20)
    gap_at_most: int = Field(default=1, ge=1, le=10)
    this_year: bool = True
    subjects: tuple[SubjectKind, ...] = (SubjectKind.PERSON,)
    # Whether a year on record without the title contradicts a typed claim: not when the
    # question also accepts what the record does not hold (a collective's excellent rating).
    contradicts: bool = True
    legal_ref: LegalRef


class InitiativeOnRecord(Strict):
    """Answers naming an initiative (items split at ";"): an initiative of the register
    already grounding a result for another title or year is flagged (used once only)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    questions: tuple[str, ...] = Field(min_length=1)
    message: LocalText
    legal_ref: LegalRef
    severity: Literal["warning", "info"] = "warning"


class RecordRules(Strict):
    years: tuple[RecordYears, ...] = ()
    initiatives: InitiativeOnRecord | None = None
    # A claim the record contradicts is flagged with this reference (the article of the
    # criterion is the `RecordYears` rule's own).
    contradiction_severity: Literal["warning", "info"] = "warning"


# --- The year-end review: ratings and who qualifies for what ------------------------------


class InitiativeTest(Strict):
    """The person authors an initiative on the register recognised at one of `levels`
    in the review year or up to `years_back` years before, or confirmed one in the review."""

    levels: tuple[InitiativeLevel, ...] = Field(min_length=1)
    years_back: int = Field(default=0, ge=0, le=10)


class RecordRun(Strict):
    """`title` on record in the years before the review year and qualifying for it this
    year make a run of `count`, successive years at most `gap_at_most` apart."""

    title: str
    count: int = Field(ge=2, le=20)
    gap_at_most: int = Field(default=1, ge=1, le=10)


class MemberShare(Strict):
    """Per cent of the collective's active members (its whole subtree) qualifying for
    `title`, or rated one of `ratings`; exactly one of the two."""

    title: str | None = None
    ratings: tuple[str, ...] | None = None
    at_least: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _one(self) -> MemberShare:
        if (self.title is None) == (self.ratings is None):
            raise ValueError("members_share names a title or ratings, not both")
        return self


class MemberCount(Strict):
    title: str
    at_least: int = Field(ge=1)


class Criterion(Strict):
    """One criterion of an eligibility rule; exactly one field is set.

    `rating`: the subject's confirmed rating is one of these codes; `eligible`: it qualifies
    for an earlier rule's title; `initiative`, `record`: see their models; `no_discipline`
    (true): the head confirmed nobody of the collective was disciplined at cảnh cáo or above;
    `members_share`, `members_count`: the collective's members; `any`: one of several."""

    rating: tuple[str, ...] | None = None
    eligible: str | None = None
    initiative: InitiativeTest | None = None
    record: RecordRun | None = None
    no_discipline: Literal[True] | None = None
    members_share: MemberShare | None = None
    members_count: MemberCount | None = None
    any: tuple[Criterion, ...] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Criterion:
        if len(self.set_fields()) != 1:
            raise ValueError("exactly one of " + ", ".join(CRITERIA) + " is required")
        return self

    def set_fields(self) -> list[str]:
        return [name for name in CRITERIA if getattr(self, name) is not None]

    @property
    def kind(self) -> str:
        return self.set_fields()[0]


CRITERIA = ("rating", "eligible", "initiative", "record", "no_discipline", "members_share",
            "members_count", "any")
PERSON_CRITERIA = frozenset({"rating", "eligible", "initiative", "record", "any"})
COLLECTIVE_CRITERIA = frozenset({"rating", "eligible", "record", "no_discipline",
                                 "members_share", "members_count", "any"})


class EligibilityRule(Strict):
    """Who qualifies for `title` at the year-end review: every criterion of `all` holds.
    Rules are evaluated in file order (people first, then collectives): `eligible` names
    an earlier rule's title."""

    title: str
    subjects: tuple[SubjectKind, ...] = Field(min_length=1)
    all: tuple[Criterion, ...] = Field(min_length=1)
    legal_ref: LegalRef
    note: LocalText | None = None


class ReviewRules(Strict):
    ratings: tuple[Option, ...] = Field(min_length=2)  # best first
    ratings_ref: LegalRef
    eligibility: tuple[EligibilityRule, ...] = ()

    def rating(self, code: str) -> Option | None:
        return next((r for r in self.ratings if r.code == code), None)

Criterion.model_rebuild()
