"""The registrations file (sent to the bot by the secretariat, or `thidua registrations
import`): the office's paper registrations entered at once; preview first, then applied."""

from __future__ import annotations

from html import escape

from app.imports.kinds import ImportRequest, Preview, UploadKind
from app.rulesets import ruleset_of_year
from app.services import Services
from domain.plans import PlanChanged, plan_digest
from domain.registration_import import (
    ImportPlan,
    RegistrationFile,
    import_plan_fingerprint,
    plan_import,
)
from domain.rules import RuleSet
from domain.subjects import Subject
from domain.uploads import REGISTRATIONS, ParsedUpload
from locales import _
from reports.registration_import import describe_plan, describe_problems
from storage.audit import AuditContext
from storage.db import Database
from storage.orgs import OrgRepository
from storage.people import PeopleRepository
from storage.registration_import import store_import
from storage.registrations import RegistrationRepository


async def _plan(db: Database, file: RegistrationFile, scope_org_id: int | None
                ) -> ImportPlan:
    repo = RegistrationRepository(db)
    years = {row.year for row in file.rows}
    found = {year: await ruleset_of_year(db, year) for year in years}
    rulesets: dict[int, RuleSet] = {
        year: ruleset for year, ruleset in found.items() if ruleset is not None}
    stored = [r for year in sorted(years) for r in await repo.registrations(year)]
    tree = await OrgRepository(db).tree()
    people = await PeopleRepository(db).all()
    return plan_import(file, tree, people, [r.record() for r in stored], rulesets.get,
                       scope_org_id=scope_org_id,
                       answers={(r.year, r.subject.key): r.answers for r in stored})


async def preview_import(
    db: Database, file: RegistrationFile, *, scope_org_id: int | None = None
) -> ImportPlan:
    return await _plan(db, file, scope_org_id)


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
    """Apply a valid file: its plan recomputed and stored in one transaction.

    A changed registration keeps its reference number and the answers its new titles still
    need; it becomes confirmed again if it had been withdrawn. Raises PlanChanged when
    `expected_digest` (the preview's) is not the digest of the plan now.
    """
    if not file.ok:
        raise ValueError("refusing to apply a registrations file with problems")
    async with db.transaction():
        plan = await _plan(db, file, scope_org_id)
        if expected_digest is not None and registrations_digest(plan) != expected_digest:
            raise PlanChanged(plan)
        if not plan.ok:
            raise ValueError("refusing to apply a registrations file with problems")
        await store_import(db, plan, who)
    return plan


async def _describe(services: Services, plan: ImportPlan) -> str:
    tree = await services.orgs.tree(active_only=False)
    people = {p.id: p for p in await services.people.all(active_only=False)}

    def label(subject: Subject) -> str:
        if subject.person_id is not None and subject.person_id in people:
            return people[subject.person_id].full_name
        return tree.label(subject.org_id) if subject.org_id in tree else "?"

    years = sorted({p.year for p in plan.planned})
    ruleset = await ruleset_of_year(services.db, years[-1]) if years else None
    return escape(describe_plan(plan, ruleset, label))


async def _preview(services: Services, request: ImportRequest, parsed: ParsedUpload
                   ) -> Preview:
    file = parsed.registrations
    assert file is not None
    if not file.rows and not file.ok:  # unreadable as a table: nothing to plan
        return Preview(False, escape(describe_problems(file.problems)))
    plan = await preview_import(services.db, file, scope_org_id=request.scope_org_id)
    if not plan.ok:
        return Preview(False, escape(describe_problems(plan.problems)))
    title = "<b>" + escape(_("Registrations: {file}").format(file=request.filename)) + "</b>"
    return Preview(True, title + "\n" + await _describe(services, plan),
                   registrations_digest(plan))


async def _apply(services: Services, request: ImportRequest, parsed: ParsedUpload,
                 who: AuditContext, expected_digest: str | None) -> str:
    file = parsed.registrations
    assert file is not None
    plan = await apply_import(services.db, file, who, scope_org_id=request.scope_org_id,
                              expected_digest=expected_digest)
    done = _("The registrations were imported.") if plan.has_changes else _("No changes.")
    return f"<b>{escape(done)}</b>\n" + await _describe(services, plan)


REGISTRATIONS_UPLOAD = UploadKind(REGISTRATIONS, _preview, _apply)
