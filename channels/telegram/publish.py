"""Publish the command menus Telegram shows, per scope and language."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from app.commands import CommandSpec
from domain.access import Actor
from domain.models import Person, Role
from locales import SUPPORTED_LOCALES, _, get_locale, use_locale

log = logging.getLogger(__name__)


def _menu(commands: list[CommandSpec], actor: Actor) -> list[BotCommand]:
    return [
        BotCommand(spec.shown(get_locale())[0], _(spec.description)[:256])
        for spec in commands
        if spec.available_to(actor)
    ]


async def _set(bot: Bot, commands: list[CommandSpec], actor: Actor, scope: BotCommandScope,
               default_locale: str) -> None:
    for locale in SUPPORTED_LOCALES:
        with use_locale(locale):
            menu = _menu(commands, actor)
        await bot.set_my_commands(menu, scope=scope, language_code=locale)
    with use_locale(default_locale):
        await bot.set_my_commands(_menu(commands, actor), scope=scope)


async def publish_default_commands(
    bot: Bot, commands: list[CommandSpec], secretariat_chat_id: int | None, default_locale: str
) -> None:
    """Menus for everybody: private chats show the staff menu, groups show nothing."""
    staff = Actor(None, None, "private", default_locale,
                  person=Person(id=0, full_name="", phone="", position="", is_leader=False,
                                role=Role.STAFF, org_id=0))
    await _set(bot, commands, staff, BotCommandScopeAllPrivateChats(), default_locale)
    await bot.set_my_commands([], scope=BotCommandScopeAllGroupChats())
    if secretariat_chat_id is not None:
        chat = Actor(None, str(secretariat_chat_id), "group", default_locale,
                     in_secretariat_chat=True)
        await _set(bot, commands, chat, BotCommandScopeChat(secretariat_chat_id), default_locale)


async def publish_person_commands(bot: Bot, commands: list[CommandSpec], actor: Actor) -> None:
    """A person's own menu in their private chat, matching their role."""
    if actor.chat_id is None:
        return
    try:
        await _set(bot, commands, actor, BotCommandScopeChat(int(actor.chat_id)), actor.locale)
    except TelegramError as exc:  # a menu is a convenience: never fail the linking for it
        log.warning("could not publish commands for chat: %s", exc)
