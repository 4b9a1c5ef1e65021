"""Resolve who sent an update before any feature sees it (handler group -2).

Edited messages stop here: an edit is never a command or an answer (a user fixing a typo in
an old message must not restart a flow or change a saved answer). In a private chat the user
is told to send the correction as a new message.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from domain.access import Actor
from domain.models import Role
from handlers.context import BotContext
from locales import _, normalize_locale, set_locale
from storage.invites import looks_like_code

IDENTITY_GROUP = -2  # -1 is left for what must run between identity and the features


async def resolve_actor(update: Update, context: BotContext) -> Actor:
    services = context.services
    user = update.effective_user
    chat = update.effective_chat
    settings = services.settings
    locale = settings.locale
    person = None
    headed: tuple[int, ...] = ()
    if user is not None:
        found = await services.links.identity(user.id)
        locale = normalize_locale(found.locale, settings.locale)
        person = found.person
        context.link = found.link
        if person is not None and person.role in (Role.UNIT_HEAD, Role.AGENCY_HEAD):
            headed = found.headed_org_ids
    in_secretariat_chat = (
        chat is not None
        and settings.secretariat_chat_id is not None
        and chat.id == settings.secretariat_chat_id
    )
    scope = None
    if in_secretariat_chat or (person is not None and person.role == Role.SECRETARIAT):
        scope = await services.secretariat_scope_id()
    return Actor(
        telegram_user_id=user.id if user else None,
        chat_id=chat.id if chat else None,
        chat_type=chat.type if chat else None,
        locale=locale,
        person=person,
        headed_org_ids=headed,
        in_secretariat_chat=in_secretariat_chat,
        secretariat_scope_id=scope,
    )


async def identify(update: Update, context: BotContext) -> None:
    actor = await resolve_actor(update, context)
    context.actor = actor
    set_locale(actor.locale)
    if update.edited_message is not None:
        if actor.is_private and _may_answer(update, context):
            await update.edited_message.reply_text(
                _("I read new messages only, not edits: please send the correction as a new "
                  "message.")
            )
        raise ApplicationHandlerStop
    if not _may_answer(update, context):
        raise ApplicationHandlerStop  # a stranger's flood: answered a few times, then quiet


def _may_answer(update: Update, context: BotContext) -> bool:
    """False for a message of a stranger (linked to nobody, in private) beyond their share of
    answers (bot.flood.Throttle). What links an account is always read: a shared contact, an
    invite code (a wrong code's answer is throttled by onboarding)."""
    actor = context.actor
    message = update.effective_message
    if not actor.is_private or actor.person is not None or message is None \
            or update.callback_query is not None or actor.telegram_user_id is None:
        return True
    if message.contact is not None or looks_like_invite(message.text or ""):
        return True
    return context.services.strangers.allow(actor.telegram_user_id)


def looks_like_invite(text: str) -> bool:
    """An invite code, typed alone or after /start (handlers.onboarding reads both)."""
    words = text.strip().split()
    if len(words) == 2 and words[0].split("@")[0] == "/start":
        return looks_like_code(words[1])
    return len(words) == 1 and looks_like_code(words[0])


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, identify), group=IDENTITY_GROUP)
