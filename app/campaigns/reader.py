"""Everyone's side of a campaign: read it page by page, commit to it, see /goals.

```mermaid
stateDiagram-v2
    [*] --> Reading: launch message / "open" from /goals
    Reading --> Reading: previous / next page (replaces the screen)
    Reading --> Committed: "I commit to carry it out" (open, or late after the deadline)
    Reading --> Reading: commit after the campaign ended (refused, with its dates)
    Committed --> Committed: a second pick (nothing changes, says when)
```
No conversation state: each pick is decided from the choice's ids and the database (the
campaign's status and dates, the reader's scope and acknowledgement).
"""

from __future__ import annotations

from app.campaigns import service
from app.campaigns.choices import READER_ACTIONS, data, parse
from app.context import Ctx
from app.ui import Choice
from domain.campaigns import AckWindow, Campaign, ack_window, is_late
from domain.models import Person
from locales import _, format_date, format_datetime
from reports.campaigns import closed_refusal, goals_text
from reports.progress import OPEN_GOALS
from storage.campaigns import AckResult, CampaignRepository


async def _goals_message(ctx: Ctx, person: Person) -> tuple[str, list[list[Choice]]]:
    services = ctx.services
    campaigns = await service.current_campaigns(services, person)
    acks = await CampaignRepository(services.db).acknowledgements_of(
        person.id, (c.id for c in campaigns))
    tz = ctx.tz
    text = goals_text(campaigns, {cid: a.at.astimezone(tz) for cid, a in acks.items()},
                      ctx.today())
    rows = []
    for number, campaign in enumerate(campaigns, start=1):
        label = _("📄 {number}. Read again") if campaign.id in acks else \
            _("📄 {number}. Read and commit")
        rows.append([Choice(label.format(number=number), data("open", campaign.id))])
    return text, rows


async def goals(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    """/goals (/camket): the person's current campaigns and whether they committed."""
    person = ctx.actor.person
    if person is None:
        return
    text, rows = await _goals_message(ctx, person)
    ctx.say(text, rows)


async def open_goals(ctx: Ctx, choice: str) -> None:
    """`open:goals`, the choice of reminders: the same as /goals, as a new message."""
    if choice != OPEN_GOALS:
        ctx.expired()
        return
    await goals(ctx)


async def on_pick(ctx: Ctx, choice: str) -> None:
    """`cp:pg:…`, `cp:ack:…`, `cp:open:…`: a page, the commitment, a campaign from /goals."""
    person = ctx.actor.person
    parsed = parse(choice)
    if person is None or parsed is None or parsed[0] not in READER_ACTIONS:
        ctx.expired()
        return
    action, numbers = parsed
    campaign = await service.readable_campaign(ctx.services, numbers[0], person)
    if campaign is None:
        ctx.expired()
        return
    if action == "open":
        await _show(ctx, campaign, person, 0)
    elif action == "pg":
        await _show(ctx, campaign, person, numbers[1], replace=True)
    else:
        await _acknowledge(ctx, person, campaign, numbers[1])


async def _show(ctx: Ctx, campaign: Campaign, person: Person, page: int, *,
                replace: bool = False) -> None:
    view = await service.reader_view(ctx.services, campaign, person, page,
                                     ctx.source.channel.value)
    ctx.say(view.text, view.choices, replace=replace)


async def _acknowledge(ctx: Ctx, person: Person, campaign: Campaign, page: int) -> None:
    services = ctx.services
    repo = CampaignRepository(services.db)
    now = ctx.now()
    window = ack_window(campaign, now.date())
    result = AckResult.CLOSED
    if await repo.acknowledgement(campaign.id, person.id) is not None:
        result = AckResult.ALREADY  # even after the end: their commitment stands
    elif window in (AckWindow.OPEN, AckWindow.LATE):
        result = await repo.acknowledge(campaign.id, person.id, ctx.source.channel.value,
                                        ctx.who(), now, late=is_late(campaign, now.date()))
    # What the person must read is an alert (a message where a channel has no alerts); the
    # plain thanks is a toast, sent as a message too where toasts do not exist.
    if result == AckResult.CLOSED:
        # Ended while the message was open (or raced with the end): say so, with the dates.
        ctx.alert(closed_refusal(campaign))
    elif result == AckResult.ALREADY:
        ack = await repo.acknowledgement(campaign.id, person.id)
        when = service.local_time(services, ack)
        ctx.alert(_("You already committed to this campaign at {time}; nothing "
                    "changed.").format(time=format_datetime(when) if when else ""))
    elif window == AckWindow.LATE:
        ctx.alert(_("Thank you: your commitment is recorded (after the deadline of "
                    "{date}).").format(date=format_date(campaign.ack_deadline)))
    else:
        ctx.toast(_("Thank you: your commitment is recorded."))
    await _show(ctx, campaign, person, page, replace=True)
