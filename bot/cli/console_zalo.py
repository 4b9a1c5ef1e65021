"""`thidua console --channel zalo`: the console on the Zalo emulator.

The bot runs with a Zalo token against the in-process Zalo Bot API emulator, and its web
server on a free local port with THIDUA_PUBLIC_URL pointing at it, so the files it sends as
links can be fetched and saved (console-files/). Zalo has no buttons and cannot share a phone
number: menus are numbered lines, a number typed is sent as text (as a Zalo user does), and a
person links with a one-time invite code, which the console prints for them (`:as`, `:code`).
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiohttp
from pydantic import SecretStr

from app.settings import Settings
from bot.cli.console_chat import QUIET_SECONDS, ChatConsole, ReadLine, Write
from bot.runtime import BotRuntime
from domain.models import Person
from emulator.zalo import ZaloEmulator, ZaloGroup, ZaloMessage, ZaloUser
from locales import _, format_size
from storage.audit import AuditContext

CONSOLE_GROUP = 1  # the emulator's group 1 (a stable hex id), unless one is configured
POLL_TIMEOUT = 1.0  # seconds: quitting waits for the poll in flight
FILE_PATH = "/f/"  # the bot's web server hands files out there (bot/web.py)


def zalo_user_for_phone(phone: str) -> int:
    """A stable number for the Zalo account playing a roster person (the emulator makes a
    hex id of it)."""
    return 600_000_000 + int(phone[-8:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def zalo_console(settings: Settings, read: ReadLine, write: Write,
                       quiet: float = QUIET_SECONDS) -> AsyncIterator[ZaloConsole]:
    """The bot running against the Zalo emulator, and the operator's session."""
    emulator = ZaloEmulator()
    await emulator.start()
    group = emulator.group(settings.zalo_secretariat_chat_id or CONSOLE_GROUP,
                           _("Emulation and commendation secretariat"))
    port = free_port()
    offline = settings.model_copy(update={
        "telegram_bot_token": None,  # this console plays Zalo only
        "zalo_bot_token": SecretStr(emulator.token),
        "zalo_api_base_url": emulator.base_url,
        "zalo_secretariat_chat_id": group.chat_id,
        "public_url": f"http://127.0.0.1:{port}",
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
        "webhook_url": None,
    })
    runtime = BotRuntime(offline, zalo_poll_timeout=POLL_TIMEOUT)
    try:
        await runtime.start(mode="polling")
        yield ZaloConsole(emulator, runtime, read, write, quiet)
    finally:
        await runtime.stop()
        await emulator.stop()


