"""/summary (/tonghop): the registration summary for whoever may see it, then its files.

Who sees what: the secretariat's chat (and a secretariat member in private) sees the
secretariat's scope, an agency head their agency, a unit head the units they head, nobody
else anything. `/summary <name>` narrows to an agency or unit within that scope; a name
outside it is answered exactly like a name that does not exist.

The texts are said at once; the files (chart, XLSX, DOCX) are built in a worker process and
said later (`Ctx.later`), so the chat is not held up while they are built.
"""

from __future__ import annotations

import functools
from html import escape

from app.access import not_linked_text
from app.context import Ctx
from app.flood import Busy
from app.summary.delivery import file_outputs
from app.summary.service import Refusal, SummaryInputs, check_year, report_for, resolve
from app.summary.workers import render_files_in_worker
from domain.access import scope_roots
from domain.summary_request import parse_summary_args
from locales import _, get_locale, ngettext
from reports.summary_text import summary_messages
from storage.summary import SummaryStore


def refusal_text(refusal: Refusal) -> str:
    p = refusal.params
    if refusal.code == "no_scope":
        return _("The summary is for heads of units and agencies and for the emulation and "
                 "commendation secretariat.")
    if refusal.code == "not_found":
        return _("No agency or unit matching “{text}” within what you may see. Check the "
                 "name, or send /summary alone.").format(text=p["text"])
    if refusal.code == "ambiguous":
        names = "\n".join(f"• {name}" for name in p["names"])
        more = ""
        if p["more"]:
            more = "\n" + ngettext("… and {n} more", "… and {n} more", p["more"]).format(
                n=p["more"])
        return _("Several agencies or units match “{text}”; please be more precise:").format(
            text=p["text"]) + "\n" + names + more
    if refusal.code == "no_year":
        text = _("There is nothing to summarise for {year}: no registration window, "
                 "registration or campaign of that year.").format(year=p["year"])
        if p["years"]:
            text += " " + _("Years with figures: {years}.").format(
                years=", ".join(str(y) for y in p["years"]))
        return text
    if refusal.code == "unknown_campaign":
        return _("No launched campaign has the code “{code}” within what you may see.").format(
            code=p["code"])
    return _("You do not have permission to use this.")


async def summary_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    if not actor.is_private and not actor.in_secretariat_chat:
        ctx.alert(_("Please use this command in a private chat with me."))
        return
    if actor.is_private and actor.person is None:
        ctx.alert(not_linked_text())
        return
    services = ctx.services
    person = actor.account or ctx.source.chat_id
    if services.summaries.has(person):  # one request in flight per person (app.flood)
        ctx.say(escape(_("Your previous summary is still being prepared: its files "
                         "will follow.")))
        return
    tree = await services.orgs.tree()
    roots = scope_roots(actor, tree)
    codes = await SummaryStore(services.db).campaign_codes()
    request = parse_summary_args(list(args), codes)
    try:
        await check_year(services, request)
        inputs = await resolve(services, tree, roots, request)
    except Refusal as refusal:
        ctx.say(escape(refusal_text(refusal)))
        return
    try:
        services.summaries.reserve(person, [files_key(inputs, t) for t in inputs.targets])
    except Busy:
        ctx.say(escape(_("Many summaries are being prepared right now. Please ask again in a "
                         "few minutes.")))
        return
    for target in inputs.targets:
        report = report_for(inputs, target)
        for text in summary_messages(report, limit=ctx.caps.max_text):
            ctx.say(text)
    # The files take longest: built and said without holding up the chat's next messages.
    ctx.busy("upload_document")
    ctx.later(lambda later: _files(later, inputs, person),
              name=f"summary-files-{ctx.source.chat_id}")


def files_key(inputs: SummaryInputs, target: int | None) -> tuple[object, ...]:
    """What makes two requests' files identical (then rendered once, app.flood)."""
    return (inputs.year, target, inputs.ruleset.id, tuple(c.code for c in inputs.campaigns),
            get_locale())


async def _files(ctx: Ctx, inputs: SummaryInputs, person: object) -> None:
    services = ctx.services
    try:
        for target in inputs.targets:
            files = await services.summaries.render(
                files_key(inputs, target),
                functools.partial(render_files_in_worker, services, inputs, target))
            ctx.out.extend(file_outputs(files))
    finally:
        services.summaries.release(person)
