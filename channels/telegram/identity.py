"""Resolve who sent an update before the Telegram handlers not moved to the core see it
(handler group -2): the same resolution as the core's (app.core.resolve_actor)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from app.core import resolve_actor as core_actor
from channels.telegram.adapter import source_of
from channels.telegram.context import BotContext
from domain.access import Actor
from locales import set_locale

IDENTITY_GROUP = -2  # -1 is left for what must run between identity and the features


async def resolve_actor(update: Update, context: BotContext) -> Actor:
    source = source_of(update)
    if source is None:
        settings = context.services.settings
        return Actor(None, None, None, settings.locale)
    actor, identity = await core_actor(context.services, source)
    context.link = identity.link
    return actor


async def identify(update: Update, context: BotContext) -> None:
    actor = await resolve_actor(update, context)
    context.actor = actor
    set_locale(actor.locale)


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, identify), group=IDENTITY_GROUP)
