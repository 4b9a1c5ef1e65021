"""From a request and a scope to summary reports: resolve, load once, build per scope.

Shared by `/summary`, the secretariat's digests and `thidua summary`. The tables need only a
few set-based queries narrowed to the scope: people figures aggregated per org by SQLite, the
collectives' registrations, the campaigns. The files' detail list loads every person and
registration (`load_details`), in the background. Building is linear in what was loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.rulesets import ruleset_of_year
from app.services import Services
from domain.letter import packaged_letter
from domain.models import Person
from domain.on_record import Contradiction, contradiction_rules, contradictions_on_record
from domain.org import OrgTree
from domain.records import RegistrationRecord
from domain.rules import NoRuleSetInForce, RuleSet, available_rulesets, ruleset_for_year
from domain.summary import Summary, build_summary, summarize
from domain.summary_request import SummaryRequest, default_year, find_orgs
from domain.tally import PeopleCounts, count_people
from locales import use_locale
from reports.summary_common import CampaignLabel, SummaryReport, document_scope
from storage.db import Database
from storage.results import claims_on_record
from storage.summary import CampaignInfo, SummaryStore
from storage.windows import WindowRepository

if TYPE_CHECKING:
    from reports.summary_docx import OfficialHeader


class Refusal(Exception):
    """The request cannot be answered; `code` and `params` say why (handlers word it)."""

    def __init__(self, reason: str, /, **params: Any) -> None:
        super().__init__(reason)
        self.code = reason
        self.params = params


@dataclass(frozen=True)
class SummaryInputs:
    """What one request needs for its tables: people figures aggregated by the database per
    org, and the collectives' registrations. Enough to build any of its scopes."""

    tree: OrgTree
    targets: tuple[int | None, ...]
    year: int
    ruleset: RuleSet
    campaigns: tuple[CampaignInfo, ...]
    people_counts: PeopleCounts
    collectives: tuple[RegistrationRecord, ...]
    org_ids: frozenset[int] | None  # the targets' subtrees; None: everything
    as_of: datetime
    # Registrations claiming years the results on record contradict (domain.on_record).
    contradictions: tuple[Contradiction, ...] = ()


@dataclass(frozen=True)
class SummaryDetails:
    """Every person and registration of the request, for the files' detail list."""

    people: tuple[Person, ...]
    records: tuple[RegistrationRecord, ...]
    acknowledgements: dict[str, set[int]]


