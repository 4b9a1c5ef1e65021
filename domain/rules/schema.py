"""The parts of a rule set: texts, legal references, questions, titles, checks, quotas.

Strict pydantic models (an unknown or misspelt key is an error) of what a rule file holds;
`domain.rules.ruleset.RuleSet` puts them together and `domain.rules.validation` checks the
references between them. Schema in `domain/rulesets/README.md`.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.models import Role


class SubjectKind(StrEnum):
    PERSON = "person"  # cá nhân
    UNIT = "unit"  # tập thể phòng, ban, đơn vị
    AGENCY = "agency"  # tập thể cơ quan


COLLECTIVE_KINDS = frozenset({SubjectKind.UNIT, SubjectKind.AGENCY})


class TitleKind(StrEnum):
    TITLE = "title"  # danh hiệu thi đua
    FORM = "form"  # hình thức khen thưởng


class Level(StrEnum):
    """Who decides: the agency head, the province (its chairman), a ministry (for a vertical
    agency), the body right above the subject's agency, or the State (PM, President).

    The three middle levels rank alike: the law puts "Bộ, ban, ngành, tỉnh" on one tier."""

    AGENCY = "agency"
    SUPERIOR = "superior"  # cấp trên trực tiếp: the province, or the ministry of a vertical one
    PROVINCE = "province"
    MINISTRY = "ministry"
    NATIONAL = "national"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.AGENCY: 0, Level.SUPERIOR: 1, Level.PROVINCE: 1, Level.MINISTRY: 1,
               Level.NATIONAL: 2}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Texts and references ------------------------------------------------------------------


class LocalText(Strict):
    """A text of the rule set in both languages of the bot (data, so not in gettext)."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("vi", "en")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value.strip())

    def get(self, locale: str) -> str:
        return self.en if locale.lower().startswith("en") else self.vi


class LegalDoc(Strict):
    """A legal document the rule set rests on (luật, nghị định, thông tư, quyết định…)."""

    code: str = Field(min_length=1)  # số hiệu, e.g. "06/2022/QH15"
    title: LocalText
    cite: LocalText | None = None  # how a citation names it: "Luật Thi đua, khen thưởng"
    issued_on: date | None = None
    note: LocalText | None = None

    def cited(self, locale: str) -> str:
        return self.cite.get(locale) if self.cite is not None else self.code


class LegalRef(Strict):
    """A pointer into one of the rule set's `legal_docs` (checked at load)."""

    doc: str
    article: str | None = None  # e.g. "Điều 24" (khoản/điểm allowed: "Điều 24, khoản 1")


# --- Questions ---------------------------------------------------------------------------


