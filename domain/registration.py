"""Registration rules a conversation handler calls: what may be registered, what to ask next,
how to read an answer, what to show for review and which criteria look unmet.

Pure functions over a `RuleSet`; answers are plain JSON-able values keyed by question key
(choice → option code, text → str, years → list of int, yes_no → bool, integer → int).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from domain.models import Role
from domain.on_record import record_warnings
from domain.rules import (
    Check,
    ChoiceQuestion,
    Condition,
    IntegerQuestion,
    Level,
    LocalText,
    Question,
    RuleSet,
    RuleWarning,
    SubjectKind,
    TextQuestion,
    Title,
    TitleKind,
    YearsQuestion,
    YesNoQuestion,
)
from domain.text import fold_key, nfc

if TYPE_CHECKING:  # domain.figures counts with domain.tally, which imports this module
    from domain.figures import SubjectFacts

Answers = Mapping[str, Any]


class AnswerError(ValueError):
    """An answer that cannot be accepted; handlers translate `code` with `params`.

    Codes: too_short, too_long, unknown_option, not_a_number, out_of_range, not_a_year_list,
    years_too_late. How many years, and whether they follow each other or are recent, is
    not an input error: the rule set's checks warn about it, with their reason.
    """

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        self.code = code
        self.params = params or {}
        super().__init__(code, self.params)


# --- Title selection ----------------------------------------------------------------------


def expand_implied(ruleset: RuleSet, codes: Iterable[str]) -> frozenset[str]:
    """The codes with every title they imply, transitively (CSTDCS → LDTT)."""
    result: set[str] = set()
    stack = list(codes)
    while stack:
        code = stack.pop()
        if code not in result:
            result.add(code)
            stack.extend(ruleset.title(code).implies)
    return frozenset(result)


def explicit_choice(ruleset: RuleSet, codes: Iterable[str]) -> frozenset[str]:
    """What the user has to tick to get `codes`: those not implied by another code of the set."""
    codes = frozenset(codes)
    implied = expand_implied(ruleset, (i for c in codes for i in ruleset.title(c).implies))
    return codes - implied


def implied_only(ruleset: RuleSet, codes: Iterable[str]) -> frozenset[str]:
    """The titles that come with the selection without being ticked."""
    explicit = explicit_choice(ruleset, codes)
    return expand_implied(ruleset, codes) - explicit


def toggle_title(ruleset: RuleSet, ticked: Iterable[str], code: str) -> frozenset[str]:
    """The ticks after the user taps `code`; an implied title cannot be unticked on its own."""
    ticked = frozenset(ticked)
    if code in ticked:
        return ticked - {code}
    if code in expand_implied(ruleset, ticked):
        return ticked
    ruleset.title(code)  # unknown codes fail here, not later
    return ticked | {code}


def allowed_titles(
    ruleset: RuleSet,
    subject_kind: SubjectKind | str,
    actor_role: Role | str,
    *,
    subject_is_self: bool = False,
    subject_is_own_unit: bool = False,
    subject_is_own_agency: bool = False,
    in_bloc: bool | None = None,
) -> list[Title]:
    """Titles the actor may register for a subject, in catalog order.

    Every roster person registers their own individual titles whatever their role; collective
    titles need the role the rule set names (unit head, agency head) and a subject they head.
    `in_bloc`: whether the subject's agency is a bloc member (the flags are for members).
    """
    subject = SubjectKind(subject_kind)
    owns = {
        SubjectKind.PERSON: subject_is_self,
        SubjectKind.UNIT: subject_is_own_unit,
        SubjectKind.AGENCY: subject_is_own_agency,
    }[subject]
    if not owns:
        return []
    role = Role(actor_role)
    return [
        t
        for t in ruleset.titles_for(subject)
        if t.applies_to(subject, in_bloc=in_bloc)
        and _role_satisfies(role, ruleset.registrant(t, subject))
    ]


def _role_satisfies(actor: Role, required: Role) -> bool:
    return required == Role.STAFF or actor == required  # staff = anyone on the roster


# --- Questions ----------------------------------------------------------------------------


def _holds(conditions: Iterable[Condition], answers: Answers, *, year: int | None = None
           ) -> bool:
    """Every condition holds (a test that cannot tell, or an unanswered question, fails)."""
    return all(
        c.question in answers and c.passes(answers[c.question], year=year) is True
        for c in conditions
    )


def _walk(
    ruleset: RuleSet, codes: Iterable[str], answers: Answers, subject: SubjectKind | str | None
) -> tuple[list[Question], dict[str, Any]]:
    """The questions the selection needs, in file order, and the answers still relevant.

    Conditions only look at earlier questions, so one pass in order decides everything, using
    only answers that are themselves still relevant (a stale ground cannot keep its follow-up).
    Remembered per rule set: a conversation asks this several times per tap with the same input.
    """
    codes = frozenset(codes)
    key = ("walk", codes, json.dumps(answers, sort_keys=True, default=str), subject)
    needed, kept = ruleset.memoized(key, lambda: _walk_uncached(ruleset, codes, answers, subject))
    # The memo holds question keys only: the answers handed back are always the caller's own.
    return list(needed), {k: answers[k] for k in kept}


def asking_order(ruleset: RuleSet, selected: frozenset[str]) -> list[Question]:
    """The questions of the selected titles in the order that decides: title by title in the
    catalog's order (a title a higher one builds on first), each title's questions in the
    title's own order, where its prerequisites come first (the three CSTĐCS years of a CSTĐ
    tỉnh before its initiative); a question's conditions always before it, a shared question
    once. Remembered per rule set and selection (every screen asks)."""
    return list(ruleset.memoized(("order", selected),
                                 lambda: tuple(_asking_order(ruleset, selected))))


def _asking_order(ruleset: RuleSet, selected: frozenset[str]) -> list[Question]:
    order: dict[str, Question] = {}

    def place(key: str, seen: frozenset[str] = frozenset()) -> None:
        if key in order or key in seen:
            return
        try:
            question = ruleset.question(key)
        except KeyError:  # a condition on a question the rule set lacks: validation says so
            return
        conditions = [*question.when, *(c for title, ref in ruleset.question_refs(key)
                                         if title.code in selected for c in ref.when)]
        for condition in conditions:
            place(condition.question, seen | {key})
        order[key] = question

    for title in ruleset.titles:
        if title.code in selected:
            for ref in title.questions:
                place(ref.key)
    return list(order.values())


def _walk_uncached(
    ruleset: RuleSet, codes: frozenset[str], answers: Answers, subject: SubjectKind | str | None
) -> tuple[tuple[Question, ...], tuple[str, ...]]:
    selected = expand_implied(ruleset, codes)
    subject = SubjectKind(subject) if subject is not None else None
    needed: list[Question] = []
    kept: dict[str, Any] = {}
    for question in asking_order(ruleset, selected):
        if not _holds(question.when, kept):
            continue
        asked = any(
            title.code in selected
            and (subject is None or title.applies_to(subject))
            and (subject is None or ref.subjects is None or subject in ref.subjects)
            and _holds(ref.when, kept)
            for title, ref in ruleset.question_refs(question.key)
        )
        if asked:
            needed.append(question)
            if question.key in answers:
                kept[question.key] = answers[question.key]
    return tuple(needed), tuple(kept)


def needed_questions(
    ruleset: RuleSet,
    codes: Iterable[str],
    answers: Answers,
    *,
    subject: SubjectKind | str | None = None,
) -> list[Question]:
    """Every question the selection needs given the answers so far, answered or not.

    `subject` filters questions a title asks of some subjects only (BK_TINH asks a person for
    grounds, a collective for achievements); None asks them all.
    """
    return _walk(ruleset, codes, answers, subject)[0]


def question_count(
    ruleset: RuleSet,
    codes: Iterable[str],
    answers: Answers,
    *,
    subject: SubjectKind | str | None = None,
) -> int:
    """How many questions the selection may still need: those needed now, and one for each
    unanswered question whose answer may add a follow-up (its follow-ups are alternatives: an
    initiative's title or a research topic's). Shown as "Question n of total", so the total
    can shrink as answers rule questions out, never grow."""
    selected = expand_implied(ruleset, frozenset(codes))
    kind = SubjectKind(subject) if subject is not None else None
    needed, kept = _walk(ruleset, codes, answers, subject)
    needed_keys = {q.key for q in needed}
    waiting: set[tuple[str, ...]] = set()
    for question in asking_order(ruleset, selected):
        if question.key in needed_keys:
            continue
        refs = [(t, r) for t, r in ruleset.question_refs(question.key)
                if t.code in selected and (kind is None or t.applies_to(kind))
                and (kind is None or r.subjects is None or kind in r.subjects)]
        conditions = [*question.when, *(c for _t, r in refs for c in r.when)]
        unknown = tuple(sorted({c.question for c in conditions if c.question not in kept}))
        if refs and unknown and all(c.question not in kept or c.passes(kept[c.question]) is True
                                    for c in conditions):
            waiting.add(unknown)
    return len(needed) + len(waiting)


def pending_questions(
    ruleset: RuleSet,
    codes: Iterable[str],
    answers: Answers,
    *,
    subject: SubjectKind | str | None = None,
) -> list[Question]:
    """The questions still to ask, in a stable order; a shared question appears once."""
    needed, kept = _walk(ruleset, codes, answers, subject)
    return [q for q in needed if q.key not in kept]


def next_question(
    ruleset: RuleSet,
    codes: Iterable[str],
    answers: Answers,
    *,
    subject: SubjectKind | str | None = None,
) -> Question | None:
    pending = pending_questions(ruleset, codes, answers, subject=subject)
    return pending[0] if pending else None


def prune_answers(
    ruleset: RuleSet,
    codes: Iterable[str],
    answers: Answers,
    *,
    subject: SubjectKind | str | None = None,
) -> dict[str, Any]:
    """The answers the (changed) selection still needs; the rest are dropped."""
    return _walk(ruleset, codes, answers, subject)[1]


# --- Reading answers ----------------------------------------------------------------------

_YES = {"yes", "y", "co", "c", "dung", "true", "1", "x"}
_NO = {"no", "n", "khong", "k", "sai", "false", "0"}
_DASHES = re.compile(r"\s*[-–—‒−]\s*")
_SEPARATORS = re.compile(r"[,;/+&]|\b(?:va|and|den|to)\b")
_YEAR_TOKEN = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_MIN_YEAR, _MAX_YEAR, _MAX_SPAN = 1900, 2200, 60


def parse_answer(question: Question, raw: str, *, year: int) -> Any:
    """The stored value of a typed or tapped answer, or AnswerError.

    Text arrives in any Unicode form (NFD from some keyboards): everything is read as NFC.
    `year` is the registration year (a years answer may not go past it, or the question's
    latest year).
    """
    text = nfc(str(raw))
    if isinstance(question, ChoiceQuestion):
        return _parse_choice(question, text)
    if isinstance(question, TextQuestion):
        if len(text) < question.min_length:
            raise AnswerError("too_short", {"min": question.min_length, "length": len(text)})
        if len(text) > question.max_length:
            raise AnswerError("too_long", {"max": question.max_length, "length": len(text)})
        return text
    if isinstance(question, YesNoQuestion):
        key = fold_key(text).strip(".!")
        if key in _YES:
            return True
        if key in _NO:
            return False
        raise AnswerError("unknown_option", {"options": ["yes", "no"]})
    if isinstance(question, IntegerQuestion):
        return _parse_integer(question, text)
    if isinstance(question, YearsQuestion):
        return _parse_years(question, text, year)
    raise TypeError(f"unknown question type {type(question).__name__}")


def _parse_choice(question: ChoiceQuestion, text: str) -> str:
    if question.option(text) is not None:
        return text  # a button's option code
    key = fold_key(text)
    for option in question.options:
        if key in (fold_key(option.code), fold_key(option.label.vi), fold_key(option.label.en)):
            return option.code
    raise AnswerError("unknown_option", {"options": [o.code for o in question.options]})


_YEARS_OF = re.compile(r"^\s*(\d{1,2})\s*(?:nam|years?)\s*(?:(\d{1,2})\s*(?:thang|months?))?\s*$")
_MONTHS_OF = re.compile(r"^\s*(\d{1,3})\s*(?:thang|months?)\s*$")


def _in_months(question: IntegerQuestion, text: str) -> int | None:
    """"3 năm", "2 năm 6 tháng", "30 tháng" for a question counted in months."""
    unit = getattr(question, "unit", None)
    if unit is None or fold_key(unit.vi) != "thang":
        return None
    key = fold_key(text)
    found = _YEARS_OF.match(key)
    if found:
        return int(found.group(1)) * 12 + int(found.group(2) or 0)
    found = _MONTHS_OF.match(key)
    return int(found.group(1)) if found else None


def _parse_integer(question: IntegerQuestion, text: str) -> int:
    months = _in_months(question, text)
    if months is not None:
        text = str(months)
    digits = text.removesuffix("%").strip().replace(" ", "")
    if not _INTEGER.match(digits):
        raise AnswerError("not_a_number", {"text": text})
    value = int(digits)
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        raise AnswerError("out_of_range", {"min": low, "max": high, "value": value})
    return value


def _parse_years(question: YearsQuestion, text: str, year: int) -> list[int]:
    """Reads "2021, 2022, 2023", "2021-2023", "2021 2022 2023" (and "2021 và 2022")."""
    flat = _SEPARATORS.sub(" ", _DASHES.sub("-", fold_key(text)))
    years: set[int] = set()
    for token in flat.split():
        match = _YEAR_TOKEN.match(token)
        if match is None:
            raise AnswerError("not_a_year_list", {"text": text})
        first = int(match.group(1))
        last = int(match.group(2) or first)
        first, last = min(first, last), max(first, last)
        if first < _MIN_YEAR or last > _MAX_YEAR or last - first > _MAX_SPAN:
            raise AnswerError("not_a_year_list", {"text": text})
        years.update(range(first, last + 1))
    if not years:
        raise AnswerError("not_a_year_list", {"text": text})
    ordered = sorted(years)
    latest = year + question.last_year_offset
    if ordered[-1] > latest:  # has not happened yet: a slip, not a criterion
        raise AnswerError("years_too_late", {"year": year, "latest": latest})
    return ordered


# --- Review and warnings ------------------------------------------------------------------


def registration_warnings(
    ruleset: RuleSet,
    subject: SubjectKind | str | None,
    codes: Iterable[str],
    answers: Answers,
    year: int,
    facts: SubjectFacts | None = None,
) -> list[RuleWarning]:
    """What the registration does not meet, or should know, in the rule file's order: its
    checks, then an answer grounding several titles (reuse), then answers contradicting the
    members' registrations (`facts.figures`) or the results on record (`facts.record`:
    claimed years, initiatives already used), then who decides a ticked title when it is not
    the title's usual decider (`deciders`). Never a block."""
    subject = SubjectKind(subject) if subject is not None else None
    selected = expand_implied(ruleset, codes)
    kept = prune_answers(ruleset, selected, answers, subject=subject)
    warnings = [w for check in ruleset.checks
                for w in _check(check, selected, kept, subject, year)]
    warnings += _reuse(ruleset, selected, kept, subject)
    if facts is not None and facts.figures is not None:
        warnings += _contradictions(ruleset, selected, kept, subject, year, facts)
    if facts is not None and facts.record is not None:
        warnings += record_warnings(
            ruleset, subject, kept, year, facts.record,
            lambda key: _askers(ruleset, key, selected, kept, subject))
    if subject is not None:
        warnings += _deciders(ruleset, codes, subject, facts)
    return warnings


