"""Applying a registrations import: one transaction, idempotent, audited."""

from __future__ import annotations

from domain.plans import PlanChanged, plan_digest
from domain.registration import prune_answers
from domain.registration_import import (
    ImportPlan,
    RegistrationFile,
    import_plan_fingerprint,
    plan_import,
)
from domain.rules import NoRuleSetInForce, RuleSet, load_ruleset, ruleset_for_year
from storage.audit import AuditContext
from storage.db import Database
from storage.orgs import OrgRepository
from storage.people import PeopleRepository
from storage.registrations import RegistrationRepository, store_registration
from storage.windows import WindowRepository


async def ruleset_of_year(db: Database, year: int) -> RuleSet | None:
    """The rule set of the year's window, else the one the year is judged by (in force at
    its end: `domain.rules.ruleset_for_year`)."""
    windows = await WindowRepository(db).windows(year)
    try:
        if windows:
            return load_ruleset(windows[-1].ruleset_id)
        return ruleset_for_year(year)
    except (NoRuleSetInForce, KeyError):
        return None


async def _plan(db: Database, file: RegistrationFile, scope_org_id: int | None
                ) -> tuple[ImportPlan, dict[int, RuleSet]]:
    repo = RegistrationRepository(db)
    years = {row.year for row in file.rows}
    found = {year: await ruleset_of_year(db, year) for year in years}
    rulesets = {year: ruleset for year, ruleset in found.items() if ruleset is not None}
    existing = [r.record() for year in sorted(years) for r in await repo.registrations(year)]
    tree = await OrgRepository(db).tree()
    people = await PeopleRepository(db).all()
    plan = plan_import(file, tree, people, existing, rulesets.get, scope_org_id=scope_org_id)
    return plan, rulesets


async def preview_import(
    db: Database, file: RegistrationFile, *, scope_org_id: int | None = None
) -> ImportPlan:
    plan, _ = await _plan(db, file, scope_org_id)
    return plan


def registrations_digest(plan: ImportPlan) -> str:
    """The digest of what a preview showed (domain.plans)."""
    return plan_digest(import_plan_fingerprint(plan))


async def apply_import(
    db: Database,
    file: RegistrationFile,
    who: AuditContext,
    *,
    scope_org_id: int | None = None,
    expected_digest: str | None = None,
) -> ImportPlan:
    """Apply a valid file (its plan recomputed inside the transaction that applies it).

    A changed registration keeps its reference number and the answers its new titles still
    need; it becomes confirmed again if it had been withdrawn. Raises PlanChanged when
    `expected_digest` (the preview's) is not the digest of the plan now.
    """
    if not file.ok:
        raise ValueError("refusing to apply a registrations file with problems")
    async with db.transaction() as conn:
        plan, rulesets = await _plan(db, file, scope_org_id)
        if expected_digest is not None and registrations_digest(plan) != expected_digest:
            raise PlanChanged(plan)
        if not plan.ok:
            raise ValueError("refusing to apply a registrations file with problems")
        for planned in plan.new:
            await store_registration(
                conn, year=planned.year, subject=planned.subject, ticked=planned.ticked,
                implied=planned.implied, answers={}, source="import",
                actor_person_id=who.person_id, who=who,
            )
        for planned, _old in plan.changed:
            current = await RegistrationRepository(db).current(planned.year, planned.subject)
            answers = {}
            if current is not None:
                answers = prune_answers(rulesets[planned.year], planned.titles, current.answers,
                                        subject=planned.subject.kind)
            await store_registration(
                conn, year=planned.year, subject=planned.subject, ticked=planned.ticked,
                implied=planned.implied, answers=answers, source="import",
                actor_person_id=who.person_id, who=who,
            )
    return plan

