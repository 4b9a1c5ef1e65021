"""What progress figures are made of: open items, who has done them, who the bot can reach.

Registrations (schema 0002) count confirmed individual registrations of the window's year;
acknowledgements (schema 0003) count per launched campaign. Everything is read in a handful of
set-based queries and handed to `domain.progress.Board`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.models import Role
from domain.org import OrgTree
from domain.progress import (
    Board,
    Campaign,
    Reach,
    Tally,
    Window,
    campaign_items,
    registration_items,
)
from storage.db import Connection, Database, to_db_time, utcnow
from storage.links import LINK_COLUMNS, link_from_row, native_chat_id, preferred
from storage.people import PeopleRepository, person_from_row


@dataclass(frozen=True)
class Contact:
    """Where a person's messages go, and in which language."""

    person_id: int
    channel: str
    chat_id: int | str  # as the channel's API takes it
    account: str
    locale: str | None
    blocked: bool


def _json(values: Iterable[object]) -> str:
    return "[" + ",".join(str(int(v)) for v in values) + "]"  # type: ignore[call-overload]


async def open_windows(db: Database, today: date) -> list[Window]:
    """Registration windows open today: opened, deadline (inclusive) not passed.

    As domain.windows.RegistrationWindow.is_open: `closed_at` (the final summary was posted)
    does not close registration, the deadline does.
    """
    rows = await db.fetchall(
        "SELECT id, year, scope_org_id, opens_on, deadline FROM registration_windows"
        " WHERE opens_on <= ? AND deadline >= ? ORDER BY year, id",
        (today.isoformat(), today.isoformat()),
    )
    return [Window(id=r["id"], year=r["year"], scope_org_id=r["scope_org_id"],
                   opens_on=date.fromisoformat(r["opens_on"]),
                   deadline=date.fromisoformat(r["deadline"])) for r in rows]


async def open_campaigns(db: Database, today: date) -> list[Campaign]:
    """Launched campaigns not over yet: people may still commit, late after the deadline."""
    rows = await db.fetchall(
        "SELECT id, code, name, scope_org_id, ack_deadline, period_start, period_end"
        " FROM campaigns WHERE status = 'launched' AND period_end >= ?"
        " ORDER BY ack_deadline, id",
        (today.isoformat(),),
    )
    return [Campaign(id=r["id"], code=r["code"], name=r["name"], scope_org_id=r["scope_org_id"],
                     ack_deadline=date.fromisoformat(r["ack_deadline"]),
                     period_start=date.fromisoformat(r["period_start"]),
                     period_end=date.fromisoformat(r["period_end"])) for r in rows]


async def registered_people(db: Database, years: Iterable[int]) -> dict[int, frozenset[int]]:
    rows = await db.fetchall_large(
        "SELECT year, person_id FROM registrations WHERE subject_kind = 'person'"
        " AND status = 'confirmed' AND year IN (SELECT value FROM json_each(?))",
        (_json(set(years)),),
    )
    found: dict[int, set[int]] = {}
    for r in rows:
        found.setdefault(r["year"], set()).add(r["person_id"])
    return {year: frozenset(ids) for year, ids in found.items()}


async def registered_collectives(db: Database, years: Iterable[int]) -> dict[int, frozenset[int]]:
    rows = await db.fetchall_large(
        "SELECT year, org_id FROM registrations WHERE subject_kind != 'person'"
        " AND status = 'confirmed' AND year IN (SELECT value FROM json_each(?))",
        (_json(set(years)),),
    )
    found: dict[int, set[int]] = {}
    for r in rows:
        found.setdefault(r["year"], set()).add(r["org_id"])
    return {year: frozenset(ids) for year, ids in found.items()}


async def acknowledged_people(db: Database, campaign_ids: Iterable[int]) -> dict[int,
                                                                                  frozenset[int]]:
    rows = await db.fetchall_large(
        "SELECT campaign_id, person_id FROM acknowledgements"
        " WHERE campaign_id IN (SELECT value FROM json_each(?))",
        (_json(campaign_ids),),
    )
    found: dict[int, set[int]] = {}
    for r in rows:
        found.setdefault(r["campaign_id"], set()).add(r["person_id"])
    return {cid: frozenset(ids) for cid, ids in found.items()}


