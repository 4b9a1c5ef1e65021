"""The measured figures of a campaign: who is in scope, who acknowledged, who registered.

`build_progress` is pure: storage.campaign_progress feeds it rows from the database. Rows
partition the people of the scope by the org they belong to directly (a unit, or the agency
itself for its own leadership), so unit rows add up to their agency and agencies to the total.
A rate is None when nobody is in scope (no division by zero shown as 0%).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from domain.campaigns import Campaign, Measure, Target
from domain.models import OrgKind
from domain.org import OrgTree


@dataclass(frozen=True)
class Figures:
    people: int = 0  # active people in scope
    linked: int = 0  # of them, with a Telegram account linked
    acknowledged: int = 0  # acknowledged the campaign (late ones included)
    late: int = 0  # acknowledged after the deadline to acknowledge
    registered: int = 0  # confirmed individual registration of the campaign's year

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.people + other.people,
            self.linked + other.linked,
            self.acknowledged + other.acknowledged,
            self.late + other.late,
            self.registered + other.registered,
        )

    @property
    def acknowledgement_rate(self) -> float | None:
        return self.acknowledged / self.people if self.people else None

    @property
    def registration_rate(self) -> float | None:
        return self.registered / self.people if self.people else None

    def rate(self, measure: Measure) -> float | None:
        if measure == Measure.REGISTRATION_RATE:
            return self.registration_rate
        return self.acknowledgement_rate


@dataclass(frozen=True)
class OrgProgress:
    """People attached directly to one org: a unit, or an agency's own leadership."""

    org_id: int
    name: str
    kind: OrgKind
    figures: Figures


@dataclass(frozen=True)
class AgencyProgress:
    org_id: int
    name: str
    figures: Figures  # the whole agency within the campaign's scope
    units: tuple[OrgProgress, ...]  # roster order; the agency's own row (kind AGENCY) first


@dataclass(frozen=True)
class TargetProgress:
    number: int  # 1-based, as in the campaign's list of targets
    target: Target
    value: float | None  # None: not measurable by the bot, or nobody in scope

    @property
    def measured(self) -> bool:
        return self.target.measure is not None

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.target.goal - 1e-9


@dataclass(frozen=True)
class CampaignProgress:
    campaign_id: int
    code: str
    name: str
    year: int
    scope_org_id: int | None
    ack_deadline: date
    total: Figures
    agencies: tuple[AgencyProgress, ...]
    targets: tuple[TargetProgress, ...]
    _rows: dict[int, Figures] = field(default_factory=dict, repr=False, compare=False)

    def for_org(self, org_id: int, tree: OrgTree) -> Figures:
        """Figures of the people of `org_id`'s subtree (a unit, an agency, a bloc)."""
        return sum((f for o, f in self._rows.items() if tree.is_within(o, org_id)), Figures())

    def within(self, root_ids: Iterable[int | None], tree: OrgTree) -> Figures:
        """Figures of a viewer's scope (domain.access.scope_roots; None = everything)."""
        roots = list(root_ids)
        if None in roots:
            return self.total
        return sum((f for o, f in self._rows.items()
                    if any(tree.is_within(o, r) for r in roots)), Figures())

    @property
    def measured_targets(self) -> tuple[TargetProgress, ...]:
        return tuple(t for t in self.targets if t.measured)


@dataclass(frozen=True)
class PersonFacts:
    """What the database says about one active person in the campaign's scope."""

    person_id: int
    org_id: int
    linked: bool
    acknowledged_on: date | None  # local date of the acknowledgement
    registered: bool


def build_progress(campaign: Campaign, tree: OrgTree,
                   people: Iterable[PersonFacts]) -> CampaignProgress:
    rows: dict[int, Figures] = {}
    for p in people:
        if not campaign.covers(tree, p.org_id):
            continue
        acknowledged = p.acknowledged_on is not None
        late = acknowledged and p.acknowledged_on is not None \
            and p.acknowledged_on > campaign.ack_deadline
        rows[p.org_id] = rows.get(p.org_id, Figures()) + Figures(
            people=1, linked=int(p.linked), acknowledged=int(acknowledged), late=int(late),
            registered=int(p.registered),
        )
    agencies: list[AgencyProgress] = []
    by_agency: dict[int, list[OrgProgress]] = {}
    order: list[int] = []
    for unit in tree.walk(campaign.scope_org_id):
        if unit.id not in rows:
            continue
        agency = tree.agency_of(unit.id) or unit
        if agency.id not in by_agency:
            by_agency[agency.id] = []
            order.append(agency.id)
        by_agency[agency.id].append(OrgProgress(unit.id, unit.name, unit.kind, rows[unit.id]))
    for agency_id in order:
        units = tuple(by_agency[agency_id])
        total = sum((u.figures for u in units), Figures())
        agencies.append(AgencyProgress(agency_id, tree.get(agency_id).name, total, units))
    total = sum((a.figures for a in agencies), Figures())
    targets = tuple(
        TargetProgress(i, t, total.rate(t.measure) if t.measure is not None else None)
        for i, t in enumerate(campaign.document.targets, start=1)
    )
    return CampaignProgress(
        campaign_id=campaign.id, code=campaign.code, name=campaign.name,
        year=campaign.document.year, scope_org_id=campaign.scope_org_id,
        ack_deadline=campaign.ack_deadline, total=total, agencies=tuple(agencies),
        targets=targets, _rows=rows,
    )