def _check(check: Check, selected: frozenset[str], kept: Answers,
           subject: SubjectKind | None, year: int) -> list[RuleWarning]:
    titles = [c for c in check.titles if c in selected]
    if not titles or (subject is not None and check.subjects is not None
                      and subject not in check.subjects):
        return []
    if not _holds(check.when, kept, year=year):
        return []
    params: dict[str, Any] = {"titles": titles, "year": year}
    if check.requires_titles:
        if selected & set(check.requires_titles):
            return []
        params["requires"] = list(check.requires_titles)
    else:
        assert check.question is not None and check.expect is not None
        if check.question not in kept:
            return []
        value = kept[check.question]
        if check.expect.passes(value, year=year) is not False:
            return []
        expected = {name: getattr(check.expect, name) for name in check.expect.set_fields()}
        params.update(question=check.question, value=value, expected=expected)
    return [RuleWarning(code=check.code, params=params, legal_ref=check.legal_ref,
                        severity=check.severity, message=check.message)]


def _askers(ruleset: RuleSet, key: str, selected: frozenset[str], kept: Answers,
            subject: SubjectKind | None) -> list[Title]:
    """The selected titles asking question `key` of this subject, in catalog order."""
    found: dict[str, Title] = {}
    for title, ref in ruleset.question_refs(key):
        if (title.code in selected
                and (subject is None or title.applies_to(subject))
                and (subject is None or ref.subjects is None or subject in ref.subjects)
                and _holds(ref.when, kept)):
            found[title.code] = title
    return [ruleset.title(code) for code in ruleset.sort_codes(found)]


