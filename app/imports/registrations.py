"""The registrations file sent to the bot by the secretariat (same rules as
`thidua registrations import`): preview first, applied on the sender's button."""

from __future__ import annotations

from html import escape

from channels.telegram.context import BotContext
from channels.telegram.uploads import Preview, UploadKind, register_upload_kind
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
from storage.uploads import PendingUpload


async def _describe(context: BotContext, plan: ImportPlan) -> str:
    services = context.services
    tree = await services.orgs.tree(active_only=False)
    people = {p.id: p for p in await services.people.all(active_only=False)}

    def label(subject: Subject) -> str:
        if subject.person_id is not None and subject.person_id in people:
            return people[subject.person_id].full_name
        return tree.label(subject.org_id) if subject.org_id in tree else "?"

    years = sorted({p.year for p in plan.planned})
    ruleset = await ruleset_of_year(services.db, years[-1]) if years else None
    return escape(describe_plan(plan, ruleset, label))


async def _preview(context: BotContext, filename: str, parsed: ParsedUpload) -> Preview:
    file = parsed.registrations
    assert file is not None
    plan = await preview_import(context.services.db, file,
                                scope_org_id=context.actor.secretariat_scope_id)
    if not plan.ok:
        return Preview(False, escape(describe_problems(plan.problems)))
    title = "<b>" + escape(_("Registrations: {file}").format(file=filename)) + "</b>"
    return Preview(True, title + "\n" + await _describe(context, plan),
                   registrations_digest(plan))


async def _apply(context: BotContext, upload: PendingUpload, parsed: ParsedUpload,
                 who: AuditContext) -> str:
    file = parsed.registrations
    assert file is not None
    plan = await apply_import(context.services.db, file, who,
                              scope_org_id=context.actor.secretariat_scope_id,
                              expected_digest=upload.plan_digest)
    done = _("The registrations were imported.") if plan.has_changes else _("No changes.")
    return f"<b>{escape(done)}</b>\n" + await _describe(context, plan)


REGISTRATIONS_UPLOAD = UploadKind(REGISTRATIONS, _preview, _apply)


def register() -> None:
    register_upload_kind(REGISTRATIONS_UPLOAD)
