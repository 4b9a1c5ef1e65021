"""The progress feature's periodic work: the weekly digest and the deadline reminders.

Due periods come from the clock and the settings, runs are recorded in `job_runs` (see
bot/schedule.py), and everything queued is deduplicated, so a restart never repeats a run.
"""

from __future__ import annotations

from datetime import datetime

from telegram.ext import Application

from app.services import Services
from bot.schedule import PeriodicJob
from channels.telegram.context import SERVICES_KEY
from channels.telegram.progress.service import (
    DIGEST_JOB,
    REMIND_JOB,
    queue_deadline_reminders,
    queue_digests,
)
from domain.progress import daily_due, weekly_due


def _services(app: Application) -> Services:
    return app.bot_data[SERVICES_KEY]


async def _digest_due(app: Application, now: datetime) -> str | None:
    settings = _services(app).settings
    return weekly_due(now, settings.digest_weekday, settings.digest_time)


async def _digest_run(app: Application, period: str, now: datetime) -> None:
    await queue_digests(_services(app), period, now.date())


async def _reminders_due(app: Application, now: datetime) -> str | None:
    return daily_due(now, _services(app).settings.reminder_time)


async def _reminders_run(app: Application, period: str, now: datetime) -> None:
    await queue_deadline_reminders(_services(app), now.date())


WEEKLY_DIGEST = PeriodicJob(DIGEST_JOB, _digest_due, _digest_run)
DEADLINE_REMINDERS = PeriodicJob(REMIND_JOB, _reminders_due, _reminders_run)
