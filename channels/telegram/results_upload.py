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
from domain.results_import import (
    INITIATIVE_COLUMNS,
    INITIATIVE_DETECT,
    RESULT_COLUMNS,
    RESULT_DETECT,
)
from domain.tabular import looks_like_table
from locales import _
from storage.audit import AuditContext
from storage.uploads import PendingUpload


def _html(outcome: ImportOutcome, heading: str) -> str:
    if not outcome.ok:
        return escape(outcome.text)
    return f"<b>{escape(outcome.heading or heading)}</b>\n{escape(outcome.text)}"


def _results_detect(filename: str, content: bytes) -> bool:
    return looks_like_table(filename, content, RESULT_COLUMNS, RESULT_DETECT)


def _initiatives_detect(filename: str, content: bytes) -> bool:
    return looks_like_table(filename, content, INITIATIVE_COLUMNS, INITIATIVE_DETECT)


async def _results_preview(context: BotContext, filename: str, content: bytes) -> Preview:
    outcome = await results_import(context.services, content, filename,
                                   context.actor.secretariat_scope_id, None)
    heading = _("Results on record: {file}").format(file=filename)
    return Preview(outcome.ok, _html(outcome, heading))


async def _results_apply(context: BotContext, upload: PendingUpload, who: AuditContext) -> str:
    outcome = await results_import(context.services, upload.content, upload.filename,
                                   context.actor.secretariat_scope_id, who)
    return _html(outcome, "")


async def _initiatives_preview(context: BotContext, filename: str, content: bytes
                               ) -> Preview:
    outcome = await initiatives_import(context.services, content, filename,
                                       context.actor.secretariat_scope_id, None)
    heading = _("Initiatives register: {file}").format(file=filename)
    return Preview(outcome.ok, _html(outcome, heading))


async def _initiatives_apply(context: BotContext, upload: PendingUpload,
                             who: AuditContext) -> str:
    outcome = await initiatives_import(context.services, upload.content, upload.filename,
                                       context.actor.secretariat_scope_id, who)
    return _html(outcome, "")


INITIATIVES_UPLOAD = UploadKind("initiatives", _initiatives_detect, _initiatives_preview,
                                _initiatives_apply)
RESULTS_UPLOAD = UploadKind("results", _results_detect, _results_preview, _results_apply)


def register(app: Application) -> None:
    register_upload_kind(INITIATIVES_UPLOAD)
    register_upload_kind(RESULTS_UPLOAD)
