"""What is open for a linked person now, with choices to act: shown by /start and after
linking (app.onboarding). The choices are the entry points reminders already carry
(`open:register`, `open:collective`, `open:goals`), rechecked by their features."""

from __future__ import annotations

from datetime import date

from app.campaigns.service import current_campaigns
from app.context import Ctx
from app.services import Services
from app.ui import Choice
from domain.access import Actor, collective_subjects
from domain.models import OrgUnit
from domain.open_now import CampaignTask, OpenNow, RegistrationTask, open_windows, task_state
from domain.org import OrgTree
from domain.subjects import Subject
from domain.windows import RegistrationWindow
from reports.open_now import open_now_choices, open_now_text
from storage.campaigns import CampaignRepository
from storage.registrations import RegistrationRepository


async def _task(repo: RegistrationRepository, window: RegistrationWindow, subject: Subject,
                org: OrgUnit | None = None) -> RegistrationTask:
    current = await repo.current(window.year, subject)
    draft = await repo.draft(window.year, subject)
    started = draft is not None and bool(draft.titles or draft.answers)
    confirmed = None if current is None else current.is_confirmed
    return RegistrationTask(
        year=window.year, deadline=window.deadline, state=task_state(confirmed, started),
        org=org,
        reference=current.reference if current is not None and current.is_confirmed else None)


async def open_now(services: Services, actor: Actor, tree: OrgTree, today: date) -> OpenNow:
    person = actor.person
    if person is None:
        return OpenNow()
    repo = RegistrationRepository(services.db)
    windows = await repo.windows()
    own = [await _task(repo, w, Subject.of_person(person))
           for w in open_windows(windows, tree, person.org_id, today)]
    collectives = []
    for org_id in collective_subjects(actor, tree):
        org = tree.get(org_id)
        collectives += [await _task(repo, w, Subject.of_org(org), org)
                        for w in open_windows(windows, tree, org_id, today)]
    campaigns = await current_campaigns(services, person)
    committed = await CampaignRepository(services.db).acknowledgements_of(
        person.id, (c.id for c in campaigns))
    pending = [CampaignTask(c.id, c.name, c.ack_deadline) for c in campaigns
               if c.id not in committed]
    return OpenNow(tuple(own), tuple(collectives), tuple(pending))


async def open_now_screen(ctx: Ctx, actor: Actor, tree: OrgTree
                          ) -> tuple[str, list[list[Choice]]]:
    """The block of what is open for the actor, and its choices (one per row)."""
    found = await open_now(ctx.services, actor, tree, ctx.today())
    rows = [[Choice(label, data)] for label, data in open_now_choices(found)]
    return open_now_text(found, ctx.today()), rows
