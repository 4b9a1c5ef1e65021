"""Files the secretariat sends to the bot: recognise, preview, and apply on a button.

The file is parsed once, in a worker process bounded in time and memory (app/parsing.py),
which also tells its kind; each kind (roster, registrations, campaign) registers an
`UploadKind` that previews and applies the parsed file. The parsed file and the digest of
the plan its preview showed are kept in SQLite while the preview waits, so a restart does not
lose it; only the person who sent it can apply or cancel it, once, before it expires
(THIDUA_UPLOAD_TTL_HOURS), and Apply refuses when the plan computed then is not the plan
shown. Whatever the row held is wiped when it is decided or expires.

```mermaid
stateDiagram-v2
    [*] --> Previewed: secretariat sends a file (recognised, valid)
    [*] --> [*]: unknown, too large, too complex or invalid file (problems listed, nothing stored)
    Previewed --> Applied: "Apply" by the sender, the plan unchanged
    Previewed --> Expired: "Apply" after the data changed, or past its time (hourly cleanup)
    Previewed --> Cancelled: "Cancel" by the sender
```
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from app.parsing import ParseFailed, parse_in_worker
from bot.schedule import PeriodicJob
from channels.telegram.context import BotContext, audit_context
from channels.telegram.guards import guard, refuse
from channels.telegram.replies import edit_or_reply
from domain.plans import PlanChanged
from domain.roster import default_bloc
from domain.uploads import ParsedUpload, from_json, to_json
from locales import _, format_size
from reports.imports import parse_failure_text
from storage.audit import AuditContext
from storage.uploads import APPLIED, CANCELLED, EXPIRED, PendingUpload, UploadRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preview:
    ok: bool
    text: str  # HTML
    digest: str = ""  # domain.plans: what the preview showed, checked by Apply


@dataclass(frozen=True)
class UploadKind:
    """`name` is the kind domain.uploads recognises. `apply` runs inside the transaction that
    marks the upload applied (its own `db.transaction()` calls join it): it must not wait for
    another task that writes, and raises domain.plans.PlanChanged when the plan it computes
    is not the one of `upload.plan_digest`."""

    name: str
    preview: Callable[[BotContext, str, ParsedUpload], Awaitable[Preview]]
    apply: Callable[[BotContext, PendingUpload, ParsedUpload, AuditContext], Awaitable[str]]


UPLOAD_KINDS: list[UploadKind] = []


def register_upload_kind(kind: UploadKind) -> None:
    if all(existing.name != kind.name for existing in UPLOAD_KINDS):
        UPLOAD_KINDS.append(kind)


def _kind(name: str) -> UploadKind | None:
    return next((k for k in UPLOAD_KINDS if k.name == name), None)


@guard(private=False, secretariat=True)
async def receive_file(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or message.document is None or user is None:
        return
    document = message.document
    limit = context.services.settings.max_upload_bytes
    if document.file_size is not None and document.file_size > limit:
        await message.reply_text(
            _("The file is too large ({size}); the limit is {limit}.").format(
                size=format_size(document.file_size), limit=format_size(limit))
        )
        return
    try:
        telegram_file = await document.get_file()
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        await message.reply_text(_("I could not download the file. Please send it again."))
        return
    if len(content) > limit:
        await message.reply_text(
            _("The file is too large ({size}); the limit is {limit}.").format(
                size=format_size(len(content)), limit=format_size(limit))
        )
        return
    filename = document.file_name or "file"
    services = context.services
    bloc = default_bloc(await services.orgs.tree(), context.actor.secretariat_scope_id,
                        services.settings.bloc_name)
    try:
        parsed = await parse_in_worker(filename, content, default_bloc=bloc,
                                       limits=services.settings.parse_limits)
    except ParseFailed as failed:
        await message.reply_text(parse_failure_text(failed.reason))
        return
    kind = _kind(parsed.kind) if parsed.kind else None
    if kind is None:
        await message.reply_text(
            _("I do not recognise this file. I accept: a staff roster, a registrations file, a "
              "results file (decision lists), an initiatives register file (CSV or XLSX each) "
              "and a campaign file (YAML or Markdown).")
        )
        return
    preview = await kind.preview(context, filename, parsed)
    if not preview.ok:
        await message.reply_text(preview.text, parse_mode=ParseMode.HTML)
        return
    upload_id = await UploadRepository(services.db).add(
        kind.name, message.chat_id, user.id, filename, to_json(parsed), preview.digest,
        services.settings.upload_ttl, now=services.now(),
    )
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton(_("✅ Apply"), callback_data=f"up:apply:{upload_id}"),
        InlineKeyboardButton(_("✖ Cancel"), callback_data=f"up:cancel:{upload_id}"),
    ]])
    await message.reply_text(
        preview.text + "\n\n" + _("Apply these changes?"),
        parse_mode=ParseMode.HTML, reply_markup=buttons,
    )


@guard(private=False, secretariat=True)
async def decide(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.message is None:
        return
    parts = (query.data or "").split(":")
    repo = UploadRepository(context.services.db)
    upload = None
    if len(parts) == 3 and parts[1] in ("apply", "cancel") and parts[2].isdigit():
        upload = await repo.get(int(parts[2]))
    if upload is None or upload.chat_id != query.message.chat.id or upload.status == CANCELLED:
        await query.answer(_("This button has expired."), show_alert=True)
        return
    if upload.telegram_user_id != user.id:
        await refuse(update, _("Only the person who sent the file can confirm it."))
        return
    if upload.status == APPLIED:
        # Tapped twice, or the tap replayed after a restart: say what happened.
        await query.answer(_("This file has already been applied."), show_alert=True)
        return
    now = context.services.now()
    kind = _kind(upload.kind)
    if kind is None or upload.expired(now) or upload.parsed is None:
        await repo.close(upload.id, EXPIRED, now)
        await query.answer()
        await edit_or_reply(update, context, _("This preview has expired: nothing was "
                                               "changed. Send the file again."))
        return
    if parts[1] == "cancel":
        if not await repo.close(upload.id, CANCELLED, now):
            await query.answer(_("This button has expired."), show_alert=True)
            return
        await query.answer()
        await edit_or_reply(update, context, _("Cancelled: nothing was changed."))
        return
    who = audit_context(update, context.actor.person.id if context.actor.person else None)
    parsed = from_json(upload.parsed)
    # Marking the upload applied and applying it are one transaction: a crash in between
    # leaves both undone (the button still works), never an upload marked applied for nothing.
    try:
        async with context.services.db.transaction():
            if not await repo.close(upload.id, APPLIED, now):
                await query.answer(_("This button has expired."), show_alert=True)
                return
            result = await kind.apply(context, upload, parsed, who)
    except PlanChanged:
        await repo.close(upload.id, EXPIRED, now)
        await query.answer()
        await edit_or_reply(update, context, _(
            "The data changed since this preview was shown (another import?): nothing was "
            "changed. Send the file again to see what it would change now."))
        return
    await query.answer()
    await edit_or_reply(update, context, result, parse_mode=ParseMode.HTML)


async def _expire_due(app: Application, now: datetime) -> str | None:
    return now.strftime("%Y-%m-%dT%H")  # hourly


async def _expire(app: Application, period: str, now: datetime) -> None:
    """Wipe previews nobody decided in time (their files hold every phone number)."""
    expired = await UploadRepository(app.bot_data["services"].db).expire(now)
    if expired:
        log.info("%d upload preview(s) expired and wiped", expired)


PERIODIC_JOBS = [PeriodicJob("upload-expiry", _expire_due, _expire)]


class _SecretariatChat(filters.MessageFilter):
    """The secretariat's group, read from the settings at each message: the group may become
    a supergroup, with a new id, while the bot runs (handlers.chat_migration)."""

    def __init__(self, app: Application) -> None:
        super().__init__(name="SecretariatChat")
        self._app = app

    def filter(self, message: Message) -> bool:
        chat_id = self._app.bot_data["services"].settings.secretariat_chat_id
        return chat_id is not None and message.chat_id == chat_id


def secretariat_or_private(app: Application) -> filters.BaseFilter:
    """Private chats, plus the secretariat's group: other groups' files are none of our business."""
    return filters.ChatType.PRIVATE | _SecretariatChat(app)


def register(app: Application) -> None:
    app.add_handler(
        MessageHandler(
            filters.Document.ALL & filters.UpdateType.MESSAGE & secretariat_or_private(app),
            receive_file,
        )
    )
    app.add_handler(CallbackQueryHandler(decide, pattern=r"^up:"))