def answer_items(value: Any) -> list[str]:
    """The items of a text answer ("A; B"), as compared: folded, without empty ones."""
    return [key for part in str(value).split(";") if (key := fold_key(part).strip(" .,"))]


def _reuse(ruleset: RuleSet, selected: frozenset[str], kept: Answers,
           subject: SubjectKind | None) -> list[RuleWarning]:
    warnings = []
    for reuse in ruleset.reuse:
        users: dict[str, dict[str, None]] = {}  # item → titles using it (ordered)
        shown: dict[str, str] = {}  # item → as first written
        for key in reuse.questions:
            if key not in kept:
                continue
            askers = [t for t in _askers(ruleset, key, selected, kept, subject)
                      if reuse.among is None or t.kind == reuse.among]
            for part in str(kept[key]).split(";"):
                for item in answer_items(part):
                    shown.setdefault(item, nfc(part).strip())
                    users.setdefault(item, {}).update(dict.fromkeys(t.code for t in askers))
        reused = {item: codes for item, codes in users.items() if len(codes) > 1}
        if reused:
            titles = ruleset.sort_codes(code for codes in reused.values() for code in codes)
            warnings.append(RuleWarning(
                code=reuse.code,
                params={"items": [shown[i] for i in reused], "titles": list(titles)},
                legal_ref=reuse.legal_ref, severity=reuse.severity, message=reuse.message,
            ))
    return warnings


