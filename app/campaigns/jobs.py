"""The daily job that ends campaigns whose period is over.

Correctness never depends on it: every decision compares today with period_end. It keeps the
stored status (and /campaigns, and the audit log) in step with the calendar.
"""

from __future__ import annotations

from datetime import datetime

from telegram.ext import Application

from bot.schedule import PeriodicJob
from storage.audit import AuditContext
from storage.campaigns import CampaignRepository


async def _due(app: Application, now: datetime) -> str | None:
    db = app.bot_data["services"].db
    if await CampaignRepository(db).has_overdue(now.date()):
        return now.date().isoformat()
    return None


async def _run(app: Application, period: str, now: datetime) -> None:
    db = app.bot_data["services"].db
    await CampaignRepository(db).end_overdue(AuditContext.system(), now)


END_CAMPAIGNS = PeriodicJob("campaigns-end", _due, _run)
