"""The measured targets of a campaign, computed from the database (for /campaigns, the summary
and the weekly progress).

    progress = await campaign_progress(db, campaign_id, tz=services.settings.tz)
    progress.total.acknowledgement_rate       # 0..1, or None if nobody is in scope
    progress.agencies[0].units[2].figures     # per unit (people attached directly)
    progress.for_org(org_id, tree)            # any subtree: unit, agency, bloc
    progress.targets                          # each target with its measured value

    await pending_acknowledgements(db, campaign_id)   # active people in scope who have not
"""

from __future__ import annotations

from datetime import date, tzinfo
from zoneinfo import ZoneInfo

from domain.campaign_progress import CampaignProgress, PersonFacts, build_progress
from domain.campaigns import Campaign
from domain.models import Person
from storage.campaigns import CampaignRepository
from storage.db import Database, from_db_time
from storage.orgs import OrgRepository
from storage.people import person_from_row

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def campaign_progress(db: Database, campaign_id: int, *,
                            tz: tzinfo = DEFAULT_TZ) -> CampaignProgress | None:
    """Figures of one campaign now; None if there is no such campaign.

    Counted: active people whose org lies in the campaign's scope; acknowledged = a row in
    `acknowledgements` (late when its local date is after ack_deadline); registered = a
    confirmed individual registration (`registrations`, subject_kind 'person') of the
    campaign's year (CampaignDocument.year, by default the year the period starts).
    """
    campaign = await CampaignRepository(db).get(campaign_id)
    if campaign is None:
        return None
    tree = await OrgRepository(db).tree()
    ids = _json_ids(tree.subtree_ids(campaign.scope_org_id) if (
        campaign.scope_org_id is None or campaign.scope_org_id in tree) else set())
    rows = await db.fetchall(
        "SELECT p.id, p.org_id, l.person_id IS NOT NULL AS linked, a.at AS ack_at,"
        " EXISTS (SELECT 1 FROM registrations r WHERE r.subject_kind = 'person'"
        "   AND r.person_id = p.id AND r.year = ? AND r.status = 'confirmed') AS registered"
        " FROM people p"
        " LEFT JOIN (SELECT DISTINCT person_id FROM links) l ON l.person_id = p.id"
        " LEFT JOIN acknowledgements a ON a.campaign_id = ? AND a.person_id = p.id"
        " WHERE p.active = 1 AND p.org_id IN (SELECT value FROM json_each(?))",
        (campaign.document.year, campaign.id, ids),
    )
    facts = [
        PersonFacts(
            person_id=r["id"], org_id=r["org_id"], linked=bool(r["linked"]),
            acknowledged_on=_local_date(r["ack_at"], tz), registered=bool(r["registered"]),
        )
        for r in rows
    ]
    return build_progress(campaign, tree, facts)


async def pending_acknowledgements(db: Database, campaign_id: int) -> list[Person]:
    """Active people in the campaign's scope who have not acknowledged it (for reminders)."""
    campaign = await CampaignRepository(db).get(campaign_id)
    if campaign is None:
        return []
    return await _pending(db, campaign)


async def _pending(db: Database, campaign: Campaign) -> list[Person]:
    tree = await OrgRepository(db).tree()
    if campaign.scope_org_id is not None and campaign.scope_org_id not in tree:
        return []
    rows = await db.fetchall(
        "SELECT p.* FROM people p WHERE p.active = 1"
        " AND p.org_id IN (SELECT value FROM json_each(?))"
        " AND NOT EXISTS (SELECT 1 FROM acknowledgements a"
        "   WHERE a.campaign_id = ? AND a.person_id = p.id) ORDER BY p.id",
        (_json_ids(tree.subtree_ids(campaign.scope_org_id)), campaign.id),
    )
    return [person_from_row(r) for r in rows]


def _local_date(value: str | None, tz: tzinfo) -> date | None:
    at = from_db_time(value)
    return at.astimezone(tz).date() if at else None


def _json_ids(ids: set[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in sorted(ids)) + "]"
