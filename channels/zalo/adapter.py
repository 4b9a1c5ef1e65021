"""Zalo as a thin channel over the core: typed lines in, plain texts with numbered menus out.

```mermaid
flowchart LR
    U[Zalo update] --> I[inbox: stored first] --> R[menus.read: number, label, word, command]
    R -- Pick / Command / Text --> C[Core.handle]
    C -- outputs --> O[ZaloRenderer: plain text, numbered menu stored, files as links]
```
Everything a person can do on Telegram works here from the same core screens: choices are
typed as numbers (several for ticks), files become expiring links served by the bot's web
server (bot/web.py), pictures go out with sendPhoto pointing at such a link.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
from collections.abc import Coroutine, Sequence
from datetime import timedelta
from typing import Any

from app.core import Core
from app.events import Channel, ChatKind, Event, Pick, Source, Text
from app.services import Services
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
    Settle,
    Toast,
)
from channels.zalo.api import ZaloBotApi
from channels.zalo.errors import ZaloApiError, ZaloBadRequest, ZaloForbidden
from channels.zalo.menus import Late, Unknown, menu_of, numbered, read
from channels.zalo.updates import ZaloUpdate
from locales import _, use_locale
from storage.db import tokens_once
from storage.file_links import FileLinkRepository
from storage.zalo_menus import Menu, MenuRepository

log = logging.getLogger(__name__)
FILE_PATH = "f"  # files are served at <public url>/f/<token>/<name>
TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
HREF = re.compile(r'href="([^"]*)"')
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png",
    ".csv": "text/csv; charset=utf-8",
}


def plain_text(markup: str) -> str:
    """The core's HTML subset as Zalo shows it: tags dropped (a link keeps its address),
    entities decoded."""
    def tag(match: re.Match[str]) -> str:
        closing, name, attributes = match.groups()
        if name.lower() == "a" and not closing:
            found = HREF.search(attributes)
            return "" if found is None else f"\x00{html.unescape(found.group(1))}\x00"
        return ""

    text = TAG.sub(tag, markup)
    # "<a href=url>label</a>" → "label (url)"
    text = re.sub(r"\x00([^\x00]*)\x00([^\x00<]*)", lambda m: f"{m.group(2)} ({m.group(1)})"
                  if m.group(2).strip() and m.group(2).strip() != m.group(1) else m.group(1),
                  text)
    return html.unescape(text.replace("\x00", ""))


def content_type(filename: str) -> str:
    suffix = filename[filename.rfind("."):].lower() if "." in filename else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def now_ms() -> int:
    return int(time.time() * 1000)


class ZaloRenderer:
    """Outputs of one event, in the Zalo chat it came from."""

    def __init__(self, channel: ZaloChannel, source: Source) -> None:
        self.channel = channel
        self.api = channel.api
        self.source = source
        self.chat_id = source.chat_id

    async def render(self, outs: Sequence[Out]) -> None:
        # Texts that precede a screen (a settled screen's last word, a notice) travel in the
        # screen's own message: one message per answer, as the person reads it, and half the
        # sends on a conversation's busiest path. Anything else sends them first, in order.
        pending: list[str] = []
        for out in outs:
            text = self._plain(out)
            if text is not None:
                if text.strip():
                    pending.append(text)
                continue
            if isinstance(out, Message):
                await self._message(out, pending)
            else:
                if pending:
                    await self._send("\n\n".join(pending))
                await self._one(out)
            pending = []
        if pending:
            await self._send("\n\n".join(pending))

    @staticmethod
    def _plain(out: Out) -> str | None:
        """The text an output amounts to on Zalo, if it is only a text ("" when nothing)."""
        if isinstance(out, Settle):
            return plain_text(out.text) if out.text else ""
        if isinstance(out, Alert):
            return out.text
        if isinstance(out, Toast):
            return "" if out.quiet else out.text
        if isinstance(out, AskContact):
            return plain_text(out.text)
        return None

    async def _one(self, out: Out) -> None:
        if isinstance(out, Message):
            await self._message(out)
        elif (text := self._plain(out)) is not None:
            await self._send(text)
        elif isinstance(out, Document | Photo):
            await self._file(out)
        elif isinstance(out, Busy):
            try:
                await self.api.send_chat_action(self.chat_id, "typing")
            except ZaloApiError as exc:  # an indicator is a courtesy: never fail for it
                log.info("chat action refused: %s", exc)
        elif isinstance(out, CommandsChanged):
            return  # Zalo shows no command menu
        elif isinstance(out, Later):
            self.channel.spawn(self._later(out))

    async def _later(self, later: Later) -> None:
        try:
            outs = await later.work()
            await self.render(outs)
        except Exception:
            log.exception("background work %s failed", later.name)
            with use_locale(self.channel.services.settings.locale):
                await self._send(_("Sorry, something went wrong. Please try again."))

    async def _send(self, text: str) -> int | None:
        """Send a text (cut at 2000 characters on lines); the platform's time of the last part."""
        if not text.strip():
            return None
        sent = await self.api.send_text(self.chat_id, text)
        return sent[-1].date if sent and sent[-1].date else None

    async def _message(self, message: Message, before: Sequence[str] = ()) -> None:
        lines = [*(f"{text}\n" for text in before), plain_text(message.text), *numbered(message)]
        if message.multi and message.all_choices:
            lines.append(_("(Type one or several numbers, e.g. 1 3.)"))
        sent_at = await self._send("\n".join(lines))
        # In a group, the menu answers the member who asked (None: posted on the bot's own).
        member = self.source.user_id if not self.source.is_private else None
        shown_at = sent_at or now_ms()
        # A screen without choices is newer than the last list too: its numbers are stale.
        menu = menu_of(self.chat_id, message, shown_at, member or "") or \
            Menu(self.chat_id, (), False, False, shown_at, member or "")
        await MenuRepository(self.channel.services.db).show(menu)

    async def _file(self, out: Document | Photo) -> None:
        services = self.channel.services
        settings = services.settings
        caption = plain_text(out.caption)
        base = settings.public_url or settings.webhook_url
        if not base:
            await self._send(caption + "\n" + _(
                "Files cannot be sent on Zalo without the bot's public address "
                "(THIDUA_PUBLIC_URL). Get it on Telegram, or from the office with the "
                "command: thidua summary --format xlsx|docx|png"))
            return
        owner = self.source.account or f"zalo-chat:{self.chat_id}"
        token = await FileLinkRepository(services.db).create(
            owner, out.filename, content_type(out.filename), out.content,
            timedelta(hours=settings.file_link_hours))
        url = f"{base.rstrip('/')}/{FILE_PATH}/{token}/{out.filename}"
        if isinstance(out, Photo):
            try:
                await self.api.send_photo(self.chat_id, url, caption=caption[:2000])
                return
            except ZaloApiError as exc:
                log.info("sendPhoto refused (%s): sending the link instead", exc)
        hours = settings.file_link_hours
        await self._send(f"📎 {caption}\n{url}\n" + _(
            "(The link works for {hours} hours.)").format(hours=hours))


