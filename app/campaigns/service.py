"""What the bot and the CLI do with campaigns: check and load a file, list them, plan and run
a launch, end them, measure them, show a campaign to its reader. The use cases (reader,
secretariat), the campaign file upload and the CLI stay thin around these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.campaigns.choices import buttons, reader_choices
from app.events import CAPABILITIES, TELEGRAM
from app.services import Services
from app.ui import Rows
from domain.campaign_file import CampaignFile, CampaignProblem, parse_campaign_file
from domain.campaign_progress import CampaignProgress
from domain.campaigns import (
    AckWindow,
    Campaign,
    CampaignStatus,
    ack_window,
    current_for,
    resolve_scope,
    within_scope,
)
from domain.models import Link, Person
from domain.org import OrgTree
from domain.plans import PlanChanged, plan_digest
from locales import choices_as_buttons, normalize_locale, use_locale
from reports.campaigns import ack_status, campaign_page, page_budget
from storage.audit import AuditContext
from storage.campaign_progress import campaign_progress
from storage.campaigns import (
    Acknowledgement,
    CampaignRepository,
    SaveResult,
    launch_batch,
    launch_dedupe_key,
)
from storage.links import native_chat_id
from storage.outbox import NewMessage

EVERYTHING = None  # a viewer scope: the CLI sees the whole database


@dataclass
class FileCheck:
    """A campaign file checked against the roster, ready to load if `ok`."""

    file: CampaignFile
    problems: list[CampaignProblem] = field(default_factory=list)
    scope_org_id: int | None = None
    scope_name: str = ""
    in_scope: int = 0
    linked: int = 0
    replaces: bool = False

    @property
    def ok(self) -> bool:
        return self.file.ok and not self.problems


async def check_file(services: Services, content: bytes, filename: str,
                     viewer_scope: int | None = EVERYTHING) -> FileCheck:
    """Parse the file and check its scope and code against the roster and the database; every
    problem of the file is reported at once."""
    return await check_parsed(services, parse_campaign_file(content, filename), viewer_scope)


def check_digest(check: FileCheck) -> str:
    """The digest of what a preview showed (domain.plans): the document, where it goes, and
    whether it replaces a loaded campaign."""
    document = check.file.document
    return plan_digest({
        "document": document.model_dump(mode="json") if document else None,
        "problems": [(p.line, p.field, p.code) for p in check.problems],
        "scope_org_id": check.scope_org_id, "replaces": check.replaces,
    })


async def check_parsed(services: Services, parsed: CampaignFile,
                       viewer_scope: int | None = EVERYTHING) -> FileCheck:
    """`check_file` for a file parsed already (app/parsing.py)."""
    check = FileCheck(parsed, list(parsed.problems))
    tree = await services.orgs.tree()
    scope_org = None
    if parsed.scope is not None:
        match = resolve_scope(parsed.scope, tree)
        if match.org is None:
            code = "ambiguous_scope" if match.ambiguous else "unknown_scope"
            check.problems.append(
                CampaignProblem(parsed.line("scope"), "scope", code, parsed.scope))
        elif not within_scope(match.org.id, viewer_scope, tree):
            check.problems.append(CampaignProblem(parsed.line("scope"), "scope", "scope_outside",
                                                  match.org.name))
        else:
            scope_org = match.org
    existing = None
    if parsed.code is not None:
        existing = await CampaignRepository(services.db).by_code(parsed.code)
        if existing is not None and existing.status != CampaignStatus.LOADED:
            check.problems.append(
                CampaignProblem(parsed.line("code"), "code", "code_launched", parsed.code))
    if not check.ok or scope_org is None:
        return check
    check.replaces = existing is not None
    check.scope_org_id = scope_org.id
    check.scope_name = tree.label(scope_org.id)
    people = await services.people.in_orgs(tree.subtree_ids(scope_org.id))
    links = await services.links.for_people(p.id for p in people)
    check.in_scope, check.linked = len(people), len(links)
    return check


async def load_file(services: Services, content: bytes, filename: str, who: AuditContext,
                    viewer_scope: int | None = EVERYTHING) -> tuple[FileCheck, int | None]:
    """Check and store; returns the check and the campaign id (None if not loaded)."""
    return await load_parsed(services, parse_campaign_file(content, filename),
                             content.decode("utf-8-sig", errors="replace"), who, viewer_scope)


async def load_parsed(services: Services, parsed: CampaignFile, source: str, who: AuditContext,
                      viewer_scope: int | None = EVERYTHING,
                      expected_digest: str | None = None) -> tuple[FileCheck, int | None]:
    """`load_file` for a file parsed already; raises PlanChanged when `expected_digest` (the
    preview's) is not the digest of the check now."""
    check = await check_parsed(services, parsed, viewer_scope)
    if expected_digest is not None and check_digest(check) != expected_digest:
        raise PlanChanged(check)
    if not check.ok or check.file.document is None:
        return check, None
    result, campaign_id = await CampaignRepository(services.db).save(
        check.file.document, check.scope_org_id, source, who, services.now())
    if result == SaveResult.LAUNCHED:  # launched between the check and the save
        check.problems.append(CampaignProblem(check.file.line("code"), "code", "code_launched",
                                              check.file.document.code))
        return check, None
    return check, campaign_id


# ---------------------------------------------------------------------------- the secretariat


ListItem = tuple[Campaign, str, CampaignProgress | None]  # campaign, scope's name, figures


async def listing(services: Services, viewer_scope: int | None = EVERYTHING,
                  limit: int | None = None) -> list[ListItem]:
    """Campaigns inside a viewer's scope, loaded and launched first, with their scope's name
    and, once launched, their figures (the secretariat's /campaigns, `thidua campaign list`)."""
    tree = await services.orgs.tree()
    campaigns = [c for c in await CampaignRepository(services.db).all()
                 if within_scope(c.scope_org_id, viewer_scope, tree)][:limit]
    items: list[ListItem] = []
    for campaign in campaigns:
        figures = None
        if campaign.status != CampaignStatus.LOADED:
            figures = await progress(services, campaign)
        org_id = campaign.scope_org_id
        scope = tree.label(org_id) if org_id is not None and org_id in tree else "–"
        items.append((campaign, scope, figures))
    return items


async def managed_campaign(services: Services, campaign_id: int,
                           viewer_scope: int | None) -> Campaign | None:
    """The campaign if it lies inside the viewer's scope (a secretariat's choices)."""
    campaign = await CampaignRepository(services.db).get(campaign_id)
    if campaign is None:
        return None
    tree = await services.orgs.tree()
    return campaign if within_scope(campaign.scope_org_id, viewer_scope, tree) else None


async def by_code(services: Services, code: str) -> Campaign | None:
    return await CampaignRepository(services.db).by_code(code.strip())


async def progress(services: Services, campaign: Campaign) -> CampaignProgress | None:
    """Commitment and registration figures now, per agency and unit."""
    return await campaign_progress(services.db, campaign.id, tz=services.settings.tz)


async def end(services: Services, campaign: Campaign, who: AuditContext) -> bool:
    """End a campaign by hand (no more commitments); False if it had ended already."""
    return await CampaignRepository(services.db).end(campaign.id, who, services.now())


async def end_overdue(services: Services, now: datetime) -> list[int]:
    """End every launched campaign whose period is over (the daily job)."""
    return await CampaignRepository(services.db).end_overdue(AuditContext.system(), now)


# ---------------------------------------------------------------------------- launch


@dataclass(frozen=True)
class LaunchPlan:
    campaign: Campaign
    in_scope: int
    recipients: list[tuple[Person, Link]]  # linked, not reached yet, not acknowledged
    not_linked: int
    reached_before: int  # already queued by an earlier launch
    over: bool  # the period is over (or the campaign ended): it cannot be launched

    @property
    def can_launch(self) -> bool:
        return not self.over


async def plan_launch(services: Services, campaign: Campaign) -> LaunchPlan:
    repo = CampaignRepository(services.db)
    tree = await services.orgs.tree()
    people = await _people_in_scope(services, campaign, tree)
    links = await services.links.for_people(p.id for p in people)
    queued = await repo.queued_people(campaign.id)
    acknowledged = await repo.acknowledged_people(campaign.id)
    recipients = [
        (p, links[p.id]) for p in people
        if p.id in links and p.id not in queued and p.id not in acknowledged
    ]
    return LaunchPlan(
        campaign=campaign,
        in_scope=len(people),
        recipients=recipients,
        not_linked=len(people) - len(links),
        reached_before=len(queued),
        over=campaign.is_over(services.now().date()),
    )


async def launch(services: Services, campaign: Campaign, who: AuditContext) -> int | None:
    """Queue the campaign to every linked person in scope not reached yet, in their language;
    returns how many messages were queued, or None if the campaign may not be launched."""
    plan = await plan_launch(services, campaign)
    if not plan.can_launch:
        return None
    locales = await services.account_settings.locales(link.account
                                                      for _, link in plan.recipients)
    today = services.now().date()
    messages = [
        _launch_message(services, campaign, person, link, locales.get(link.account),
                        today)
        for person, link in plan.recipients
    ]
    queued = await CampaignRepository(services.db).launch(campaign.id, messages, who,
                                                           services.now())
    if queued:
        services.wake_sender()
    return queued


async def deliver_to_newcomer(services: Services, person: Person, link: Link,
                              who: AuditContext) -> int:
    """Someone who links after a launch gets each current campaign of their scope as its
    launch would have sent it (same message, same deduplication), unless already reached or
    committed. Returns how many messages were queued."""
    repo = CampaignRepository(services.db)
    tree = await services.orgs.tree()
    today = services.now().date()
    campaigns = current_for(await repo.launched(), tree, person.org_id, today)
    if not campaigns:
        return 0
    committed = await repo.acknowledgements_of(person.id, (c.id for c in campaigns))
    locale = (await services.account_settings.locales([link.account])).get(link.account)
    messages = {c.id: _launch_message(services, c, person, link, locale, today)
                for c in campaigns if c.id not in committed}
    queued = await repo.deliver(messages, who)
    if queued:
        services.wake_sender()
    return queued


def _launch_message(services: Services, campaign: Campaign, person: Person, link: Link,
                    locale: str | None, today: date) -> NewMessage:
    """The first page of a campaign with its choices, in the reader's language, paged for the
    channel of the link it goes to."""
    with use_locale(normalize_locale(locale, services.settings.locale)), \
            choices_as_buttons(link.channel != "zalo"):
        text, _page, pages = campaign_page(campaign, 0, ack_status(campaign, None, today),
                                           budget=budget_of(link.channel))
        choices = reader_choices(campaign.id, 0, pages, can_commit=True)
    return NewMessage(
        batch=launch_batch(campaign.id), kind="launch", channel=link.channel,
        chat_id=native_chat_id(link.channel, link.chat_id), text=text,
        person_id=person.id, buttons=buttons(choices),
        dedupe_key=launch_dedupe_key(campaign.id, person.id),
    )


def budget_of(channel: str) -> int:
    """Campaign text per page on a channel (pages fit its messages)."""
    caps = next((c for name, c in CAPABILITIES.items() if name.value == channel), TELEGRAM)
    return page_budget(caps.max_text)


async def _people_in_scope(services: Services, campaign: Campaign, tree: OrgTree) -> list[Person]:
    if campaign.scope_org_id is not None and campaign.scope_org_id not in tree:
        return []  # the scope's org was deactivated: nobody is in scope any more
    return await services.people.in_orgs(tree.subtree_ids(campaign.scope_org_id))


# ---------------------------------------------------------------------------- readers


@dataclass(frozen=True)
class ReaderView:
    text: str
    choices: Rows
    page: int


def local_time(services: Services, ack: Acknowledgement | None) -> datetime | None:
    return ack.at.astimezone(services.settings.tz) if ack else None


async def reader_view(services: Services, campaign: Campaign, person: Person,
                      page: int, channel: str) -> ReaderView:
    """One page of a campaign as its reader sees it now on `channel`, in the current locale."""
    today = services.now().date()
    ack = await CampaignRepository(services.db).acknowledgement(campaign.id, person.id)
    status = ack_status(campaign, local_time(services, ack), today)
    text, shown, pages = campaign_page(campaign, page, status, budget=budget_of(channel))
    can_commit = ack is None and ack_window(campaign, today) in (AckWindow.OPEN, AckWindow.LATE)
    return ReaderView(text, reader_choices(campaign.id, shown, pages, can_commit), shown)


async def readable_campaign(services: Services, campaign_id: int,
                            person: Person) -> Campaign | None:
    """The campaign if this person may read it: launched (or ended) and in their scope."""
    campaign = await CampaignRepository(services.db).get(campaign_id)
    if campaign is None or campaign.status == CampaignStatus.LOADED:
        return None
    tree = await services.orgs.tree()
    return campaign if campaign.covers(tree, person.org_id) else None


async def current_campaigns(services: Services, person: Person) -> list[Campaign]:
    """Launched, not over, and covering this person: what /goals shows."""
    today: date = services.now().date()
    tree = await services.orgs.tree()
    launched = await CampaignRepository(services.db).launched()
    return current_for(launched, tree, person.org_id, today)