class ZaloConsole(ChatConsole):
    def __init__(self, emulator: ZaloEmulator, runtime: BotRuntime, read: ReadLine,
                 write: Write, quiet: float = QUIET_SECONDS) -> None:
        super().__init__(runtime, read, write, quiet)
        self.emulator = emulator
        self.user: ZaloUser | None = None
        self.person: Person | None = None
        self.files = Path("console-files")

    @property
    def group(self) -> ZaloGroup:
        chat_id = self.services.settings.zalo_secretariat_chat_id or CONSOLE_GROUP
        return self.emulator.group(chat_id, _("Emulation and commendation secretariat"))

    def _chat_in_view(self) -> ZaloUser | ZaloGroup | None:
        if self.in_group:
            return self.group
        return self.user

    async def _handle(self, line: str) -> None:
        command, _sep, rest = line.partition(" ")
        rest = rest.strip()
        if command == ":help":
            self.write(zalo_console_help())
        elif command == ":people":
            await self._list_people(rest)
        elif command == ":as":
            await self._act_as(rest)
        elif command == ":code":
            await self._print_code(rest)
        elif command == ":group":
            self.in_group = True
            await self._show_new()
        elif command == ":private":
            self.in_group = False
            await self._show_new()
        elif command == ":contact":
            self.write(_("Zalo cannot share a phone number: link the account with an invite "
                         "code (:code)."))
        elif command == ":file":
            self.write(_("Zalo sends no files to the bot: import rosters, registrations and "
                         "campaigns with the command line (thidua roster import …) or on "
                         "Telegram."))
        else:
            await self._send_text(line)  # a number too: that is how a Zalo user picks

    def _need_user(self) -> ZaloUser:
        if self.user is None:
            raise AssertionError(_("Choose who you are first: :as NAME or :people"))
        return self.user

    async def _act_as(self, query: str) -> None:
        person = await self._find_person(query)
        if person is None:
            return
        self.person = person
        self.user = self.emulator.user(zalo_user_for_phone(person.phone), person.full_name)
        self.user_label = person.full_name
        self.in_group = False
        linked = await self.services.links.by_account("zalo", self.user.id)
        if linked is not None:
            self.write(_("You are now {name}, on Zalo.").format(name=person.full_name))
        else:
            self.write(_("You are now {name}, on Zalo. Zalo cannot share a phone number: "
                         "type the invite code the office hands you to link the account.")
                       .format(name=person.full_name))
            await self._issue_code(person)
        await self._show_new()

    async def _print_code(self, query: str) -> None:
        person = await self._find_person(query) if query else self.person
        if person is None:
            if not query:
                self.write(_("Choose who you are first: :as NAME or :people"))
            return
        await self._issue_code(person)

    async def _issue_code(self, person: Person) -> None:
        """A one-time code for `person`, as `thidua invites create` makes it."""
        days = self.services.settings.invite_ttl_days
        code = await self.services.invites.create(person, timedelta(days=days),
                                                  AuditContext.cli())
        self.write(_("Invite code of {name}: {code}").format(name=person.full_name, code=code))

    async def _send_text(self, text: str) -> None:
        user = self._need_user()
        if self.in_group:
            await self.group.send(user, text)
        else:
            await user.send(text)
        await self._show_new()

    async def _print(self, message: ZaloMessage) -> None:
        # One write per message: above a waiting prompt, it is redrawn once.
        lines = ["🤖 " + message.plain.replace("\n", "\n   ")]
        if message.photo is not None:
            name = Path(unquote(urlsplit(message.photo.url).path)).name or "photo.png"
            target = self._save(name, message.photo.data)
            lines.append(f"   🖼 {target}")
        elif message.kind == "text":
            for url in message.links:
                saved = await self._fetch(url)
                if saved:
                    lines.append(saved)
        self.write("\n".join(lines))

    async def _fetch(self, url: str) -> str | None:
        """A file the bot handed out as a link on its own web server, saved as a phone would
        download it; what to print about it. Other links are left alone (the console is
        offline)."""
        base = self.services.settings.public_url or ""
        if not base or not url.startswith(base.rstrip("/") + FILE_PATH):
            return None
        chat = self._chat_in_view()
        assert chat is not None
        try:
            found = await chat.open_link(url)
        except aiohttp.ClientError as exc:
            return "⚠ " + _("Cannot download {url}: {error}").format(url=url, error=exc)
        if found.status != 200:
            return "⚠ " + _("Cannot download {url}: {error}").format(
                url=url, error=f"HTTP {found.status}")
        name = found.filename or Path(unquote(urlsplit(url).path)).name
        target = self._save(name, found.data)
        return f"   📎 {target} ({format_size(len(found.data))})"

    def _save(self, name: str, data: bytes) -> Path:
        self.files.mkdir(exist_ok=True)
        name = Path(name).name  # never a path from the network
        target = self.files / (name if name not in ("", ".", "..") else "file")
        target.write_bytes(data)
        return target


def zalo_console_help() -> str:
    return _(
        "Commands of the console (Zalo):\n"
        "  :people [TEXT]   list roster people (search by name, phone, unit)\n"
        "  :as NAME|PHONE   act as that person (private chat); prints an invite code to link\n"
        "  :code [NAME]     a new invite code for you (or for that person)\n"
        "  :group           write in the secretariat's group chat   :private  back\n"
        "  :quit            leave\n"
        "Anything else is sent to the bot as a message, numbers too: type 2 to choose the\n"
        "line numbered 2 of the last menu, 1 3 to tick several, menu for your commands.\n"
        "Files the bot sends as links are saved in console-files/."
    )
