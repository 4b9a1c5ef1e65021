"""The daily job that ends campaigns whose period is over.

Correctness never depends on it: every decision compares today with period_end. It keeps the
stored status (and /campaigns, and the audit log) in step with the calendar.
"""

from __future__ import annotations

from datetime import datetime

from app.campaigns import service
from app.features import PeriodicJob
from app.services import Services
from storage.campaigns import CampaignRepository


async def _due(services: Services, now: datetime) -> str | None:
    if await CampaignRepository(services.db).has_overdue(now.date()):
        return now.date().isoformat()
    return None


async def _run(services: Services, period: str, now: datetime) -> None:
    await service.end_overdue(services, now)


END_CAMPAIGNS = PeriodicJob("campaigns-end", _due, _run)
