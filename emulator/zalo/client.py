"""The people's side for tests: they write, send pictures, pick numbered options and expect
the bot's answers.

Everything is injected into the world in-process; the bot sees ordinary Zalo updates. Each
chat keeps the ordered list of the bot's messages; `expect` consumes them one by one. Names
follow the Telegram client (emulator.client) where the action exists on both platforms, so a
story can be told once for both: `send`, `expect`, `expect_silence`, `receive`, `drain`,
`messages`, `last`, `tap` (here: type the number of the option) and `block_bot`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from typing import TYPE_CHECKING, Any

from .models import LinkContent, Matcher, ZaloMessage, ZaloPhoto, label_matches, text_matches
from .world import ZaloChatState, ZaloUserState

if TYPE_CHECKING:
    from .server import ZaloEmulator

__all__ = ["MenuOption", "ZaloChat", "ZaloGroup", "ZaloUser"]

# A numbered option at the start of a line: "1. Nhãn", "1) Nhãn", "1: Nhãn", "1 - Nhãn",
# "[1] Nhãn", "1️⃣ Nhãn"; several "[n] Nhãn" may share a line.
_LINE_OPTION = re.compile(
    r"^\s*(?:\[(\d{1,3})\]|(\d{1,3})(?:\ufe0f?\u20e3|[.):]|\s+[-–]))\s*(\S.*?)\s*$")
_BRACKETED = re.compile(r"\[(\d{1,3})\]\s*")


@dataclass(frozen=True, slots=True)
class MenuOption:
    number: str
    label: str


def menu_options(text: str) -> list[MenuOption]:
    """The numbered options a message offers, in order."""
    found: list[MenuOption] = []
    for line in text.splitlines():
        parts = _BRACKETED.split(line)
        if len(parts) > 3:  # several "[n] label" on one line
            for number, label in zip(parts[1::2], parts[2::2], strict=True):
                if label.strip():
                    found.append(MenuOption(number, label.strip()))
            continue
        match = _LINE_OPTION.match(line)
        if match:
            found.append(MenuOption(match[1] or match[2], match[3]))
    return found


class ZaloChat:
    """A chat as a test sees it: the bot's messages and those still to be expected."""

    def __init__(self, emu: ZaloEmulator, chat: ZaloChatState) -> None:
        self._emu = emu
        self._chat = chat
        self._seen = 0  # messages consumed by expect()

    @property
    def chat_id(self) -> str:
        return self._chat.id

    @property
    def label(self) -> str:
        return f"chat {self._chat.id}"

    @property
    def messages(self) -> list[ZaloMessage]:
        """Every message of the bot in this chat, in order."""
        return list(self._chat.events)

    events = messages  # the Telegram client's name (there, edits are events too)

    @property
    def last(self) -> ZaloMessage | None:
        return self._chat.events[-1] if self._chat.events else None

    @property
    def photos(self) -> list[ZaloPhoto]:
        """The pictures the bot sent here, with the bytes the platform fetched."""
        return [m.photo for m in self._chat.events if m.photo is not None]

    # ------------------------------------------------------------------ expecting

    async def expect(self, contains: Matcher = None, *,
                     timeout: float = 5.0) -> ZaloMessage:  # noqa: ASYNC109 - an assertion's
        """The bot's next message (a photo matches on its caption); AssertionError if it
        does not match or nothing comes in time."""
        if not await self._chat.wait_events_beyond(self._seen, timeout):
            headline = f"{self.label}: nothing from the bot within {timeout}s"
            raise AssertionError(self._report(f"{headline} (expected {contains!r})"))
        message = self._chat.events[self._seen]
        self._seen += 1
        if not text_matches(message.plain, contains):
            raise AssertionError(
                self._report(f"{self.label}: expected {contains!r}, got {message.describe()}"))
        return message

    async def expect_photo(self, caption: Matcher = None, *,
                           timeout: float = 5.0) -> ZaloPhoto:  # noqa: ASYNC109
        """The bot's next message, which must be a picture; its bytes."""
        message = await self.expect(caption, timeout=timeout)
        if message.photo is None:
            raise AssertionError(self._report(f"{self.label}: expected a photo, got "
                                              f"{message.describe()}"))
        return message.photo

    async def receive(self, seconds: float) -> ZaloMessage | None:
        """The bot's next message, or None if none comes within `seconds`."""
        if not await self._chat.wait_events_beyond(self._seen, seconds):
            return None
        self._seen += 1
        return self._chat.events[self._seen - 1]

    async def expect_silence(self, seconds: float = 0.3) -> None:
        if await self._chat.wait_events_beyond(self._seen, seconds):
            message = self._chat.events[self._seen]
            self._seen = len(self._chat.events)
            raise AssertionError(
                self._report(f"{self.label}: expected silence, got {message.describe()}"))

    def drain(self) -> list[ZaloMessage]:
        """Consumes and returns the messages not expected yet."""
        pending = self._chat.events[self._seen:]
        self._seen = len(self._chat.events)
        return pending

    # ------------------------------------------------------------------ links

    async def open_link(self, url: str) -> LinkContent:
        """Opens a link of a bot message as the person's phone would (a plain GET)."""
        async with self._emu.http.get(url, allow_redirects=True) as response:
            data = await response.read()
            disposition = response.headers.get("Content-Disposition")
            kind = response.headers.get("Content-Type", "").split(";")[0].strip()
            return LinkContent(url, response.status, kind, data, _filename(disposition))

    # ------------------------------------------------------------------ menus

    def options(self, message: ZaloMessage | None = None) -> list[MenuOption]:
        """The numbered options of `message`, or of the newest bot message offering some."""
        if message is not None:
            return menu_options(message.plain)
        for candidate in reversed(self._chat.events):
            found = menu_options(candidate.plain)
            if found:
                return found
        return []

    def _choose(self, wanted: Matcher, message: ZaloMessage | None) -> str:
        candidates = [message] if message is not None else list(reversed(self._chat.events))
        for candidate in candidates:
            options = menu_options(candidate.plain)
            exact = [o for o in options
                     if isinstance(wanted, str) and o.label.strip() == wanted.strip()]
            found = exact or [o for o in options if label_matches(o.label, wanted)]
            numbers = {o.number for o in found}
            if len(numbers) > 1:
                raise AssertionError(f"{self.label}: {wanted!r} is ambiguous in message "
                                     f"{candidate.message_id}: {[o.label for o in found]}")
            if found:
                return found[0].number
        listing = [f"{o.number}. {o.label}" for o in self.options()]
        raise AssertionError(self._report(f"{self.label}: no numbered option {wanted!r} "
                                          f"(newest menu: {listing or 'none'})"))

    def _report(self, headline: str) -> str:
        lines = [headline]
        events = self._chat.events
        if events:
            lines.append("recent bot messages in this chat (» = not consumed by expect):")
            for index in range(max(0, len(events) - 8), len(events)):
                mark = "»" if index >= self._seen else " "
                lines.append(f"  {mark} {events[index].describe()}")
        else:
            lines.append("the bot has sent nothing to this chat")
        calls = [c for c in self._emu.calls[-500:]
                 if str(c.params.get("chat_id")) == self._chat.id and c.status != 200]
        if calls:
            lines.append("failed or unfinished API calls for this chat:")
            lines.extend(f"  {c.method} → {c.status} {c.error or ''}" for c in calls[-5:])
        if self._emu.pending_updates:
            lines.append(f"{self._emu.pending_updates} update(s) not yet fetched by the bot")
        return "\n".join(lines)


