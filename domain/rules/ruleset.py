"""A rule set: the catalog, questions, checks and quotas of one legal period, with lookups."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import date
from typing import Any, TypeVar

from pydantic import Field, PrivateAttr, model_validator

from domain.models import Role
from domain.rules.council import CouncilRules
from domain.rules.record import RecordRules, ReviewRules
from domain.rules.schema import (
    Check,
    DeciderRule,
    LegalDoc,
    Level,
    LocalText,
    Question,
    QuestionRef,
    Quota,
    ReuseCheck,
    Strict,
    SubjectKind,
    SummaryLayout,
    Title,
)
from domain.rules.validation import reference_problems
from domain.text import fold_key

_T = TypeVar("_T")
_MEMO_LIMIT = 4096  # derived results kept per rule set; a full memo starts again empty


class RuleSet(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: LocalText
    legal_docs: tuple[LegalDoc, ...] = Field(min_length=1)
    effective_from: date
    effective_to: date | None = None
    registrants: dict[SubjectKind, Role]
    titles: tuple[Title, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = ()
    checks: tuple[Check, ...] = ()
    reuse: tuple[ReuseCheck, ...] = ()
    deciders: tuple[DeciderRule, ...] = ()
    quotas: tuple[Quota, ...] = ()
    summary: SummaryLayout = SummaryLayout()
    record: RecordRules = RecordRules()  # what the results on record prove at registration
    review: ReviewRules | None = None  # the year-end review: ratings, who qualifies for what
    council: CouncilRules | None = None  # the council's ballot: quorum, thresholds per title

    _titles: dict[str, Title] = PrivateAttr(default_factory=dict)
    _questions: dict[str, Any] = PrivateAttr(default_factory=dict)
    _refs: dict[str, list[tuple[Title, QuestionRef]]] = PrivateAttr(default_factory=dict)
    _memo: dict[Hashable, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _cross_references(self) -> RuleSet:
        problems = reference_problems(self)
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

    def decider(
        self, code: str, subject: SubjectKind, agency_name: str | None = None
    ) -> tuple[Level, DeciderRule | None]:
        """Who decides title `code` for a subject of this kind in the agency named
        `agency_name` (None: unknown, only rules for every agency apply), and the rule that
        says so (None: the title's own `decided_by`)."""
        return self.memoized(
            ("decider", code, subject, agency_name and fold_key(agency_name)),
            lambda: self._decider(code, subject, agency_name),
        )

    def _decider(self, code: str, subject: SubjectKind, agency_name: str | None
                 ) -> tuple[Level, DeciderRule | None]:
        found: tuple[Level, DeciderRule | None] = (self.title(code).decided_by, None)
        name = fold_key(agency_name) if agency_name else None
        for rule in self.deciders:
            if code not in rule.titles or subject not in rule.subjects:
                continue
            if rule.agencies and not (
                name and any(name.startswith(fold_key(prefix)) for prefix in rule.agencies)
            ):
                continue
            found = (rule.decided_by, rule)
        return found

    def in_force(self, day: date) -> bool:
        ends = self.effective_to
        return self.effective_from <= day and (ends is None or day <= ends)

    def sort_codes(self, codes: Iterable[str]) -> tuple[str, ...]:
        """Codes in catalog order (the order of the rule file)."""
        wanted = set(codes)
        return tuple(t.code for t in self.titles if t.code in wanted)


class UnknownTitle(KeyError):
    """A title code that the rule set does not have."""
