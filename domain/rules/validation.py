"""The cross-reference checks of a rule file: every problem with the field path it is at.

A typo fails at load time with the field named (`titles[3].implies: unknown title 'LDT'`)
instead of surfacing mid-conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from domain.rules.record import COLLECTIVE_CRITERIA, PERSON_CRITERIA, Criterion
from domain.rules.schema import (
    COLLECTIVE_KINDS,
    FIGURE_TYPES,
    TESTS_FOR_TYPE,
    AnswerTest,
    ChoiceQuestion,
    Condition,
    LegalRef,
    MaxPerBloc,
    MaxShareOfCollectives,
    MaxShareOfTitle,
    SubjectKind,
    Title,
)

if TYPE_CHECKING:
    from domain.rules.ruleset import RuleSet


def reference_problems(rs: RuleSet) -> list[str]:
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
        allowed = TESTS_FOR_TYPE[question.type]
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
        """`before`: the position of the question conditioned; None for a check's `when`,
        which may test years (a check knows the registration year)."""
        for i, cond in enumerate(when):
            test_fits(f"{path}.when[{i}]", cond, cond.question)
            if before is not None and cond.needs_year:
                problems.append(f"{path}.when[{i}]: a question's condition cannot test "
                                "the years against the registration year")
            # Conditions look back only, so one pass in file order settles what to ask.
            if before is not None and order.get(cond.question, -1) >= before:
                problems.append(
                    f"{path}.when[{i}].question: '{cond.question}' must come before "
                    "the question it conditions in `questions`"
                )

    dup((d.code for d in rs.legal_docs), "legal_docs", "document")
    dup((t.code for t in rs.titles), "titles", "title")
    dup((q.key for q in rs.questions), "questions", "question")
    dup([*(c.code for c in rs.checks), *(r.code for r in rs.reuse)], "checks and reuse", "check")
    dup((d.code for d in rs.deciders), "deciders", "rule")
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
            if implied is not None and implied.bloc_members_only and not title.bloc_members_only:
                problems.append(f"{path}.implies[{j}]: '{code}' is for bloc members only, "
                                f"'{title.code}' is not")
        if title.bloc_members_only and SubjectKind.PERSON in title.subjects:
            problems.append(f"{path}.bloc_members_only: only collectives are bloc members")
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
        figure = getattr(question, "figure", None)
        if figure is not None and FIGURE_TYPES[figure] != question.type:
            problems.append(f"questions[{i}].figure: '{figure}' is not a {question.type} figure")
        if question.key not in asked:
            problems.append(f"questions[{i}]: question '{question.key}' is asked by no title")

    for i, check in enumerate(rs.checks):
        path = f"checks[{i}]"
        ref(path, check.legal_ref)
        for j, code in enumerate(check.titles):
            title_code(f"{path}.titles[{j}]", code)
        for j, code in enumerate(check.requires_titles):
            title_code(f"{path}.requires_titles[{j}]", code)
        if check.expect is not None and check.question is not None:
            test_fits(f"{path}.expect", check.expect, check.question)
        conditions(path, check.when, None)

    for i, reuse in enumerate(rs.reuse):
        path = f"reuse[{i}]"
        ref(path, reuse.legal_ref)
        for j, key in enumerate(reuse.questions):
            if key not in questions:
                problems.append(f"{path}.questions[{j}]: unknown question '{key}'")

    for i, rule in enumerate(rs.deciders):
        path = f"deciders[{i}]"
        ref(path, rule.legal_ref)
        for j, code in enumerate(rule.titles):
            decided = title_code(f"{path}.titles[{j}]", code)
            if decided is None:
                continue
            for subject in rule.subjects:
                if subject not in decided.subjects:
                    problems.append(f"{path}.subjects: {not_subject(subject, decided)}")

    for i, quota in enumerate(rs.quotas):
        path = f"quotas[{i}]"
        ref(path, quota.legal_ref)
        for field in ("title", "of_title"):
            quoted: str | None = getattr(quota, field, None)
            if quoted is not None:
                title_code(f"{path}.{field}", quoted)
        if isinstance(quota, MaxPerBloc | MaxShareOfCollectives) \
                and not COLLECTIVE_KINDS & set(_subjects(titles, quota.title)):
            problems.append(f"{path}.title: '{quota.title}' is not a collective title")
        if isinstance(quota, MaxShareOfTitle):
            for field in ("title", "of_title"):
                code = getattr(quota, field)
                if code in titles and SubjectKind.PERSON not in titles[code].subjects:
                    problems.append(f"{path}.{field}: '{code}' is not an individual title")

    for i, code in enumerate(rs.summary.agency_titles):
        flagged = title_code(f"summary.agency_titles[{i}]", code)
        if flagged is not None and SubjectKind.AGENCY not in flagged.subjects:
            problems.append(f"summary.agency_titles[{i}]: '{code}' does not apply to an agency")
    problems.extend(record_problems(rs, ref, title_code))
    problems.extend(council_problems(rs, ref, title_code))
    return problems


def record_problems(rs: RuleSet, ref: Callable[[str, LegalRef], None],
                    title_code: Callable[[str, str], Title | None]) -> list[str]:
    """The references of `record` (results on record) and `review` (the year-end review)."""
    problems: list[str] = []
    questions = {q.key: q for q in rs.questions}
    for i, rule in enumerate(rs.record.years):
        path = f"record.years[{i}]"
        ref(path, rule.legal_ref)
        held = title_code(f"{path}.title", rule.title)
        question = questions.get(rule.question)
        if question is None:
            problems.append(f"{path}.question: unknown question '{rule.question}'")
        elif question.type != "years":
            problems.append(f"{path}.question: '{rule.question}' is not a years question")
        for subject in rule.subjects:
            if held is not None and subject not in held.subjects:
                problems.append(f"{path}.subjects: '{subject.value}' is not a subject of "
                                f"'{held.code}'")
    initiatives = rs.record.initiatives
    if initiatives is not None:
        ref("record.initiatives", initiatives.legal_ref)
        for j, key in enumerate(initiatives.questions):
            if key not in questions:
                problems.append(f"record.initiatives.questions[{j}]: unknown question '{key}'")
    review = rs.review
    if review is None:
        return problems
    ref("review.ratings", review.ratings_ref)
    ratings = {r.code for r in review.ratings}
    if len(ratings) != len(review.ratings):
        problems.append("review.ratings: duplicate rating code")
    seen: dict[str, set[SubjectKind]] = {}

    def criterion(path: str, c: Criterion, subjects: tuple[SubjectKind, ...]) -> None:
        kind = c.kind
        person = SubjectKind.PERSON in subjects
        collective = bool(set(subjects) & COLLECTIVE_KINDS)
        if (person and kind not in PERSON_CRITERIA) or (
                collective and kind not in COLLECTIVE_CRITERIA):
            problems.append(f"{path}.{kind}: not a criterion for these subjects")
        for code in c.rating or ():
            if code not in ratings:
                problems.append(f"{path}.rating: unknown rating '{code}'")
        if c.eligible is not None:
            title_code(f"{path}.eligible", c.eligible)
            if not set(subjects) <= seen.get(c.eligible, set()):
                problems.append(f"{path}.eligible: '{c.eligible}' has no earlier rule for "
                                "these subjects")
        if c.record is not None:
            title_code(f"{path}.record.title", c.record.title)
        if c.members_share is not None:
            if c.members_share.title is not None:
                title_code(f"{path}.members_share.title", c.members_share.title)
                if SubjectKind.PERSON not in seen.get(c.members_share.title, set()):
                    problems.append(f"{path}.members_share.title: '{c.members_share.title}' "
                                    "has no earlier rule for people")
            for code in c.members_share.ratings or ():
                if code not in ratings:
                    problems.append(f"{path}.members_share.ratings: unknown rating '{code}'")
        if c.members_count is not None:
            title_code(f"{path}.members_count.title", c.members_count.title)
            if SubjectKind.PERSON not in seen.get(c.members_count.title, set()):
                problems.append(f"{path}.members_count.title: '{c.members_count.title}' has "
                                "no earlier rule for people")
        for k, inner in enumerate(c.any or ()):
            criterion(f"{path}.any[{k}]", inner, subjects)

    for i, eligibility in enumerate(review.eligibility):
        path = f"review.eligibility[{i}]"
        ref(path, eligibility.legal_ref)
        found = title_code(f"{path}.title", eligibility.title)
        for subject in eligibility.subjects:
            if found is not None and subject not in found.subjects:
                problems.append(f"{path}.subjects: '{subject.value}' is not a subject of "
                                f"'{found.code}'")
        kinds = set(eligibility.subjects)
        if SubjectKind.PERSON in kinds and kinds & COLLECTIVE_KINDS:
            problems.append(f"{path}.subjects: people and collectives need rules of their own")
        for j, c in enumerate(eligibility.all):
            criterion(f"{path}.all[{j}]", c, eligibility.subjects)
        seen.setdefault(eligibility.title, set()).update(eligibility.subjects)
    return problems


def council_problems(rs: RuleSet, ref: Callable[[str, LegalRef], None],
                     title_code: Callable[[str, str], Title | None]) -> list[str]:
    """The references of `council` (the council's ballot): titles and legal documents."""
    council = rs.council
    if council is None:
        return []
    problems: list[str] = []
    ref("council.quorum", council.quorum.legal_ref)
    seen: set[str] = set()
    for i, rule in enumerate(council.ballots):
        path = f"council.ballots[{i}]"
        ref(f"{path}.agree", rule.agree.legal_ref)
        if rule.quorum is not None:
            ref(f"{path}.quorum", rule.quorum.legal_ref)
        for j, code in enumerate(rule.titles):
            title_code(f"{path}.titles[{j}]", code)
            if code in seen:
                problems.append(f"{path}.titles[{j}]: '{code}' has a ballot rule already")
            seen.add(code)
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
