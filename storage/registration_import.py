"""Writing a registrations import: one transaction, audited.

What to write is the plan the core computed (`app.imports.registrations`,
`domain.registration_import.plan_import`): the titles ticked and implied and the answers of
every new or changed registration. Nothing here applies a rule.
"""

from __future__ import annotations

from domain.registration_import import ImportPlan
from storage.audit import AuditContext
from storage.db import Database
from storage.registrations import store_registration


async def store_import(db: Database, plan: ImportPlan, who: AuditContext) -> None:
    """Store the plan's new and changed registrations (confirmed, source "import"), each
    with its audit entry, all or nothing. Call it inside the transaction in which the plan
    was computed, so that it writes what is current."""
    async with db.transaction() as conn:
        for planned in [*plan.new, *(p for p, _old in plan.changed)]:
            await store_registration(
                conn, year=planned.year, subject=planned.subject, ticked=planned.ticked,
                implied=planned.implied, answers=planned.answers, source="import",
                actor_person_id=who.person_id, who=who,
            )
