"""`job_runs`: one row per periodic job and period, so a run happens once, even across restarts.

A run that started but never finished (the process was killed mid-run) is taken over once it
is older than `STALE_AFTER`; every job is idempotent (outbox dedupe keys), so redoing the part
that was done costs nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database, to_db_time, utcnow

STALE_AFTER = timedelta(minutes=15)


class JobRuns:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, job: str, period: str, now: datetime | None = None) -> bool:
        """True if this caller should run `job` for `period` now."""
        now = now or utcnow()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO job_runs (job, period, started_at) VALUES (?, ?, ?)"
                " ON CONFLICT (job, period) DO UPDATE SET started_at = excluded.started_at"
                " WHERE job_runs.finished_at IS NULL AND job_runs.started_at < ?",
                (job, period, to_db_time(now), to_db_time(now - STALE_AFTER)),
            )
            return cursor.rowcount == 1

    async def finish(self, job: str, period: str) -> None:
        await self.db.execute(
            "UPDATE job_runs SET finished_at = ? WHERE job = ? AND period = ?",
            (to_db_time(utcnow()), job, period),
        )

    async def abandon(self, job: str, period: str) -> None:
        """A run failed: let the next tick try again."""
        await self.db.execute(
            "DELETE FROM job_runs WHERE job = ? AND period = ? AND finished_at IS NULL",
            (job, period),
        )
