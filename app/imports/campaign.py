"""A campaign file (sent to the bot by the secretariat, or `thidua campaign load`): checked
and loaded by app.campaigns.service."""

from __future__ import annotations

from html import escape

from app.campaigns import service
from app.imports.kinds import ImportRequest, Preview, UploadKind
from app.services import Services
from domain.uploads import CAMPAIGN, ParsedUpload
from locales import _
from reports.campaigns import describe_problems, load_preview
from storage.audit import AuditContext


async def _preview(services: Services, request: ImportRequest, parsed: ParsedUpload
                   ) -> Preview:
    assert parsed.campaign is not None
    check = await service.check_parsed(services, parsed.campaign, request.scope_org_id)
    document = check.file.document
    if not check.ok or document is None:
        return Preview(False, escape(describe_problems(check.problems)))
    return Preview(True, load_preview(document, check.scope_name, check.in_scope, check.linked,
                                      check.replaces), service.check_digest(check))


async def _apply(services: Services, request: ImportRequest, parsed: ParsedUpload,
                 who: AuditContext, expected_digest: str | None) -> str:
    assert parsed.campaign is not None
    check, campaign_id = await service.load_parsed(
        services, parsed.campaign, parsed.source or "", who, request.scope_org_id,
        expected_digest=expected_digest)
    if campaign_id is None or check.file.document is None:
        return escape(describe_problems(check.problems))
    code = check.file.document.code
    then = _("Launch it with: thidua campaign launch {code}").format(code=code) if request.cli \
        else _("Send /campaigns to preview it and launch it.")
    return "<b>" + escape(_("The campaign “{code}” is loaded.").format(code=code)) + "</b>\n" \
        + escape(then)


CAMPAIGN_UPLOAD = UploadKind(CAMPAIGN, _preview, _apply)
