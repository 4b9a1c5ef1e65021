"""Everyone's side of a campaign: read it page by page, commit to it, see /goals.

```mermaid
stateDiagram-v2
    [*] --> Reading: launch message / "open" from /goals
    Reading --> Reading: previous / next page (edits the message)
    Reading --> Committed: "I commit to carry it out" (open, or late after the deadline)
    Reading --> Reading: commit after the campaign ended (refused, with its dates)
    Committed --> Committed: a second tap (nothing changes, says when)
```
No conversation state: each tap is decided from the callback's ids and the database (the
campaign's status and dates, the reader's scope and acknowledgement).
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from channels.telegram.campaigns import service
from channels.telegram.campaigns.keyboards import markup, parse
from channels.telegram.context import BotContext, audit_context
from channels.telegram.guards import guard
from domain.campaigns import AckWindow, Campaign, ack_window, is_late
from domain.models import Person
from locales import _, format_date, format_datetime
from reports.campaigns import closed_refusal, goals_text
from storage.campaigns import AckResult, CampaignRepository
from storage.outbox import Button

log = logging.getLogger(__name__)


async def edit(query: CallbackQuery, text: str, rows: list[list[Button]]) -> None:
    """Edit a message in place; an identical message (a double tap) is not an error."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML,
                                      reply_markup=markup(rows))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def _goals_message(context: BotContext, person: Person) -> tuple[str, list[list[Button]]]:
    services = context.services
    campaigns = await service.current_campaigns(services, person)
    acks = await CampaignRepository(services.db).acknowledgements_of(
        person.id, (c.id for c in campaigns))
    tz = services.settings.tz
    text = goals_text(campaigns, {cid: a.at.astimezone(tz) for cid, a in acks.items()},
                      services.now().date())
    rows = []
    for number, campaign in enumerate(campaigns, start=1):
        label = _("📄 {number}. Read again") if campaign.id in acks else \
            _("📄 {number}. Read and commit")
        rows.append([Button(label.format(number=number), f"cp:open:{campaign.id}")])
    return text, rows


@guard()
async def goals(update: Update, context: BotContext) -> None:
    message = update.effective_message
    person = context.actor.person
    if message is None or person is None:
        return
    text, rows = await _goals_message(context, person)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup(rows))


@guard()
async def goals_button(update: Update, context: BotContext) -> None:
    """`open:goals`, the button of reminders: the same as /goals, as a new message."""
    query = update.callback_query
    person = context.actor.person
    if query is None or person is None or query.message is None:
        return
    await query.answer()
    text, rows = await _goals_message(context, person)
    await context.bot.send_message(query.message.chat.id, text, parse_mode=ParseMode.HTML,
                                   reply_markup=markup(rows))


async def _expired(query: CallbackQuery) -> None:
    await query.answer(_("This button has expired."), show_alert=True)


@guard()
async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    person = context.actor.person
    if query is None or person is None or query.message is None:
        return
    data = query.data or ""
    action = data.split(":")[1] if data.count(":") >= 2 else ""
    numbers = parse(data, action, 1 if action == "open" else 2)
    if numbers is None:
        await _expired(query)
        return
    campaign = await service.readable_campaign(context.services, numbers[0], person)
    if campaign is None:
        await _expired(query)
        return
    if action == "open":
        await query.answer()
        view = await service.reader_view(context.services, campaign, person, 0)
        await context.bot.send_message(query.message.chat.id, view.text,
                                       parse_mode=ParseMode.HTML,
                                       reply_markup=markup(view.buttons))
    elif action == "pg":
        await query.answer()
        view = await service.reader_view(context.services, campaign, person, numbers[1])
        await edit(query, view.text, view.buttons)
    elif action == "ack":
        await _acknowledge(update, context, person, campaign, numbers[1])
    else:
        await _expired(query)


async def _acknowledge(update: Update, context: BotContext, person: Person, campaign: Campaign,
                       page: int) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    repo = CampaignRepository(services.db)
    now = services.now()
    window = ack_window(campaign, now.date())
    result = AckResult.CLOSED
    if await repo.acknowledgement(campaign.id, person.id) is not None:
        result = AckResult.ALREADY  # even after the end: their commitment stands
    elif window in (AckWindow.OPEN, AckWindow.LATE):
        result = await repo.acknowledge(campaign.id, person.id, "telegram",
                                        audit_context(update, person.id), now,
                                        late=is_late(campaign, now.date()))
    if result == AckResult.CLOSED:
        # Ended while the message was open (or raced with the end): say so, with the dates.
        await query.answer(closed_refusal(campaign), show_alert=True)
    elif result == AckResult.ALREADY:
        ack = await repo.acknowledgement(campaign.id, person.id)
        when = service.local_time(services, ack)
        await query.answer(_("You already committed to this campaign at {time}; nothing "
                             "changed.").format(time=format_datetime(when) if when else ""),
                           show_alert=True)
    elif window == AckWindow.LATE:
        await query.answer(_("Thank you: your commitment is recorded (after the deadline of "
                             "{date}).").format(date=format_date(campaign.ack_deadline)),
                           show_alert=True)
    else:
        await query.answer(_("Thank you: your commitment is recorded."))
    view = await service.reader_view(services, campaign, person, page)
    await edit(query, view.text, view.buttons)