def _contradictions(ruleset: RuleSet, selected: frozenset[str], kept: Answers,
                    subject: SubjectKind | None, year: int, facts: SubjectFacts
                    ) -> list[RuleWarning]:
    """An answer the members' registrations contradict: a yes/no that differs from them,
    a number on the other side of a check's threshold from them."""
    figures = facts.figures
    assert figures is not None
    warnings = []
    for question in ruleset.questions:
        figure = getattr(question, "figure", None)
        if figure is None or question.key not in kept:
            continue
        actual = figures.value(figure)
        if actual is None:
            continue
        answer = kept[question.key]
        checks = [c for c in ruleset.checks
                  if c.question == question.key and c.expect is not None
                  and any(code in selected for code in c.titles)
                  and (subject is None or c.subjects is None or subject in c.subjects)
                  and _holds(c.when, kept, year=year)]
        if isinstance(answer, bool):
            contradicts = answer is not actual
        else:
            contradicts = any(
                c.expect.passes(answer, year=year) != c.expect.passes(actual, year=year)
                for c in checks if c.expect is not None
            )
        if contradicts:
            warnings.append(RuleWarning(
                code="figure_contradiction",
                params={"question": question.key, "figure": figure, "answer": answer,
                        "actual": actual, "members": figures.members, "ldtt": figures.ldtt,
                        "cstdcs": figures.cstdcs},
                legal_ref=checks[0].legal_ref if checks else None,
            ))
    return warnings


