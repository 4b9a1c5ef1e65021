"""Decision lists sent to the bot by the secretariat: the results file and the initiatives
register file (the same use cases as `thidua results import` and `thidua initiatives
import`: app/results/imports.py), previewed, then applied on the sender's button, within the
secretariat's scope.

Registered before the registrations file: a results file also has year, agency and title
columns, and is told apart by its decision columns (an initiatives file by its level)."""

from __future__ import annotations

from html import escape

from telegram.ext import Application

from app.results.imports import ImportOutcome, initiatives_import, results_import
from channels.telegram.context import BotContext
from channels.telegram.uploads import Preview, UploadKind, register_upload_kind
from domain.results_import import initiatives_from_raw, results_from_raw
from domain.uploads import INITIATIVES, RESULTS, ParsedUpload
from locales import _
from storage.audit import AuditContext
from storage.uploads import PendingUpload


def _html(outcome: ImportOutcome, heading: str) -> str:
    if not outcome.ok:
        return escape(outcome.text)
    return f"<b>{escape(outcome.heading or heading)}</b>\n{escape(outcome.text)}"


async def _results_preview(context: BotContext, filename: str, parsed: ParsedUpload
                           ) -> Preview:
    assert parsed.table is not None
    file = results_from_raw(parsed.table, context.services.now().date())
    outcome = await results_import(context.services, file, filename,
                                   context.actor.secretariat_scope_id, None)
    heading = _("Results on record: {file}").format(file=filename)
    return Preview(outcome.ok, _html(outcome, heading))


async def _results_apply(context: BotContext, upload: PendingUpload, parsed: ParsedUpload,
                         who: AuditContext) -> str:
    assert parsed.table is not None
    file = results_from_raw(parsed.table, context.services.now().date())
    outcome = await results_import(context.services, file, upload.filename,
                                   context.actor.secretariat_scope_id, who)
    return _html(outcome, "")


async def _initiatives_preview(context: BotContext, filename: str, parsed: ParsedUpload
                               ) -> Preview:
    assert parsed.table is not None
    file = initiatives_from_raw(parsed.table, context.services.now().date())
    outcome = await initiatives_import(context.services, file, filename,
                                       context.actor.secretariat_scope_id, None)
    heading = _("Initiatives register: {file}").format(file=filename)
    return Preview(outcome.ok, _html(outcome, heading))


async def _initiatives_apply(context: BotContext, upload: PendingUpload,
                             parsed: ParsedUpload, who: AuditContext) -> str:
    assert parsed.table is not None
    file = initiatives_from_raw(parsed.table, context.services.now().date())
    outcome = await initiatives_import(context.services, file, upload.filename,
                                       context.actor.secretariat_scope_id, who)
    return _html(outcome, "")


INITIATIVES_UPLOAD = UploadKind(INITIATIVES, _initiatives_preview, _initiatives_apply)
RESULTS_UPLOAD = UploadKind(RESULTS, _results_preview, _results_apply)


def register(app: Application) -> None:
    register_upload_kind(INITIATIVES_UPLOAD)
    register_upload_kind(RESULTS_UPLOAD)
