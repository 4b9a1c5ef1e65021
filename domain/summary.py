"""The bloc / agency / unit summary of a registration year: structure only, no wording.

Rows follow the annex of a bloc's registration (seed 000): one row per agency in roster order,
the agency's own flags (CO_CP, CO_TINH), the agency's own titles decided above it (`own`),
then per title how many collectives (the agency itself and its units) and individuals
registered. Renderers (text, XLSX, DOCX) word it.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

from domain.models import OrgKind, OrgUnit, Person
from domain.org import OrgTree
from domain.quotas import (
    Counted,
    as_tree,
    counted_registrations,
    people_counts,
    quota_warnings,
)
from domain.records import RegistrationRecord
from domain.registration import explicit_choice
from domain.rules import COLLECTIVE_KINDS, Level, RuleSet, RuleWarning, SubjectKind
from domain.tally import OrgPeople, PeopleCounts
from domain.text import vietnamese_sort_key


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class CollectiveCount(_Frozen):
    """Collectives with a title: the row's org itself (0/1 in a row) and its units."""

    itself: int = 0
    units: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        return self.itself + self.units

    def __add__(self, other: CollectiveCount) -> CollectiveCount:
        return CollectiveCount(itself=self.itself + other.itself, units=self.units + other.units)


class Tally(_Frozen):
    """Counts of one row, or of all rows. Every catalog title has a key (0 when none)."""

    collective: dict[str, CollectiveCount]  # titles a collective can hold
    individual: dict[str, int]  # titles a person can hold: people registering it
    active_people: int = 0
    registered_people: int = 0  # active people with a confirmed individual registration
    proposal_leaders: int = 0  # individual proposals (person × title) decided above the agency
    proposal_non_leaders: int = 0
    acknowledged: dict[Hashable, int] = {}  # campaign → active people who acknowledged it

    @computed_field  # type: ignore[prop-decorator]
    @property
    def proposals(self) -> int:
        return self.proposal_leaders + self.proposal_non_leaders

    @computed_field  # type: ignore[prop-decorator]
    @property
    def registration_rate(self) -> float | None:
        return _rate(self.registered_people, self.active_people)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def non_leader_share(self) -> float | None:
        return _rate(self.proposal_non_leaders, self.proposals)

    def acknowledgement_rate(self, campaign: Hashable) -> float | None:
        return _rate(self.acknowledged.get(campaign, 0), self.active_people)


class OwnTitle(_Frozen):
    """A title the row's collective itself registered, decided above it: the annex's line of
    the agency itself ("01 tập thể Lao động xuất sắc"). `reported`: decided by a ministry
    (a vertical agency), not the province: the annex names it without a count."""

    code: str
    reported: bool = False


class SummaryRow(Tally):
    stt: int  # 1-based, as in the annex
    agency: OrgUnit  # the agency (or the unit, in a unit-scoped summary)
    agency_titles: tuple[str, ...]  # its own registration among summary.agency_titles, in order
    # Its own other titles decided above it, catalog order: those it ticked (a title that
    # comes with another, as TTLĐTT with TTLĐXS, is in that one), not the agency column's.
    own: tuple[OwnTitle, ...] = ()


class SummaryTotals(Tally):
    agency_titles: dict[str, int]  # how many rows registered each agency title
    own: dict[str, int] = {}  # how many rows have each title among their own (`SummaryRow.own`)
    org_id: int | None = None  # a bloc's subtotal: the bloc; None for the summary's totals


class SummaryGroup(_Frozen):
    """The rows of one bloc, when the scope spans several (a province's TĐKT office): each
    bloc is an annex of its own, numbered from 1, with its subtotal."""

    bloc: OrgUnit | None  # None: agencies outside any bloc
    rows: tuple[SummaryRow, ...]
    totals: SummaryTotals


class SummaryColumns(_Frozen):
    """Which title codes go in which part of the table, in catalog order."""

    agency_titles: tuple[str, ...]  # "Đăng ký thi đua của cơ quan": CO_CP, CO_TINH
    collective_proposals: tuple[str, ...]  # collectives, decided by the province or above
    individual_proposals: tuple[str, ...]  # individuals, decided by the province or above
    collective_agency_level: tuple[str, ...]  # collectives, decided by the agency head
    individual_agency_level: tuple[str, ...]  # individuals, decided by the agency head


