"""The registrations file sent to the bot by the secretariat (same rules as
`thidua registrations import`): preview first, applied on the sender's button."""

from __future__ import annotations

from html import escape

from channels.telegram.context import BotContext
from channels.telegram.uploads import Preview, UploadKind, register_upload_kind
from domain.registration_import import COLUMNS, DETECT, ImportPlan, parse_registration_file
from domain.subjects import Subject
from domain.tabular import looks_like_table
from locales import _
from reports.registration_import import describe_plan, describe_problems
from storage.audit import AuditContext
from storage.registration_import import apply_import, preview_import, ruleset_of_year
from storage.uploads import PendingUpload


def _detect(filename: str, content: bytes) -> bool:
    return looks_like_table(filename, content, COLUMNS, DETECT)


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


async def _preview(context: BotContext, filename: str, content: bytes) -> Preview:
    file = parse_registration_file(content, filename)
    plan = await preview_import(context.services.db, file,
                                scope_org_id=context.actor.secretariat_scope_id)
    if not plan.ok:
        return Preview(False, escape(describe_problems(plan.problems)))
    title = "<b>" + escape(_("Registrations: {file}").format(file=filename)) + "</b>"
    return Preview(True, title + "\n" + await _describe(context, plan))


async def _apply(context: BotContext, upload: PendingUpload, who: AuditContext) -> str:
    file = parse_registration_file(upload.content, upload.filename)
    scope = context.actor.secretariat_scope_id
    check = await preview_import(context.services.db, file, scope_org_id=scope)
    if not check.ok:  # the roster changed since the preview
        return escape(describe_problems(check.problems))
    plan = await apply_import(context.services.db, file, who, scope_org_id=scope)
    done = _("The registrations were imported.") if plan.has_changes else _("No changes.")
    return f"<b>{escape(done)}</b>\n" + await _describe(context, plan)


REGISTRATIONS_UPLOAD = UploadKind("registrations", _detect, _preview, _apply)


def register() -> None:
    register_upload_kind(REGISTRATIONS_UPLOAD)
