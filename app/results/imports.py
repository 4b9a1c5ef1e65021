"""Importing decision lists (results) and the initiatives register: the preview and the
application, the upload kinds of app.imports (a file sent to the bot, or `thidua results
import`, `thidua initiatives import`). Texts are plain: the chat escapes them, the terminal
prints them. A preview's `digest` is what Apply checks (domain.plans)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.services import Services
from domain.plans import PlanChanged, plan_digest
from domain.results import catalog_for_year
from domain.results_import import (
    InitiativesFile,
    ResultsFile,
    ResultsPlan,
    Roster,
    parse_initiatives_file,
    parse_results_file,
    plan_results,
    results_plan_fingerprint,
)
from domain.subjects import Subject
from locales import _
from reports.results_import import (
    describe_initiatives_plan,
    describe_problems,
    describe_results_plan,
)
from storage.audit import AuditContext
from storage.db import Database
from storage.initiatives import apply_initiatives, initiatives_digest, preview_initiatives
from storage.orgs import OrgRepository
from storage.people import PeopleRepository
from storage.results import ResultsRepository, register_entries, store_results


@dataclass(frozen=True)
class ImportOutcome:
    ok: bool
    heading: str  # what happened (empty for a preview)
    text: str  # the problems, or the plan
    changed: bool = False
    digest: str = ""  # of the plan shown (domain.plans)


async def _plan(db: Database, file: ResultsFile, scope_org_id: int | None) -> ResultsPlan:
    tree = await OrgRepository(db).tree()
    people = await PeopleRepository(db).all()
    roster = Roster(tree, people, scope_org_id)
    years = {row.year for row in file.rows}
    stored = await ResultsRepository(db).of_years(years) if years else []
    return plan_results(file, roster, stored, await register_entries(db), catalog_for_year)


async def preview_results(db: Database, file: ResultsFile, *,
                          scope_org_id: int | None = None) -> ResultsPlan:
    return await _plan(db, file, scope_org_id)


def results_digest(plan: ResultsPlan) -> str:
    """The digest of what a preview showed (domain.plans)."""
    return plan_digest(results_plan_fingerprint(plan))


async def apply_results(db: Database, file: ResultsFile, who: AuditContext, *,
                        scope_org_id: int | None = None,
                        expected_digest: str | None = None) -> ResultsPlan:
    """Apply a valid file, its plan recomputed and stored in one transaction.
    Results of subjects, years and titles absent from the file are left as they are.
    Raises PlanChanged when `expected_digest` (the preview's) is not the plan's now."""
    if not file.ok:
        raise ValueError("refusing to apply a results file with problems")
    async with db.transaction():
        plan = await _plan(db, file, scope_org_id)
        if expected_digest is not None and results_digest(plan) != expected_digest:
            raise PlanChanged(plan)
        if not plan.ok:
            raise ValueError("refusing to apply a results file with problems")
        await store_results(db, plan, who)
    return plan


async def results_label(services: Services) -> Callable[[Subject], str]:
    """How a preview names a subject: a person's name, a collective's "unit – agency"."""
    tree = await services.orgs.tree(active_only=False)
    people = {p.id: p for p in await services.people.all(active_only=False)}

    def label(subject: Subject) -> str:
        if subject.person_id is not None and subject.person_id in people:
            return people[subject.person_id].full_name
        return tree.label(subject.org_id) if subject.org_id in tree else "?"

    return label


async def results_import(services: Services, content: bytes | ResultsFile, filename: str,
                         scope_org_id: int | None, who: AuditContext | None, *,
                         expected_digest: str | None = None) -> ImportOutcome:
    """Preview a results file (`who` None) or apply it; all or nothing. `content`: the file,
    or its rows already read (an upload is read once, in a worker: domain.uploads).
    Applying raises PlanChanged when `expected_digest` is not the plan's now."""
    file = content if isinstance(content, ResultsFile) else \
        parse_results_file(content, filename, services.now().date())
    plan = await preview_results(services.db, file, scope_org_id=scope_org_id)
    if not plan.ok:
        return ImportOutcome(False, "", describe_problems(plan.problems, limit=200))
    heading = ""
    if who is not None:
        plan = await apply_results(services.db, file, who, scope_org_id=scope_org_id,
                                   expected_digest=expected_digest)
        heading = _("The results were recorded.") if plan.has_changes else _("No changes.")
    years = sorted({p.year for p in plan.planned})
    ruleset = catalog_for_year(years[-1] if years else services.now().year)
    text = describe_results_plan(plan, ruleset, await results_label(services))
    return ImportOutcome(True, heading, text, plan.has_changes, results_digest(plan))


async def initiatives_import(services: Services, content: bytes | InitiativesFile,
                             filename: str, scope_org_id: int | None, who: AuditContext | None,
                             *, expected_digest: str | None = None) -> ImportOutcome:
    """Preview an initiatives register file (`who` None) or apply it; all or nothing."""
    file = content if isinstance(content, InitiativesFile) else \
        parse_initiatives_file(content, filename, services.now().date())
    plan = await preview_initiatives(services.db, file, scope_org_id=scope_org_id)
    if not plan.ok:
        return ImportOutcome(False, "", describe_problems(plan.problems, limit=200))
    heading = ""
    if who is not None:
        plan = await apply_initiatives(services.db, file, who, scope_org_id=scope_org_id,
                                       expected_digest=expected_digest)
        heading = _("The initiatives were recorded.") if plan.has_changes else _("No changes.")
    return ImportOutcome(True, heading, describe_initiatives_plan(plan), plan.has_changes,
                         initiatives_digest(plan))
