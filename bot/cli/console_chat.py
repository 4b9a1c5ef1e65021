"""What the console does whatever the channel: the prompt loop, who the operator plays, and
printing the bot's messages, those answering the operator and those it sends on its own.

After each action the console prints what the bot says until it has been quiet for a moment
(`quiet`), then shows the prompt. While the prompt waits, a background task keeps watching
the chat in view and prints whatever arrives (files built after /tonghop, digests,
reminders, campaign launches), so nothing waits for the next Enter.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from app.services import Services
from app.texts import role_label
from bot.cli.console_demo import import_demo
from bot.runtime import BotRuntime
from domain.models import Person
from domain.text import fold_key
from locales import _

QUIET_SECONDS = 0.7
WATCH_SECONDS = 3600.0  # one wait of the watcher; it is cancelled when the operator types

ReadLine = Callable[[str], Awaitable[str | None]]
Write = Callable[[str], None]


class Chat(Protocol):
    """A chat of an emulator as the console reads it (emulator.EmuUser, emulator.zalo…)."""

    async def receive(self, seconds: float) -> Any: ...


class ChatConsole(ABC):
    """The operator's session; a channel's console says how to act and how to print."""

    def __init__(self, runtime: BotRuntime, read: ReadLine, write: Write,
                 quiet: float = QUIET_SECONDS) -> None:
        self.runtime = runtime
        self.read = read
        self.write = write
        self.quiet = quiet
        self.user_label = ""
        self.in_group = False

    @property
    def services(self) -> Services:
        assert self.runtime.services is not None
        return self.runtime.services

    async def import_demo(self) -> None:
        await import_demo(self.services, self.write)

    # ------------------------------------------------------------------ what a channel says

    @abstractmethod
    async def _handle(self, line: str) -> None:
        """Act on one line the operator typed (a `:command` or a message to send)."""

    @abstractmethod
    def _chat_in_view(self) -> Chat | None:
        """The chat the operator looks at (None before they chose who they are)."""

    @abstractmethod
    async def _print(self, message: Any) -> None:
        """Print one message of the bot as the channel shows it."""

    # ------------------------------------------------------------------ the loop

    async def loop(self) -> None:
        self.write(_("thidua console: you are chatting with the bot offline. Type :help."))
        while True:
            line = await self._read_line()
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

    async def _read_line(self) -> str | None:
        """The operator's next line; meanwhile, what the bot sends is printed as it comes."""
        stop = asyncio.Event()
        watcher = asyncio.create_task(self._watch(stop))
        try:
            return await self.read(self._prompt())
        finally:
            stop.set()
            # The message being printed is finished first (a file being saved, say).
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch(self, stop: asyncio.Event) -> None:
        chat = self._chat_in_view()
        if chat is None:
            return
        stopped = asyncio.create_task(stop.wait())
        try:
            while True:
                # Receiving only consumes a message once it is there: cancelling it is safe.
                receiving = asyncio.create_task(chat.receive(WATCH_SECONDS))
                await asyncio.wait({receiving, stopped}, return_when=asyncio.FIRST_COMPLETED)
                if not receiving.done():
                    receiving.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await receiving
                    return
                message = receiving.result()
                if message is not None:
                    await self._print(message)
        finally:
            stopped.cancel()

    async def _show_new(self) -> None:
        """Print what the bot says in the chat in view until it has been quiet for a moment."""
        chat = self._chat_in_view()
        if chat is None:
            return
        while (message := await chat.receive(self.quiet)) is not None:
            await self._print(message)

    def _prompt(self) -> str:
        where = _("group") if self.in_group else _("private")
        who = self.user_label or _("nobody")
        return f"[{who} · {where}]> "

    # ------------------------------------------------------------------ the roster

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

    async def _find_person(self, query: str) -> Person | None:
        """The one roster person `query` names (phone or part of the name), or None, said."""
        people = await self.services.people.all()
        wanted = fold_key(query)
        matches = [p for p in people if wanted and (wanted == p.phone
                                                     or wanted in fold_key(p.full_name))]
        if len(matches) != 1:
            self.write(_("{n} people match; be more precise (:people NAME).")
                       .format(n=len(matches)))
            return None
        return matches[0]
