"""Telegram as a thin channel over the core: updates in, rendered outputs out.

python-telegram-bot stays the transport (polling or webhook, the update inbox, per-chat order,
retries); one handler turns each update into a core event and renders what the core says:
HTML messages with inline buttons, the tapped screen edited in place, alerts on taps,
documents and photos as attachments, the contact-sharing keyboard.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler

from app.commands import parse_slash
from app.core import Core
from app.events import (
    Channel,
    ChatKind,
    Command,
    Contact,
    DownloadFailed,
    Edited,
    Event,
    FileIn,
    Pick,
    Presence,
    Source,
    Text,
    Unreadable,
)
from channels.telegram.context import REPLAYED_KEY, BotContext
from channels.telegram.publish import publish_person_commands
from channels.telegram.render import Renderer
from domain.access import Actor

log = logging.getLogger(__name__)
CORE_KEY = "core"


def source_of(update: Update, replayed: set[int] | frozenset[int] = frozenset()) -> Source | None:
    chat = update.effective_chat
    user = update.effective_user
    if chat is None:
        return None
    name = " ".join(p for p in (user.first_name, user.last_name) if p) if user else ""
    return Source(
        channel=Channel.TELEGRAM,
        user_id=str(user.id) if user is not None else None,
        chat_id=str(chat.id),
        chat_kind=ChatKind.PRIVATE if chat.type == "private" else ChatKind.GROUP,
        display_name=name,
        replay=update.update_id in replayed,
    )


def event_of(update: Update) -> Event | None:
    """The core event an update means (None: not for the core, e.g. a service message)."""
    if update.edited_message is not None:
        return Edited()
    if update.my_chat_member is not None:
        status = update.my_chat_member.new_chat_member.status
        if status in ("kicked", "left"):
            return Presence(False)
        if status == "member":
            return Presence(True)
        return None
    query = update.callback_query
    if query is not None:
        return Pick(query.data or "")
    message = update.message
    if message is None:
        return None
    if message.contact is not None:
        user = update.effective_user
        own = user is not None and message.contact.user_id == user.id
        return Contact(message.contact.phone_number, own)
    if message.document is not None:
        document = message.document

        async def download() -> bytes:
            try:
                telegram_file = await document.get_file()
                return bytes(await telegram_file.download_as_bytearray())
            except TelegramError as exc:
                raise DownloadFailed(str(exc)) from exc

        return FileIn(document.file_name or "file", document.file_size, download)
    if message.text is not None:
        command = parse_slash(message.text)
        if command is not None:
            return Command(*command)
        return Text(message.text)
    if message.migrate_to_chat_id is not None or message.migrate_from_chat_id is not None:
        return None  # channels.telegram.chat_migration
    return Unreadable()  # a photo, a sticker, a voice note…


class CoreHandler(BaseHandler[Update, BotContext, None]):
    """Takes every update the core answers: commands, choices, files and edits wherever
    they come from; text, contacts and other messages in private only (a group's
    conversation is none of the bot's business, and reading it would cost a lookup each)."""

    def __init__(self, core: Core) -> None:
        super().__init__(self._handle)
        self.core = core

    def check_update(self, update: object) -> Any:
        if not isinstance(update, Update):
            return None
        event = event_of(update)
        if event is None or not self._claims(update, event):
            return None
        return event

    def _claims(self, update: Update, event: Event) -> bool:
        if isinstance(event, Text | Contact | Unreadable):
            chat = update.effective_chat
            return chat is not None and chat.type == "private"
        return True

    async def _handle(self, update: Update, context: BotContext) -> None:
        event = event_of(update)
        source = source_of(update, context.application.bot_data.get(REPLAYED_KEY, ()))
        if event is None or source is None:
            return
        outs = await self.core.handle(source, event)
        await Renderer(context.application, update, int(source.chat_id),
                       self._publisher(context)).render(outs)

    def _publisher(self, context: BotContext) -> Callable[[Actor], Awaitable[None]]:
        async def publish(actor: Actor) -> None:
            await publish_person_commands(context.bot, self.core.registry.commands.specs, actor)

        return publish


def register(app: Application, core: Core) -> None:
    app.bot_data[CORE_KEY] = core
    app.add_handler(CoreHandler(core))
