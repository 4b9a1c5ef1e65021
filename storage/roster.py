"""Applying a roster import: one transaction, idempotent, audited."""

from __future__ import annotations

from domain.models import Role
from domain.org import OrgTree
from domain.plans import PlanChanged, plan_digest
from domain.roster import (
    HEAD_ROLES,
    RosterFile,
    RosterPlan,
    RosterRow,
    RosterScope,
    org_kind_for_depth,
    org_paths,
    path_key,
    plan_roster,
    roster_plan_fingerprint,
)
from domain.text import fold_key, identity_key
from storage import audit
from storage.audit import AuditContext
from storage.db import Connection, Database, to_db_time, utcnow
from storage.orgs import OrgRepository
from storage.people import PeopleRepository


async def preview_roster(db: Database, roster: RosterFile, *,
                         scope_org_id: int | None = None) -> RosterPlan:
    """What the file would change; rows outside `scope_org_id`'s subtree (None: everything)
    are `plan.problems`, by line."""
    tree = await OrgRepository(db).tree(active_only=False)
    people = PeopleRepository(db)
    return plan_roster(roster, tree, await people.all(active_only=False),
                       await _all_headships(db), scope_org_id)


def roster_digest(plan: RosterPlan) -> str:
    """The digest of what a preview showed (domain.plans)."""
    return plan_digest(roster_plan_fingerprint(plan))


async def apply_roster(db: Database, roster: RosterFile, who: AuditContext, *,
                       scope_org_id: int | None = None,
                       expected_digest: str | None = None) -> RosterPlan:
    """Apply a valid roster file; recomputes the plan inside the transaction it applies in.

    Raises ValueError for a file or plan with problems (rows outside the scope), and
    PlanChanged when `expected_digest` (the preview's) is not the digest of the plan now."""
    if not roster.ok:
        raise ValueError("refusing to apply a roster file with problems")
    async with db.transaction() as conn:
        plan = await preview_roster(db, roster, scope_org_id=scope_org_id)
        if expected_digest is not None and roster_digest(plan) != expected_digest:
            raise PlanChanged(plan)  # rows that went out of scope meanwhile included
        if not plan.ok:
            raise ValueError("refusing to apply rows outside the scope")
        tree = await OrgRepository(db).tree(active_only=False)
        await _apply(conn, roster, plan, tree, who, RosterScope.of(tree, scope_org_id))
    return plan


async def _all_headships(db: Database) -> dict[int, list[int]]:
    rows = await db.fetchall("SELECT person_id, org_id FROM headships")
    result: dict[int, list[int]] = {}
    for r in rows:
        result.setdefault(r["person_id"], []).append(r["org_id"])
    return result


async def _apply(
    conn: Connection,
    roster: RosterFile,
    plan: RosterPlan,
    tree: OrgTree,
    who: AuditContext,
    scope: RosterScope,
) -> None:
    now = to_db_time(utcnow())
    ids: dict[tuple[str, ...], int] = {}
    for unit in tree.walk():
        names = tuple(u.name for u in reversed(tree.ancestors(unit.id)))
        ids[path_key(names)] = unit.id

    for order, path in enumerate(org_paths(roster.rows)):
        key = path_key(path)
        if key in ids and scope.is_above(key):
            continue  # the scope's bloc (or agency): named by the rows, not the uploader's
        if key in ids:
            await conn.execute(
                "UPDATE org_units SET sort_order = ?, active = 1, name = ?, updated_at = ?"
                " WHERE id = ? AND (sort_order != ? OR active = 0 OR name != ?)",
                (order, path[-1], now, ids[key], order, path[-1]),
            )
            continue
        parent_id = ids[key[:-1]] if len(path) > 1 else None
        kind = org_kind_for_depth(len(path))
        cursor = await conn.execute(
            "INSERT INTO org_units (parent_id, kind, name, name_key, search_key, sort_order,"
            " active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (parent_id, kind.value, path[-1], identity_key(path[-1]), fold_key(path[-1]),
             order, now, now),
        )
        ids[key] = int(cursor.lastrowid or 0)
        await audit.record(conn, who, "create", "org", ids[key], {"path": list(path)})

    for org_id in plan.deactivated_orgs:
        await conn.execute(
            "UPDATE org_units SET active = 0, updated_at = ? WHERE id = ?", (now, org_id)
        )
        await audit.record(conn, who, "deactivate", "org", org_id, {})

    person_ids: dict[str, int] = {}
    for change in plan.changed_people:
        person_ids[change.person.phone] = change.person.id
    primary: dict[str, RosterRow] = {}
    for row in roster.rows:
        primary.setdefault(row.phone, row)
    for phone, row in primary.items():
        org_id = ids[path_key(row.org_path)]
        values = (row.full_name, fold_key(row.full_name), row.position, int(row.is_leader),
                  row.role.value, org_id, now)
        cursor = await conn.execute(
            "UPDATE people SET full_name = ?, search_key = ?, position = ?, is_leader = ?,"
            " role = ?, org_id = ?, active = 1, updated_at = ? WHERE phone = ?"
            " RETURNING id",
            (*values, phone),
        )
        found = await cursor.fetchone()
        if found is None:
            cursor = await conn.execute(
                "INSERT INTO people (full_name, search_key, position, is_leader, role, org_id,"
                " updated_at, phone, created_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                (*values, phone, now),
            )
            person_ids[phone] = int(cursor.lastrowid or 0)
            await audit.record(conn, who, "create", "person", person_ids[phone],
                               {"line": row.line})
        else:
            person_ids[phone] = found[0]

    for change in plan.changed_people:
        await audit.record(conn, who, "update", "person", change.person.id,
                           {k: list(v) for k, v in change.fields.items()})
    for person in plan.reactivated_people:
        await audit.record(conn, who, "reactivate", "person", person.id, {})
    for person in plan.deactivated_people:
        await conn.execute(
            "UPDATE people SET active = 0, updated_at = ? WHERE id = ?", (now, person.id)
        )
        await conn.execute("DELETE FROM headships WHERE person_id = ?", (person.id,))
        await audit.record(conn, who, "deactivate", "person", person.id, {})

    await _sync_headships(conn, roster, ids, person_ids)
    await audit.record(conn, who, "import", "roster", None, {
        "new_people": len(plan.new_people),
        "changed_people": len(plan.changed_people),
        "deactivated_people": len(plan.deactivated_people),
        "new_orgs": len(plan.new_orgs),
    })


async def _sync_headships(
    conn: Connection,
    roster: RosterFile,
    ids: dict[tuple[str, ...], int],
    person_ids: dict[str, int],
) -> None:
    wanted: dict[int, set[int]] = {pid: set() for pid in person_ids.values()}
    for row in roster.rows:
        if row.role in HEAD_ROLES:
            org_id = ids[path_key(row.org_path)]
            if row.role == Role.AGENCY_HEAD:
                org_id = ids[path_key(row.org_path[:2])]
            wanted[person_ids[row.phone]].add(org_id)
    ids_json = "[" + ",".join(str(p) for p in wanted) + "]"
    await conn.execute(
        "DELETE FROM headships WHERE person_id IN (SELECT value FROM json_each(?))", (ids_json,)
    )
    await conn.executemany(
        "INSERT INTO headships (person_id, org_id) VALUES (?, ?)",
        [(pid, org_id) for pid, orgs in wanted.items() for org_id in sorted(orgs)],
    )

