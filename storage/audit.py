"""The audit log: who changed what, when, and through which channel and chat."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.db import Connection, Database, from_db_time, to_db_time, utcnow


@dataclass(frozen=True)
class AuditContext:
    """Who is acting. Passed down from a handler or the CLI into every writing repository call."""

    channel: str  # "telegram", "zalo", "cli" or "system"
    person_id: int | None = None
    account: str | None = None  # "telegram:123", "zalo:6ede9a…" (app.events.Source.account)
    chat_id: str | int | None = None  # the channel's chat id

    @classmethod
    def cli(cls) -> AuditContext:
        return cls(channel="cli")

    @classmethod
    def system(cls) -> AuditContext:
        return cls(channel="system")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: Any
    actor_person_id: int | None
    actor_account: str | None
    channel: str
    chat_id: int | str | None
    action: str
    entity: str
    entity_id: str | None
    details: dict[str, Any]


async def record(
    conn: Connection,
    who: AuditContext,
    action: str,
    entity: str,
    entity_id: object = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append an entry; call it inside the transaction that makes the change."""
    await conn.execute(
        "INSERT INTO audit_log (at, actor_person_id, actor_account, channel, chat_id,"
        " action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            to_db_time(utcnow()),
            who.person_id,
            who.account,
            who.channel,
            who.chat_id,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            details_json(details),
        ),
    )


def details_json(details: dict[str, Any] | None) -> str:
    """An entry's details as stored (also by triggers that write entries, e.g. 0063)."""
    return json.dumps(details or {}, ensure_ascii=False, default=str)


async def entries(
    db: Database, *, entity: str | None = None, entity_id: object = None, limit: int = 1000
) -> list[AuditEntry]:
    sql = "SELECT * FROM audit_log"
    params: list[Any] = []
    if entity is not None:
        sql += " WHERE entity = ?"
        params.append(entity)
        if entity_id is not None:
            sql += " AND entity_id = ?"
            params.append(str(entity_id))
    sql += " ORDER BY id LIMIT ?"
    params.append(limit)
    rows = await db.fetchall(sql, params)
    return [
        AuditEntry(
            id=r["id"],
            at=from_db_time(r["at"]),
            actor_person_id=r["actor_person_id"],
            actor_account=r["actor_account"],
            channel=r["channel"],
            chat_id=r["chat_id"],
            action=r["action"],
            entity=r["entity"],
            entity_id=r["entity_id"],
            details=json.loads(r["details"]),
        )
        for r in rows
    ]
