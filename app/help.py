"""/trogiup (/help: the commands of the person's role) and /ngonngu (/language: vi / en)."""

from __future__ import annotations

from html import escape

from app.access import ANYONE, ANYONE_PRIVATE, not_linked_text
from app.choicedata import fields, pack
from app.commands import CommandSpec
from app.context import Ctx
from app.features import Feature, PickRoute
from app.texts import command_lines
from app.ui import Choice
from locales import N_, SUPPORTED_LOCALES, _, set_locale

LANGUAGE_NAMES = {"vi": "🇻🇳 Tiếng Việt", "en": "🇬🇧 English"}
LANGUAGE_PREFIX = "lang"  # lang:<locale>: the language chosen


def language_data(code: str) -> str:
    return pack(LANGUAGE_PREFIX, code)


def unpack_language(data: str | None) -> str | None:
    """The locale a `lang:<locale>` choice names, or None."""
    parts = fields(data, LANGUAGE_PREFIX, 1)
    return parts[0] if parts and parts[0] in SUPPORTED_LOCALES else None


async def show_help(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    if not actor.is_private and not actor.in_secretariat_chat:
        ctx.say(escape(_("Please message me privately to get started.")))
        return
    lines = command_lines(ctx.registry.listed_commands(), actor)
    intro = escape(_("Commands you can use:"))
    if actor.is_private and actor.person is None:
        intro = escape(not_linked_text()) + "\n\n" + intro
    ctx.say(intro + "\n" + lines)


async def ask_language(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    choices = [Choice(LANGUAGE_NAMES[code], language_data(code)) for code in SUPPORTED_LOCALES]
    ctx.say(escape(_("Choose your language:")), [choices])


async def choose_language(ctx: Ctx, data: str) -> None:
    code = unpack_language(data)
    account = ctx.source.account
    if code is None or account is None:
        ctx.expired()
        return
    await ctx.services.account_settings.set_locale(account, code, ctx.who())
    set_locale(code)
    ctx.say(escape(_("Language set to English.")), replace=True)


COMMANDS = [
    CommandSpec("help", N_("What I can do for you"), show_help, ANYONE, aliases=("trogiup",),
                public=True, secretariat_chat=True),
    CommandSpec("language", N_("Change the language (Tiếng Việt / English)"), ask_language,
                ANYONE_PRIVATE, aliases=("ngonngu",), public=True),
]

FEATURE = Feature(
    name="help",
    commands=COMMANDS,
    picks=[PickRoute(LANGUAGE_PREFIX + ":", choose_language, ANYONE_PRIVATE)],
)
