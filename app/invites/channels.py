"""On which channels a person is linked, how to add the other, and a code of one's own for it.

A person linked on Telegram proves who they are there; asking for a code on Telegram and
typing it on Zalo (or the other way round) links the second account without the office. The
choice names the channel to add (`iv:me:zalo`); it is rechecked when it comes back (the
channel runs, the person is not linked there yet).
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from app.context import Ctx
from app.invites.batch import link_guide
from app.invites.choices import own_code_data, unpack_own_code
from app.ui import Choice
from domain.models import Person
from locales import _, format_datetime
from reports.invite_slips import LinkGuide, telegram_steps, zalo_steps

NAMES = {"telegram": "Telegram", "zalo": "Zalo"}


def _name(channel: str) -> str:
    return NAMES.get(channel, channel)


def _how_to_add(channel: str, guide: LinkGuide) -> str:
    if channel == "zalo":
        bot = f"“{guide.zalo_name}”" if guide.zalo_name else _(
            "the emulation and commendation assistant")
        return _("To use me on Zalo too: open a chat with {bot} on Zalo and send it a code; "
                 "get your code with the choice below.").format(bot=bot)
    bot = f"@{guide.telegram_username}" if guide.telegram_username else _(
        "the emulation and commendation assistant")
    return _("To use me on Telegram too: send /start to {bot} on Telegram and share your "
             "phone number, or send it a code; get your code with the choice below."
             ).format(bot=bot)


async def linked_channels(ctx: Ctx, person: Person, *, offer: bool
                          ) -> tuple[str, list[list[Choice]]]:
    """HTML lines saying where the person is linked; with `offer`, how to add a channel the
    bot also runs on, and the choice that gives them a code for it."""
    links = await ctx.services.links.all_of(person.id)
    linked = [k.channel for k in links]
    if len(linked) > 1:
        text = _("You are linked on Telegram and Zalo: messages I send on my own go to the "
                 "one you used last.")
    else:
        current = linked[0] if linked else ctx.source.channel.value
        text = _("You are linked on {channel}.").format(channel=_name(current))
    lines = [escape(text)]
    choices: list[list[Choice]] = []
    missing = [c for c in ctx.services.settings.channels if c not in linked]
    if offer and missing and ctx.source.channel.value not in missing:
        other = missing[0]
        lines.append(escape(_how_to_add(other, link_guide(ctx.services.settings))))
        choices.append([Choice(_("🔑 A code to link {channel}").format(channel=_name(other)),
                               own_code_data(other))])
    return "\n".join(lines), choices


async def own_code(ctx: Ctx, data: str) -> None:
    """A linked person's code for their account on the other channel."""
    person = ctx.actor.person
    channel = unpack_own_code(data)
    settings = ctx.services.settings
    if person is None or channel is None or channel not in settings.channels \
            or channel == ctx.source.channel.value:
        ctx.expired()
        return
    if await ctx.services.links.for_person(person.id, channel) is not None:
        ctx.settle(escape(_("You are already linked on {channel}.").format(
            channel=_name(channel))))
        return
    ttl = timedelta(days=settings.invite_ttl_days)
    (issued,) = await ctx.services.invites.issue([person], ttl, ctx.who())
    guide = link_guide(settings)
    steps = zalo_steps(guide, issued.code) if channel == "zalo" \
        else telegram_steps(guide, issued.code)
    ctx.settle()
    ctx.say("\n".join([
        escape(_("Your code to link {channel}:").format(channel=_name(channel))),
        f"<code>{issued.code}</code>",
        escape(steps),
        escape(_("It works once, until {expires}; a new code replaces it. Keep it to "
                 "yourself.").format(
            expires=format_datetime(issued.expires_at.astimezone(ctx.tz)))),
    ]))
