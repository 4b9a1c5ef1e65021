"""`thidua console`: chat with the bot in the terminal, with no token and no network.

The real bot runs against the in-process Bot API emulator on the configured database; the
operator acts as any roster person (private chat) or in the secretariat's group chat. Bot
messages are printed with their buttons numbered; typing a number taps that button.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from app.results.imports import initiatives_import, results_import
from app.services import Services
from app.settings import Settings
from app.texts import role_label
from bot.runtime import BotRuntime
from domain.registration_import import parse_registration_file
from domain.roster import parse_roster
from domain.text import fold_key
from emulator import BotApiEmulator, BotMessage, EmuGroup, EmuUser
from locales import _, format_date, format_size
from storage.audit import AuditContext
from storage.registration_import import apply_import
from storage.registrations import RegistrationRepository
from storage.roster import apply_roster

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_BLOC = "Khối Tham mưu Tổng hợp"
CONSOLE_SECRETARIAT_CHAT = -1000000000001
QUIET_SECONDS = 0.7

ReadLine = Callable[[str], Awaitable[str | None]]
Write = Callable[[str], None]


def user_id_for_phone(phone: str) -> int:
    """A stable fake Telegram id for a roster phone number."""
    return 500_000_000 + int(phone[-8:])


def add_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("console", help="chat with the bot offline, in this terminal")
    parser.add_argument("--demo", action="store_true",
                        help="import the demo roster first if the database has nobody")
    parser.set_defaults(handler=run_console)


async def _read_stdin(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


async def run_console(args: argparse.Namespace, settings: Settings,
                      read: ReadLine = _read_stdin, write: Write = print,
                      quiet: float = QUIET_SECONDS) -> int:
    if settings.log_level.upper() != "DEBUG":
        # The chat is the interface here: keep the libraries' INFO lines out of it.
        logging.getLogger().setLevel(logging.WARNING)
    emulator = BotApiEmulator()
    await emulator.start()
    offline = settings.model_copy(update={
        "telegram_api_base_url": emulator.base_url,
        "telegram_api_file_url": emulator.base_file_url,
        "secretariat_chat_id": settings.secretariat_chat_id or CONSOLE_SECRETARIAT_CHAT,
        "webhook_url": None,
    })
    # The secretariat's group exists from the start: the bot posts there on its own.
    emulator.group(offline.secretariat_chat_id, _("Emulation and commendation secretariat"))
    runtime = BotRuntime(offline, token=emulator.token)
    try:
        await runtime.start(mode="polling")
        session = ConsoleSession(emulator, runtime, read, write, quiet)
        if args.demo:
            await session.import_demo()
        await session.loop()
    finally:
        await runtime.stop()
        await emulator.stop()
    return 0


def _read_file(path: Path) -> bytes:
    return path.expanduser().read_bytes()


class ConsoleSession:
    def __init__(self, emulator: BotApiEmulator, runtime: BotRuntime, read: ReadLine,
                 write: Write, quiet: float = QUIET_SECONDS) -> None:
        self.quiet = quiet
        self.emulator = emulator
        self.runtime = runtime
        self.read = read
        self.write = write
        self.user: EmuUser | None = None
        self.user_label = ""
        self.in_group = False
        self.last_with_buttons: BotMessage | None = None
        self.files = Path("console-files")

    @property
    def services(self) -> Services:
        assert self.runtime.services is not None
        return self.runtime.services

    @property
    def group(self) -> EmuGroup:
        chat_id = self.services.settings.secretariat_chat_id or CONSOLE_SECRETARIAT_CHAT
        return self.emulator.group(chat_id, _("Emulation and commendation secretariat"))

    async def import_demo(self) -> None:
        if await self.services.people.all():
            return
        path = DEMO_DIR / "sample-roster.csv"
        content = await asyncio.to_thread(path.read_bytes)
        roster = parse_roster(content, path.name, DEMO_BLOC)
        await apply_roster(self.services.db, roster, AuditContext.cli())
        self.write(_("Imported the demo roster: {n} people.").format(n=len(roster.rows)))
        await self._import_demo_registrations()
        await self._import_demo_results()
        await self._open_demo_registration()

    async def _import_demo_registrations(self) -> None:
        """Seed 000's 2024 registrations, so `/tonghop 2024` shows the annex at once."""
        path = DEMO_DIR / "sample-registrations-2024.csv"
        content = await asyncio.to_thread(path.read_bytes)
        file = parse_registration_file(content, path.name)
        plan = await apply_import(self.services.db, file, AuditContext.cli())
        self.write(_("Imported the demo registrations of 2024: {n}.").format(n=len(plan.new)))

    async def _import_demo_results(self) -> None:
        """The bloc's decision lists of 2021–2024, so `/lichsu` and `/ketqua 2024` answer."""
        for run, name in ((initiatives_import, "sample-initiatives.csv"),
                          (results_import, "sample-results.csv")):
            path = DEMO_DIR / name
            content = await asyncio.to_thread(path.read_bytes)
            outcome = await run(self.services, content, name, None, AuditContext.cli())
            if not outcome.ok:
                self.write(outcome.text)
                return
        self.write(_("Imported the demo results of 2021–2024 and their initiatives."))

    async def _open_demo_registration(self) -> None:
        """A registration window of this year for the whole demo, so /dangky can be tried."""
        today = self.services.now().date()
        repo = RegistrationRepository(self.services.db)
        if await repo.windows(today.year):
            return
        window = await repo.open_window(today.year, None, today, today + timedelta(days=30),
                                        AuditContext.cli())
        self.write(_("Opened the demo registration of {year}, until {deadline}.").format(
            year=window.year, deadline=format_date(window.deadline)))

    async def loop(self) -> None:
        self.write(_("thidua console: you are chatting with the bot offline. Type :help."))
        while True:
            line = await self.read(self._prompt())
            if line is None:
                return
            line = line.strip()
            if not line:
                await self._show_new()
                continue
            if line in (":quit", ":q", ":exit"):
                return
            try:
                await self._handle(line)
            except AssertionError as exc:  # the emulator refused the action: explain, go on
                self.write("⚠ " + str(exc).splitlines()[0])

    def _prompt(self) -> str:
        where = _("group") if self.in_group else _("private")
        who = self.user_label or _("nobody")
        return f"[{who} · {where}]> "

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

    async def _list_people(self, query: str) -> None:
        people = await self.services.people.all()
        tree = await self.services.orgs.tree()
        wanted = fold_key(query)
        shown = 0
        for person in people:
            haystack = fold_key(f"{person.full_name} {person.phone} {tree.label(person.org_id)}")
            if wanted and wanted not in haystack:
                continue
            self.write(f"  {person.phone}  {person.full_name} — {person.position}, "
                       f"{tree.label(person.org_id)} ({role_label(person.role)})")
            shown += 1
            if shown >= 25:
                self.write(_("  … narrow the list: :people NAME"))
                break
        if shown == 0:
            self.write(_("Nobody matches."))

    async def _act_as(self, query: str) -> None:
        people = await self.services.people.all()
        wanted = fold_key(query)
        matches = [p for p in people if wanted and (wanted == p.phone
                                                     or wanted in fold_key(p.full_name))]
        if len(matches) != 1:
            self.write(_("{n} people match; be more precise (:people NAME).")
                       .format(n=len(matches)))
            return
        person = matches[0]
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

    async def _show_new(self) -> None:
        """Print what the bot says in the current chat until it has been quiet for a moment."""
        if self.user is None and not self.in_group:
            return
        chat = self.group if self.in_group else self._need_user()
        while (event := await chat.receive(self.quiet)) is not None:
            self._print(event, chat)

    def _print(self, message: BotMessage, chat: EmuUser | EmuGroup) -> None:
        marker = "✎ " if message.edited else ""
        text = message.plain or ""
        self.write("🤖 " + marker + text.replace("\n", "\n   "))
        if message.document is not None:
            self.files.mkdir(exist_ok=True)
            target = self.files / message.document.filename
            target.write_bytes(message.document.data)
            self.write(f"   📎 {target} ({format_size(len(message.document.data))})")
        if message.photo is not None:
            self.files.mkdir(exist_ok=True)
            target = self.files / f"photo-{message.message_id}.png"
            target.write_bytes(message.photo.data)
            self.write(f"   🖼 {target}")
        if message.buttons:
            self.last_with_buttons = message
            number = 0
            for row in message.buttons:
                cells = []
                for button in row:
                    number += 1
                    cells.append(f"[{number}] {button.text}")
                self.write("   " + "   ".join(cells))
        if message.keyboard:
            cells = [f"[{i}] {b.text}" for i, b in
                     enumerate((b for row in message.keyboard for b in row), start=1)]
            self.write("   ⌨ " + "   ".join(cells))


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