class ZaloUser(ZaloChat):
    """A Zalo user and their private chat with the bot (chat id == user id)."""

    def __init__(self, emu: ZaloEmulator, chat: ZaloChatState, state: ZaloUserState) -> None:
        super().__init__(emu, chat)
        self.state = state

    @property
    def id(self) -> str:
        return self.state.id

    @property
    def display_name(self) -> str:
        return self.state.display_name

    first_name = display_name  # the Telegram client's name

    @property
    def label(self) -> str:
        return f"{self.state.display_name} ({self.state.id})"

    @property
    def blocked(self) -> bool:
        return self.state.blocked

    def _write(self, event: str, content: dict[str, Any]) -> dict[str, Any]:
        if self.state.blocked:
            raise AssertionError(f"{self.label} has blocked the bot; call unblock_bot() first")
        update = self._emu.world.user_message(self._chat, self.state, event, content)
        return dict(update["message"])

    async def send(self, text: str) -> dict[str, Any]:
        """A text message; the message as queued (its `message_id` names the update)."""
        return self._write("message.text.received", {"text": text})

    async def send_photo(self, data: bytes, caption: str | None = None, *,
                         content_type: str = "image/jpeg") -> dict[str, Any]:
        """A picture: the update carries its URL (served by the emulator), not its bytes."""
        content: dict[str, Any] = {"photo": self._emu.host_media(data, content_type)}
        if caption:
            content["caption"] = caption
        return self._write("message.image.received", content)

    async def send_sticker(self, sticker: str = "0e078a2fb66a5f34067b") -> dict[str, Any]:
        return self._write("message.sticker.received", {"sticker": sticker})

    async def send_unsupported(self) -> dict[str, Any]:
        """What the bot gets of a message it may not read (e.g. from a protected account)."""
        return self._write("message.unsupported.received", {})

    async def tap(self, text: Matcher, *, message: ZaloMessage | None = None,
                  timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """Picks the numbered option `text` (exact label, else substring) of `message` or of
        the newest menu offering it: types its number, as a person does. (`timeout` is
        accepted for the Telegram client's signature; expect the answer with `expect`.)"""
        return await self.send(self._choose(text, message))

    def block_bot(self) -> None:
        """Sends to this person are refused (403) from now on."""
        self.state.blocked = True

    def unblock_bot(self) -> None:
        self.state.blocked = False


class ZaloGroup(ZaloChat):
    """A group chat with the bot; members act through it (`grp.send(alice, ...)`)."""

    @property
    def title(self) -> str:
        return self._chat.title or ""

    @property
    def label(self) -> str:
        return f"group {self.title!r} ({self._chat.id})"

    def _write(self, user: ZaloUser, event: str, content: dict[str, Any]) -> dict[str, Any]:
        update = self._emu.world.user_message(self._chat, user.state, event, content)
        return dict(update["message"])

    async def send(self, user: ZaloUser, text: str) -> dict[str, Any]:
        return self._write(user, "message.text.received", {"text": text})

    async def send_photo(self, user: ZaloUser, data: bytes, caption: str | None = None, *,
                         content_type: str = "image/jpeg") -> dict[str, Any]:
        content: dict[str, Any] = {"photo": self._emu.host_media(data, content_type)}
        if caption:
            content["caption"] = caption
        return self._write(user, "message.image.received", content)

    async def tap(self, text: Matcher, *, by: ZaloUser, message: ZaloMessage | None = None,
                  timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        return await self.send(by, self._choose(text, message))

    def remove_bot(self) -> None:
        """The bot leaves the group: its sends there are refused (403)."""
        self._chat.bot_member = False


def _filename(disposition: str | None) -> str | None:
    if not disposition:
        return None
    header = Message()
    header["Content-Disposition"] = disposition
    return header.get_filename()
