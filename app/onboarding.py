"""/start: link an account to a roster person, by a shared contact (where the channel can share
a verified one: Telegram) or by a one-time invite code (every channel).

```mermaid
stateDiagram-v2
    [*] --> Greeted: /start (already linked: what is open for them now, choices to act)
    [*] --> Ask: /start (unknown account)
    [*] --> Linked: /start <invite code> (valid)
    Ask --> Linked: own contact, phone on the roster (Telegram)
    Ask --> Ask: someone else's contact (refused)
    Ask --> Refused: phone not on the roster
    Ask --> Linked: invite code typed (any case, spaces or dashes)
    Ask --> Ask: phone number typed (explained: it proves nothing)
    Ask --> Ask: wrong code (the account is slowed down after 5 in 15 minutes)
    Linked --> [*]: greeting, then what is open for them now with choices to act
```
No conversation state is needed: each step is decided from the message and the database.
A phone number typed as text never links anyone: only the channel's verified contact does.
A person may be linked on Telegram, Zalo or both; linking one keeps the other, and /start says
where they are linked and how to add the other channel (app.invites.channels).
"""

from __future__ import annotations

from html import escape

from app.access import ANYONE
from app.commands import CommandSpec
from app.context import Ctx
from app.events import Contact
from app.features import Feature
from app.invites.channels import linked_channels
from app.open_now import open_now_screen
from app.texts import command_lines, person_card
from domain.access import Actor
from domain.invite_codes import looks_like_code
from domain.models import Person
from domain.phone import InvalidPhone, looks_like_phone, normalize_phone
from locales import N_, _, format_datetime
from storage.invites import InviteProblem, RedeemResult


def _plain(text: str) -> str:
    return escape(text, quote=False)


def _ask(ctx: Ctx) -> None:
    """How to link, as this channel allows."""
    if ctx.caps.contact_sharing:
        ctx.ask_contact(_plain(_(
            "Hello! I am the emulation and commendation assistant of your agency.\n\n"
            "To begin, tap the button below to share your phone number, so I can find you "
            "on the staff roster. If you cannot share it, send the invite code given to you "
            "by the emulation and commendation office.")), _("📱 Share my phone number"))
    else:
        ctx.say(_plain(_(
            "Hello! I am the emulation and commendation assistant of your agency.\n\n"
            "To begin, send the invite code given to you by the emulation and commendation "
            "office (or by the head of your unit).")))


async def start(ctx: Ctx, args: tuple[str, ...]) -> None:
    if not ctx.source.is_private:
        ctx.say(_plain(_("Please message me privately to get started.")))
        return
    payload = " ".join(args).strip()  # a code may come typed in groups: /start 7KQ2 M9XD …
    if payload and looks_like_phone(payload):
        if ctx.actor.person is None:
            _explain_phone(ctx)
        else:
            await _greet(ctx, ctx.actor.person, welcome_back=True)
        return
    if payload and looks_like_code(payload):
        await _redeem_invite(ctx, payload)
        return
    if ctx.actor.person is not None:
        await _greet(ctx, ctx.actor.person, welcome_back=True)
        return
    _ask(ctx)


def _explain_phone(ctx: Ctx) -> None:
    """A typed phone number proves nothing (anyone can type anyone's): say how to link."""
    why = _("A phone number typed in a message cannot show that it is yours, so I never link "
            "anyone with it.")
    if ctx.caps.contact_sharing:
        ctx.ask_contact(_plain(why + "\n" + _(
            "Tap the button below to share your phone number (Telegram confirms it is "
            "yours), or send the invite code given to you by the emulation and commendation "
            "office.")), _("📱 Share my phone number"))
    else:
        ctx.say(_plain(why + "\n" + _(
            "Please send the invite code that the emulation and commendation office or the "
            "head of your unit handed you (it looks like 7KQ2-M9XD-4HPA-QR8T-ZW3E).")))


async def contact_shared(ctx: Ctx, contact: Contact) -> None:
    if not contact.own:
        # A contact card of someone else proves nothing about who is typing.
        ctx.ask_contact(_plain(_("Please share your own phone number, using the button below.")),
                        _("📱 Share my phone number"))
        return
    services = ctx.services
    try:
        person = await services.people.by_phone(normalize_phone(contact.phone))
    except InvalidPhone:
        person = None
    if person is None or not person.active:
        ctx.say(_plain(_(
            "Sorry, this phone number is not on the staff roster. If you work for one of "
            "the agencies, please ask the emulation and commendation office to add you.")),
            remove_keyboard=True)
        return
    await _link(ctx, person, "contact")


