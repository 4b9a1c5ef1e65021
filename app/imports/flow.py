"""Files the secretariat sends to the bot: recognise, preview, and apply on a choice.

The file is parsed once, in a worker process bounded in time and memory (app/parsing.py),
which also tells its kind; the kind (app.imports.catalog) previews and applies the parsed
file, as the command line does. The parsed file and the digest of the plan its preview
showed are kept in SQLite while the preview waits, so a restart does not lose it; only the
person who sent it, in the chat they sent it to, can apply or cancel it, once, before it
expires (THIDUA_UPLOAD_TTL_HOURS), and Apply refuses when the plan computed then is not the
plan shown. Whatever the row held is wiped when it is decided or expires (an hourly job).
Files arrive on Telegram only (Zalo's bots receive no documents).

Choices: `up:apply:<upload>`, `up:cancel:<upload>`, and `up:<alternative>:<upload>` for
another plan a kind offers beside the preview (the roster's `up:others:…`: deactivate
everyone missing from the file), checked against its own digest.

```mermaid
stateDiagram-v2
    [*] --> Refused: not the secretariat (in private, or its group)
    [*] --> [*]: another group's file (ignored)
    [*] --> [*]: unknown, too large, too complex or invalid file (problems listed, nothing stored)
    [*] --> Previewed: recognised and valid: preview, ✅ Áp dụng / ✖ Huỷ (and alternatives)
    Previewed --> Applied: a choice by the sender, in that chat, the plan unchanged
    Previewed --> Expired: a choice after the data changed, or past its time (hourly cleanup)
    Previewed --> Cancelled: ✖ Huỷ by the sender
    Previewed --> Previewed: someone else's choice, or another chat's (refused)
    Applied --> Applied: a choice again (already applied)
```
"""

from __future__ import annotations

import logging
from datetime import datetime

from app.access import SECRETARIAT_ONLY
from app.context import Ctx
from app.events import DownloadFailed, FileIn
from app.features import PeriodicJob
from app.imports.catalog import KINDS
from app.imports.choices import APPLY, CANCEL, UploadPick, unpack
from app.imports.kinds import ImportRequest
from app.parsing import ParseFailed, parse_in_worker
from app.services import Services
from app.ui import Choice, Role
from domain.plans import PlanChanged
from domain.roster import default_bloc
from domain.uploads import from_json, to_json
from locales import _, format_size
from reports.imports import parse_failure_text
from storage.uploads import APPLIED, CANCELLED, EXPIRED, UploadRepository

log = logging.getLogger(__name__)


def _too_large(size: int, limit: int) -> str:
    return _("The file is too large ({size}); the limit is {limit}.").format(
        size=format_size(size), limit=format_size(limit))


async def on_file(ctx: Ctx, event: FileIn) -> None:
    """A file sent to the bot: the secretariat's, in private or in its group."""
    if not ctx.source.is_private and not ctx.actor.in_secretariat_chat:
        return  # other groups' files are none of our business
    refusal = SECRETARIAT_ONLY.refusal(ctx.actor)
    if refusal is not None:
        ctx.alert(refusal)
        return
    services = ctx.services
    limit = services.settings.max_upload_bytes
    if event.size is not None and event.size > limit:
        ctx.say(_too_large(event.size, limit))
        return
    try:
        content = await event.download()
    except DownloadFailed:
        ctx.say(_("I could not download the file. Please send it again."))
        return
    if len(content) > limit:
        ctx.say(_too_large(len(content), limit))
        return
    scope = ctx.actor.secretariat_scope_id
    bloc = default_bloc(await services.orgs.tree(), scope, services.settings.bloc_name)
    try:
        parsed = await parse_in_worker(event.filename, content, default_bloc=bloc,
                                       limits=services.settings.parse_limits)
    except ParseFailed as failed:
        ctx.say(parse_failure_text(failed.reason))
        return
    kind = KINDS.get(parsed.kind)
    if kind is None:
        ctx.say(_("I do not recognise this file. I accept: a staff roster, a registrations "
                  "file, a results file (decision lists), an initiatives register file (CSV "
                  "or XLSX each) and a campaign file (YAML or Markdown)."))
        return
    preview = await kind.preview(services, ImportRequest(event.filename, scope), parsed)
    if not preview.ok:
        ctx.say(preview.text)
        return
    alternatives = {a.action: {"options": dict(a.options), "digest": a.digest}
                    for a in preview.alternatives}
    assert ctx.source.user_id is not None  # a file always has a sender
    upload_id = await UploadRepository(services.db).add(
        kind.name, ctx.source.channel.value, ctx.source.chat_id, ctx.source.user_id,
        event.filename, to_json(parsed), preview.digest, services.settings.upload_ttl,
        options={"alternatives": alternatives} if alternatives else None, now=ctx.now())
    choices = [[Choice(_("✅ Apply"), UploadPick(APPLY, upload_id).data),
                Choice(_("✖ Cancel"), UploadPick(CANCEL, upload_id).data, Role.CANCEL)],
               *([Choice(a.label, UploadPick(a.action, upload_id).data)]
                 for a in preview.alternatives)]
    ctx.say(preview.text + "\n\n" + _("Apply these changes?"), choices)


