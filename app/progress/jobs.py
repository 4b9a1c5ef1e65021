"""The progress feature's periodic work: the weekly digest and the deadline reminders.

Due periods come from the clock and the settings, runs are recorded in `job_runs` (see
bot/schedule.py), and everything queued is deduplicated, so a restart never repeats a run.
"""

from __future__ import annotations

from datetime import datetime

from app.features import PeriodicJob
from app.progress.service import (
    DIGEST_JOB,
    REMIND_JOB,
    queue_deadline_reminders,
    queue_digests,
)
from app.services import Services
from domain.progress import daily_due, weekly_due


async def _digest_due(services: Services, now: datetime) -> str | None:
    settings = services.settings
    return weekly_due(now, settings.digest_weekday, settings.digest_time)


async def _digest_run(services: Services, period: str, now: datetime) -> None:
    await queue_digests(services, period, now.date(), now)


async def _reminders_due(services: Services, now: datetime) -> str | None:
    return daily_due(now, services.settings.reminder_time)


async def _reminders_run(services: Services, period: str, now: datetime) -> None:
    await queue_deadline_reminders(services, now.date())


WEEKLY_DIGEST = PeriodicJob(DIGEST_JOB, _digest_due, _digest_run)
DEADLINE_REMINDERS = PeriodicJob(REMIND_JOB, _reminders_due, _reminders_run)
