"""People figures per org unit, as summaries and quotas need them, whatever their source.

A summary does not need each person: per org unit (where the roster puts a person, not the
subtree) it needs how many people are active, how many registered, how many hold each title,
how many proposals go to leaders and to others, and how many acknowledged each campaign.
`PeopleCounts` collects exactly that, one person at a time (from domain objects) or one
group at a time (from a SQL aggregate), through the same `add_*` methods, so both ways give
the same figures by construction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from domain.registration import expand_implied
from domain.rules import Level, MinNonLeaderShare, RuleSet

DEFAULT_PROPOSAL_LEVELS = (Level.PROVINCE, Level.NATIONAL)


def proposal_levels(ruleset: RuleSet) -> tuple[Level, ...]:
    """Which deciding levels make an individual title a proposal for the non-leader share."""
    quota = next((q for q in ruleset.quotas if isinstance(q, MinNonLeaderShare)), None)
    return quota.decided_by if quota else DEFAULT_PROPOSAL_LEVELS


def proposal_codes(ruleset: RuleSet) -> frozenset[str]:
    """Individual titles counted as proposals for the non-leader share."""
    levels = set(proposal_levels(ruleset))
    return frozenset(t.code for t in ruleset.titles if t.decided_by in levels)


@dataclass
class OrgPeople:
    active: int = 0  # active people on the roster
    registered: int = 0  # active people with a counted individual registration
    titles: Counter[str] = field(default_factory=Counter)  # people per title (implied included)
    leaders: int = 0  # proposals (person × title) for people holding a leadership post
    non_leaders: int = 0
    acknowledged: Counter[Hashable] = field(default_factory=Counter)  # campaign → active people

    def add(self, other: OrgPeople) -> None:
        self.active += other.active
        self.registered += other.registered
        self.titles.update(other.titles)
        self.leaders += other.leaders
        self.non_leaders += other.non_leaders
        self.acknowledged.update(other.acknowledged)


class PeopleCounts:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.orgs: dict[int, OrgPeople] = {}
        self._proposal_codes = proposal_codes(ruleset)
        self._expanded: dict[frozenset[str], tuple[frozenset[str], int]] = {}

    def org(self, org_id: int) -> OrgPeople:
        found = self.orgs.get(org_id)
        if found is None:
            found = self.orgs[org_id] = OrgPeople()
        return found

    def expand(self, titles: Iterable[str]) -> tuple[frozenset[str], int]:
        """The titles with those they imply (unknown codes dropped), and how many of them are
        proposals; computed once per distinct selection."""
        key = frozenset(titles)
        found = self._expanded.get(key)
        if found is None:
            expanded = expand_implied(self.ruleset, (c for c in key if self.ruleset.has_title(c)))
            found = self._expanded[key] = (expanded, len(expanded & self._proposal_codes))
        return found

    def add_active(self, org_id: int, n: int = 1) -> None:
        self.org(org_id).active += n

    def add_registration(self, org_id: int, titles: Iterable[str], *, is_leader: bool,
                         active: bool = True, n: int = 1) -> None:
        """`n` people of this org registered these (ticked) titles."""
        expanded, proposals = self.expand(titles)
        if not expanded:
            return
        org = self.org(org_id)
        if active:
            org.registered += n
        for code in expanded:
            org.titles[code] += n
        if is_leader:
            org.leaders += proposals * n
        else:
            org.non_leaders += proposals * n

    def add_acknowledged(self, campaign: Hashable, org_id: int, n: int = 1) -> None:
        self.org(org_id).acknowledged[campaign] += n

    def total(self, org_ids: Iterable[int]) -> OrgPeople:
        result = OrgPeople()
        for org_id in org_ids:
            found = self.orgs.get(org_id)
            if found is not None:
                result.add(found)
        return result

    def within(self, org_ids: Container[int]) -> PeopleCounts:
        """The figures of these orgs only (sharing the per-org objects)."""
        narrowed = PeopleCounts(self.ruleset)
        narrowed.orgs = {o: f for o, f in self.orgs.items() if o in org_ids}
        narrowed._expanded = self._expanded
        return narrowed


@dataclass(frozen=True)
class PeopleRows:
    """People figures as storage groups them, before any rule is applied: active people
    (org id, n); people by org, leadership and ticked titles as stored (org id, is leader,
    titles, n); acknowledgements (campaign, org id, n)."""

    active: Sequence[tuple[int, int]] = ()
    registered: Sequence[tuple[int, bool, tuple[str, ...], int]] = ()
    acknowledged: Sequence[tuple[Hashable, int, int]] = ()


def count_people(ruleset: RuleSet, rows: PeopleRows) -> PeopleCounts:
    """The people figures of grouped rows (`PeopleRows`), read with the rule set: titles
    with those they imply, proposals for the non-leader share."""
    counts = PeopleCounts(ruleset)
    for org_id, n in rows.active:
        counts.add_active(org_id, n)
    for org_id, is_leader, titles, n in rows.registered:
        counts.add_registration(org_id, titles, is_leader=is_leader, n=n)
    for campaign, org_id, n in rows.acknowledged:
        counts.add_acknowledged(campaign, org_id, n)
    return counts
