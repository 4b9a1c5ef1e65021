"""Decision lists: the results file and the initiatives register file (sent to the bot by
the secretariat, or `thidua results import`, `thidua initiatives import`), previewed, then
applied within the importer's scope (app/results/imports.py), the plan shown checked by its
digest like every import's."""

from __future__ import annotations

from html import escape

from app.imports.kinds import ImportRequest, Preview, UploadKind
from app.results.imports import ImportOutcome, initiatives_import, results_import
from app.services import Services
from domain.results_import import initiatives_from_raw, results_from_raw
from domain.uploads import INITIATIVES, RESULTS, ParsedUpload
from locales import _
from storage.audit import AuditContext


def _html(outcome: ImportOutcome, heading: str) -> str:
    if not outcome.ok:
        return escape(outcome.text)
    return f"<b>{escape(outcome.heading or heading)}</b>\n{escape(outcome.text)}"


async def _results_preview(services: Services, request: ImportRequest, parsed: ParsedUpload
                           ) -> Preview:
    assert parsed.table is not None
    file = results_from_raw(parsed.table, services.now().date())
    outcome = await results_import(services, file, request.filename, request.scope_org_id,
                                   None)
    heading = _("Results on record: {file}").format(file=request.filename)
    return Preview(outcome.ok, _html(outcome, heading), outcome.digest)


async def _results_apply(services: Services, request: ImportRequest, parsed: ParsedUpload,
                         who: AuditContext, expected_digest: str | None) -> str:
    assert parsed.table is not None
    file = results_from_raw(parsed.table, services.now().date())
    outcome = await results_import(services, file, request.filename, request.scope_org_id,
                                   who, expected_digest=expected_digest)
    return _html(outcome, "")


async def _initiatives_preview(services: Services, request: ImportRequest,
                               parsed: ParsedUpload) -> Preview:
    assert parsed.table is not None
    file = initiatives_from_raw(parsed.table, services.now().date())
    outcome = await initiatives_import(services, file, request.filename,
                                       request.scope_org_id, None)
    heading = _("Initiatives register: {file}").format(file=request.filename)
    return Preview(outcome.ok, _html(outcome, heading), outcome.digest)


async def _initiatives_apply(services: Services, request: ImportRequest,
                             parsed: ParsedUpload, who: AuditContext,
                             expected_digest: str | None) -> str:
    assert parsed.table is not None
    file = initiatives_from_raw(parsed.table, services.now().date())
    outcome = await initiatives_import(services, file, request.filename,
                                       request.scope_org_id, who,
                                       expected_digest=expected_digest)
    return _html(outcome, "")


RESULTS_UPLOAD = UploadKind(RESULTS, _results_preview, _results_apply)
INITIATIVES_UPLOAD = UploadKind(INITIATIVES, _initiatives_preview, _initiatives_apply)
