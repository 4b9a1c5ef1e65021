"""The data of `thidua console --demo`, put into an empty database: the demo roster (the seven
agencies of Khối Tham mưu Tổng hợp), seed 000's registrations of 2024, this year's
registration open, and a campaign running now, launched (whoever links receives it).

The campaign is `bot/demo/campaigns/current.template.md` with its dates filled in relative to
today, so the demo never ends up with nothing to commit to (seed 001's campaign ended long ago).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from string import Template

from app.campaigns import service as campaigns
from app.imports.registrations import apply_import
from app.results.imports import initiatives_import, results_import
from app.services import Services
from domain.registration_import import parse_registration_file
from domain.roster import parse_roster
from locales import _, format_date
from reports.campaigns import describe_problems
from storage.audit import AuditContext
from storage.campaigns import CampaignRepository
from storage.roster import apply_roster
from storage.windows import WindowRepository

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_BLOC = "Khối Tham mưu Tổng hợp"
CURRENT_CAMPAIGN = DEMO_DIR / "campaigns" / "current.template.md"
# The current campaign's dates, from today: started a week ago, commitments due in two weeks.
CAMPAIGN_STARTED = timedelta(days=7)
CAMPAIGN_ACK = timedelta(days=14)
CAMPAIGN_LASTS = timedelta(days=60)

Write = Callable[[str], None]


def current_campaign_file(today: date) -> tuple[bytes, str]:
    """The demo's current campaign as a campaign file (its content and name), dated from
    `today`."""
    start, end = today - CAMPAIGN_STARTED, today + CAMPAIGN_LASTS
    template = Template(CURRENT_CAMPAIGN.read_text(encoding="utf-8"))
    text = template.substitute(
        code=f"demo-{today.year}-chuyen-doi-so", year=today.year,
        start=start.isoformat(), end=end.isoformat(),
        ack_deadline=(today + CAMPAIGN_ACK).isoformat(),
        start_vn=start.strftime("%d/%m/%Y"), end_vn=end.strftime("%d/%m/%Y"))
    return text.encode("utf-8"), f"demo-{today.year}-chuyen-doi-so.md"


async def import_demo(services: Services, write: Write) -> None:
    """Everything the demo needs, if the database has nobody yet (an existing database is
    the operator's own: left alone)."""
    if await services.people.all():
        return
    path = DEMO_DIR / "sample-roster.csv"
    content = await asyncio.to_thread(path.read_bytes)
    roster = parse_roster(content, path.name, DEMO_BLOC)
    await apply_roster(services.db, roster, AuditContext.cli())
    write(_("Imported the demo roster: {n} people.").format(n=len(roster.rows)))
    await _import_registrations(services, write)
    await _import_results(services, write)
    await _open_registration(services, write)
    await _launch_current_campaign(services, write)


async def _import_registrations(services: Services, write: Write) -> None:
    """Seed 000's 2024 registrations, so `/tonghop 2024` shows the annex at once."""
    path = DEMO_DIR / "sample-registrations-2024.csv"
    content = await asyncio.to_thread(path.read_bytes)
    file = parse_registration_file(content, path.name)
    plan = await apply_import(services.db, file, AuditContext.cli())
    write(_("Imported the demo registrations of 2024: {n}.").format(n=len(plan.new)))


async def _import_results(services: Services, write: Write) -> None:
    """The bloc's decision lists of 2021–2024, so `/lichsu` and `/ketqua 2024` answer."""
    for run, name in ((initiatives_import, "sample-initiatives.csv"),
                      (results_import, "sample-results.csv")):
        path = DEMO_DIR / name
        content = await asyncio.to_thread(path.read_bytes)
        outcome = await run(services, content, name, None, AuditContext.cli())
        if not outcome.ok:
            write(outcome.text)
            return
    write(_("Imported the demo results of 2021–2024 and their initiatives."))


async def _open_registration(services: Services, write: Write) -> None:
    """A registration window of this year for the whole demo, so /dangky can be tried."""
    today = services.now().date()
    repo = WindowRepository(services.db)
    if await repo.windows(today.year):
        return
    window = await repo.open_window(today.year, None, today, today + timedelta(days=30),
                                    AuditContext.cli())
    write(_("Opened the demo registration of {year}, until {deadline}.").format(
        year=window.year, deadline=format_date(window.deadline)))


async def _launch_current_campaign(services: Services, write: Write) -> None:
    """The campaign running now, loaded and launched as the secretariat would: nobody is
    linked yet, so each person receives it when they link."""
    content, name = await asyncio.to_thread(current_campaign_file, services.now().date())
    check, campaign_id = await campaigns.load_file(services, content, name, AuditContext.cli())
    if campaign_id is None:  # the template and the roster are shipped together: a bug
        raise RuntimeError(describe_problems(check.problems, limit=20))
    campaign = await CampaignRepository(services.db).get(campaign_id)
    assert campaign is not None
    await campaigns.launch(services, campaign, AuditContext.cli())
    write(_("Launched the demo campaign “{name}”, open for commitments until {deadline}: "
            "whoever links receives it (/camket).").format(
        name=campaign.name, deadline=format_date(campaign.ack_deadline)))
