"""/summary (/tonghop): the registration summary for whoever may see it, then its files.

Who sees what: the secretariat's chat (and a secretariat member in private) sees the
secretariat's scope, an agency head their agency, a unit head the units they head, nobody
else anything. `/summary <name>` narrows to an agency or unit within that scope; a name
outside it is answered exactly like a name that does not exist.
"""

from __future__ import annotations

import functools
from html import escape

from telegram import Update
from telegram.constants import ChatAction, ParseMode

from bot.flood import Busy
from domain.access import scope_roots
from domain.summary_request import parse_summary_args
from handlers.context import BotContext
from handlers.guards import guard
from handlers.summary.delivery import render_files_in_worker, send_files, send_texts
from handlers.summary.service import Refusal, SummaryInputs, report_for, resolve
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
    if refusal.code == "unknown_campaign":
        return _("No launched campaign has the code “{code}” within what you may see.").format(
            code=p["code"])
    return _("You do not have permission to use this.")


@guard(private=False, linked=False)
async def summary_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    actor = context.actor
    if message is None:
        return
    if not actor.is_private and not actor.in_secretariat_chat:
        await message.reply_text(_("Please use this command in a private chat with me."))
        return
    if actor.is_private and actor.person is None:
        await message.reply_text(
            _("You are not linked yet. Send /start to link your Telegram account."))
        return
    services = context.services
    person = actor.telegram_user_id or message.chat_id
    if services.summaries.has(person):  # one request in flight per person (bot.flood)
        await message.reply_text(_("Your previous summary is still being prepared: its files "
                                   "will follow."))
        return
    tree = await services.orgs.tree()
    roots = scope_roots(actor, tree)
    codes = await SummaryStore(services.db).campaign_codes()
    request = parse_summary_args(context.args or [], codes)
    try:
        inputs = await resolve(services, tree, roots, request)
    except Refusal as refusal:
        await message.reply_text(escape(refusal_text(refusal)), parse_mode=ParseMode.HTML)
        return
    try:
        services.summaries.reserve(person, [files_key(inputs, t) for t in inputs.targets])
    except Busy:
        await message.reply_text(_("Many summaries are being prepared right now. Please ask "
                                   "again in a few minutes."))
        return
    try:
        for target in inputs.targets:
            report = report_for(inputs, target)
            await send_texts(context.bot, message.chat_id, summary_messages(report))
    except BaseException:
        services.summaries.release(person)
        raise
    # The files take longest: build and send them without holding up other users' updates.
    context.application.create_task(
        _send_files(context, message.chat_id, inputs, person), update=update,
        name=f"summary-files-{message.chat_id}",
    )


def files_key(inputs: SummaryInputs, target: int | None) -> tuple[object, ...]:
    """What makes two requests' files identical (then rendered once, bot.flood)."""
    return (inputs.year, target, inputs.ruleset.id, tuple(c.code for c in inputs.campaigns),
            get_locale())


async def _send_files(context: BotContext, chat_id: int, inputs: SummaryInputs,
                      person: int) -> None:
    services = context.services
    try:
        for target in inputs.targets:
            await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
            files = await services.summaries.render(
                files_key(inputs, target),
                functools.partial(render_files_in_worker, services, inputs, target))
            await send_files(context.bot, chat_id, files)
    finally:
        services.summaries.release(person)
