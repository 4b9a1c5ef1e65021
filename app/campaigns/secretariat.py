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
No conversation state: every pick re-reads the campaign and re-checks the secretariat's scope;
a launch is idempotent (one message per person and campaign, ever).
"""

from __future__ import annotations

from html import escape

from app.campaigns import service
from app.campaigns.choices import data, parse, preview_choices
from app.context import Ctx
from app.ui import Choice
from domain.campaigns import Campaign, CampaignStatus
from locales import _, ngettext
from reports.campaigns import (
    campaign_list_text,
    campaign_page,
    chunks,
    over_refusal,
    progress_text,
)

LIST_LIMIT = 8


async def list_campaigns(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    """/campaigns (/phongtrao): the campaigns of the secretariat's scope, with their choices."""
    today = ctx.today()
    items = await service.listing(ctx.services, ctx.actor.secretariat_scope_id, LIST_LIMIT)
    rows: list[list[Choice]] = []
    for number, (campaign, _scope, _progress) in enumerate(items, start=1):
        row = [Choice(_("👁 View {n}").format(n=number), data("view", campaign.id))]
        if campaign.status != CampaignStatus.LOADED:
            row.append(Choice(_("📊 Progress {n}").format(n=number), data("pr", campaign.id)))
        if not campaign.is_over(today):
            label = _("🚀 Launch {n}") if campaign.status == CampaignStatus.LOADED else \
                _("📨 Send to new people {n}")
            row.append(Choice(label.format(n=number), data("ask", campaign.id)))
        rows.append(row)
    ctx.say(campaign_list_text(items, today), rows)


async def on_pick(ctx: Ctx, choice: str) -> None:
    """`cp:view|pv|ask|go|no|pr:…`, rechecked against the secretariat's scope."""
    parsed = parse(choice)
    campaign = None
    if parsed is not None and parsed[0] in ACTIONS:
        campaign = await service.managed_campaign(ctx.services, parsed[1][0],
                                                  ctx.actor.secretariat_scope_id)
    if parsed is None or campaign is None:
        ctx.expired()
        return
    action, numbers = parsed
    await ACTIONS[action](ctx, campaign, numbers[1:])


async def _view(ctx: Ctx, campaign: Campaign, args: list[int]) -> None:
    await _preview(ctx, campaign, 0, replace=False)


async def _page(ctx: Ctx, campaign: Campaign, args: list[int]) -> None:
    await _preview(ctx, campaign, args[0], replace=True)


async def _preview(ctx: Ctx, campaign: Campaign, page: int, *, replace: bool) -> None:
    text, shown, pages = campaign_page(campaign, page, preview=True,
                                       budget=service.budget_of(ctx.source.channel.value))
    ctx.say(text, preview_choices(campaign.id, shown, pages), replace=replace)


async def _progress(ctx: Ctx, campaign: Campaign, args: list[int]) -> None:
    progress = await service.progress(ctx.services, campaign)
    if progress is None:
        return
    for chunk in chunks(progress_text(progress), limit=min(4000, ctx.caps.max_text)):
        ctx.say(chunk)


async def _ask(ctx: Ctx, campaign: Campaign, args: list[int]) -> None:
    plan = await service.plan_launch(ctx.services, campaign)
    if not plan.can_launch:
        ctx.alert(over_refusal(campaign))
        return
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
        ctx.say("\n".join(lines))
        return
    ctx.say("\n".join(lines), [[Choice(_("🚀 Launch"), data("go", campaign.id)),
                                Choice(_("✖ Cancel"), data("no", campaign.id))]])


async def _launch(ctx: Ctx, campaign: Campaign, args: list[int]) -> None:
    queued = await service.launch(ctx.services, campaign, ctx.who())
    if queued is None:
        ctx.alert(over_refusal(campaign))
        ctx.settle(escape(over_refusal(campaign)))
        return
    if queued == 0:  # a second pick, or everyone was reached meanwhile
        ctx.settle(escape(_("There is nobody new to send it to.")))
        return
    ctx.settle("🚀 " + escape(ngettext(
        "“{name}” is launched: {n} message is being sent.",
        "“{name}” is launched: {n} messages are being sent.", queued,
    ).format(name=campaign.name, n=queued), quote=False))


async def _cancel(ctx: Ctx, campaign: Campaign, args: list[int]) -> None:
    ctx.settle(escape(_("Not launched: nothing was sent.")))


ACTIONS = {"view": _view, "pv": _page, "ask": _ask, "go": _launch, "no": _cancel,
           "pr": _progress}
