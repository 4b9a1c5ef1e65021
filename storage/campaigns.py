"""Campaigns and acknowledgements: load, launch (with its outbox messages), acknowledge, end.

Every change is audited in its own transaction. Times are stored in UTC; the callers pass
`now` (the bot's local clock) so that what is stored and what is checked agree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.campaigns import Campaign, CampaignDocument, CampaignStatus
from storage import audit
from storage.audit import AuditContext
from storage.db import Database, from_db_time, to_db_time
from storage.outbox import NewMessage, enqueue_in


def campaign_from_row(row: sqlite3.Row) -> Campaign:
    return Campaign(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        issuer=row["issuer"],
        scope_org_id=row["scope_org_id"],
        period_start=date.fromisoformat(row["period_start"]),
        period_end=date.fromisoformat(row["period_end"]),
        ack_deadline=date.fromisoformat(row["ack_deadline"]),
        status=CampaignStatus(row["status"]),
        launched_at=from_db_time(row["launched_at"]),
        ended_on=date.fromisoformat(row["ended_on"]) if row["ended_on"] else None,
        document=CampaignDocument.model_validate_json(row["document"]),
    )


@dataclass(frozen=True)
class Acknowledgement:
    campaign_id: int
    person_id: int
    at: datetime  # UTC
    channel: str


class AckResult(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # acknowledged before: nothing changed
    CLOSED = "closed"  # the campaign is not launched or is over: nothing stored


class SaveResult(StrEnum):
    CREATED = "created"
    REPLACED = "replaced"  # a loaded (never launched) campaign of that code was replaced
    LAUNCHED = "launched"  # refused: a campaign of that code was launched already


class CampaignRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------------ reading

    async def get(self, campaign_id: int) -> Campaign | None:
        row = await self.db.fetchone("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
        return campaign_from_row(row) if row else None

    async def by_code(self, code: str) -> Campaign | None:
        row = await self.db.fetchone("SELECT * FROM campaigns WHERE code = ?", (code,))
        return campaign_from_row(row) if row else None

    async def all(self) -> list[Campaign]:
        """Loaded and launched campaigns first, then ended ones, newest first within each."""
        rows = await self.db.fetchall(
            "SELECT * FROM campaigns ORDER BY status = 'ended', period_start DESC, id DESC"
        )
        return [campaign_from_row(r) for r in rows]

    async def launched(self) -> list[Campaign]:
        """Launched and not ended (some may be past their period: see Campaign.is_over)."""
        rows = await self.db.fetchall(
            "SELECT * FROM campaigns WHERE status = 'launched' ORDER BY launched_at, id"
        )
        return [campaign_from_row(r) for r in rows]

    async def acknowledgement(self, campaign_id: int, person_id: int) -> Acknowledgement | None:
        row = await self.db.fetchone(
            "SELECT * FROM acknowledgements WHERE campaign_id = ? AND person_id = ?",
            (campaign_id, person_id),
        )
        return _ack_from_row(row) if row else None

    async def acknowledgements_of(self, person_id: int,
                                  campaign_ids: Iterable[int]) -> dict[int, Acknowledgement]:
        ids = "[" + ",".join(str(int(i)) for i in campaign_ids) + "]"
        rows = await self.db.fetchall(
            "SELECT * FROM acknowledgements WHERE person_id = ?"
            " AND campaign_id IN (SELECT value FROM json_each(?))",
            (person_id, ids),
        )
        return {r["campaign_id"]: _ack_from_row(r) for r in rows}

    async def acknowledged_people(self, campaign_id: int) -> set[int]:
        rows = await self.db.fetchall(
            "SELECT person_id FROM acknowledgements WHERE campaign_id = ?", (campaign_id,))
        return {r["person_id"] for r in rows}

    async def has_overdue(self, today: date) -> bool:
        """Whether a launched campaign's period is over (the daily job has work)."""
        row = await self.db.fetchone(
            "SELECT 1 FROM campaigns WHERE status = 'launched' AND period_end < ? LIMIT 1",
            (today.isoformat(),))
        return row is not None

    async def queued_people(self, campaign_id: int) -> set[int]:
        """People whose launch message is in the outbox already (sent or not)."""
        rows = await self.db.fetchall(
            "SELECT person_id FROM outbox WHERE batch = ? AND person_id IS NOT NULL",
            (launch_batch(campaign_id),),
        )
        return {r["person_id"] for r in rows}

    # ------------------------------------------------------------------ writing

    async def save(self, document: CampaignDocument, scope_org_id: int | None, source: str,
                   who: AuditContext, now: datetime) -> tuple[SaveResult, int | None]:
        """Store a loaded campaign; a loaded campaign of the same code is replaced."""
        stamp = to_db_time(now)
        values = (
            document.name, document.issuer, scope_org_id, document.period_start.isoformat(),
            document.period_end.isoformat(), document.ack_deadline.isoformat(),
            document.model_dump_json(), source, stamp,
        )
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "SELECT id, status FROM campaigns WHERE code = ?", (document.code,)
            )
            existing = await cursor.fetchone()
            if existing is not None and existing["status"] != CampaignStatus.LOADED:
                return SaveResult.LAUNCHED, existing["id"]
            if existing is None:
                cursor = await conn.execute(
                    "INSERT INTO campaigns (name, issuer, scope_org_id, period_start, period_end,"
                    " ack_deadline, document, source, updated_at, code, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, document.code, stamp),
                )
                campaign_id = int(cursor.lastrowid or 0)
                result = SaveResult.CREATED
            else:
                campaign_id = existing["id"]
                await conn.execute(
                    "UPDATE campaigns SET name = ?, issuer = ?, scope_org_id = ?,"
                    " period_start = ?, period_end = ?, ack_deadline = ?, document = ?,"
                    " source = ?, updated_at = ? WHERE id = ?",
                    (*values, campaign_id),
                )
                result = SaveResult.REPLACED
            await audit.record(conn, who, "load" if result == SaveResult.CREATED else "reload",
                               "campaign", campaign_id,
                               {"code": document.code, "scope_org_id": scope_org_id})
        return result, campaign_id

    async def launch(self, campaign_id: int, messages: list[NewMessage], who: AuditContext,
                     now: datetime) -> int | None:
        """Mark launched and queue the messages in one transaction; returns how many were new
        (a relaunch queues only people not reached before), or None if it may not launch."""
        today = now.date().isoformat()
        stamp = to_db_time(now)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE campaigns SET status = 'launched', launched_at = coalesce(launched_at, ?),"
                " updated_at = ? WHERE id = ? AND status IN ('loaded', 'launched')"
                " AND period_end >= ?",
                (stamp, stamp, campaign_id, today),
            )
            if cursor.rowcount != 1:
                return None
            queued = await enqueue_in(conn, messages)
            await audit.record(conn, who, "launch", "campaign", campaign_id,
                               {"queued": queued, "recipients": len(messages)})
        return queued

    async def deliver(self, messages: dict[int, NewMessage], who: AuditContext) -> int:
        """Queue launch messages, by campaign id, outside a launch (to someone who linked
        since); returns how many were new: the launch's deduplication keys make a second
        delivery, or one to somebody the launch reached, a no-op."""
        queued = 0
        async with self.db.transaction() as conn:
            for campaign_id, message in messages.items():
                if await enqueue_in(conn, [message]):
                    queued += 1
                    await audit.record(conn, who, "deliver", "campaign", campaign_id,
                                       {"person_id": message.person_id})
        return queued

    async def acknowledge(self, campaign_id: int, person_id: int, channel: str,
                          who: AuditContext, now: datetime, *, late: bool) -> AckResult:
        """Store the acknowledgement once, while the campaign is launched and not over."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO acknowledgements (campaign_id, person_id, at, channel)"
                " SELECT id, ?, ?, ? FROM campaigns"
                " WHERE id = ? AND status = 'launched' AND period_end >= ?"
                " ON CONFLICT (campaign_id, person_id) DO NOTHING",
                (person_id, to_db_time(now), channel, campaign_id, now.date().isoformat()),
            )
            if cursor.rowcount == 1:
                await audit.record(conn, who, "acknowledge", "campaign", campaign_id,
                                   {"person_id": person_id, "channel": channel, "late": late})
                return AckResult.RECORDED
            cursor = await conn.execute(
                "SELECT 1 FROM acknowledgements WHERE campaign_id = ? AND person_id = ?",
                (campaign_id, person_id),
            )
            return AckResult.ALREADY if await cursor.fetchone() else AckResult.CLOSED

    async def end(self, campaign_id: int, who: AuditContext, now: datetime, *,
                  ended_on: date | None = None, reason: str = "manual") -> bool:
        """End a loaded or launched campaign; False if it had ended already."""
        day = ended_on or now.date()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE campaigns SET status = 'ended', ended_on = ?, updated_at = ?"
                " WHERE id = ? AND status != 'ended'",
                (day.isoformat(), to_db_time(now), campaign_id),
            )
            if cursor.rowcount != 1:
                return False
            await audit.record(conn, who, "end", "campaign", campaign_id, {"reason": reason})
        return True

    async def end_overdue(self, who: AuditContext, now: datetime) -> list[int]:
        """End every launched campaign whose period is over (the daily job)."""
        rows = await self.db.fetchall(
            "SELECT id, period_end FROM campaigns WHERE status = 'launched' AND period_end < ?",
            (now.date().isoformat(),),
        )
        ended = []
        for row in rows:
            if await self.end(row["id"], who, now, ended_on=date.fromisoformat(row["period_end"]),
                              reason="period_over"):
                ended.append(row["id"])
        return ended


def launch_batch(campaign_id: int) -> str:
    return f"launch:{campaign_id}"


def launch_dedupe_key(campaign_id: int, person_id: int) -> str:
    return f"launch:{campaign_id}:{person_id}"


def _ack_from_row(row: sqlite3.Row) -> Acknowledgement:
    at = from_db_time(row["at"])
    assert at is not None
    return Acknowledgement(row["campaign_id"], row["person_id"], at, row["channel"])
