"""/start: link a Telegram account to a roster person, by shared contact or invite code.

```mermaid
stateDiagram-v2
    [*] --> Greeted: /start (already linked)
    [*] --> AskContact: /start (unknown user)
    [*] --> Linked: /start <invite code> (valid)
    AskContact --> Linked: own contact, phone on the roster
    AskContact --> AskContact: someone else's contact (refused)
    AskContact --> Refused: phone not on the roster
    AskContact --> Linked: invite code typed
    Linked --> [*]
```
No conversation state is needed: each step is decided from the message and the database.
"""

from __future__ import annotations

from html import escape

from telegram import (
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from domain.access import Actor
from domain.models import Person
from domain.phone import InvalidPhone, normalize_phone
from handlers.commands import CommandSpec
from handlers.context import LINK_HOOKS_KEY, BotContext
from handlers.guards import guard
from handlers.publish import publish_person_commands
from handlers.texts import command_lines, person_card
from locales import N_, _
from storage.audit import AuditContext
from storage.invites import InviteProblem, looks_like_code

COMMANDS = [
    CommandSpec("start", N_("Start, or link your Telegram account"), public=True),
]


def audit_context(update: Update, person_id: int | None = None) -> AuditContext:
    user = update.effective_user
    chat = update.effective_chat
    return AuditContext(
        channel="telegram",
        person_id=person_id,
        telegram_user_id=user.id if user else None,
        chat_id=chat.id if chat else None,
    )


def contact_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(_("📱 Share my phone number"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def start(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    actor = context.actor
    if not actor.is_private:
        await message.reply_text(_("Please message me privately to get started."))
        return
    payload = context.args[0] if context.args else None
    if payload and looks_like_code(payload):
        await _redeem_invite(update, context, payload)
        return
    if actor.person is not None:
        await _greet(update, context, actor.person, welcome_back=True)
        return
    await message.reply_text(
        _(
            "Hello! I am the emulation and commendation assistant of your agency.\n\n"
            "To begin, tap the button below to share your phone number, so I can find you "
            "on the staff roster. If you cannot share it, send the invite code given to you "
            "by the emulation and commendation office."
        ),
        reply_markup=contact_keyboard(),
    )


async def contact_shared(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or message.contact is None or user is None:
        return
    if message.contact.user_id != user.id:
        # A contact card of someone else proves nothing about who is typing.
        await message.reply_text(
            _("Please share your own phone number, using the button below."),
            reply_markup=contact_keyboard(),
        )
        return
    services = context.services
    person = None
    try:
        person = await services.people.by_phone(normalize_phone(message.contact.phone_number))
    except InvalidPhone:
        person = None
    if person is None or not person.active:
        await message.reply_text(
            _(
                "Sorry, this phone number is not on the staff roster. If you work for one of "
                "the agencies, please ask the emulation and commendation office to add you."
            ),
            reply_markup=ReplyKeyboardRemove(),
        )
        return
    who = audit_context(update, person.id)
    await services.links.link(person, user.id, message.chat_id, "contact", who)
    await _greet(update, context, person, welcome_back=False)
    await _after_link(context, person, who)


async def text_from_stranger(update: Update, context: BotContext) -> None:
    """An unlinked user typed something: an invite code, or we explain how to start."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = message.text.strip()
    if looks_like_code(text):
        await _redeem_invite(update, context, text)
        return
    await message.reply_text(
        _("You are not linked yet. Send /start to link your Telegram account."),
    )


async def _redeem_invite(update: Update, context: BotContext, code: str) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = context.services
    result = await services.invites.redeem(code, user.id, audit_context(update))
    if result.person is None:
        if not services.strangers.allow(user.id):
            return  # a flood of guesses: answered a few times, then quiet (bot.flood)
        reasons = {
            InviteProblem.UNKNOWN: _("This invite code is not valid."),
            InviteProblem.USED: _("This invite code has already been used."),
            InviteProblem.EXPIRED: _("This invite code has expired."),
            InviteProblem.INACTIVE: _("This invite code is no longer valid."),
        }
        await message.reply_text(
            reasons[result.problem or InviteProblem.UNKNOWN]
            + "\n"
            + _("Ask the emulation and commendation office for a new code, or share your "
                "phone number with the button below."),
            reply_markup=contact_keyboard(),
        )
        return
    who = audit_context(update, result.person.id)
    await services.links.link(result.person, user.id, message.chat_id, "invite", who)
    await _greet(update, context, result.person, welcome_back=False)
    await _after_link(context, result.person, who)


async def _after_link(context: BotContext, person: Person, who: AuditContext) -> None:
    """What other features owe someone who just linked (a campaign launched before, …)."""
    services = context.services
    link = (await services.links.for_people([person.id])).get(person.id)
    if link is None:
        return
    for hook in context.application.bot_data.get(LINK_HOOKS_KEY, ()):
        await hook(services, person, link, who)


async def _greet(
    update: Update, context: BotContext, person: Person, *, welcome_back: bool
) -> None:
    message = update.effective_message
    if message is None:
        return
    services = context.services
    tree = await services.orgs.tree()
    actor = context.actor
    if actor.person is None or actor.person.id != person.id:
        # Just linked: describe the person with the rights they now have.
        actor = Actor(
            telegram_user_id=actor.telegram_user_id,
            chat_id=actor.chat_id,
            chat_type=actor.chat_type,
            locale=actor.locale,
            person=person,
            headed_org_ids=tuple(await services.people.headed_org_ids(person.id)),
            secretariat_scope_id=await services.secretariat_scope_id(tree),
        )
    greeting = (
        _("Welcome back, {name}!") if welcome_back else _("Linked. Welcome, {name}!")
    ).format(name=person.full_name)
    text = "\n\n".join(
        [
            "<b>" + escape(greeting, quote=False) + "</b>",
            person_card(person, tree, actor.headed_org_ids),
            _("Commands you can use:") + "\n" + command_lines(context.commands, actor),
        ]
    )
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=ReplyKeyboardRemove())
    if not welcome_back:
        await publish_person_commands(context.bot, context.commands, actor)


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", guard(private=False, linked=False)(start)))
    app.add_handler(
        MessageHandler(private & filters.CONTACT & filters.UpdateType.MESSAGE,
                       guard(linked=False)(contact_shared))
    )
