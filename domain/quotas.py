"""Quotas of a bloc and its agencies, computed from confirmed registrations.

Each quota of the rule set that applies to registrations (`stage: registration`) yields
warnings, never blocks: too few proposals for people without a leadership post, and the
quotas a province adds itself (a title above its share of another, or of the collectives).
A quota of the year-end proposal (one Cờ thi đua per bloc) is not evaluated here: every
member registers to compete for the flag. Warning codes (reports word them):
bloc_title_limit, non_leader_share_low, non_leader_share (info: the bloc's share when the
target is met), title_share_high, collective_share_high.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.models import OrgKind, OrgUnit, Person
from domain.org import OrgTree
from domain.records import RegistrationRecord
from domain.registration import expand_implied
from domain.rules import (
    COLLECTIVE_KINDS,
    MaxPerBloc,
    MaxShareOfCollectives,
    MaxShareOfTitle,
    MinNonLeaderShare,
    RuleSet,
    RuleWarning,
    SubjectKind,
)
from domain.tally import (  # noqa: F401 - DEFAULT_PROPOSAL_LEVELS, proposal_levels: API
    DEFAULT_PROPOSAL_LEVELS,
    OrgPeople,
    PeopleCounts,
    proposal_codes,
    proposal_levels,
)


@dataclass(frozen=True)
class Counted:
    """A confirmed registration resolved against the roster: what quotas and summaries count."""

    record: RegistrationRecord
    org_id: int  # the collective itself, or the person's unit (or agency)
    person: Person | None
    titles: frozenset[str]  # with implied titles

    @property
    def is_collective(self) -> bool:
        return self.record.subject_kind in COLLECTIVE_KINDS


def as_tree(tree: OrgTree | Iterable[OrgUnit]) -> OrgTree:
    return tree if isinstance(tree, OrgTree) else OrgTree(tree)


def counted_registrations(
    ruleset: RuleSet,
    tree: OrgTree,
    people: Iterable[Person],
    registrations: Iterable[RegistrationRecord],
    *,
    year: int | None = None,
) -> list[Counted]:
    """Confirmed registrations (of `year` if given) whose subject is in the tree and roster."""
    by_id = {p.id: p for p in people}
    # Few distinct selections exist (LDTT, CSTDCS, …): expand each once, not per registration.
    expanded: dict[frozenset[str], frozenset[str]] = {}
    counted: list[Counted] = []
    for record in registrations:
        if not record.counts or (year is not None and record.year != year):
            continue
        person = by_id.get(record.person_id) if record.person_id is not None else None
        org_id: int | None
        if record.subject_kind == SubjectKind.PERSON:
            if person is None:
                continue
            org_id = person.org_id
        else:
            org_id = record.org_id
        if org_id is None:
            continue
        if org_id not in tree:
            continue
        titles = expanded.get(record.titles)
        if titles is None:
            known = (c for c in record.titles if ruleset.has_title(c))
            titles = expanded[record.titles] = expand_implied(ruleset, known)
        counted.append(Counted(record, org_id, person, titles))
    return counted




def people_counts(
    ruleset: RuleSet,
    entries: Iterable[Counted],
    people: Iterable[Person],
    acknowledgements: Mapping[Any, Collection[int]] | None = None,
) -> PeopleCounts:
    """The per-org people figures of counted registrations and a roster (see domain.tally)."""
    counts = PeopleCounts(ruleset)
    for entry in entries:
        if entry.person is not None:
            counts.add_registration(entry.org_id, entry.record.titles,
                                    is_leader=entry.person.is_leader, active=entry.person.active)
    acknowledgements = acknowledgements or {}
    for person in people:
        if not person.active:
            continue
        counts.add_active(person.org_id)
        for campaign, acked in acknowledgements.items():
            if person.id in acked:
                counts.add_acknowledged(campaign, person.org_id)
    return counts


def bloc_warnings(
    ruleset: RuleSet,
    tree: OrgTree | Iterable[OrgUnit],
    people: Iterable[Person],
    registrations: Iterable[RegistrationRecord],
    *,
    year: int | None = None,
) -> list[RuleWarning]:
    """Every quota of the rule set over the given tree, in rule-file then tree order.

    Per-bloc quotas need the bloc in `tree`; per-agency ones need the agency.
    """
    tree = as_tree(tree)
    people = list(people)
    entries = counted_registrations(ruleset, tree, people, registrations, year=year)
    return quota_warnings(ruleset, tree, entries, people_counts(ruleset, entries, people))


def quota_warnings(
    ruleset: RuleSet, tree: OrgTree, entries: list[Counted], people: PeopleCounts
) -> list[RuleWarning]:
    """`bloc_warnings` from figures already computed: the collectives' counted registrations
    (`entries`; individual ones are ignored) and the people figures per org."""
    warnings: list[RuleWarning] = []
    for quota in ruleset.quotas:
        if quota.stage != "registration":
            continue
        if isinstance(quota, MaxPerBloc):
            warnings += _max_per_bloc(quota, tree, entries)
        elif isinstance(quota, MinNonLeaderShare):
            warnings += _non_leader_share(quota, tree, people)
        elif isinstance(quota, MaxShareOfTitle):
            warnings += _share_of_title(quota, tree, people)
        elif isinstance(quota, MaxShareOfCollectives):
            warnings += _share_of_collectives(quota, tree, entries)
    return warnings


def _group(
    entries: Iterable[Counted], owner: Callable[[int], OrgUnit | None]
) -> dict[int, list[Counted]]:
    """Entries by the bloc or agency (`owner`) their subject belongs to."""
    groups: dict[int, list[Counted]] = defaultdict(list)
    owners: dict[int, OrgUnit | None] = {}  # many entries share an org: walk up once per org
    for entry in entries:
        if entry.org_id not in owners:
            owners[entry.org_id] = owner(entry.org_id)
        org = owners[entry.org_id]
        if org is not None:
            groups[org.id].append(entry)
    return groups


def _people_by(
    people: PeopleCounts, owner: Callable[[int], OrgUnit | None]
) -> dict[int, OrgPeople]:
    """People figures summed per bloc or agency (`owner`)."""
    totals: dict[int, OrgPeople] = defaultdict(OrgPeople)
    for org_id, figures in people.orgs.items():
        org = owner(org_id)
        if org is not None:
            totals[org.id].add(figures)
    return totals


def _in_order(tree: OrgTree, kind: OrgKind) -> list[OrgUnit]:
    return [u for u in tree.walk() if u.kind == kind]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _max_per_bloc(quota: MaxPerBloc, tree: OrgTree, entries: list[Counted]) -> list[RuleWarning]:
    holders = [e for e in entries if e.is_collective and quota.title in e.titles]
    by_bloc = _group(holders, tree.bloc_of)
    order = {u.id: i for i, u in enumerate(tree.walk())}
    warnings = []
    for bloc in _in_order(tree, OrgKind.BLOC):
        found = sorted(by_bloc.get(bloc.id, []), key=lambda e: order[e.org_id])
        if len(found) > quota.max:
            warnings.append(
                RuleWarning(
                    code="bloc_title_limit",
                    params={
                        "quota": quota.code,
                        "title": quota.title,
                        "org_id": bloc.id,
                        "org_name": bloc.name,
                        "max": quota.max,
                        "count": len(found),
                        "holder_ids": [e.org_id for e in found],
                        "holders": [tree.label(e.org_id) for e in found],
                    },
                    legal_ref=quota.legal_ref,
                )
            )
    return warnings


def _non_leader_share(
    quota: MinNonLeaderShare, tree: OrgTree, people: PeopleCounts
) -> list[RuleWarning]:
    warnings = []
    # The bloc's share is always reported (the bloc commits to it); agencies only when short.
    for kind, owner, always in (
        (OrgKind.BLOC, tree.bloc_of, True),
        (OrgKind.AGENCY, tree.agency_of, False),
    ):
        groups = _people_by(people, owner)
        for org in _in_order(tree, kind):
            figures = groups.get(org.id, OrgPeople())
            leaders, non_leaders = figures.leaders, figures.non_leaders
            total = leaders + non_leaders
            if not total:
                continue
            share = non_leaders / total
            short = share < quota.min_share
            if not (short or always):
                continue
            warnings.append(
                RuleWarning(
                    code="non_leader_share_low" if short else "non_leader_share",
                    severity="warning" if short else "info",
                    params={
                        "quota": quota.code,
                        "scope": kind.value,
                        "org_id": org.id,
                        "org_name": org.name,
                        "share": share,
                        "min_share": quota.min_share,
                        "non_leaders": non_leaders,
                        "leaders": leaders,
                        "total": total,
                    },
                    legal_ref=quota.legal_ref,
                )
            )
    return warnings


def _share_of_title(
    quota: MaxShareOfTitle, tree: OrgTree, people: PeopleCounts
) -> list[RuleWarning]:
    groups = _people_by(people, tree.agency_of)
    warnings = []
    for agency in _in_order(tree, OrgKind.AGENCY):
        titles = groups[agency.id].titles if agency.id in groups else {}
        count = titles.get(quota.title, 0)
        of_count = titles.get(quota.of_title, 0)
        share = _share(count, of_count)
        if of_count and share > quota.max_share:
            warnings.append(
                RuleWarning(
                    code="title_share_high",
                    params={
                        "quota": quota.code,
                        "title": quota.title,
                        "of_title": quota.of_title,
                        "org_id": agency.id,
                        "org_name": agency.name,
                        "count": count,
                        "of_count": of_count,
                        "share": share,
                        "max_share": quota.max_share,
                    },
                    legal_ref=quota.legal_ref,
                )
            )
    return warnings


def collectives_of(tree: OrgTree, org_id: int) -> list[OrgUnit]:
    """The org itself and its active units: the collectives an agency can propose."""
    root = tree.get(org_id)
    return [root] + [u for u in tree.walk(org_id) if u.id != org_id and u.active]


def _share_of_collectives(
    quota: MaxShareOfCollectives, tree: OrgTree, entries: list[Counted]
) -> list[RuleWarning]:
    holders = [e for e in entries if e.is_collective and quota.title in e.titles]
    groups = _group(holders, tree.agency_of)
    warnings = []
    for agency in _in_order(tree, OrgKind.AGENCY):
        count = len(groups.get(agency.id, []))
        collectives = len(collectives_of(tree, agency.id))
        share = _share(count, collectives)
        if share > quota.max_share:
            warnings.append(
                RuleWarning(
                    code="collective_share_high",
                    params={
                        "quota": quota.code,
                        "title": quota.title,
                        "org_id": agency.id,
                        "org_name": agency.name,
                        "count": count,
                        "collectives": collectives,
                        "share": share,
                        "max_share": quota.max_share,
                    },
                    legal_ref=quota.legal_ref,
                )
            )
    return warnings