class Option(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: LocalText


class AnswerTest(Strict):
    """One test on an answer; exactly one field is set.

    Used both by `when` conditions (ask when the test passes) and by checks (warn when it
    fails), so a province writes conditions and checks in one vocabulary. Tests on years need
    the registration year: checks only (a question's condition is settled without it).
    """

    at_least: int | None = None  # integer answers
    at_most: int | None = None  # integer answers
    one_of: tuple[str, ...] | None = None  # choice answers: option codes
    equals: bool | None = None  # yes/no answers
    # Years answers, relative to the registration year N:
    ends_at_offset: int | None = None  # the last year is N + offset
    ends_between: tuple[int, int] | None = None  # the last year is within [N + a, N + b]
    count_at_least: int | None = Field(default=None, ge=1)  # at least this many years
    gap_at_most: int | None = Field(default=None, ge=1)  # successive years at most this apart

    @model_validator(mode="after")
    def _exactly_one(self) -> AnswerTest:
        if len(self.set_fields()) != 1:
            raise ValueError("exactly one of " + ", ".join(_TEST_FIELDS) + " is required")
        if self.ends_between is not None and self.ends_between[0] > self.ends_between[1]:
            raise ValueError("ends_between: the first offset is above the second")
        return self

    def set_fields(self) -> list[str]:
        return [name for name in _TEST_FIELDS if getattr(self, name) is not None]

    @property
    def needs_year(self) -> bool:
        return bool(set(self.set_fields()) & _YEAR_TESTS)

    def passes(self, value: Any, *, year: int | None = None) -> bool | None:
        """True/False, or None when it cannot tell (no registration year for a years test)."""
        if self.at_least is not None:
            return value >= self.at_least
        if self.at_most is not None:
            return value <= self.at_most
        if self.one_of is not None:
            return value in self.one_of
        if self.equals is not None:
            return value is self.equals
        if not value:
            return None
        years = sorted(value)
        if self.count_at_least is not None:
            return len(years) >= self.count_at_least
        if self.gap_at_most is not None:
            return all(b - a <= self.gap_at_most for a, b in itertools.pairwise(years))
        if year is None:
            return None
        if self.ends_between is not None:
            low, high = self.ends_between
            return year + low <= years[-1] <= year + high
        assert self.ends_at_offset is not None
        return years[-1] == year + self.ends_at_offset


_TEST_FIELDS = ("at_least", "at_most", "one_of", "equals", "ends_at_offset", "ends_between",
                "count_at_least", "gap_at_most")
_YEAR_TESTS = {"ends_at_offset", "ends_between"}
# Which answer tests make sense for which question type.
TESTS_FOR_TYPE = {
    "integer": {"at_least", "at_most"},
    "choice": {"one_of"},
    "yes_no": {"equals"},
    "years": {"ends_at_offset", "ends_between", "count_at_least", "gap_at_most"},
    "text": set(),
}


class Condition(AnswerTest):
    question: str


class _Conditional(Strict):
    """Something that holds only when every condition of `when` holds."""

    when: tuple[Condition, ...] = ()

    @field_validator("when", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        # `when:` takes one condition or a list of them (all must hold).
        if value is None:
            return ()
        return [value] if isinstance(value, Mapping) else value


class _QuestionBase(_Conditional):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    prompt: LocalText  # the question; also the answer's label in reviews and records
    hint: LocalText | None = None  # how to answer (an example): on the question only


class ChoiceQuestion(_QuestionBase):
    type: Literal["choice"]
    options: tuple[Option, ...] = Field(min_length=2)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


class TextQuestion(_QuestionBase):
    type: Literal["text"]
    min_length: int = Field(default=1, ge=1)
    max_length: int = Field(default=500, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> TextQuestion:
        if self.max_length < self.min_length:
            raise ValueError("max_length is below min_length")
        return self


class YearsQuestion(_QuestionBase):
    """Years in which something happened (the three CSTĐCS years before CSTĐ tỉnh).

    Any list of years is read; whether they are enough, consecutive and recent is for the
    checks to warn about, with their reason. Only a year after the latest allowed is refused
    (it has not happened yet)."""

    type: Literal["years"]
    count: int = Field(ge=1, le=20)  # how many years the criterion speaks of (for the hint)
    # The latest year allowed is the registration year + this (0: the year itself, which is
    # under way and is, in practice, the last of the years counted).
    last_year_offset: int = Field(default=0, le=0)


# What the bot knows itself about a collective, from its members' registrations: a question
# naming one shows the current figure and warns when the answer disagrees with it.
Figure = Literal["members_ldtt_percent", "has_cstdcs_member"]
FIGURE_TYPES: dict[str, str] = {"members_ldtt_percent": "integer", "has_cstdcs_member": "yes_no"}


class YesNoQuestion(_QuestionBase):
    type: Literal["yes_no"]
    figure: Figure | None = None


class IntegerQuestion(_QuestionBase):
    type: Literal["integer"]
    min: int | None = None
    max: int | None = None
    unit: LocalText | None = None  # shown after the number: "36 tháng", "80%"
    figure: Figure | None = None

    @model_validator(mode="after")
    def _bounds(self) -> IntegerQuestion:
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("max is below min")
        return self


Question = Annotated[
    ChoiceQuestion | TextQuestion | YearsQuestion | YesNoQuestion | IntegerQuestion,
    Field(discriminator="type"),
]
QUESTION_TYPES = frozenset(TESTS_FOR_TYPE)


class QuestionRef(_Conditional):
    """A title asks a question, maybe only under a condition or for some subjects."""

    key: str
    subjects: tuple[SubjectKind, ...] | None = None  # None: every subject of the title

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"key": value} if isinstance(value, str) else value


# --- Catalog ------------------------------------------------------------------------------


class Title(Strict):
    """A title (danh hiệu) or form of commendation (hình thức khen thưởng) of the catalog."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: LocalText  # official Vietnamese name, exactly as in the legal text
    kind: TitleKind
    subjects: tuple[SubjectKind, ...] = Field(min_length=1)
    decided_by: Level
    implies: tuple[str, ...] = ()
    legal_ref: LegalRef
    registered_by: dict[SubjectKind, Role] | None = None  # overrides the rule set's registrants
    # Only for agencies that are members of a bloc (Cờ thi đua: the bloc's leading member).
    bloc_members_only: bool = False
    questions: tuple[QuestionRef, ...] = ()
    note: LocalText | None = None

    def applies_to(self, subject: SubjectKind, *, in_bloc: bool | None = None) -> bool:
        """Whether a subject of this kind may hold the title; `in_bloc` (whether its agency
        is a bloc member) when known, for the titles of bloc members only."""
        if subject not in self.subjects:
            return False
        return not (self.bloc_members_only and in_bloc is False)

    @property
    def is_proposal(self) -> bool:
        """Decided above the agency: registering it is a proposal (đề nghị), not a claim."""
        return self.decided_by.rank > Level.AGENCY.rank


# --- Checks and quotas --------------------------------------------------------------------


class Check(_Conditional):
    """A per-registration criterion, of one of two forms:

    * `question` and `expect`: warn when the question's answer fails the test;
    * `requires_titles`: warn when none of these titles is registered with the check's ones
      (CSTĐ tỉnh whose third CSTĐCS year is the registration year needs that CSTĐCS).

    `when` may test years here: a check is evaluated knowing the registration year.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    titles: tuple[str, ...] = Field(min_length=1)  # applies when any of these is registered
    question: str | None = None
    expect: AnswerTest | None = None
    requires_titles: tuple[str, ...] = ()
    subjects: tuple[SubjectKind, ...] | None = None  # None: every subject
    message: LocalText
    legal_ref: LegalRef
    severity: Literal["warning", "info"] = "warning"

    @model_validator(mode="after")
    def _one_form(self) -> Check:
        asks = self.question is not None or self.expect is not None
        if asks == bool(self.requires_titles):
            raise ValueError("a check has either `question` and `expect`, or `requires_titles`")
        if asks and (self.question is None or self.expect is None):
            raise ValueError("`question` and `expect` go together")
        return self


class ReuseCheck(Strict):
    """One answer serving several titles of a registration: the same initiative for two
    titles, the same achievement for two forms of commendation (Luật, Điều 5: one
    achievement, one form). The answers to `questions` are read as items (split at ";",
    compared without case or diacritics), each item serving the selected titles (of kind
    `among`, when given) that ask its question; an item serving two or more warns. So one
    shared question (the achievement) warns when two forms ask it, and separate questions
    (each title's initiative) warn when they name the same initiative."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    questions: tuple[str, ...] = Field(min_length=1)
    among: TitleKind | None = None
    message: LocalText
    legal_ref: LegalRef
    severity: Literal["warning", "info"] = "warning"


class DeciderRule(Strict):
    """Who decides some titles for some subjects, instead of the title's `decided_by`.

    `subjects`: the kinds of subject it is about (the agency itself, its units, its people);
    `agencies`: the beginnings of the names of the agencies it is about (folded: without
    diacritics or case), none for every agency. A later rule overrides an earlier one."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    titles: tuple[str, ...] = Field(min_length=1)
    subjects: tuple[SubjectKind, ...] = Field(min_length=1)
    agencies: tuple[str, ...] = ()
    decided_by: Level
    message: LocalText  # shown when such a title is registered: who decides, and why
    legal_ref: LegalRef


class _QuotaBase(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    legal_ref: LegalRef
    note: LocalText | None = None
    # When it applies: to the registrations (the summaries warn), or to the year-end proposal
    # (not evaluated on registrations: registering is committing to compete).
    stage: Literal["registration", "proposal"] = "registration"


class MaxPerBloc(_QuotaBase):
    """At most `max` collectives of one bloc may register `title` (Cờ thi đua: one per bloc)."""

    kind: Literal["max_per_bloc"]
    title: str
    max: int = Field(ge=0)


class MinNonLeaderShare(_QuotaBase):
    """Share of individual proposals for people without a leadership post (≥ 40% target)."""

    kind: Literal["min_non_leader_share"]
    min_share: float = Field(ge=0, le=1)
    decided_by: tuple[Level, ...] = (Level.PROVINCE, Level.NATIONAL)


class MaxShareOfTitle(_QuotaBase):
    """Per agency: people registering `title` at most `max_share` of those with `of_title`."""

    kind: Literal["max_share_of_title"]
    title: str
    of_title: str
    max_share: float = Field(ge=0, le=1)


class MaxShareOfCollectives(_QuotaBase):
    """Per agency: collectives registering `title` at most `max_share` of all its collectives."""

    kind: Literal["max_share_of_collectives"]
    title: str
    max_share: float = Field(ge=0, le=1)


Quota = Annotated[
    MaxPerBloc | MinNonLeaderShare | MaxShareOfTitle | MaxShareOfCollectives,
    Field(discriminator="kind"),
]
QUOTA_KINDS = frozenset(
    {"max_per_bloc", "min_non_leader_share", "max_share_of_title", "max_share_of_collectives"}
)


class RuleWarning(BaseModel):
    """A rule not met. Never blocks anything: shown in reviews and summaries."""

    model_config = ConfigDict(frozen=True)

    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    legal_ref: LegalRef | None = None
    severity: Literal["warning", "info"] = "warning"
    message: LocalText | None = None  # wording from the rule file (checks); else translate `code`


class SummaryLayout(Strict):
    """How the bloc annex reads the catalog: the column "Đăng ký thi đua của cơ quan"."""

    agency_titles: tuple[str, ...] = ()
