"""Periodic work whose due times come from the database, not from memory.

A job names the period that is due at a given moment ("2024-W10" for a weekly digest due
Mondays at 08:00, "2024-03-11" for a daily one, or None when nothing is due). Every minute the
scheduler runs each job whose current period has no row in `job_runs` yet (storage/jobs.py),
so a run missed while the bot was down happens at the next start, and no run happens twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram.ext import Application, ContextTypes

from app.features import PeriodicJob as CoreJob
from bot.errors import alert_operators
from storage.db import Database
from storage.jobs import JobRuns

log = logging.getLogger(__name__)
TICK_SECONDS = 60


@dataclass(frozen=True)
class PeriodicJob:
    """A job of the Telegram handlers not moved to the core yet (app.features.PeriodicJob
    takes the services instead of the application)."""

    name: str
    due_period: Callable[[Application, datetime], Awaitable[str | None]]
    run: Callable[[Application, str, datetime], Awaitable[None]]


AnyJob = PeriodicJob | CoreJob


class Scheduler:
    def __init__(self, app: Application, db: Database, jobs: Sequence[AnyJob]) -> None:
        self.app = app
        self.db = db
        self.jobs = jobs
        self.runs = JobRuns(db)

    def start(self) -> None:
        if self.app.job_queue is None:  # pragma: no cover - job-queue extra is a dependency
            raise RuntimeError("python-telegram-bot[job-queue] is required")
        self.app.job_queue.run_repeating(self._tick_job, interval=TICK_SECONDS, first=2,
                                         name="thidua-scheduler")

    async def _tick_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.tick()

    def _operators_chat_id(self) -> int | None:
        return self.app.bot_data["services"].settings.operators_chat_id

    async def tick(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Run every job that is due at `now` (local time); returns (job, period) pairs run."""
        services = self.app.bot_data["services"]
        now = (now or services.now()).astimezone(services.settings.tz)
        ran = []
        for job in self.jobs:
            period: str | None = None
            try:
                owner = services if isinstance(job, CoreJob) else self.app
                period = await job.due_period(owner, now)  # type: ignore[arg-type]
                if period is None or not await self.runs.claim(job.name, period):
                    continue
                await job.run(owner, period, now)  # type: ignore[arg-type]
                await self.runs.finish(job.name, period)
                ran.append((job.name, period))
            except Exception as exc:
                log.exception("periodic job %s failed", job.name)
                await alert_operators(self.app.bot, self._operators_chat_id(),
                                      f"job {job.name} {period or ''}", exc)
                if period is not None:  # let the next tick try again
                    await self.runs.abandon(job.name, period)
        return ran
