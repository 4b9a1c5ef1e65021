"""The parts of a rule set: texts, legal references, questions, titles, checks, quotas.

Strict pydantic models (an unknown or misspelt key is an error) of what a rule file holds;
`domain.rules.ruleset.RuleSet` puts them together and `domain.rules.validation` checks the
references between them. Schema in `domain/rulesets/README.md`.
"""

from __future__ import annotations

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
    """Who decides: the agency head, the provincial chairman, or the State (PM, President)."""

    AGENCY = "agency"
    PROVINCE = "province"
    NATIONAL = "national"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.AGENCY: 0, Level.PROVINCE: 1, Level.NATIONAL: 2}


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
    issued_on: date | None = None
    note: LocalText | None = None


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
    fails), so a province writes conditions and checks in one vocabulary.
    """

    at_least: int | None = None  # integer answers
    at_most: int | None = None  # integer answers
    one_of: tuple[str, ...] | None = None  # choice answers: option codes
    equals: bool | None = None  # yes/no answers
    ends_at_offset: int | None = None  # years answers: last year == registration year + offset

    @model_validator(mode="after")
    def _exactly_one(self) -> AnswerTest:
        if len(self.set_fields()) != 1:
            raise ValueError(
                "exactly one of at_least, at_most, one_of, equals, ends_at_offset is required"
            )
        return self

    def set_fields(self) -> list[str]:
        return [name for name in _TEST_FIELDS if getattr(self, name) is not None]

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
        if year is None or not value:
            return None
        return max(value) == year + self.ends_at_offset


_TEST_FIELDS = ("at_least", "at_most", "one_of", "equals", "ends_at_offset")
# Which answer tests make sense for which question type.
TESTS_FOR_TYPE = {
    "integer": {"at_least", "at_most"},
    "choice": {"one_of"},
    "yes_no": {"equals"},
    "years": {"ends_at_offset"},
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
    prompt: LocalText


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
    """N years before the registration year (e.g. the three years of CSTDCS before CSTD tỉnh)."""

    type: Literal["years"]
    count: int = Field(ge=1, le=20)
    consecutive: bool = True  # False for e.g. two CSTD tỉnh awards, which are years apart
    # The latest year allowed is the registration year + this (-1: strictly before it).
    last_year_offset: int = Field(default=-1, le=0)


class YesNoQuestion(_QuestionBase):
    type: Literal["yes_no"]


class IntegerQuestion(_QuestionBase):
    type: Literal["integer"]
    min: int | None = None
    max: int | None = None

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
    questions: tuple[QuestionRef, ...] = ()
    note: LocalText | None = None

    def applies_to(self, subject: SubjectKind) -> bool:
        return subject in self.subjects

    @property
    def is_proposal(self) -> bool:
        """Decided above the agency: registering it is a proposal (đề nghị), not a claim."""
        return self.decided_by.rank > Level.AGENCY.rank


# --- Checks and quotas --------------------------------------------------------------------


class Check(_Conditional):
    """A per-registration criterion: warn when `question`'s answer fails `expect`."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    titles: tuple[str, ...] = Field(min_length=1)  # applies when any of these is registered
    question: str
    expect: AnswerTest
    message: LocalText
    legal_ref: LegalRef
    severity: Literal["warning", "info"] = "warning"


class _QuotaBase(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    legal_ref: LegalRef
    note: LocalText | None = None


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
