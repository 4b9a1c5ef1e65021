"""Changing a registration deadline, and telling the people it concerns (through the outbox).

One transaction: the new deadline, its audit entry, and one message per person concerned,
each deduplicated by (window, new deadline, person), so a repeated change or a replayed tap
tells nobody twice. The people concerned are the linked, reachable people who register under
the window (domain.windows.governed_org_ids) and have not confirmed a registration of its
year yet, and the unit and agency heads among them (they register their collectives).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from domain.models import Role
from domain.org import OrgTree
from domain.windows import RegistrationWindow, governed_org_ids
from storage.audit import AuditContext
from storage.db import Connection, Database
from storage.links import LINK_COLUMNS, link_from_row, native_chat_id, preferred
from storage.outbox import NewMessage, enqueue_in
from storage.windows import WindowError, WindowRepository


@dataclass(frozen=True)
class Recipient:
    person_id: int
    channel: str
    chat_id: int | str  # as the channel's API takes it
    locale: str | None  # the person's chosen language, None: the default


@dataclass(frozen=True)
class DeadlineChange:
    window: RegistrationWindow
    before: date
    told: int  # messages queued


async def deadline_recipients(conn: Connection | Database, window: RegistrationWindow,
                              org_ids: Iterable[int]) -> list[Recipient]:
    """The people a change of `window`'s deadline concerns, among the people of `org_ids`."""
    sql = (
        f"SELECT p.id, {LINK_COLUMNS}, s.locale, c.channel AS last_channel FROM people p"
        " JOIN links l ON l.person_id = p.id"
        " LEFT JOIN account_settings s ON s.account = l.channel || ':' || l.user_id"
        " LEFT JOIN person_channel c ON c.person_id = p.id"
        " WHERE p.active = 1 AND l.unreachable_at IS NULL"
        " AND p.org_id IN (SELECT value FROM json_each(?))"
        " AND (p.role IN (?, ?) OR NOT EXISTS (SELECT 1 FROM registrations r"
        "      WHERE r.person_id = p.id AND r.year = ? AND r.status = 'confirmed'))"
        " ORDER BY p.id"
    )
    params = (json.dumps(sorted(org_ids)), Role.UNIT_HEAD.value, Role.AGENCY_HEAD.value,
              window.year)
    if isinstance(conn, Database):
        rows = list(await conn.fetchall(sql, params))
    else:
        rows = list(await (await conn.execute(sql, params)).fetchall())
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row["id"], []).append(row)
    recipients = []
    for person_id, person_rows in grouped.items():  # the channel each person uses (links)
        link = preferred([link_from_row(r) for r in person_rows], person_rows[0]["last_channel"])
        if link is None:
            continue
        locale = next(r["locale"] for r in person_rows if r["channel"] == link.channel)
        recipients.append(Recipient(person_id, link.channel,
                                    native_chat_id(link.channel, link.chat_id), locale))
    return recipients


async def change_deadline(
    db: Database,
    window_id: int,
    deadline: date,
    who: AuditContext,
    tree: OrgTree,
    notice: Callable[[RegistrationWindow, date, str | None], str],
    *,
    shown: date | None = None,
) -> DeadlineChange:
    """Set the deadline and queue `notice(window, before, locale)` (HTML) to each person it
    concerns. `shown`: the deadline the secretariat saw (a button's), WindowError("changed")
    if it is no longer the deadline. Call `services.wake_sender()` afterwards."""
    repo = WindowRepository(db)
    async with db.transaction() as conn:
        current = await repo.window(window_id)
        if current is None:
            raise WindowError("not_found", window_id=window_id)
        if shown is not None and current.deadline != shown:
            raise WindowError("changed", window=current)
        window = await repo.set_deadline(window_id, deadline, who)
        if window.deadline == current.deadline:
            return DeadlineChange(window, current.deadline, 0)
        governed = governed_org_ids(window, await repo.windows(window.year), tree)
        recipients = await deadline_recipients(conn, window, governed)
        told = await enqueue_in(conn, [
            NewMessage(batch=f"deadline:{window.id}:{deadline.isoformat()}", kind="deadline",
                       channel=r.channel, chat_id=r.chat_id, person_id=r.person_id,
                       text=notice(window, current.deadline, r.locale),
                       dedupe_key=f"deadline:{window.id}:{deadline.isoformat()}:{r.person_id}")
            for r in recipients
        ])
    return DeadlineChange(window, current.deadline, told)
