"""The roster as a file the secretariat sends to the bot (same rules as `thidua roster import`).

A scoped secretariat (THIDUA_SECRETARIAT_SCOPE) changes its scope only: rows outside it are
refused by line, without a name.
"""

from __future__ import annotations

from html import escape

from telegram.ext import Application

from channels.telegram.context import BotContext
from channels.telegram.uploads import Preview, UploadKind, register_upload_kind
from domain.uploads import ROSTER, ParsedUpload
from locales import _
from reports.imports import describe_problems, describe_roster_plan
from storage.audit import AuditContext
from storage.roster import apply_roster, preview_roster, roster_digest
from storage.uploads import PendingUpload


async def _preview(context: BotContext, filename: str, parsed: ParsedUpload) -> Preview:
    roster = parsed.roster
    assert roster is not None
    if not roster.ok:
        return Preview(False, escape(describe_problems(roster.problems)))
    plan = await preview_roster(context.services.db, roster,
                                scope_org_id=context.actor.secretariat_scope_id)
    if not plan.ok:
        return Preview(False, escape(describe_problems(plan.problems)))
    title = "<b>" + escape(_("Staff roster: {file}").format(file=filename)) + "</b>"
    return Preview(True, title + "\n" + escape(describe_roster_plan(plan, len(roster.rows))),
                   roster_digest(plan))


async def _apply(context: BotContext, upload: PendingUpload, parsed: ParsedUpload,
                 who: AuditContext) -> str:
    roster = parsed.roster
    assert roster is not None
    plan = await apply_roster(context.services.db, roster, who,
                              scope_org_id=context.actor.secretariat_scope_id,
                              expected_digest=upload.plan_digest)
    summary = escape(describe_roster_plan(plan, len(roster.rows)))
    done = _("The roster was imported.") if plan.has_changes else _("No changes.")
    return f"<b>{escape(done)}</b>\n{summary}"


ROSTER_UPLOAD = UploadKind(ROSTER, _preview, _apply)


def register(app: Application) -> None:
    register_upload_kind(ROSTER_UPLOAD)