async def contacts(db: Database) -> dict[int, Contact]:
    """Where each linked person's messages go: the channel they used last if it reaches them
    (storage.links.preferred), in the language chosen on that account."""
    rows = await db.fetchall_large(
        f"SELECT {LINK_COLUMNS}, s.locale, c.channel AS last_channel"
        " FROM links l LEFT JOIN account_settings s"
        " ON s.account = l.channel || ':' || l.user_id"
        " LEFT JOIN person_channel c ON c.person_id = l.person_id"
    )
    grouped: dict[int, list[Any]] = {}
    for r in rows:
        grouped.setdefault(r["person_id"], []).append(r)
    found = {}
    for person_id, person_rows in grouped.items():
        by_link = {(r["channel"]): r for r in person_rows}
        link = preferred([link_from_row(r) for r in person_rows],
                         person_rows[0]["last_channel"])
        if link is None:
            continue
        row = by_link[link.channel]
        found[person_id] = Contact(person_id, link.channel,
                                   native_chat_id(link.channel, link.chat_id), link.account,
                                   row["locale"], link.unreachable_at is not None)
    return found


async def load_board(db: Database, tree: OrgTree, today: date) -> tuple[Board, dict[int, Contact]]:
    """The progress board of `today`, and the contacts of everyone linked."""
    people = await db.fetchall_large("SELECT * FROM people WHERE active = 1 ORDER BY id", (),
                                     person_from_row)
    windows = await open_windows(db, today)
    campaigns = await open_campaigns(db, today)
    items = registration_items(windows, tree) + campaign_items(campaigns)
    years = {w.year for w in windows}
    registered = await registered_people(db, years)
    acknowledged = await acknowledged_people(db, (c.id for c in campaigns))
    done: dict[str, frozenset[int]] = {}
    for item in items:
        if item.campaign_id is not None:
            done[item.key] = acknowledged.get(item.campaign_id, frozenset())
        else:
            done[item.key] = registered.get(item.year, frozenset())
    found = await contacts(db)
    board = Board(
        tree=tree, people=people, items=items, done=done,
        collectives_done=await registered_collectives(db, years),
        reach={pid: Reach.BLOCKED if c.blocked else Reach.OK for pid, c in found.items()},
    )
    return board, found


async def heads(db: Database) -> list[tuple[int, list[int]]]:
    """(person id, headed org ids) of active unit and agency heads, roster order."""
    headships = await PeopleRepository(db).all_headships()
    rows = await db.fetchall(
        "SELECT id FROM people WHERE active = 1 AND role IN (?, ?) ORDER BY id",
        (Role.UNIT_HEAD.value, Role.AGENCY_HEAD.value),
    )
    return [(r["id"], headships[r["id"]]) for r in rows if r["id"] in headships]


# ---------------------------------------------------------------------------- snapshots


async def previous_snapshots(db: Database, period: str) -> dict[tuple[str, str], Tally]:
    """The latest figures before `period`, per (scope, item)."""
    rows = await db.fetchall(
        "SELECT s.scope, s.item, s.done, s.total FROM progress_snapshots s"
        " WHERE s.period = (SELECT max(t.period) FROM progress_snapshots t"
        " WHERE t.scope = s.scope AND t.item = s.item AND t.period < ?)",
        (period,),
    )
    return {(r["scope"], r["item"]): Tally(r["done"], r["total"]) for r in rows}


async def save_snapshots(
    conn: Connection, period: str, figures: Iterable[tuple[str, str, Tally]]
) -> None:
    """The first figures of a period stay: the digest that week showed them."""
    now = to_db_time(utcnow())
    await conn.executemany(
        "INSERT INTO progress_snapshots (period, scope, item, done, total, taken_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, item, period) DO NOTHING",
        [(period, scope, item, t.done, t.total, now) for scope, item, t in figures],
    )


# ---------------------------------------------------------------------------- reminders


def reminder_key(day: date, person_id: int) -> str:
    """The outbox dedupe key: one reminder per person per day, whoever asks."""
    return f"remind:{day.isoformat()}:{person_id}"


async def reminded_on(db: Database, day: date) -> set[int]:
    """People already sent (or queued) a reminder on `day`."""
    prefix = f"remind:{day.isoformat()}:"
    # A range on the unique index instead of LIKE (which cannot use it).
    rows = await db.fetchall(
        "SELECT person_id FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ?"
        " AND person_id IS NOT NULL",
        (prefix, prefix[:-1] + ";"),
    )
    return {r["person_id"] for r in rows}
