"""The secretariat's side: /campaigns, preview, launch with confirmation, measured progress.

```mermaid
stateDiagram-v2
    [*] --> Listed: /campaigns (in its chat, or a secretariat member in private)
    Listed --> Preview: "View n" (paged like the people will read it)
    Listed --> Progress: "Progress n" (commitment and registration rates per agency, unit)
    Listed --> Confirm: "Launch n" / "Send to new people n" (says how many will receive it)
    Confirm --> Launched: "Launch" (messages queued in the outbox; says how many)
    Confirm --> Listed: "Cancel"
    Launched --> [*]
```
No conversation state: every tap re-reads the campaign and re-checks the secretariat's scope;
a launch is idempotent (one message per person and campaign, ever).
"""

from __future__ import annotations

from html import escape

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode

from channels.telegram.campaigns import service
from channels.telegram.campaigns.keyboards import markup, parse, preview_buttons
from channels.telegram.campaigns.reader import edit
from channels.telegram.context import BotContext, audit_context
from channels.telegram.guards import guard
from domain.campaigns import Campaign, CampaignStatus, within_scope
from locales import _, ngettext
from reports.campaigns import (
    campaign_list_text,
    campaign_page,
    chunks,
    over_refusal,
    progress_text,
)
from storage.campaign_progress import campaign_progress
from storage.campaigns import CampaignRepository
from storage.outbox import Button

LIST_LIMIT = 8


async def _visible(context: BotContext) -> list[Campaign]:
    """Campaigns inside the secretariat's scope: loaded and launched first, a few ended."""
    tree = await context.services.orgs.tree()
    scope = context.actor.secretariat_scope_id
    campaigns = [c for c in await CampaignRepository(context.services.db).all()
                 if within_scope(c.scope_org_id, scope, tree)]
    return campaigns[:LIST_LIMIT]


async def _campaign(context: BotContext, campaign_id: int) -> Campaign | None:
    campaign = await CampaignRepository(context.services.db).get(campaign_id)
    if campaign is None:
        return None
    tree = await context.services.orgs.tree()
    if not within_scope(campaign.scope_org_id, context.actor.secretariat_scope_id, tree):
        return None
    return campaign


@guard(private=False, secretariat=True)
async def list_campaigns(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    services = context.services
    today = services.now().date()
    tree = await services.orgs.tree()
    items = []
    rows: list[list[Button]] = []
    for number, campaign in enumerate(await _visible(context), start=1):
        progress = None
        if campaign.status != CampaignStatus.LOADED:
            progress = await campaign_progress(services.db, campaign.id, tz=services.settings.tz)
        scope = tree.label(campaign.scope_org_id) if campaign.scope_org_id in tree else "–"
        items.append((campaign, scope, progress))
        row = [Button(_("👁 View {n}").format(n=number), f"cp:view:{campaign.id}")]
        if campaign.status != CampaignStatus.LOADED:
            row.append(Button(_("📊 Progress {n}").format(n=number), f"cp:pr:{campaign.id}"))
        if not campaign.is_over(today):
            label = _("🚀 Launch {n}") if campaign.status == CampaignStatus.LOADED else \
                _("📨 Send to new people {n}")
            row.append(Button(label.format(n=number), f"cp:ask:{campaign.id}"))
        rows.append(row)
    await message.reply_text(campaign_list_text(items, today), parse_mode=ParseMode.HTML,
                             reply_markup=markup(rows))


async def _expired(query: CallbackQuery) -> None:
    await query.answer(_("This button has expired."), show_alert=True)


@guard(private=False, secretariat=True)
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        return
    data = query.data or ""
    action = data.split(":")[1] if data.count(":") >= 2 else ""
    numbers = parse(data, action, 2 if action == "pv" else 1)
    campaign = await _campaign(context, numbers[0]) if numbers else None
    if numbers is None or campaign is None:
        await _expired(query)
        return
    chat_id = query.message.chat.id
    if action in ("view", "pv"):
        await query.answer()
        text, page, pages = campaign_page(campaign, numbers[1] if action == "pv" else 0,
                                          preview=True)
        buttons = preview_buttons(campaign.id, page, pages)
        if action == "view":
            await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                           reply_markup=markup(buttons))
        else:
            await edit(query, text, buttons)
    elif action == "pr":
        await query.answer()
        progress = await campaign_progress(context.services.db, campaign.id,
                                           tz=context.services.settings.tz)
        if progress is None:
            return
        for chunk in chunks(progress_text(progress)):
            await context.bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML)
    elif action == "ask":
        await _ask(query, context, campaign)
    elif action == "go":
        await _launch(update, context, campaign)
    elif action == "no":
        await query.answer()
        await edit(query, escape(_("Not launched: nothing was sent.")), [])
    else:
        await _expired(query)


async def _ask(query: CallbackQuery, context: BotContext, campaign: Campaign) -> None:
    assert query.message is not None
    chat_id = query.message.chat.id
    plan = await service.plan_launch(context.services, campaign)
    if not plan.can_launch:
        await query.answer(over_refusal(campaign), show_alert=True)
        return
    await query.answer()
    lines = ["<b>" + escape(_("Launch “{name}”?").format(name=campaign.name), quote=False)
             + "</b>",
             escape(ngettext("It will be sent now to {n} person who uses the bot.",
                             "It will be sent now to {n} people who use the bot.",
                             len(plan.recipients)).format(n=len(plan.recipients)))]
    if plan.reached_before:
        lines.append(escape(ngettext("{n} person received it before.",
                                     "{n} people received it before.",
                                     plan.reached_before).format(n=plan.reached_before)))
    if plan.not_linked:
        lines.append(escape(ngettext(
            "{n} person in scope does not use the bot yet: they will receive it "
            "when they link.",
            "{n} people in scope do not use the bot yet: they will receive it "
            "when they link.", plan.not_linked).format(n=plan.not_linked)))
    if not plan.recipients:
        lines.append(escape(_("There is nobody new to send it to.")))
        await context.bot.send_message(chat_id, "\n".join(lines), parse_mode=ParseMode.HTML)
        return
    buttons = [[Button(_("🚀 Launch"), f"cp:go:{campaign.id}"),
                Button(_("✖ Cancel"), f"cp:no:{campaign.id}")]]
    await context.bot.send_message(chat_id, "\n".join(lines),
                                   parse_mode=ParseMode.HTML, reply_markup=markup(buttons))


async def _launch(update: Update, context: BotContext, campaign: Campaign) -> None:
    query = update.callback_query
    assert query is not None
    who = audit_context(update, context.actor.person.id if context.actor.person else None)
    queued = await service.launch(context.services, campaign, who)
    if queued is None:
        await query.answer(over_refusal(campaign), show_alert=True)
        await edit(query, escape(over_refusal(campaign)), [])
        return
    await query.answer()
    if queued == 0:  # a second tap, or everyone was reached meanwhile
        await edit(query, escape(_("There is nobody new to send it to.")), [])
        return
    text = "🚀 " + escape(ngettext(
        "“{name}” is launched: {n} message is being sent.",
        "“{name}” is launched: {n} messages are being sent.", queued,
    ).format(name=campaign.name, n=queued), quote=False)
    await edit(query, text, [])
