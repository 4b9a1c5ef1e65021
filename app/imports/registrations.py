"""The registrations file (sent to the bot by the secretariat, or `thidua registrations
import`): the office's paper registrations entered at once; preview first, then applied."""

from __future__ import annotations

from html import escape

from app.imports.kinds import ImportRequest, Preview, UploadKind
from app.services import Services
from domain.registration_import import ImportPlan
from domain.subjects import Subject
from domain.uploads import REGISTRATIONS, ParsedUpload
from locales import _
from reports.registration_import import describe_plan, describe_problems
from storage.audit import AuditContext
from storage.registration_import import (
    apply_import,
    preview_import,
    registrations_digest,
    ruleset_of_year,
)


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
