"""`thidua console`: chat with the bot in the terminal, with no token and no network.

The real bot runs against the in-process emulator of a channel (`--channel telegram`, the
default, or `zalo`) on the configured database; the operator acts as any roster person
(private chat) or in the secretariat's group chat. On Telegram, bot messages are printed with
their buttons numbered and typing a number taps that button; on Zalo (bot/cli/console_zalo.py)
menus are numbered lines and a number is sent as text, as a Zalo user types it. What the bot
sends while the prompt waits is printed as it arrives (bot/cli/console_chat.py).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from app.settings import Settings
from bot.cli.console_chat import QUIET_SECONDS, ChatConsole, ReadLine, Write
from bot.cli.terminal import Terminal
from bot.runtime import BotRuntime
from emulator import BotApiEmulator, BotMessage, EmuGroup, EmuUser
from locales import _, format_size

CONSOLE_SECRETARIAT_CHAT = -1000000000001
CHANNELS = ("telegram", "zalo")


def user_id_for_phone(phone: str) -> int:
    """A stable fake Telegram id for a roster phone number."""
    return 500_000_000 + int(phone[-8:])


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("console", help=_("chat with the bot offline, in this terminal"))
    parser.add_argument("--demo", action="store_true",
                        help=_("import the demo roster first if the database has nobody"))
    parser.add_argument("--channel", choices=CHANNELS, default="telegram",
                        help=_("the messenger to play: telegram (buttons, the default) or zalo "
                               "(numbered menus, invite codes)"))
    parser.set_defaults(handler=run_console)


async def run_console(args: argparse.Namespace, settings: Settings,
                      read: ReadLine | None = None, write: Write | None = None,
                      quiet: float = QUIET_SECONDS) -> int:
    if read is None or write is None:
        terminal = Terminal()
        read, write = read or terminal.read, write or terminal.write
    if settings.log_level.upper() != "DEBUG":
        # The chat is the interface here: keep the libraries' INFO lines out of it.
        logging.getLogger().setLevel(logging.WARNING)
    opened: AbstractAsyncContextManager[ChatConsole]
    if getattr(args, "channel", "telegram") == "zalo":
        from bot.cli.console_zalo import zalo_console

        opened = zalo_console(settings, read, write, quiet)
    else:
        opened = telegram_console(settings, read, write, quiet)
    async with opened as session:
        if args.demo:
            await session.import_demo()
        await session.loop()
    return 0


@asynccontextmanager
async def telegram_console(settings: Settings, read: ReadLine, write: Write,
                           quiet: float = QUIET_SECONDS) -> AsyncIterator[ConsoleSession]:
    """The bot running against the Telegram emulator, and the operator's session."""
    emulator = BotApiEmulator()
    await emulator.start()
    offline = settings.model_copy(update={
        "telegram_api_base_url": emulator.base_url,
        "telegram_api_file_url": emulator.base_file_url,
        "secretariat_chat_id": settings.secretariat_chat_id or CONSOLE_SECRETARIAT_CHAT,
        "webhook_url": None,
        "zalo_bot_token": None,  # offline: never the real Zalo of a configured deployment
    })
    # The secretariat's group exists from the start: the bot posts there on its own.
    assert offline.secretariat_chat_id is not None
    emulator.group(offline.secretariat_chat_id, _("Emulation and commendation secretariat"))
    runtime = BotRuntime(offline, token=emulator.token)
    try:
        await runtime.start(mode="polling")
        yield ConsoleSession(emulator, runtime, read, write, quiet)
    finally:
        await runtime.stop()
        await emulator.stop()


def _read_file(path: Path) -> bytes:
    return path.expanduser().read_bytes()


