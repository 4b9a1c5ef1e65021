"""Row mapping and SQL helpers shared by the registration repositories (`storage.windows`,
`storage.drafts`, `storage.registrations`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domain.rules import SubjectKind
from domain.subjects import Subject
from storage.db import Connection, Database
from storage.orgs import OrgRepository

# A row as read (sqlite3.Row) or rebuilt from JSON (dict): both index by column name.
Record = sqlite3.Row | Mapping[str, Any]


def row_subject(row: Record) -> Subject:
    """The subject of a draft's or a registration's row."""
    return Subject(SubjectKind(row["subject_kind"]), row["org_id"], row["person_id"])


def subject_where(subject: Subject) -> tuple[str, tuple[Any, ...]]:
    """SQL matching a subject's rows: a person by id (whatever unit they are in now)."""
    if subject.person_id is not None:
        return "subject_kind = 'person' AND person_id = ?", (subject.person_id,)
    return "subject_kind = ? AND org_id = ? AND person_id IS NULL", (
        subject.kind.value,
        subject.org_id,
    )


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


async def fetch_one(conn: Connection, sql: str, params: Iterable[Any] = ()) -> Any:
    """The first row (or None) of a query on `conn`, in one round trip."""
    return next(iter(await conn.execute_fetchall(sql, tuple(params))), None)


async def person_orgs(db: Database, person_ids: Iterable[int]) -> dict[int, int]:
    """Where the roster puts each person now: person id → org id."""
    ids = "[" + ",".join(str(int(i)) for i in person_ids) + "]"
    rows = await db.fetchall(
        "SELECT id, org_id FROM people WHERE id IN (SELECT value FROM json_each(?))", (ids,)
    )
    return {r["id"]: r["org_id"] for r in rows}


async def within_scope(db: Database, subjects: Sequence[Subject], scope_org_id: int | None
                       ) -> list[bool]:
    """For each subject, whether it lies in `scope_org_id` (None: everywhere); a person
    counts where the roster puts them now."""
    if scope_org_id is None:
        return [True] * len(subjects)
    tree = await OrgRepository(db).tree(active_only=False)
    orgs = await person_orgs(db, (s.person_id for s in subjects if s.person_id is not None))
    result = []
    for subject in subjects:
        org_id = subject.org_id
        if subject.person_id is not None:
            org_id = orgs.get(subject.person_id, org_id)
        result.append(org_id in tree and tree.is_within(org_id, scope_org_id))
    return result
