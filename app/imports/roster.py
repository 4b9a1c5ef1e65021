"""The roster as a file (sent to the bot, or `thidua roster import`): preview and apply.

The file speaks for the agencies (or units) it names: the preview counts who else is missing
from it, and deactivating those too is another plan, offered beside the preview (the
command line's `--deactivate-others`). An agency placed in another bloc is shown as a move
(the command line's `--move-blocs`). A scoped secretariat (THIDUA_SECRETARIAT_SCOPE)
changes its scope only: rows outside it are refused by line, without a name.
"""

from __future__ import annotations

from html import escape

from app.imports.kinds import Alternative, ImportRequest, Preview, UploadKind
from app.services import Services
from domain.uploads import ROSTER, ParsedUpload
from locales import _, ngettext
from reports.imports import describe_problems, describe_roster_plan
from storage.audit import AuditContext
from storage.roster import apply_roster, preview_roster, roster_digest

OTHERS = "others"  # option: deactivate everyone of the blocs (scope) missing from the file
MOVE_BLOCS = "move_blocs"  # what the command line must be told to move agencies


async def _preview(services: Services, request: ImportRequest, parsed: ParsedUpload
                   ) -> Preview:
    roster = parsed.roster
    assert roster is not None
    if not roster.ok:
        return Preview(False, escape(describe_problems(roster.problems)))
    others = bool(request.options.get(OTHERS))
    plan = await preview_roster(services.db, roster, scope_org_id=request.scope_org_id,
                                others=others)
    if not plan.ok:
        return Preview(False, escape(describe_problems(plan.problems)))
    title = "<b>" + escape(_("Staff roster: {file}").format(file=request.filename)) + "</b>"
    text = title + "\n" + escape(describe_roster_plan(plan, len(roster.rows)))
    alternatives: tuple[Alternative, ...] = ()
    if plan.absent_elsewhere and not others:
        wider = await preview_roster(services.db, roster, scope_org_id=request.scope_org_id,
                                     others=True)
        label = ngettext("Apply, and deactivate the {n} other too",
                         "Apply, and deactivate the {n} others too",
                         plan.absent_elsewhere).format(n=plan.absent_elsewhere)
        alternatives = (Alternative(OTHERS, "⚠️ " + label, {OTHERS: True},
                                    roster_digest(wider)),)
    asks = frozenset({MOVE_BLOCS}) if plan.moved_agencies else frozenset()
    return Preview(True, text, roster_digest(plan), alternatives, asks)


async def _apply(services: Services, request: ImportRequest, parsed: ParsedUpload,
                 who: AuditContext, expected_digest: str | None) -> str:
    roster = parsed.roster
    assert roster is not None
    plan = await apply_roster(services.db, roster, who, scope_org_id=request.scope_org_id,
                              others=bool(request.options.get(OTHERS)),
                              expected_digest=expected_digest)
    summary = escape(describe_roster_plan(plan, len(roster.rows)))
    done = _("The roster was imported.") if plan.has_changes else _("No changes.")
    return f"<b>{escape(done)}</b>\n{summary}"


ROSTER_UPLOAD = UploadKind(ROSTER, _preview, _apply)
