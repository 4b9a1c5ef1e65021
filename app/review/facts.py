"""What the eligibility rules read for a part of the tree, and what they compute for each
collective's proposal list: one set of reads (people, confirmed assessments, the initiatives
register, the results on record), then domain.review.evaluate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.models import OrgKind, Person
from domain.org import OrgTree
from domain.review import (
    Assessment,
    CollectiveFacts,
    Eligibility,
    HeldInitiative,
    PersonFacts,
    evaluate,
)
from domain.rules import InitiativeLevel, RuleSet
from domain.subjects import Subject
from storage.db import Database
from storage.initiatives import authored
from storage.people import PeopleRepository
from storage.results import ResultsRepository
from storage.reviews import Computed, ReviewRepository, reasons_json

LOOK_BACK = 10  # years of initiatives and results the rules may look at


@dataclass(frozen=True)
class Scope:
    """A part of the tree evaluated at once: its people, assessments and outcomes."""

    tree: OrgTree
    root: int | None
    year: int
    people: dict[int, Person]
    assessments: dict[tuple[str, int], Assessment]  # Subject.key → assessment (confirmed or not)
    eligibility: Eligibility

    def assessment(self, subject: Subject) -> Assessment | None:
        return self.assessments.get(subject.key)

    def members(self, org_id: int) -> list[Person]:
        """The people of a proposal list: those the roster puts in the collective itself."""
        return [p for p in self.people.values() if p.org_id == org_id]

    def computed(self, org_id: int) -> list[Computed]:
        """The entries the rules compute for the collective's list: its people's titles,
        then its own, each with the criteria met."""
        entries = []
        for person in sorted(self.members(org_id), key=lambda p: p.id):
            subject = Subject.of_person(person)
            entries += [Computed(subject, o.title, reasons_json(o.reasons))
                        for o in self.eligibility.titles_of(subject)]
        org = self.tree.get(org_id)
        if org.kind != OrgKind.BLOC:
            subject = Subject.of_org(org)
            entries += [Computed(subject, o.title, reasons_json(o.reasons))
                        for o in self.eligibility.titles_of(subject)]
        return entries


async def load_scope(db: Database, tree: OrgTree, ruleset: RuleSet, year: int,
                     root: int | None, *, assume: Assessment | None = None) -> Scope:
    """`assume`: an assessment counted as confirmed (what a draft would give)."""
    org_ids = tree.subtree_ids(root) if root is not None else {u.id for u in tree.walk()}
    people = {p.id: p for p in await PeopleRepository(db).in_orgs(org_ids)}
    assessments = {a.subject.key: a
                   for a in await ReviewRepository(db).assessments_in(year, org_ids)}
    if assume is not None:
        assessments[assume.subject.key] = replace(assume, status="confirmed")
    register = await authored(db, people, year - LOOK_BACK, year)
    held = await ResultsRepository(db).of_people(people) if people else []
    record: dict[int, dict[str, list[int]]] = {}
    for result in held:
        if result.subject.person_id is not None:
            record.setdefault(result.subject.person_id, {}).setdefault(
                result.title, []).append(result.year)
    facts = []
    for person in people.values():
        assessment = assessments.get(Subject.of_person(person).key)
        confirmed = assessment is not None and assessment.confirmed
        initiatives: list[HeldInitiative] = []
        if confirmed and assessment is not None:
            chosen = set(assessment.initiatives)
            initiatives = [HeldInitiative(i.level, i.year, i.title)
                           for i in register.get(person.id, []) if i.id in chosen]
            if assessment.claimed:
                initiatives.append(HeldInitiative(InitiativeLevel.GRASSROOTS, year,
                                                  assessment.claimed, declared=True))
        facts.append(PersonFacts(
            person.id, person.org_id,
            assessment.rating if confirmed and assessment is not None else None,
            tuple(initiatives),
            {t: tuple(sorted(y)) for t, y in record.get(person.id, {}).items()}))
    collectives = []
    repo = ResultsRepository(db)
    for org_id in sorted(org_ids):
        org = tree.get(org_id)
        if org.kind == OrgKind.BLOC or not org.active:
            continue
        subject = Subject.of_org(org)
        assessment = assessments.get(subject.key)
        confirmed = assessment is not None and assessment.confirmed
        own = await repo.of_subject(subject) if ruleset_reads_record(ruleset) else []
        collective_record: dict[str, list[int]] = {}
        for result in own:
            collective_record.setdefault(result.title, []).append(result.year)
        members = tuple(p.id for p in people.values()
                        if tree.is_within(p.org_id, org_id))
        collectives.append(CollectiveFacts(
            org_id, subject.kind,
            assessment.rating if confirmed and assessment is not None else None,
            assessment.disciplined if confirmed and assessment is not None else None,
            members, {t: tuple(sorted(y)) for t, y in collective_record.items()}))
    return Scope(tree, root, year, people, assessments,
                 evaluate(ruleset, year, facts, collectives))


def ruleset_reads_record(ruleset: RuleSet) -> bool:
    """Whether a collective's rule looks at its own record (one read per collective)."""
    if ruleset.review is None:
        return False
    return any(c.record is not None for rule in ruleset.review.eligibility
               if any(k.value != "person" for k in rule.subjects) for c in rule.all)
