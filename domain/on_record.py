"""What the results on record mean for a registration: the answers they prove (filled and
shown, not asked) and the claims they contradict (flagged, never blocked).

The rules are the rule set's `record` section (domain/rules/record.py): which years
question a title's record answers, how many years it needs and how far apart they may be.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.org import OrgTree
from domain.results import RecordFacts, latest_run
from domain.rules import Level, RecordYears, RuleSet, RuleWarning, SubjectKind, Title
from domain.text import fold_key

CONTRADICTION = "record_contradiction"


def record_scopes(ruleset: RuleSet, subject: SubjectKind | str, tree: OrgTree,
                  org_id: int | None) -> dict[str, frozenset[int] | None]:
    """Where the record of each title the years rules read for a subject of this kind in
    `org_id` is looked for: the orgs of the subject's agency when the agency decides the
    title (`RuleSet.decider`), None (results anywhere) otherwise. Storage reads
    `RecordFacts.covered` in these scopes (`ResultsRepository.record_facts`)."""
    kind = SubjectKind(subject)
    agency = tree.agency_of(org_id) if org_id is not None and org_id in tree else None
    scopes: dict[str, frozenset[int] | None] = {}
    for rule in ruleset.record.years:
        if kind not in rule.subjects or rule.title in scopes:
            continue
        level, _rule = ruleset.decider(rule.title, kind, agency.name if agency else None)
        scopes[rule.title] = (frozenset(tree.subtree_ids(agency.id))
                              if level == Level.AGENCY and agency is not None else None)
    return scopes


def proven_answers(ruleset: RuleSet, subject: SubjectKind | str, record: RecordFacts,
                   year: int) -> dict[str, list[int]]:
    """The years answers the record proves for a registration of `year`.

    The record proves a years question when the subject's latest run of the title (years
    before `year`) is recent (its last year at most `gap_at_most` before `year`) and either
    long enough, or one short with `this_year` (the registration year then counts as the
    last: the title is registered this year too)."""
    kind = SubjectKind(subject)
    proven: dict[str, list[int]] = {}
    for rule in ruleset.record.years:
        if kind not in rule.subjects:
            continue
        before = [y for y in record.held(rule.title) if y < year]
        if not before:
            continue
        run = latest_run(before, max(before), rule.gap_at_most)
        if year - run[-1] > rule.gap_at_most:
            continue
        if len(run) >= rule.count:
            proven[rule.question] = run[-rule.count:]
        elif rule.this_year and len(run) == rule.count - 1:
            proven[rule.question] = [*run, year]
    return proven


def record_warnings(
    ruleset: RuleSet,
    subject: SubjectKind | None,
    kept: Mapping[str, Any],
    year: int,
    record: RecordFacts,
    askers: Callable[[str], list[Title]],
) -> list[RuleWarning]:
    """Claims the record contradicts, then initiatives already used on record.

    `kept`: the answers the selection needs; `askers(key)`: the selected titles asking a
    question (an initiative named for this year's title by this year's result is the same
    use, not a second one)."""
    warnings: list[RuleWarning] = []
    proven = proven_answers(ruleset, subject, record, year) if subject is not None else {}
    for rule in ruleset.record.years:
        if not rule.contradicts or rule.question not in kept:
            continue
        if subject is not None and subject not in rule.subjects:
            continue
        claimed = kept[rule.question]
        if not isinstance(claimed, list) or claimed == proven.get(rule.question):
            continue
        held = set(record.held(rule.title))
        covered = record.covered.get(rule.title, frozenset())
        missing = [y for y in claimed if y < year and y in covered and y not in held]
        if missing:
            warnings.append(RuleWarning(
                code=CONTRADICTION, legal_ref=rule.legal_ref,
                severity=ruleset.record.contradiction_severity,
                params={"question": rule.question, "title": rule.title, "years": missing},
            ))
    warnings += _initiatives_used(ruleset, kept, year, record, askers)
    return warnings


def _initiatives_used(ruleset: RuleSet, kept: Mapping[str, Any], year: int,
                      record: RecordFacts, askers: Callable[[str], list[Title]]
                      ) -> list[RuleWarning]:
    rule = ruleset.record.initiatives
    if rule is None or not record.initiatives:
        return []
    known = {i.key: i for i in record.initiatives}
    items: list[str] = []
    uses: list[list[Any]] = []
    for key in rule.questions:
        if key not in kept:
            continue
        now = {t.code for t in askers(key)}
        for item in split_items(kept[key]):
            found = known.get(fold_key(item))
            if found is None:
                continue
            other = [[y, code] for y, code in found.uses if not (y == year and code in now)]
            if other and found.title not in items:
                items.append(found.title)
                uses.extend(other)
    if not items:
        return []
    return [RuleWarning(code=rule.code, legal_ref=rule.legal_ref, severity=rule.severity,
                        message=rule.message, params={"items": items, "uses": uses})]


def split_items(value: Any) -> list[str]:
    """The items of a text answer ("A; B"), trimmed, empty ones dropped."""
    return [part.strip(" .,") for part in str(value).split(";") if part.strip(" .,")]


def matching(items: Iterable[str], titles: Mapping[str, int]) -> list[int]:
    """Ids of the register's initiatives (folded title → id) an answer's items name."""
    found = []
    for item in items:
        initiative = titles.get(fold_key(item))
        if initiative is not None and initiative not in found:
            found.append(initiative)
    return found


def fill_proven(ruleset: RuleSet, titles: Iterable[str], answers: Mapping[str, Any],
                subject: SubjectKind | str, proven: Mapping[str, list[int]]) -> dict[str, Any]:
    """The answers with every pending question the record proves filled in (a filled answer
    may make further questions pending: filled too, until nothing more is proven)."""
    from domain.registration import pending_questions  # registration imports this module

    filled = dict(answers)
    while True:
        pending = pending_questions(ruleset, titles, filled, subject=subject)
        new = {q.key: list(proven[q.key]) for q in pending if q.key in proven}
        if not new:
            return filled
        filled.update(new)


def from_record(answers: Mapping[str, Any], proven: Mapping[str, list[int]]) -> set[str]:
    """The answers that are what the record proves (shown as such, not offered to edit)."""
    return {key for key, value in proven.items() if answers.get(key) == value}


# --- Claims of a year's registrations against the record (the summary) -------------------


@dataclass(frozen=True)
class Claim:
    """A confirmed registration's answers to the years questions the record reads."""

    person_id: int
    org_id: int  # where the roster puts the person now
    name: str
    titles: frozenset[str]  # the registration's titles, implied ones included
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Contradiction:
    """A registration claiming `title` in `years`, which the record contradicts."""

    name: str
    org_id: int
    titles: tuple[str, ...]  # the registered titles whose question it answers
    title: str
    years: tuple[int, ...]


