"""Who the bot can reach: a person who blocks the bot is marked unreachable at once (and by
the sender on a 403), and reachable again when they unblock it or write to it."""

from __future__ import annotations

from telegram import ChatMember, Update

from channels.telegram.context import BotContext

# Right after identity (-2), before the features: a person who writes is reachable again, and
# if the reply to this very update then fails with 403, the error handler marks them anew.
PRESENCE_GROUP = -1


async def chat_member_changed(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    person = context.actor.person if context.has_actor else None
    if change is None or person is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    links = context.services.links
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await links.mark_unreachable(person.id, chat_id=change.chat.id)
    elif status == ChatMember.MEMBER:
        await links.mark_unreachable(person.id, reachable=True, chat_id=change.chat.id)


async def back_in_touch(update: Update, context: BotContext) -> None:
    """A person marked unreachable wrote to the bot: they can be reached again."""
    chat = update.effective_chat
    person = context.actor.person if context.has_actor else None
    if chat is None or person is None or chat.type != "private" or update.my_chat_member:
        return
    link = context.link  # read by identity with the person
    if link is not None and link.unreachable_at is not None and link.chat_id == chat.id:
        await context.services.links.mark_unreachable(person.id, reachable=True, chat_id=chat.id)
