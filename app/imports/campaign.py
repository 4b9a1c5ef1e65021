"""A campaign file sent to the bot by the secretariat: checked and loaded by app.campaigns.service,
as `thidua campaign load` does."""

from __future__ import annotations

from html import escape

from app.campaigns import service
from channels.telegram.context import BotContext
from channels.telegram.uploads import Preview, UploadKind
from domain.uploads import CAMPAIGN, ParsedUpload
from locales import _
from reports.campaigns import describe_problems, load_preview
from storage.audit import AuditContext
from storage.uploads import PendingUpload


async def _preview(context: BotContext, filename: str, parsed: ParsedUpload) -> Preview:
    assert parsed.campaign is not None
    check = await service.check_parsed(context.services, parsed.campaign,
                                       context.actor.secretariat_scope_id)
    document = check.file.document
    if not check.ok or document is None:
        return Preview(False, escape(describe_problems(check.problems)))
    return Preview(True, load_preview(document, check.scope_name, check.in_scope, check.linked,
                                      check.replaces), service.check_digest(check))


async def _apply(context: BotContext, upload: PendingUpload, parsed: ParsedUpload,
                 who: AuditContext) -> str:
    assert parsed.campaign is not None
    check, campaign_id = await service.load_parsed(
        context.services, parsed.campaign, parsed.source or "", who,
        context.actor.secretariat_scope_id, expected_digest=upload.plan_digest)
    if campaign_id is None or check.file.document is None:
        return escape(describe_problems(check.problems))
    return "<b>" + escape(_("The campaign “{code}” is loaded.").format(
        code=check.file.document.code)) + "</b>\n" + escape(
        _("Send /campaigns to preview it and launch it."))


CAMPAIGN_UPLOAD = UploadKind(CAMPAIGN, _preview, _apply)