def contradictions(ruleset: RuleSet, year: int, claims: Iterable[Claim],
                   records: Mapping[int, RecordFacts]) -> list[Contradiction]:
    """Every claim the record contradicts (`records`: each claimant's facts)."""
    found = []
    for claim in claims:
        record = records.get(claim.person_id)
        if record is None:
            continue
        for warning in record_warnings(ruleset, SubjectKind.PERSON, claim.answers, year,
                                       record, lambda key: []):
            if warning.code != CONTRADICTION:
                continue
            key = warning.params["question"]
            askers = ruleset.sort_codes(t.code for t, _ref in ruleset.question_refs(key)
                                        if t.code in claim.titles)
            found.append(Contradiction(claim.name, claim.org_id, askers,
                                       warning.params["title"],
                                       tuple(warning.params["years"])))
    return found



def contradiction_rules(ruleset: RuleSet) -> list[RecordYears]:
    """The years rules whose record may contradict a person's answers (what the summary
    reads of the record: their questions and titles)."""
    return [r for r in ruleset.record.years
            if r.contradicts and SubjectKind.PERSON in r.subjects]


@dataclass(frozen=True)
class ClaimsOnRecord:
    """What is on record for a year's contradictions, as stored
    (`storage.results.claims_on_record`): the confirmed registrations' answers to the years
    questions (their titles as stored), the claimants' own results of the titles read
    (person id → title → years) and the years each title is on record in each org
    (title → org id → years)."""

    claims: tuple[Claim, ...] = ()
    held: Mapping[int, Mapping[str, Collection[int]]] = field(default_factory=dict)
    on_record: Mapping[str, Mapping[int | None, Collection[int]]] = field(
        default_factory=dict)


def contradictions_on_record(ruleset: RuleSet, tree: OrgTree, year: int,
                             read: ClaimsOnRecord) -> list[Contradiction]:
    """The claims of `read` the record contradicts (`contradictions`): each claimant's
    record covered in their agency or anywhere as the agency decides the title, and their
    titles with the implied ones (only the rule set's titles)."""
    from domain.registration import expand_implied  # registration imports this module

    rules = contradiction_rules(ruleset)
    on_record: dict[str, dict[int | None, set[int]]] = {}  # title → agency → years
    for title, orgs in read.on_record.items():
        by_agency = on_record.setdefault(title, {})
        for org_id, years in orgs.items():
            agency = tree.agency_of(org_id) if org_id is not None and org_id in tree else None
            by_agency.setdefault(agency.id if agency else None, set()).update(years)
            by_agency.setdefault(-1, set()).update(years)  # anywhere
    records = {}
    for claim in read.claims:
        agency = tree.agency_of(claim.org_id) if claim.org_id in tree else None
        covered = {}
        for rule in rules:
            level, _rule = ruleset.decider(rule.title, SubjectKind.PERSON,
                                           agency.name if agency else None)
            where = agency.id if level == Level.AGENCY and agency is not None else -1
            covered[rule.title] = frozenset(on_record.get(rule.title, {}).get(where, set()))
        mine = read.held.get(claim.person_id, {})
        records[claim.person_id] = RecordFacts(
            {t: tuple(sorted(y)) for t, y in mine.items()}, covered)
    claims = [Claim(c.person_id, c.org_id, c.name,
                    expand_implied(ruleset, (t for t in c.titles if ruleset.has_title(t))),
                    c.answers)
              for c in read.claims]
    return contradictions(ruleset, year, claims, records)