async def on_pick(ctx: Ctx, data: str) -> None:
    """`up:<action>:<upload>`: the sender decides their preview."""
    repo = UploadRepository(ctx.services.db)
    pick = unpack(data)
    upload = await repo.get(pick.upload) if pick is not None else None
    source = ctx.source
    if pick is None or upload is None or upload.channel != source.channel.value \
            or upload.chat_id != source.chat_id or upload.status == CANCELLED:
        ctx.expired()
        return
    action = pick.action
    alternative = upload.options.get("alternatives", {}).get(action)
    if action not in (APPLY, CANCEL) and alternative is None:
        ctx.expired()
        return
    if upload.account != source.account:
        ctx.alert(_("Only the person who sent the file can confirm it."))
        return
    if upload.status == APPLIED:
        # Tapped twice, or the tap replayed after a restart: say what happened.
        ctx.alert(_("This file has already been applied."))
        return
    now = ctx.now()
    kind = KINDS.get(upload.kind)
    if kind is None or upload.expired(now) or upload.parsed is None:
        await repo.close(upload.id, EXPIRED, now)
        ctx.say(_("This preview has expired: nothing was changed. Send the file again."),
                replace=True)
        return
    if action == CANCEL:
        if not await repo.close(upload.id, CANCELLED, now):
            ctx.expired()
            return
        ctx.say(_("Cancelled: nothing was changed."), replace=True)
        return
    options, digest = ({}, upload.plan_digest) if alternative is None \
        else (alternative["options"], alternative["digest"])
    request = ImportRequest(upload.filename, ctx.actor.secretariat_scope_id, options)
    parsed = from_json(upload.parsed)
    # Marking the upload applied and applying it are one transaction: a crash in between
    # leaves both undone (the choice still works), never an upload marked applied for nothing.
    try:
        async with ctx.services.db.transaction():
            if not await repo.close(upload.id, APPLIED, now):
                ctx.expired()
                return
            result = await kind.apply(ctx.services, request, parsed, ctx.who(), digest)
    except PlanChanged:
        await repo.close(upload.id, EXPIRED, now)
        ctx.say(_("The data changed since this preview was shown (another import?): nothing "
                  "was changed. Send the file again to see what it would change now."),
                replace=True)
        return
    ctx.say(result, replace=True)


async def _expire_due(services: Services, now: datetime) -> str | None:
    return now.strftime("%Y-%m-%dT%H")  # hourly


async def _expire(services: Services, period: str, now: datetime) -> None:
    """Wipe previews nobody decided in time (their files hold every phone number)."""
    expired = await UploadRepository(services.db).expire(now)
    if expired:
        log.info("%d upload preview(s) expired and wiped", expired)


EXPIRE_UPLOADS = PeriodicJob("upload-expiry", _expire_due, _expire)