class DetailRow(_Frozen):
    """One registration, for the "every registration" sheet."""

    subject_kind: SubjectKind
    agency: OrgUnit | None
    unit: OrgUnit | None  # the unit, or the person's unit; None for the agency itself
    person: Person | None
    titles: tuple[str, ...]  # with implied ones, catalog order
    explicit: tuple[str, ...]  # without the titles implied by others (what one ticks)
    reference: str | None


class Summary(_Frozen):
    ruleset_id: str
    year: int
    scope: OrgUnit | None  # None: the whole tree
    columns: SummaryColumns
    rows: tuple[SummaryRow, ...]
    unit_rows: tuple[SummaryRow, ...] = ()  # an agency or unit scope: one per direct sub-unit
    groups: tuple[SummaryGroup, ...] = ()  # a scope spanning several blocs: `rows` bloc by bloc
    totals: SummaryTotals
    warnings: tuple[RuleWarning, ...]
    detail_rows: tuple[DetailRow, ...]


def summary_columns(ruleset: RuleSet) -> SummaryColumns:
    agency_titles = ruleset.summary.agency_titles

    def pick(collective: bool, above_agency: bool) -> tuple[str, ...]:
        codes = []
        for title in ruleset.titles:
            kinds = set(title.subjects)
            if collective:
                # An agency-only flag already has the agency column (CO_CP); CO_TINH, which
                # units may also hold, keeps its collective column.
                if not kinds & COLLECTIVE_KINDS or (
                    title.code in agency_titles and kinds <= {SubjectKind.AGENCY}
                ):
                    continue
            elif SubjectKind.PERSON not in kinds:
                continue
            if title.is_proposal == above_agency:
                codes.append(title.code)
        return tuple(codes)

    return SummaryColumns(
        agency_titles=agency_titles,
        collective_proposals=pick(True, True),
        individual_proposals=pick(False, True),
        collective_agency_level=pick(True, False),
        individual_agency_level=pick(False, False),
    )


def build_summary(
    ruleset: RuleSet,
    tree: OrgTree | list[OrgUnit],
    people: list[Person],
    registrations: Iterable[RegistrationRecord],
    acknowledgements: Mapping[Any, Collection[int]] | None = None,
    *,
    scope_org_id: int | None = None,
    year: int,
    details: bool = True,
) -> Summary:
    """Rows per agency of the scope (a bloc, everything, or one agency / one unit as one row),
    totals, quota warnings over the scope and the detail list. Only confirmed registrations of
    `year` count.

    An agency or unit scope also gets `unit_rows`, one per direct sub-unit. `details=False`
    leaves `detail_rows` empty: the chat text does not need the sorted list of everything.
    """
    tree = as_tree(tree)
    scoped_tree = OrgTree(tree.walk(scope_org_id))
    scoped_people = [p for p in people if p.org_id in scoped_tree]
    entries = counted_registrations(ruleset, scoped_tree, scoped_people, registrations, year=year)
    acknowledgements = acknowledgements or {}
    return summarize(
        ruleset,
        tree,
        people_counts(ruleset, entries, scoped_people, acknowledgements),
        [e.record for e in entries if e.is_collective],
        campaigns=list(acknowledgements),
        scope_org_id=scope_org_id,
        year=year,
        detail_entries=entries if details else None,
    )