class ZaloChannel:
    """Receives Zalo updates (the receiver stores them first) and answers through the core."""

    def __init__(self, core: Core, services: Services, api: ZaloBotApi) -> None:
        self.core = core
        self.services = services
        self.api = api
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def source_of(self, update: ZaloUpdate) -> Source:
        return Source(
            channel=Channel.ZALO,
            user_id=update.user_id,
            chat_id=update.chat_id,
            chat_kind=ChatKind.GROUP if update.is_group else ChatKind.PRIVATE,
            display_name=update.display_name or "",
            replay=update.replayed,
        )

    async def handle(self, update: ZaloUpdate) -> None:
        """The receiver's handler: one update, answered."""
        if update.from_bot or update.user_id is None or update.chat_id is None:
            return
        source = self.source_of(update)
        renderer = ZaloRenderer(self, source)
        try:
            with tokens_once():  # cached data (org tree, windows, who) checked with one query
                await self._handle(update, source, renderer)
        except ZaloForbidden:
            await self._unreachable(source)
        except ZaloBadRequest as exc:
            # The platform refused the answer: a chat it does not know (an update it did not
            # make, or a chat gone) or a call it rejects. Nobody can be answered there, and
            # the failed call says what it was: no traceback, no apology to nowhere.
            log.warning("Zalo refused the answer to message %s: %s", update.message_id, exc)
        except Exception:
            log.exception("error while handling Zalo message %s", update.message_id)
            with use_locale(self.services.settings.locale):
                text = _("Sorry, something went wrong. Please try again.")
            with contextlib.suppress(ZaloApiError):  # unreachable: the log has the error
                await renderer._send(text)

    async def _handle(self, update: ZaloUpdate, source: Source, renderer: ZaloRenderer
                      ) -> None:
        if update.kind != "text" or update.text is None:
            if source.is_private:
                await self.answer(source, renderer, Text(""), unreadable=True)
            return
        menu = await self._menu(source)
        # Commands as words where the bot is addressed by them: a private chat, the
        # secretariat's group; in other groups a line without a slash is conversation.
        words = not update.is_group or self.services.is_secretariat_chat(
            Channel.ZALO.value, source.chat_id)
        reading = read(update.text, menu, update.date, self.core.registry.commands,
                       group=update.is_group, words=words)
        if isinstance(reading, Late | Unknown):
            with use_locale(await self._locale(source)):
                if isinstance(reading, Late):
                    text = _("That number was for an earlier list; nothing was done. Please "
                             "choose again from the latest list.")
                else:
                    text = _("There is no {numbers} in the latest list (1–{size}): please "
                             "type one of its numbers.").format(
                        numbers=", ".join(str(n) for n in reading.numbers), size=reading.size)
            await renderer._send(text)
            return
        await self._run(source, renderer, reading)

    async def _run(self, source: Source, renderer: ZaloRenderer, events: list[Event]) -> None:
        """The events of one typed line. Several numbers tick several choices of a ticking
        screen: each is applied to the screen the previous one produced (same position), and
        only the last screen is sent."""
        if not events:
            return  # a group's conversation: none of our business
        if len(events) == 1:
            await renderer.render(await self.core.handle(source, events[0]))
            return
        menu = await self._menu(source)
        assert menu is not None  # several picks come from a menu
        data = [c.data for c in menu.choices]
        positions = [data.index(e.data) for e in events if isinstance(e, Pick)]
        outs: list[Out] = []
        screen: Message | None = None
        for position in positions:
            if position >= len(data):
                break
            result = await self.core.handle(source, Pick(data[position]))
            found = next((o for o in reversed(result) if isinstance(o, Message) and o.multi),
                         None)
            outs += [o for o in result if o is not found]
            if found is None:
                screen = None
                break  # the screen changed kind: the rest of the line is not for it
            screen = found
            data = [c.data for c in found.all_choices]
        if screen is not None:
            outs.append(screen)
        await renderer.render(outs)

    async def _menu(self, source: Source) -> Menu | None:
        """The sender's current menu: the chat's, or in a group the member's own."""
        member = None if source.is_private else source.user_id or ""
        return await MenuRepository(self.services.db).get(source.chat_id, member)

    async def answer(self, source: Source, renderer: ZaloRenderer, event: Event, *,
                     unreadable: bool = False) -> None:
        if unreadable:
            with use_locale(await self._locale(source)):
                await renderer._send(_("I read text messages only: please type your answer."))
            return
        await renderer.render(await self.core.handle(source, event))

    async def _locale(self, source: Source) -> str:
        from app.core import resolve_actor

        actor, _identity = await resolve_actor(self.services, source)
        return actor.locale

    async def _unreachable(self, source: Source) -> None:
        found = await self.services.links.by_account("zalo", source.user_id or "")
        if found is not None and source.is_private:
            person, _link = found
            await self.services.links.mark_unreachable(person.id, channel="zalo",
                                                       chat_id=source.chat_id)
