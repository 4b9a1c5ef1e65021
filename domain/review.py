"""The year-end review: what people and collectives confirm, and who qualifies for what.

Each person confirms their year's rating (mức xếp loại chất lượng) and the initiatives of
their year; each head their collective's rating and whether a member was disciplined. From
these, the results on record and the initiatives register, the rule set's `review.eligibility`
rules compute who qualifies for which title (pure functions here); each collective's draft
proposal list (danh sách đề nghị) starts from that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.org import OrgTree
from domain.results import latest_run
from domain.rules import Criterion, EligibilityRule, InitiativeLevel, RuleSet, SubjectKind
from domain.subjects import Subject


@dataclass(frozen=True)
class Review:
    id: int
    year: int
    scope_org_id: int | None
    ruleset_id: str
    opened_at: datetime
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def review_for(reviews: Iterable[Review], tree: OrgTree, org_id: int) -> Review | None:
    """The open review covering `org_id`: the most specific scope, the latest year."""
    depth = {u.id: len(tree.ancestors(u.id)) for u in tree.walk()} if org_id in tree else {}
    found = [r for r in reviews if r.is_open and (r.scope_org_id is None or (
        org_id in tree and tree.is_within(org_id, r.scope_org_id)))]
    if not found:
        return None
    return max(found, key=lambda r: (r.year, depth.get(r.scope_org_id or -1, 0)))


@dataclass(frozen=True)
class Assessment:
    id: int
    review_id: int
    year: int
    subject: Subject
    rating: str | None
    disciplined: bool | None
    initiatives: tuple[int, ...]  # register ids confirmed as the year's
    claimed: str | None  # an initiative not on the register, as typed
    step: str  # rating, initiatives, discipline, review
    status: str  # draft, confirmed
    version: int
    confirmed_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


# --- Who qualifies for what -------------------------------------------------------------------


@dataclass(frozen=True)
class HeldInitiative:
    """An initiative of the register the person authors (or one they declared)."""

    level: InitiativeLevel
    year: int
    title: str
    declared: bool = False  # typed in the review, not (yet) on the register


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    org_id: int
    rating: str | None  # the confirmed rating; None: not assessed
    initiatives: tuple[HeldInitiative, ...] = ()
    record: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # title → years


@dataclass(frozen=True)
class CollectiveFacts:
    org_id: int
    kind: SubjectKind
    rating: str | None
    disciplined: bool | None
    members: tuple[int, ...]  # active people of its subtree
    record: Mapping[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    """One criterion as evaluated: what it is (`kind`), whether it holds, and what was found
    (a rating code, years, an initiative's title, a share)."""

    kind: str
    met: bool
    detail: str = ""


@dataclass(frozen=True)
class Outcome:
    title: str
    met: bool
    reasons: tuple[Reason, ...]


@dataclass
class Eligibility:
    """Outcomes per person and per collective, in the rules' order."""

    people: dict[int, list[Outcome]] = field(default_factory=dict)
    collectives: dict[int, list[Outcome]] = field(default_factory=dict)
    ratings: dict[int, str | None] = field(default_factory=dict)  # people's confirmed ratings

    def qualifies(self, person_id: int, title: str) -> bool:
        return any(o.title == title and o.met for o in self.people.get(person_id, ()))

    def titles_of(self, subject: Subject) -> list[Outcome]:
        if subject.person_id is not None:
            return [o for o in self.people.get(subject.person_id, []) if o.met]
        return [o for o in self.collectives.get(subject.org_id, []) if o.met]


def evaluate(ruleset: RuleSet, year: int, people: Sequence[PersonFacts],
             collectives: Sequence[CollectiveFacts]) -> Eligibility:
    """Every eligibility rule for every person, then every collective (members first)."""
    result = Eligibility()
    rules = ruleset.review.eligibility if ruleset.review is not None else ()
    for person in people:
        result.ratings[person.person_id] = person.rating
        met: dict[str, bool] = {}
        outcomes = []
        for rule in rules:
            if SubjectKind.PERSON not in rule.subjects:
                continue
            reasons = [_person(c, person, year, met) for c in rule.all]
            ok = all(r.met for r in reasons)
            met[rule.title] = met.get(rule.title, False) or ok
            outcomes.append(Outcome(rule.title, ok, tuple(reasons)))
        result.people[person.person_id] = outcomes
    for collective in collectives:
        met = {}
        outcomes = []
        for rule in rules:
            if collective.kind not in rule.subjects:
                continue
            reasons = [_collective(c, collective, year, met, result) for c in rule.all]
            ok = all(r.met for r in reasons)
            met[rule.title] = met.get(rule.title, False) or ok
            outcomes.append(Outcome(rule.title, ok, tuple(reasons)))
        result.collectives[collective.org_id] = outcomes
    return result


def _record(criterion: Criterion, record: Mapping[str, tuple[int, ...]], year: int,
            met: Mapping[str, bool]) -> Reason:
    run_rule = criterion.record
    assert run_rule is not None
    years = {y for y in record.get(run_rule.title, ()) if y < year}
    if met.get(run_rule.title):
        years.add(year)
    end = year if year in years else max(years, default=0)
    run = latest_run(years, end, run_rule.gap_at_most) if years else []
    ok = bool(run) and run[-1] == year and len(run) >= run_rule.count
    return Reason("record", ok, ", ".join(str(y) for y in run))


def _person(criterion: Criterion, person: PersonFacts, year: int,
            met: Mapping[str, bool]) -> Reason:
    kind = criterion.kind
    if criterion.rating is not None:
        return Reason(kind, person.rating in criterion.rating, person.rating or "")
    if criterion.eligible is not None:
        return Reason(kind, met.get(criterion.eligible, False), criterion.eligible)
    if criterion.initiative is not None:
        test = criterion.initiative
        found = [i for i in person.initiatives
                 if i.level in test.levels and year - test.years_back <= i.year <= year]
        proven = [i for i in found if not i.declared]
        chosen = proven or found
        detail = chosen[0].title if chosen else ""
        return Reason(kind if proven or not found else "declared_initiative", bool(chosen),
                      detail)
    if criterion.record is not None:
        return _record(criterion, person.record, year, met)
    assert criterion.any is not None
    inner = [_person(c, person, year, met) for c in criterion.any]
    chosen_reason = next((r for r in inner if r.met), inner[0])
    return Reason(chosen_reason.kind, chosen_reason.met, chosen_reason.detail)


def _collective(criterion: Criterion, collective: CollectiveFacts, year: int,
                met: Mapping[str, bool], people: Eligibility) -> Reason:
    kind = criterion.kind
    if criterion.rating is not None:
        return Reason(kind, collective.rating in criterion.rating, collective.rating or "")
    if criterion.eligible is not None:
        return Reason(kind, met.get(criterion.eligible, False), criterion.eligible)
    if criterion.no_discipline is not None:
        return Reason(kind, collective.disciplined is False,
                      "" if collective.disciplined is None else str(collective.disciplined))
    members = collective.members
    if criterion.members_share is not None:
        share = criterion.members_share
        if share.title is not None:
            count = sum(1 for m in members if people.qualifies(m, share.title))
        else:
            ratings = set(share.ratings or ())
            count = sum(1 for m in members if people.ratings.get(m) in ratings)
        ok = bool(members) and count * 100 >= share.at_least * len(members)
        return Reason(kind, ok, f"{count}/{len(members)}")
    if criterion.members_count is not None:
        count = sum(1 for m in members if people.qualifies(m, criterion.members_count.title))
        return Reason(kind, count >= criterion.members_count.at_least, str(count))
    if criterion.record is not None:
        return _record(criterion, collective.record, year, met)
    assert criterion.any is not None
    inner = [_collective(c, collective, year, met, people) for c in criterion.any]
    chosen = next((r for r in inner if r.met), inner[0])
    return Reason(chosen.kind, chosen.met, chosen.detail)


def rule_for(ruleset: RuleSet, title: str, kind: SubjectKind) -> EligibilityRule | None:
    rules = ruleset.review.eligibility if ruleset.review is not None else ()
    return next((r for r in rules if r.title == title and kind in r.subjects), None)
