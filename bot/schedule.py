"""Periodic work whose due times come from the database, not from memory.

A job names the period that is due at a given moment ("2024-W10" for a weekly digest due
Mondays at 08:00, "2024-03-11" for a daily one, or None when nothing is due). Every minute the
scheduler runs each job whose current period has no row in `job_runs` yet (storage/jobs.py),
so a run missed while the bot was down happens at the next start, and no run happens twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import datetime

from telegram import Bot

from app.features import PeriodicJob
from app.services import Services
from bot.errors import alert_operators
from storage.jobs import JobRuns

log = logging.getLogger(__name__)
TICK_SECONDS = 60


class Scheduler:
    """Ticks every minute on the event loop (whatever channels run) and runs the features'
    jobs (app.features.PeriodicJob). `alerts`: the Telegram bot that tells the operators
    about a failed job, when Telegram runs."""

    def __init__(self, services: Services, jobs: Sequence[PeriodicJob],
                 alerts: Bot | None = None) -> None:
        self.services = services
        self.alerts = alerts
        self.jobs = list(jobs)
        self.runs = JobRuns(services.db)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="thidua-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        await asyncio.sleep(2)
        while True:
            try:
                await self.tick()
            except Exception:  # keep ticking whatever one tick did
                log.exception("scheduler tick failed")
            await asyncio.sleep(TICK_SECONDS)

    async def tick(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Run every job that is due at `now` (local time); returns (job, period) pairs run."""
        services = self.services
        now = (now or services.now()).astimezone(services.settings.tz)
        ran = []
        for job in self.jobs:
            period: str | None = None
            try:
                period = await job.due_period(services, now)
                if period is None or not await self.runs.claim(job.name, period):
                    continue
                await job.run(services, period, now)
                await self.runs.finish(job.name, period)
                ran.append((job.name, period))
            except Exception as exc:
                log.exception("periodic job %s failed", job.name)
                if self.alerts is not None:
                    await alert_operators(self.alerts, services.settings.operators_chat_id,
                                          f"job {job.name} {period or ''}", exc)
                if period is not None:  # let the next tick try again
                    await self.runs.abandon(job.name, period)
        return ran