def _overlaps(tree: OrgTree, a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return True
    return tree.is_within(a, b) or tree.is_within(b, a)


def outermost(tree: OrgTree, roots: Sequence[int | None]) -> list[int | None]:
    """The roots that exist and lie in no other root (a head of an agency who also heads one
    of its units gets one summary, not two)."""
    if None in roots:
        return [None]
    known = [r for r in dict.fromkeys(roots) if r is not None and r in tree]
    return [r for r in known if not any(o != r and tree.is_within(r, o) for o in known)]


def pick_target(tree: OrgTree, roots: Sequence[int | None], text: str) -> int:
    """The agency or unit named `text` among those the roots cover, or Refusal."""
    visible = [
        unit for unit in find_orgs(tree, text)
        if any(tree.is_within(unit.id, root) for root in roots)
    ]
    if not visible:
        raise Refusal("not_found", text=text)
    exact = [u for u in visible if tree.named(u.id, text)]
    if len(exact) == 1 or len(visible) == 1:
        return (exact or visible)[0].id
    raise Refusal("ambiguous", text=text, names=[tree.label(u.id) for u in visible[:10]],
                  more=max(0, len(visible) - 10))


def fallback_ruleset(year: int) -> RuleSet:
    """The rule set `year` is judged by (as windows choose it), or the oldest one for
    years before every rule set."""
    try:
        return ruleset_for_year(year)
    except NoRuleSetInForce:
        return available_rulesets()[0]


async def resolve(
    services: Services,
    tree: OrgTree,
    roots: Sequence[int | None],
    request: SummaryRequest,
    *,
    ruleset: RuleSet | None = None,
    now: datetime | None = None,
) -> SummaryInputs:
    """Check the request against the actor's roots and load what it needs.

    The rule set is the year's window's (or `ruleset`, for a digest of a given window); the
    data is dated `now` (a job's tick) or the current time."""
    roots = outermost(tree, roots)
    if not roots:
        raise Refusal("no_scope")
    store = SummaryStore(services.db)
    targets: tuple[int | None, ...] = tuple(roots)
    if request.agency:
        targets = (pick_target(tree, roots, request.agency),)
    campaign = None
    if request.campaign:
        campaign = await store.campaign_by_code(request.campaign)
        if campaign is None or not any(
            _overlaps(tree, campaign.scope_org_id, t) for t in targets
        ):
            raise Refusal("unknown_campaign", code=request.campaign)
    today = (now or services.now()).date()
    year = request.year
    if year is None and campaign is not None:
        year = campaign.period_start.year
    elif year is None:
        # The window open now (not one created in advance for next year), else the last.
        windows = [w for w in await WindowRepository(services.db).windows()
                   if any(_overlaps(tree, w.scope_org_id, t) for t in targets)]
        year = default_year(windows, await store.registration_years(), today)
    if ruleset is None:
        ruleset = await ruleset_of_year(services.db, year) or fallback_ruleset(year)
    if campaign is not None:
        campaigns: list[CampaignInfo] = [campaign]
    else:
        campaigns = [
            c for c in await store.campaigns(year)
            if any(_overlaps(tree, c.scope_org_id, t) for t in targets)
        ]
    org_ids: frozenset[int] | None = None
    if None not in targets:
        org_ids = frozenset().union(*(tree.subtree_ids(t) for t in targets))
    return SummaryInputs(
        tree=tree,
        targets=targets,
        year=year,
        ruleset=ruleset,
        campaigns=tuple(campaigns),
        people_counts=count_people(ruleset, await store.people_rows(year, org_ids, campaigns)),
        collectives=tuple(await store.records(year, org_ids, collectives_only=True)),
        org_ids=org_ids,
        as_of=now or services.now(),
        contradictions=tuple(await record_contradictions(services.db, tree, ruleset, year,
                                                         org_ids)),
    )


async def record_contradictions(db: Database, tree: OrgTree, ruleset: RuleSet, year: int,
                                org_ids: frozenset[int] | None) -> list[Contradiction]:
    """The confirmed registrations of `year` (people in these orgs; None: everybody) whose
    answered years the results on record contradict: what is on record
    (`storage.results.claims_on_record`) read with the rule set
    (`domain.on_record.contradictions_on_record`)."""
    rules = contradiction_rules(ruleset)
    if not rules:
        return []
    read = await claims_on_record(db, year, [r.question for r in rules],
                                  {r.title for r in rules}, org_ids)
    return contradictions_on_record(ruleset, tree, year, read)


async def check_year(services: Services, request: SummaryRequest) -> None:
    """A year asked for that has nothing (no window, registration or campaign: `/tonghop
    1999`) is said so, with the years that have figures, instead of an empty table."""
    if request.year is None:
        return
    years = await SummaryStore(services.db).years()
    if request.year not in years:
        raise Refusal("no_year", year=request.year, years=sorted(years))


async def load_details(services: Services, inputs: SummaryInputs) -> SummaryDetails:
    return await load_details_from(services.db, inputs)


async def load_details_from(db: Database, inputs: SummaryInputs) -> SummaryDetails:
    store = SummaryStore(db)
    return SummaryDetails(
        people=tuple(await store.people(inputs.org_ids)),
        records=tuple(await store.records(inputs.year, inputs.org_ids)),
        acknowledgements=await store.acknowledgements(inputs.campaigns),
    )


def scope_name(tree: OrgTree, target: int | None) -> str:
    return document_scope(tree, target).name


def report_for(inputs: SummaryInputs, target: int | None,
               details: SummaryDetails | None = None) -> SummaryReport:
    """One scope's report: from the aggregates, or with `details` from every person and
    registration (with the detail list). Pure computation: safe in a worker thread."""
    if details is None:
        summary = summarize(
            inputs.ruleset, inputs.tree, inputs.people_counts, inputs.collectives,
            campaigns=[c.code for c in inputs.campaigns], scope_org_id=target, year=inputs.year,
        )
    else:
        summary = build_summary(
            inputs.ruleset, inputs.tree, list(details.people), details.records,
            details.acknowledgements, scope_org_id=target, year=inputs.year,
        )
    return SummaryReport(
        summary=summary,
        ruleset=inputs.ruleset,
        scope_name=scope_name(inputs.tree, target),
        campaigns=tuple(_campaign_label(inputs, summary, target, c) for c in inputs.campaigns),
        as_of=inputs.as_of,
        contradictions=tuple(c for c in inputs.contradictions
                             if c.org_id in inputs.tree
                             and inputs.tree.is_within(c.org_id, target)),
    )


def _campaign_label(inputs: SummaryInputs, summary: Summary, target: int | None,
                    campaign: CampaignInfo) -> CampaignLabel:
    """Which rows a campaign covers, and how many of their people (see CampaignLabel)."""
    tree, scope = inputs.tree, campaign.scope_org_id
    if scope is None or (target is not None and tree.is_within(target, scope)):
        return CampaignLabel(campaign.code, campaign.name)
    in_scope = inputs.people_counts.total(tree.subtree_ids(scope)).active if scope in tree else 0
    people: dict[int, int] = {}
    for row in (*summary.rows, *summary.unit_rows):
        if tree.is_within(row.agency.id, scope):
            people[row.agency.id] = row.active_people
        elif tree.is_within(scope, row.agency.id):
            people[row.agency.id] = in_scope
    for group in summary.groups:
        bloc = group.bloc
        if bloc is not None and tree.is_within(bloc.id, scope):
            people[bloc.id] = group.totals.active_people
        elif bloc is not None and tree.is_within(scope, bloc.id):
            people[bloc.id] = in_scope
    return CampaignLabel(campaign.code, campaign.name, people, in_scope)


def _lines(setting: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in setting.split("|") if line.strip())


def official_header(services: Services, inputs: SummaryInputs, target: int | None
                    ) -> OfficialHeader:
    """Who issues and signs the DOCX: THIDUA_DOCUMENT_* settings, else sensible defaults;
    for a bloc, the cover letter of its registration (THIDUA_REGISTRATION_LETTER)."""
    from reports.summary_docx import OfficialHeader, default_signer  # python-docx: lazily

    settings = services.settings
    with use_locale("vi"):  # the document is Vietnamese whoever asks
        scope = document_scope(inputs.tree, target)
    signer = _lines(settings.document_signer) or default_signer(scope.kind, scope.issuer)
    letter = None
    if scope.kind == "bloc":
        letter = (settings.registration_letter or packaged_letter()).filled(
            year=inputs.year, bloc=scope.name)
    recipients = (letter.recipients if letter and letter.recipients
                  else _lines(settings.document_recipients))
    return OfficialHeader(
        issuer=scope.issuer,
        day=inputs.as_of.date(),
        authority=settings.document_authority,
        place=settings.document_place,
        signer=signer,
        signer_name=(letter.signer_name if letter and letter.signer_name
                     else settings.document_signer_name),
        recipients=recipients,
        scope_name=scope.name,
        letter=letter,
    )