class ConsoleSession(ChatConsole):
    """The console on Telegram: buttons numbered, a number taps one."""

    def __init__(self, emulator: BotApiEmulator, runtime: BotRuntime, read: ReadLine,
                 write: Write, quiet: float = QUIET_SECONDS) -> None:
        super().__init__(runtime, read, write, quiet)
        self.emulator = emulator
        self.user: EmuUser | None = None
        self.last_with_buttons: BotMessage | None = None
        self.files = Path("console-files")

    @property
    def group(self) -> EmuGroup:
        chat_id = self.services.settings.secretariat_chat_id or CONSOLE_SECRETARIAT_CHAT
        return self.emulator.group(chat_id, _("Emulation and commendation secretariat"))

    def _chat_in_view(self) -> EmuUser | EmuGroup | None:
        if self.in_group:
            return self.group
        return self.user

    async def _handle(self, line: str) -> None:
        command, _sep, rest = line.partition(" ")
        rest = rest.strip()
        if command == ":help":
            self.write(console_help())
        elif command == ":people":
            await self._list_people(rest)
        elif command == ":as":
            await self._act_as(rest)
        elif command == ":group":
            self.in_group = True
            await self._show_new()
        elif command == ":private":
            self.in_group = False
            await self._show_new()
        elif command == ":contact":
            await self._need_user().share_contact()
            await self._show_new()
        elif command == ":file":
            await self._send_file(rest)
        elif line.isdigit():
            await self._tap(int(line))
        else:
            await self._send_text(line)

    def _need_user(self) -> EmuUser:
        if self.user is None:
            raise AssertionError(_("Choose who you are first: :as NAME or :people"))
        return self.user

    async def _act_as(self, query: str) -> None:
        person = await self._find_person(query)
        if person is None:
            return
        parts = person.full_name.split(" ")
        self.user = self.emulator.user(user_id_for_phone(person.phone), parts[-1],
                                       last_name=" ".join(parts[:-1]), phone=person.phone)
        self.user_label = person.full_name
        self.in_group = False
        self.write(_("You are now {name}. Send /start, then :contact to link the account.")
                   .format(name=person.full_name))
        await self._show_new()

    async def _send_text(self, text: str) -> None:
        user = self._need_user()
        if self.in_group:
            await self.group.send(user, text)
        else:
            await user.send(text)
        await self._show_new()

    async def _send_file(self, path_text: str) -> None:
        user = self._need_user()
        path = Path(path_text)
        try:
            content = await asyncio.to_thread(_read_file, path)
        except OSError as exc:
            self.write(_("Cannot read {file}: {error}").format(file=path, error=exc.strerror))
            return
        if self.in_group:
            await self.group.send_document(user, path.name, content)
        else:
            await user.send_document(path.name, content)
        await self._show_new()

    async def _tap(self, number: int) -> None:
        user = self._need_user()
        message = self.last_with_buttons
        chat = self.group if self.in_group else user
        if message is not None and message.buttons:
            flat = [button for row in message.buttons for button in row]
            if 1 <= number <= len(flat):
                button = flat[number - 1]
                if self.in_group:
                    answer = await self.group.tap_data(message, button.callback_data or "",
                                                       by=user)
                else:
                    answer = await user.tap_data(message, button.callback_data or "")
                if answer.text:
                    self.write(("⚠ " if answer.show_alert else "ℹ ") + answer.text)
                await self._show_new()
                return
        keyboard = [button for row in (chat.keyboard or []) for button in row]
        if 1 <= number <= len(keyboard):
            if keyboard[number - 1].request_contact and not self.in_group:
                await user.share_contact()
            elif self.in_group:
                await self.group.press(user, keyboard[number - 1].text)
            else:
                await user.press(keyboard[number - 1].text)
            await self._show_new()
            return
        await self._send_text(str(number))

    async def _print(self, message: BotMessage) -> None:
        # One write per message: above a waiting prompt, it is redrawn once.
        marker = "✎ " if message.edited else ""
        text = message.plain or ""
        lines = ["🤖 " + marker + text.replace("\n", "\n   ")]
        if message.document is not None:
            self.files.mkdir(exist_ok=True)
            target = self.files / message.document.filename
            target.write_bytes(message.document.data)
            lines.append(f"   📎 {target} ({format_size(len(message.document.data))})")
        if message.photo is not None:
            self.files.mkdir(exist_ok=True)
            target = self.files / f"photo-{message.message_id}.png"
            target.write_bytes(message.photo.data)
            lines.append(f"   🖼 {target}")
        if message.buttons:
            self.last_with_buttons = message
            number = 0
            for row in message.buttons:
                cells = []
                for button in row:
                    number += 1
                    cells.append(f"[{number}] {button.text}")
                lines.append("   " + "   ".join(cells))
        if message.keyboard:
            cells = [f"[{i}] {b.text}" for i, b in
                     enumerate((b for row in message.keyboard for b in row), start=1)]
            lines.append("   ⌨ " + "   ".join(cells))
        self.write("\n".join(lines))


def console_help() -> str:
    return _(
        "Commands of the console:\n"
        "  :people [TEXT]   list roster people (search by name, phone, unit)\n"
        "  :as NAME|PHONE   act as that person (private chat)\n"
        "  :contact         share your own phone number (to link the account)\n"
        "  :group           write in the secretariat's group chat   :private  back\n"
        "  :file PATH       send a file (a roster, a registrations or campaign file)\n"
        "  NUMBER           tap button NUMBER of the last message with buttons\n"
        "  :quit            leave\n"
        "Anything else is sent to the bot as a message, e.g. /start, /help, /dangky."
    )