async def text_from_stranger(ctx: Ctx, text: str) -> bool:
    """An unlinked account typed something: an invite code is redeemed, a phone number is
    explained; False otherwise."""
    text = text.strip()
    if looks_like_phone(text):
        _explain_phone(ctx)
        return True
    if looks_like_code(text):
        await _redeem_invite(ctx, text)
        return True
    return False


async def _redeem_invite(ctx: Ctx, code: str) -> None:
    services = ctx.services
    account = ctx.source.account
    if account is None:
        return
    result = await services.invites.redeem(code, account, ctx.who(), now=ctx.now())
    if result.person is None:
        _refuse(ctx, result)
        return
    await _link(ctx, result.person, "invite")


def _refuse(ctx: Ctx, result: RedeemResult) -> None:
    """Why a code did not link, and what to do; when to try again after too many."""
    if result.problem == InviteProblem.THROTTLED:
        assert result.retry_at is not None
        ctx.say(_plain(_(
            "Too many wrong codes were sent from this account. To keep codes safe from "
            "guessing, please try again after {time}.").format(
            time=format_datetime(result.retry_at.astimezone(ctx.tz)))))
        return
    reasons = {
        InviteProblem.UNKNOWN: _("This invite code is not valid."),
        InviteProblem.USED: _("This invite code has already been used."),
        InviteProblem.EXPIRED: _("This invite code has expired."),
        InviteProblem.INACTIVE: _("This invite code is no longer valid."),
        InviteProblem.REVOKED: _("This invite code was replaced by a newer one: please use "
                                 "the latest code you were given."),
    }
    reason = reasons.get(result.problem or InviteProblem.UNKNOWN, reasons[InviteProblem.UNKNOWN])
    if result.retry_at is not None:
        reason += "\n" + _("That was too many wrong codes: please wait until {time} before "
                           "trying again.").format(
            time=format_datetime(result.retry_at.astimezone(ctx.tz)))
    if ctx.caps.contact_sharing:
        ctx.ask_contact(_plain(reason + "\n" + _(
            "Ask the emulation and commendation office for a new code, or share your "
            "phone number with the button below.")), _("📱 Share my phone number"))
    else:
        ctx.say(_plain(reason + "\n" + _(
            "Ask the emulation and commendation office (or the head of your unit) for a "
            "new code.")))


async def _link(ctx: Ctx, person: Person, method: str) -> None:
    services = ctx.services
    source = ctx.source
    who = ctx.who()
    who = type(who)(who.channel, person.id, who.account, who.chat_id)
    assert source.user_id is not None
    await services.links.link(person, source.channel.value, source.user_id, source.chat_id,
                              method, who)
    actor = await _greet(ctx, person, welcome_back=False)
    ctx.commands_changed(actor)
    link = await services.links.for_person(person.id, source.channel.value)
    if link is None:
        return
    for hook in ctx.registry.link_hooks():
        await hook(services, person, link, who)


async def _greet(ctx: Ctx, person: Person, *, welcome_back: bool) -> Actor:
    services = ctx.services
    tree = await services.orgs.tree()
    actor = ctx.actor
    if actor.person is None or actor.person.id != person.id:
        # Just linked: describe the person with the rights they now have.
        actor = Actor(
            account=actor.account,
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
    # Where the person is linked; on /start, how to add the other channel (with a choice,
    # not offered on the greeting that must take the contact keyboard away).
    channels, choices = await linked_channels(ctx, person, offer=welcome_back)
    # What is open for them now, with choices to act. Where linking showed the contact
    # keyboard (Telegram), the greeting takes it away and this follows in a message of its
    # own (one message cannot do both); elsewhere it is part of the greeting.
    waiting, actions = await open_now_screen(ctx, actor, tree)
    apart = not welcome_back and ctx.caps.contact_sharing
    blocks = [
        "<b>" + escape(greeting, quote=False) + "</b>",
        person_card(person, tree, actor.headed_org_ids),
        channels,
        *([] if apart else [waiting]),
        _plain(_("Commands you can use:")) + "\n"
        + command_lines(ctx.registry.listed_commands(), actor),
    ]
    if apart:
        ctx.say("\n\n".join(blocks), choices, remove_keyboard=True)
        ctx.say(waiting, actions)
    else:
        ctx.say("\n\n".join(blocks), actions + choices, remove_keyboard=True)
    return actor


COMMANDS = [
    CommandSpec("start", N_("Start, or link your account"), start, ANYONE, public=True),
]

FEATURE = Feature(
    name="onboarding",
    commands=COMMANDS,
    on_contact=contact_shared,
    on_unlinked_text=text_from_stranger,
)
