"""Period campaigns (phong trào thi đua đợt): load, launch, read, commit, measure.

- `reader`: everyone's /goals (/camket), paging and "I commit to carry it out";
- `secretariat`: /campaigns (/phongtrao): preview, launch with confirmation, progress;
- `upload`: a campaign file sent in the secretariat's chat;
- `service`: what handlers and the CLI share; `jobs`: campaigns end after their period.
"""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from app.services import Services
from channels.telegram.campaigns import reader, secretariat, service
from channels.telegram.campaigns.jobs import END_CAMPAIGNS
from channels.telegram.campaigns.upload import CAMPAIGN_UPLOAD
from channels.telegram.commands import CommandSpec
from channels.telegram.uploads import register_upload_kind
from domain.models import Link, Person, Role
from locales import N_
from storage.audit import AuditContext

COMMANDS = [
    CommandSpec("goals", N_("Campaigns you take part in, and your commitment"),
                aliases=("camket",)),
    CommandSpec("campaigns", N_("Emulation campaigns: preview, launch, progress"),
                aliases=("phongtrao",), roles=frozenset({Role.SECRETARIAT}),
                secretariat_chat=True),
]
PERIODIC_JOBS = [END_CAMPAIGNS]


async def on_person_linked(services: Services, person: Person, link: Link,
                           who: AuditContext) -> None:
    """Someone who links after a launch receives the campaigns of their scope."""
    await service.deliver_to_newcomer(services, person, link, who)


def register(app: Application) -> None:
    register_upload_kind(CAMPAIGN_UPLOAD)
    app.add_handler(CommandHandler(["goals", "camket"], reader.goals))
    app.add_handler(CommandHandler(["campaigns", "phongtrao"], secretariat.list_campaigns))
    app.add_handler(CallbackQueryHandler(reader.on_button, pattern=r"^cp:(pg|ack|open):"))
    app.add_handler(CallbackQueryHandler(reader.goals_button, pattern=r"^open:goals$"))
    app.add_handler(CallbackQueryHandler(secretariat.on_button,
                                         pattern=r"^cp:(view|pv|ask|go|no|pr):"))