def summarize(
    ruleset: RuleSet,
    tree: OrgTree,
    people: PeopleCounts,
    collectives: Iterable[RegistrationRecord],
    *,
    campaigns: Sequence[Hashable] = (),
    scope_org_id: int | None = None,
    year: int,
    detail_entries: list[Counted] | None = None,
) -> Summary:
    """`build_summary` from people figures per org (domain.tally: computed by the database
    for a large roster) and the collectives' registrations. Linear in both: each org's
    figures and each registration are added to their row once."""
    scope = tree.get(scope_org_id) if scope_org_id is not None else None
    scoped_tree = OrgTree(tree.walk(scope_org_id))
    entries = counted_registrations(ruleset, scoped_tree, (), collectives, year=year)
    unit_rows: tuple[SummaryRow, ...] = ()
    if scope is not None and scope.kind in (OrgKind.AGENCY, OrgKind.UNIT):
        row_orgs = [scope]
        children = [u for u in tree.children(scope.id) if u.active]
        unit_rows = _rows(ruleset, tree, children, people, entries, campaigns)
    else:
        row_orgs = [u for u in tree.agencies(scope_org_id) if u.active]
    by_bloc = _by_bloc(tree, row_orgs)
    groups: tuple[SummaryGroup, ...] = ()
    if len(by_bloc) > 1:
        groups = tuple(
            SummaryGroup(bloc=bloc, rows=bloc_rows,
                         totals=_totals(ruleset, bloc_rows, bloc.id if bloc else None))
            for bloc, orgs in by_bloc
            for bloc_rows in [_rows(ruleset, tree, orgs, people, entries, campaigns)]
        )
        rows = tuple(row for group in groups for row in group.rows)
    else:
        rows = _rows(ruleset, tree, row_orgs, people, entries, campaigns)
    return Summary(
        ruleset_id=ruleset.id,
        year=year,
        scope=scope,
        columns=summary_columns(ruleset),
        rows=rows,
        unit_rows=unit_rows,
        groups=groups,
        totals=_totals(ruleset, rows),
        warnings=tuple(quota_warnings(ruleset, scoped_tree, entries, people.within(scoped_tree))),
        detail_rows=tuple(_detail_rows(ruleset, tree, detail_entries))
        if detail_entries is not None else (),
    )


def _by_bloc(tree: OrgTree, orgs: list[OrgUnit]) -> list[tuple[OrgUnit | None, list[OrgUnit]]]:
    """The row orgs per bloc, blocs in roster order (the order of their first agency)."""
    groups: dict[int | None, tuple[OrgUnit | None, list[OrgUnit]]] = {}
    for org in orgs:
        bloc = tree.bloc_of(org.id)
        groups.setdefault(bloc.id if bloc else None, (bloc, []))[1].append(org)
    return list(groups.values())


def _empty_counts(ruleset: RuleSet) -> dict[str, Any]:
    return {
        "collective": {
            t.code: CollectiveCount() for t in ruleset.titles if set(t.subjects) & COLLECTIVE_KINDS
        },
        "individual": {t.code: 0 for t in ruleset.titles if SubjectKind.PERSON in t.subjects},
    }


def _rows(
    ruleset: RuleSet,
    tree: OrgTree,
    row_orgs: list[OrgUnit],
    people: PeopleCounts,
    collectives: list[Counted],
    campaigns: Sequence[Hashable],
) -> tuple[SummaryRow, ...]:
    """One row per org of `row_orgs` (disjoint subtrees), each counting its whole subtree."""
    row_of: dict[int, int] = {}
    for index, org in enumerate(row_orgs):
        for unit in tree.walk(org.id):
            row_of[unit.id] = index
    mine: list[list[Counted]] = [[] for _ in row_orgs]
    figures = [OrgPeople() for _ in row_orgs]
    for entry in collectives:
        at = row_of.get(entry.org_id)
        if at is not None:
            mine[at].append(entry)
    for org_id, found in people.orgs.items():
        at = row_of.get(org_id)
        if at is not None:
            figures[at].add(found)
    return tuple(
        _row(ruleset, i + 1, org, figures[i], mine[i], campaigns, tree.agency_of(org.id))
        for i, org in enumerate(row_orgs)
    )


def _row(
    ruleset: RuleSet,
    stt: int,
    org: OrgUnit,
    people: OrgPeople,
    collectives: list[Counted],
    campaigns: Sequence[Hashable],
    agency: OrgUnit | None = None,
) -> SummaryRow:
    counts = _empty_counts(ruleset)
    collective: dict[str, CollectiveCount] = counts["collective"]
    individual: dict[str, int] = counts["individual"]
    itself = CollectiveCount(itself=1)
    unit = CollectiveCount(units=1)
    for entry in collectives:
        one = itself if entry.org_id == org.id else unit
        for code in entry.titles:
            collective[code] += one
    for code in individual:
        individual[code] = people.titles.get(code, 0)
    own = set().union(*(e.titles for e in collectives if e.org_id == org.id))
    ticked = set().union(*(explicit_choice(ruleset, e.titles)
                           for e in collectives if e.org_id == org.id))
    return SummaryRow(
        stt=stt,
        agency=org,
        agency_titles=tuple(c for c in ruleset.summary.agency_titles if c in own),
        own=own_titles(ruleset, org, ticked, agency.name if agency else None),
        active_people=people.active,
        registered_people=people.registered,
        proposal_leaders=people.leaders,
        proposal_non_leaders=people.non_leaders,
        acknowledged={campaign: people.acknowledged.get(campaign, 0) for campaign in campaigns},
        **counts,
    )