def _deciders(ruleset: RuleSet, codes: Iterable[str], subject: SubjectKind,
              facts: SubjectFacts | None) -> list[RuleWarning]:
    """A ticked title decided elsewhere than its catalog says, for this subject: say who."""
    agency = facts.agency_name if facts is not None else None
    warnings = []
    for code in ruleset.sort_codes(explicit_choice(ruleset, codes)):
        if not ruleset.title(code).applies_to(subject):
            continue
        level, rule = ruleset.decider(code, subject, agency)
        if rule is not None:
            warnings.append(RuleWarning(
                code="decided_by", severity="info",
                params={"title": code, "rule": rule.code, "decided_by": level.value},
                legal_ref=rule.legal_ref, message=rule.message,
            ))
    return warnings


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReviewTitle(_Frozen):
    code: str
    name: LocalText
    kind: TitleKind
    decided_by: Level
    implied: bool  # came with another title, not ticked


class ReviewAnswer(_Frozen):
    key: str
    prompt: LocalText
    type: str
    value: Any
    label: LocalText | None = None  # the option's label for a choice; other types: format value


class RegistrationReview(_Frozen):
    """What the registrant confirms: titles, then answers in question order, then warnings."""

    titles: tuple[ReviewTitle, ...]
    answers: tuple[ReviewAnswer, ...]
    warnings: tuple[RuleWarning, ...]
    pending: tuple[str, ...]  # keys of questions not answered yet

    @property
    def complete(self) -> bool:
        return not self.pending


