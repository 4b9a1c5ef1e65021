"""Registered vs achieved: a year's registrations beside the results on record, in the
annex's structure (domain.summary), and who registered a title without achieving it.

Both sides are summaries of the same scope and year built the same way: the registrations
as the registration summary counts them, the results as if each subject had registered
exactly what it achieved. Titles that come with another count on both sides (a Chiến sĩ thi
đua cơ sở is a Lao động tiên tiến).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from domain.org import OrgTree
from domain.records import RegistrationRecord
from domain.registration import expand_implied, explicit_choice
from domain.rules import RuleSet, SubjectKind
from domain.summary import Summary, SummaryGroup, SummaryRow, summarize
from domain.tally import PeopleCounts
from domain.text import vietnamese_sort_key


@dataclass(frozen=True)
class Miss:
    """A subject that registered titles it did not achieve."""

    kind: SubjectKind
    org_id: int  # the collective, or where the roster puts the person
    person_id: int | None
    name: str  # the person's name; the collective's label
    missed: tuple[str, ...]  # registered, not achieved (implied ones included), catalog order
    achieved: tuple[str, ...]  # what it achieved instead, catalog order


@dataclass(frozen=True)
class Subjects:
    """Per subject key: (kind, org id, person id, name, titles)."""

    entries: Mapping[tuple[str, int], tuple[SubjectKind, int, int | None, str, frozenset[str]]]


@dataclass(frozen=True)
class Comparison:
    year: int
    registered: Summary
    achieved: Summary
    misses: tuple[Miss, ...]

    def pairs(self) -> list[tuple[SummaryRow, SummaryRow]]:
        """The rows of both sides, agency by agency (built from the same tree and scope)."""
        return list(zip(self.registered.rows, self.achieved.rows, strict=True))

    def group_pairs(self) -> list[tuple[SummaryGroup, SummaryGroup]]:
        return list(zip(self.registered.groups, self.achieved.groups, strict=True))

    def unit_pairs(self) -> list[tuple[SummaryRow, SummaryRow]]:
        return list(zip(self.registered.unit_rows, self.achieved.unit_rows, strict=True))

    def misses_of(self, tree: OrgTree, org_id: int) -> list[Miss]:
        return [m for m in self.misses if m.org_id in tree and tree.is_within(m.org_id, org_id)]

    def miss_counts(self, tree: OrgTree) -> dict[int, int]:
        """How many misses lie in each org's subtree (one walk up per org with misses)."""
        per_org: dict[int, int] = {}
        for miss in self.misses:
            per_org[miss.org_id] = per_org.get(miss.org_id, 0) + 1
        counts: dict[int, int] = {}
        for org_id, n in per_org.items():
            for unit in tree.ancestors(org_id) if org_id in tree else ():
                counts[unit.id] = counts.get(unit.id, 0) + n
        return counts


def misses(ruleset: RuleSet, registered: Subjects, achieved: Subjects) -> list[Miss]:
    """Subjects whose registered titles (with those they imply) are not all achieved."""
    # A province has tens of thousands of subjects but a few distinct selections: each
    # selection's expansion and naming is worked out once.
    expanded: dict[frozenset[str], frozenset[str]] = {}
    named: dict[frozenset[str], tuple[str, ...]] = {}

    def expand(codes: frozenset[str]) -> frozenset[str]:
        if codes not in expanded:
            expanded[codes] = expand_implied(ruleset, (c for c in codes if ruleset.has_title(c)))
        return expanded[codes]

    def name(codes: frozenset[str]) -> tuple[str, ...]:
        if codes not in named:  # as one ticks them: a title that comes with another left out
            named[codes] = ruleset.sort_codes(explicit_choice(ruleset, codes))
        return named[codes]

    found = []
    for key, (kind, org_id, person_id, label, ticked) in registered.entries.items():
        got_entry = achieved.entries.get(key)
        got = expand(got_entry[4]) if got_entry else frozenset()
        missing = expand(ticked) - got
        if missing:
            found.append(Miss(kind, org_id, person_id, label, name(missing), name(got)))
    return found


def compare(
    ruleset: RuleSet,
    tree: OrgTree,
    year: int,
    registered_people: PeopleCounts,
    registered_collectives: Iterable[RegistrationRecord],
    achieved_people: PeopleCounts,
    achieved_collectives: Iterable[RegistrationRecord],
    missed: Iterable[Miss],
    *,
    scope_org_id: int | None,
) -> Comparison:
    registered = summarize(ruleset, tree, registered_people, registered_collectives,
                           scope_org_id=scope_org_id, year=year)
    achieved = summarize(ruleset, tree, achieved_people, achieved_collectives,
                         scope_org_id=scope_org_id, year=year)
    order = {u.id: i for i, u in enumerate(tree.walk())}
    within = [m for m in missed if m.org_id in tree and tree.is_within(m.org_id, scope_org_id)]
    within.sort(key=lambda m: (order.get(m.org_id, 0), m.person_id is not None,
                               vietnamese_sort_key(m.name) if m.person_id else ()))
    return Comparison(year, registered, achieved, tuple(within))