def own_titles(ruleset: RuleSet, org: OrgUnit, ticked: Iterable[str],
               agency_name: str | None) -> tuple[OwnTitle, ...]:
    """The collective's own ticked titles decided above its agency (for it), catalog order,
    leaving out the agency column's flags."""
    kind = SubjectKind.AGENCY if org.kind == OrgKind.AGENCY else SubjectKind.UNIT
    found = []
    for code in ruleset.sort_codes(ticked):
        if code in ruleset.summary.agency_titles or not ruleset.has_title(code):
            continue
        if not ruleset.title(code).applies_to(kind):
            continue
        level, _rule = ruleset.decider(code, kind, agency_name)
        if level.rank > Level.AGENCY.rank:
            found.append(OwnTitle(code=code, reported=level == Level.MINISTRY))
    return tuple(found)


def _totals(ruleset: RuleSet, rows: Iterable[SummaryRow], org_id: int | None = None
            ) -> SummaryTotals:
    counts = _empty_counts(ruleset)
    collective: dict[str, CollectiveCount] = counts["collective"]
    individual: dict[str, int] = counts["individual"]
    order = {t.code: i for i, t in enumerate(ruleset.titles)}
    scalars = dict.fromkeys(
        ("active_people", "registered_people", "proposal_leaders", "proposal_non_leaders"), 0
    )
    acknowledged: dict[Hashable, int] = {}
    agency_titles = dict.fromkeys(ruleset.summary.agency_titles, 0)
    own: dict[str, int] = {}
    for row in rows:
        for title in row.own:
            own[title.code] = own.get(title.code, 0) + 1
        for code, count in row.collective.items():
            collective[code] += count
        for code, number in row.individual.items():
            individual[code] += number
        for name in scalars:
            scalars[name] += getattr(row, name)
        for campaign, committed in row.acknowledged.items():
            acknowledged[campaign] = acknowledged.get(campaign, 0) + committed
        for code in row.agency_titles:
            agency_titles[code] += 1
    return SummaryTotals(
        agency_titles=agency_titles, own=dict(sorted(own.items(), key=lambda kv: order[kv[0]])),
        acknowledged=acknowledged, org_id=org_id, collective=collective,
        individual=individual, **scalars,
    )


def _detail_rows(ruleset: RuleSet, tree: OrgTree, entries: list[Counted]) -> list[DetailRow]:
    """Agency by agency in roster order: the agency itself, its units, then its people by
    given name, middle and family name (Vietnamese collation), as official lists are."""
    position = {u.id: i for i, u in enumerate(tree.walk())}
    agencies: dict[int, OrgUnit | None] = {}  # per org, not per entry: entries share orgs
    codes: dict[frozenset[str], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def agency_of(org_id: int) -> OrgUnit | None:
        if org_id not in agencies:
            agencies[org_id] = tree.agency_of(org_id)
        return agencies[org_id]

    def sort_key(entry: Counted) -> tuple:
        agency = agency_of(entry.org_id)
        head = position[agency.id] if agency is not None else position[entry.org_id]
        if entry.person is not None:
            name = vietnamese_sort_key(entry.person.full_name)
            return (head, 2, name, position[entry.org_id], entry.person.id)
        group = 0 if agency is not None and agency.id == entry.org_id else 1
        return (head, group, (), position[entry.org_id], 0)

    rows = []
    for entry in sorted(entries, key=sort_key):
        org = tree.get(entry.org_id)
        if entry.titles not in codes:
            codes[entry.titles] = (
                ruleset.sort_codes(entry.titles),
                ruleset.sort_codes(explicit_choice(ruleset, entry.titles)),
            )
        titles, explicit = codes[entry.titles]
        rows.append(
            DetailRow(
                subject_kind=entry.record.subject_kind,
                agency=agency_of(entry.org_id),
                unit=org if org.kind == OrgKind.UNIT else None,
                person=entry.person,
                titles=titles,
                explicit=explicit,
                reference=entry.record.reference,
            )
        )
    return rows
