"""The rule set of the emulation-and-commendation work, loaded from YAML data.

Everything a province may change without code lives in `domain/rulesets/*.yaml` (schema in
`domain/rulesets/README.md`): the catalog of titles and forms of commendation, the criteria
questions, the quotas and the per-title checks, each with its legal reference. This module
parses and cross-checks a file strictly, so a typo fails at load time with the field named
(`titles[3].implies: unknown title 'LDT'`) instead of surfacing mid-conversation.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from domain.models import Role


class SubjectKind(StrEnum):
    PERSON = "person"  # cá nhân
    UNIT = "unit"  # tập thể phòng, ban, đơn vị
    AGENCY = "agency"  # tập thể cơ quan


_T = TypeVar("_T")
_MEMO_LIMIT = 4096  # derived results kept per rule set; a full memo starts again empty

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Texts and references ------------------------------------------------------------------


class LocalText(_Strict):
    """A text of the rule set in both languages of the bot (data, so not in gettext)."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("vi", "en")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value.strip())

    def get(self, locale: str) -> str:
        return self.en if locale.lower().startswith("en") else self.vi


class LegalDoc(_Strict):
    """A legal document the rule set rests on (luật, nghị định, thông tư, quyết định…)."""

    code: str = Field(min_length=1)  # số hiệu, e.g. "06/2022/QH15"
    title: LocalText
    issued_on: date | None = None
    note: LocalText | None = None


class LegalRef(_Strict):
    """A pointer into one of the rule set's `legal_docs` (checked at load)."""

    doc: str
    article: str | None = None  # e.g. "Điều 24" (khoản/điểm allowed: "Điều 24, khoản 1")


# --- Questions ---------------------------------------------------------------------------


class Option(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: LocalText


class AnswerTest(_Strict):
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
_TESTS_FOR_TYPE = {
    "integer": {"at_least", "at_most"},
    "choice": {"one_of"},
    "yes_no": {"equals"},
    "years": {"ends_at_offset"},
    "text": set(),
}


class Condition(AnswerTest):
    question: str


class _Conditional(_Strict):
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
QUESTION_TYPES = frozenset(_TESTS_FOR_TYPE)


class QuestionRef(_Conditional):
    """A title asks a question, maybe only under a condition or for some subjects."""

    key: str
    subjects: tuple[SubjectKind, ...] | None = None  # None: every subject of the title

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"key": value} if isinstance(value, str) else value


# --- Catalog ------------------------------------------------------------------------------


class Title(_Strict):
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


class _QuotaBase(_Strict):
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


class SummaryLayout(_Strict):
    """How the bloc annex reads the catalog: the column "Đăng ký thi đua của cơ quan"."""

    agency_titles: tuple[str, ...] = ()


# --- The rule set -------------------------------------------------------------------------


