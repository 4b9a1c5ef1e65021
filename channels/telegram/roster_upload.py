"""The roster as a file the secretariat sends to the bot (same rules as `thidua roster import`)."""

from __future__ import annotations

from html import escape

from telegram.ext import Application

from channels.telegram.context import BotContext
from channels.telegram.uploads import Preview, UploadKind, register_upload_kind
from domain.roster import COLUMNS, parse_roster
from domain.tabular import looks_like_table
from locales import _
from reports.imports import describe_problems, describe_roster_plan
from storage.audit import AuditContext
from storage.roster import apply_roster, preview_roster
from storage.uploads import PendingUpload


def _detect(filename: str, content: bytes) -> bool:
    return looks_like_table(filename, content, COLUMNS, {"full_name", "phone", "role"})


async def _preview(context: BotContext, filename: str, content: bytes) -> Preview:
    roster = parse_roster(content, filename, context.services.settings.bloc_name)
    if not roster.ok:
        return Preview(False, escape(describe_problems(roster.problems)))
    plan = await preview_roster(context.services.db, roster)
    title = "<b>" + escape(_("Staff roster: {file}").format(file=filename)) + "</b>"
    return Preview(True, title + "\n" + escape(describe_roster_plan(plan, len(roster.rows))))


async def _apply(context: BotContext, upload: PendingUpload, who: AuditContext) -> str:
    roster = parse_roster(upload.content, upload.filename, context.services.settings.bloc_name)
    plan = await apply_roster(context.services.db, roster, who)
    summary = escape(describe_roster_plan(plan, len(roster.rows)))
    done = _("The roster was imported.") if plan.has_changes else _("No changes.")
    return f"<b>{escape(done)}</b>\n{summary}"


ROSTER_UPLOAD = UploadKind("roster", _detect, _preview, _apply)


def register(app: Application) -> None:
    register_upload_kind(ROSTER_UPLOAD)