def review(
    ruleset: RuleSet,
    codes: Iterable[str],
    answers: Answers,
    *,
    subject: SubjectKind | str | None = None,
    year: int | None = None,
    facts: SubjectFacts | None = None,
) -> RegistrationReview:
    """Ticked titles first, then the implied ones (catalog order within each); answers the
    selection still needs; warnings when `year` is given (some checks depend on it), with
    what `facts` tells about the subject."""
    codes = frozenset(codes)
    explicit = explicit_choice(ruleset, codes)
    everything = expand_implied(ruleset, codes)
    titles = [
        _review_title(ruleset.title(code), implied=False) for code in ruleset.sort_codes(explicit)
    ] + [
        _review_title(ruleset.title(code), implied=True)
        for code in ruleset.sort_codes(everything - explicit)
    ]
    needed, kept = _walk(ruleset, everything, answers, subject)
    lines = [_review_answer(q, kept[q.key]) for q in needed if q.key in kept]
    warnings = (
        registration_warnings(ruleset, subject, codes, answers, year, facts)
        if year is not None
        else []
    )
    return RegistrationReview(
        titles=tuple(titles),
        answers=tuple(lines),
        warnings=tuple(warnings),
        pending=tuple(q.key for q in needed if q.key not in kept),
    )


def _review_title(title: Title, *, implied: bool) -> ReviewTitle:
    return ReviewTitle(
        code=title.code,
        name=title.name,
        kind=title.kind,
        decided_by=title.decided_by,
        implied=implied,
    )


def _review_answer(question: Question, value: Any) -> ReviewAnswer:
    label = None
    if isinstance(question, ChoiceQuestion):
        option = question.option(value)
        label = option.label if option else None
    return ReviewAnswer(
        key=question.key, prompt=question.prompt, type=question.type, value=value, label=label
    )
