"""Period campaigns (phong trào thi đua đợt): load, launch, read, commit, measure.

- `reader`: everyone's /goals (/camket), paging and "I commit to carry it out";
- `secretariat`: /campaigns (/phongtrao): preview, launch with confirmation, progress;
- `service`: what the use cases, the campaign file upload (app.imports.campaign) and
  the CLI share; `choices`: the choices' data; `jobs`: campaigns end after their period.
"""

from __future__ import annotations

from app.access import PERSON, SECRETARIAT_ONLY
from app.campaigns import reader, secretariat, service
from app.campaigns.choices import READER_ACTIONS, SECRETARIAT_ACTIONS, data
from app.campaigns.jobs import END_CAMPAIGNS
from app.commands import CommandSpec
from app.features import Feature, PickRoute
from app.services import Services
from domain.models import Link, Person, Role
from locales import N_
from reports.progress import OPEN_GOALS
from storage.audit import AuditContext

COMMANDS = [
    CommandSpec("goals", N_("Campaigns you take part in, and your commitment"), reader.goals,
                PERSON, aliases=("camket",)),
    CommandSpec("campaigns", N_("Emulation campaigns: preview, launch, progress"),
                secretariat.list_campaigns, SECRETARIAT_ONLY, aliases=("phongtrao",),
                roles=frozenset({Role.SECRETARIAT}), secretariat_chat=True),
]


async def on_person_linked(services: Services, person: Person, link: Link,
                           who: AuditContext) -> None:
    """Someone who links after a launch receives the campaigns of their scope."""
    await service.deliver_to_newcomer(services, person, link, who)


FEATURE = Feature(
    name="campaigns",
    commands=COMMANDS,
    picks=[*(PickRoute(data(action) + ":", reader.on_pick, PERSON)
             for action in READER_ACTIONS),
           PickRoute(OPEN_GOALS, reader.open_goals, PERSON),
           *(PickRoute(data(action) + ":", secretariat.on_pick, SECRETARIAT_ONLY)
             for action in SECRETARIAT_ACTIONS)],
    jobs=[END_CAMPAIGNS],
    on_linked=on_person_linked,
)
