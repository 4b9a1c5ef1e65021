"""Rendering what the core said as Telegram messages.

A tap is always answered (the first alert or toast rides on the answer, as Telegram shows it
over the chat); a screen marked `replace` edits the tapped message in place, so a flow keeps
one message instead of filling the chat; everything else is a new message in HTML with inline
buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest
from telegram.ext import Application

from app.ui import (
    Alert,
    AskContact,
    Busy,
    CommandsChanged,
    Document,
    Later,
    Message,
    Out,
    Photo,
    Rows,
    Settle,
    Toast,
)

log = logging.getLogger(__name__)
MAX_TEXT = 4096
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def inline_markup(choices: Rows) -> InlineKeyboardMarkup | None:
    if not choices:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(c.label, callback_data=c.data)
                                  for c in row] for row in choices])


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """A text over the limit in pieces cut at line ends (a safety net: use cases page)."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


class Renderer:
    """Outputs of one event, in the chat the event came from."""

    def __init__(self, app: Application, update: Update | None, chat_id: int,
                 publish: object = None) -> None:
        self.app = app
        self.bot = app.bot
        self.update = update
        self.query = update.callback_query if update is not None else None
        self.chat_id = chat_id
        self.publish = publish  # async (actor) -> None: the person's command menu

    async def render(self, outs: Sequence[Out]) -> None:
        outs = list(outs)
        if self.query is not None:
            notice = next((o for o in outs if isinstance(o, Alert | Toast)), None)
            if isinstance(notice, Alert):
                await self.query.answer(notice.text[:200], show_alert=True)
            elif isinstance(notice, Toast):
                await self.query.answer(notice.text[:200])
            else:
                await self.query.answer()
            if notice is not None:
                outs.remove(notice)
        for out in outs:
            await self._one(out)

    async def _one(self, out: Out) -> None:
        bot = self.bot
        if isinstance(out, Message):
            await self._message(out)
        elif isinstance(out, Settle):
            await self._settle(out.text)
        elif isinstance(out, Alert):
            await bot.send_message(self.chat_id, out.text)
        elif isinstance(out, Toast):
            if not out.quiet:
                await bot.send_message(self.chat_id, out.text)
        elif isinstance(out, Document):
            await bot.send_document(self.chat_id, out.content, filename=out.filename,
                                    caption=out.caption, parse_mode=ParseMode.HTML)
        elif isinstance(out, Photo):
            await bot.send_photo(self.chat_id, out.content, filename=out.filename,
                                 caption=out.caption, parse_mode=ParseMode.HTML)
        elif isinstance(out, AskContact):
            keyboard = ReplyKeyboardMarkup([[KeyboardButton(out.button, request_contact=True)]],
                                           resize_keyboard=True, one_time_keyboard=True)
            await bot.send_message(self.chat_id, out.text, parse_mode=ParseMode.HTML,
                                   reply_markup=keyboard)
        elif isinstance(out, Busy):
            action = ChatAction.UPLOAD_DOCUMENT if out.kind == "upload_document" \
                else ChatAction.TYPING
            await bot.send_chat_action(self.chat_id, action)
        elif isinstance(out, CommandsChanged):
            if self.publish is not None:
                await self.publish(out.actor)  # type: ignore[operator]
        elif isinstance(out, Later):
            self.app.create_task(self._later(out), update=self.update, name=out.name)

    async def _later(self, later: Later) -> None:
        outs = await later.work()
        await Renderer(self.app, None, self.chat_id, self.publish).render(outs)

    async def _message(self, out: Message) -> None:
        markup: InlineKeyboardMarkup | ReplyKeyboardRemove | None = inline_markup(out.choices)
        if out.replace and self.query is not None and self.query.message is not None \
                and self.query.message.is_accessible and len(out.text) <= MAX_TEXT:
            try:
                await self.query.edit_message_text(
                    out.text, parse_mode=ParseMode.HTML, reply_markup=markup,  # type: ignore[arg-type]
                    link_preview_options=NO_PREVIEW)
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return
                log.info("cannot edit the tapped message (%s): sending a new one", exc)
        if markup is None and out.remove_keyboard:
            markup = ReplyKeyboardRemove()
        pieces = split_text(out.text)
        for n, piece in enumerate(pieces, start=1):
            await self.bot.send_message(
                self.chat_id, piece, parse_mode=ParseMode.HTML,
                reply_markup=markup if n == len(pieces) else None,
                link_preview_options=NO_PREVIEW)

    async def _settle(self, text: str | None) -> None:
        query = self.query
        if query is None or query.message is None:
            return
        try:
            if text is None:
                await query.edit_message_reply_markup(None)
            else:
                await query.edit_message_text(text, parse_mode=ParseMode.HTML,
                                              reply_markup=None, link_preview_options=NO_PREVIEW)
        except BadRequest:
            pass  # already without buttons, or too old to edit: nothing to tidy


def plain(text: str) -> str:
    """Plain text as HTML (for texts that are not markup)."""
    return escape(text, quote=False)