class RuleSet(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: LocalText
    legal_docs: tuple[LegalDoc, ...] = Field(min_length=1)
    effective_from: date
    effective_to: date | None = None
    registrants: dict[SubjectKind, Role]
    titles: tuple[Title, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = ()
    checks: tuple[Check, ...] = ()
    quotas: tuple[Quota, ...] = ()
    summary: SummaryLayout = SummaryLayout()

    _titles: dict[str, Title] = PrivateAttr(default_factory=dict)
    _questions: dict[str, Any] = PrivateAttr(default_factory=dict)
    _refs: dict[str, list[tuple[Title, QuestionRef]]] = PrivateAttr(default_factory=dict)
    _memo: dict[Hashable, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_references(self) -> RuleSet:
        problems = _reference_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def model_post_init(self, __context: Any) -> None:
        self._titles = {t.code: t for t in self.titles}
        self._questions = {q.key: q for q in self.questions}
        refs: dict[str, list[tuple[Title, QuestionRef]]] = {}
        for title in self.titles:
            for ref in title.questions:
                refs.setdefault(ref.key, []).append((title, ref))
        self._refs = refs

    # Lookups

    def title(self, code: str) -> Title:
        try:
            return self._titles[code]
        except KeyError:
            raise UnknownTitle(code) from None

    def has_title(self, code: str) -> bool:
        return code in self._titles

    def titles_for(self, subject: SubjectKind | str) -> list[Title]:
        subject = SubjectKind(subject)
        return [t for t in self.titles if t.applies_to(subject)]

    def question(self, key: str) -> Question:
        return self._questions[key]

    def question_refs(self, key: str) -> list[tuple[Title, QuestionRef]]:
        """The titles asking question `key`, with the condition each attaches."""
        return self._refs.get(key, [])

    def memoized(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """`compute()`, remembered under `key`: for pure functions of this rule set, which
        never changes once loaded (each tap of a registration re-derives its questions)."""
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        value = self._memo[key] = compute()
        return value

    def legal_doc(self, code: str) -> LegalDoc:
        return next(d for d in self.legal_docs if d.code == code)

    def registrant(self, title: Title, subject: SubjectKind) -> Role:
        """The role that registers `title` for a subject of this kind."""
        overrides = title.registered_by or {}
        return overrides.get(subject) or self.registrants[subject]

    def in_force(self, day: date) -> bool:
        ends = self.effective_to
        return self.effective_from <= day and (ends is None or day <= ends)

    def sort_codes(self, codes: Iterable[str]) -> tuple[str, ...]:
        """Codes in catalog order (the order of the rule file)."""
        wanted = set(codes)
        return tuple(t.code for t in self.titles if t.code in wanted)


class UnknownTitle(KeyError):
    """A title code that the rule set does not have."""


# --- Cross-reference validation -----------------------------------------------------------


def _reference_problems(rs: RuleSet) -> list[str]:
    """Every reference between parts of the file, each problem with its field path."""
    problems: list[str] = []
    docs = {d.code for d in rs.legal_docs}
    titles = {t.code: t for t in rs.titles}
    order = {q.key: i for i, q in enumerate(rs.questions)}
    questions = {q.key: q for q in rs.questions}

    def dup(items: Iterable[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item in seen:
                problems.append(f"{path}[{i}]: duplicate {what} '{item}'")
            seen.add(item)

    def ref(path: str, legal: LegalRef) -> None:
        if legal.doc not in docs:
            problems.append(f"{path}.legal_ref.doc: unknown legal document '{legal.doc}'")

    def title_code(path: str, code: str) -> Title | None:
        if code not in titles:
            problems.append(f"{path}: unknown title '{code}'")
        return titles.get(code)

    def test_fits(path: str, test: AnswerTest, key: str) -> None:
        question = questions.get(key)
        if question is None:
            problems.append(f"{path}.question: unknown question '{key}'")
            return
        allowed = _TESTS_FOR_TYPE[question.type]
        for name in test.set_fields():
            if name not in allowed:
                problems.append(f"{path}.{name}: not a test for a {question.type} question '{key}'")
        if test.one_of is not None and isinstance(question, ChoiceQuestion):
            for code in test.one_of:
                if question.option(code) is None:
                    problems.append(f"{path}.one_of: unknown option '{code}' of question '{key}'")

    def not_subject(subject: SubjectKind, title: Title) -> str:
        return f"'{subject.value}' is not a subject of '{title.code}'"

    def conditions(path: str, when: tuple[Condition, ...], before: int | None) -> None:
        for i, cond in enumerate(when):
            test_fits(f"{path}.when[{i}]", cond, cond.question)
            if cond.ends_at_offset is not None:
                problems.append(f"{path}.when[{i}]: a condition cannot test years")
            # Conditions look back only, so one pass in file order settles what to ask.
            if before is not None and order.get(cond.question, -1) >= before:
                problems.append(
                    f"{path}.when[{i}].question: '{cond.question}' must come before "
                    "the question it conditions in `questions`"
                )

    dup((d.code for d in rs.legal_docs), "legal_docs", "document")
    dup((t.code for t in rs.titles), "titles", "title")
    dup((q.key for q in rs.questions), "questions", "question")
    dup((c.code for c in rs.checks), "checks", "check")
    dup((q.code for q in rs.quotas), "quotas", "quota")
    if rs.effective_to is not None and rs.effective_to < rs.effective_from:
        problems.append("effective_to: before effective_from")
    for kind in SubjectKind:
        if kind not in rs.registrants:
            problems.append(f"registrants: missing '{kind.value}'")

    asked: set[str] = set()
    for i, title in enumerate(rs.titles):
        path = f"titles[{i}]"
        ref(path, title.legal_ref)
        for j, code in enumerate(title.implies):
            implied = title_code(f"{path}.implies", code)
            if implied is not None and not set(title.subjects) <= set(implied.subjects):
                problems.append(
                    f"{path}.implies[{j}]: '{code}' does not apply to every subject "
                    f"of '{title.code}'"
                )
        for j, qref in enumerate(title.questions):
            qpath = f"{path}.questions[{j}]"
            asked.add(qref.key)
            if qref.key not in questions:
                problems.append(f"{qpath}.key: unknown question '{qref.key}'")
                continue
            conditions(qpath, qref.when, order[qref.key])
            for subject in qref.subjects or ():
                if subject not in title.subjects:
                    problems.append(f"{qpath}.subjects: {not_subject(subject, title)}")
        for subject in title.registered_by or {}:
            if subject not in title.subjects:
                problems.append(f"{path}.registered_by: {not_subject(subject, title)}")
    problems.extend(_implication_cycles(rs))

    for i, question in enumerate(rs.questions):
        conditions(f"questions[{i}]", question.when, i)
        if question.key not in asked:
            problems.append(f"questions[{i}]: question '{question.key}' is asked by no title")

    for i, check in enumerate(rs.checks):
        path = f"checks[{i}]"
        ref(path, check.legal_ref)
        for j, code in enumerate(check.titles):
            title_code(f"{path}.titles[{j}]", code)
        test_fits(f"{path}.expect", check.expect, check.question)
        conditions(path, check.when, None)

    for i, quota in enumerate(rs.quotas):
        path = f"quotas[{i}]"
        ref(path, quota.legal_ref)
        for field in ("title", "of_title"):
            code = getattr(quota, field, None)
            if code is not None:
                title_code(f"{path}.{field}", code)
        collective = isinstance(quota, MaxPerBloc | MaxShareOfCollectives)
        if collective and not COLLECTIVE_KINDS & set(_subjects(titles, quota.title)):
            problems.append(f"{path}.title: '{quota.title}' is not a collective title")
        if isinstance(quota, MaxShareOfTitle):
            for field in ("title", "of_title"):
                code = getattr(quota, field)
                if code in titles and SubjectKind.PERSON not in titles[code].subjects:
                    problems.append(f"{path}.{field}: '{code}' is not an individual title")

    for i, code in enumerate(rs.summary.agency_titles):
        title = title_code(f"summary.agency_titles[{i}]", code)
        if title is not None and SubjectKind.AGENCY not in title.subjects:
            problems.append(f"summary.agency_titles[{i}]: '{code}' does not apply to an agency")
    return problems


def _subjects(titles: Mapping[str, Title], code: str) -> tuple[SubjectKind, ...]:
    """Subjects of a title; every kind for an unknown code (reported once, elsewhere)."""
    return titles[code].subjects if code in titles else tuple(SubjectKind)


def _implication_cycles(rs: RuleSet) -> list[str]:
    graph = {t.code: t.implies for t in rs.titles}
    problems: list[str] = []
    for i, title in enumerate(rs.titles):
        stack, seen = list(title.implies), set()
        while stack:
            code = stack.pop()
            if code == title.code:
                problems.append(f"titles[{i}].implies: '{title.code}' implies itself")
                break
            if code not in seen:
                seen.add(code)
                stack.extend(graph.get(code, ()))
    return problems


# --- Loading ------------------------------------------------------------------------------


class RuleSetError(ValueError):
    """A rule file that cannot be used; `problems` are "field.path: what is wrong" lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class NoRuleSetInForce(LookupError):
    """No packaged rule set covers the day asked about."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a rule file must not."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_ruleset(text: str, source: str = "<rule set>") -> RuleSet:
    """Parse and validate the YAML text of a rule set."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RuleSetError(source, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise RuleSetError(source, ["the file must be a mapping of rule set fields"])
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RuleSetError(source, _problems(exc)) from None


def load_ruleset_file(path: str | Path) -> RuleSet:
    """A rule file supplied by an operator (same schema as the packaged ones)."""
    path = Path(path)
    return parse_ruleset(path.read_text(encoding="utf-8"), str(path))


def _problems(exc: ValidationError) -> list[str]:
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        loc = _format_loc(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "value_error" and not loc:
            problems.extend(message.splitlines())  # our cross-reference lines carry their path
        elif error["type"] == "extra_forbidden":
            problems.append(f"{loc}: unknown field")
        else:
            problems.append(f"{loc}: {message}" if loc else message)
    return problems


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i > 0 and isinstance(loc[i - 1], int) and part in QUESTION_TYPES | QUOTA_KINDS:
            continue  # the discriminator tag pydantic inserts: not a field of the file
        else:
            out += f".{part}" if out else str(part)
    return out


def _packaged() -> dict[str, Any]:
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in resources.files("domain").joinpath("rulesets").iterdir()
        if entry.name.endswith(".yaml")
    }


@functools.cache
def load_ruleset(ruleset_id: str) -> RuleSet:
    """A packaged rule set by id (its file name without `.yaml`)."""
    entry = _packaged().get(ruleset_id)
    if entry is None:
        raise KeyError(f"no packaged rule set '{ruleset_id}'")
    ruleset = parse_ruleset(entry.read_text(encoding="utf-8"), f"rulesets/{entry.name}")
    if ruleset.id != ruleset_id:
        raise RuleSetError(entry.name, [f"id: '{ruleset.id}' differs from the file name"])
    return ruleset


def available_rulesets() -> list[RuleSet]:
    """Every packaged rule set, oldest first."""
    return sorted((load_ruleset(i) for i in _packaged()), key=lambda r: r.effective_from)


def ruleset_for(day: date, rulesets: Iterable[RuleSet] | None = None) -> RuleSet:
    """The rule set in force on `day`.

    For a registration campaign pass the day its window opens and keep the chosen id with the
    campaign: people answer the questions of the rules in force when they register, and a
    campaign does not change rules half-way (README: "Which rule set applies").
    """
    pool = available_rulesets() if rulesets is None else rulesets
    candidates = [r for r in pool if r.in_force(day)]
    if not candidates:
        raise NoRuleSetInForce(day.isoformat())
    return max(candidates, key=lambda r: r.effective_from)
