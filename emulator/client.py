"""The user side for tests: people who send, tap, press and expect the bot's answers.

Everything is injected into the world in-process (no HTTP); the bot sees ordinary updates.
Each chat keeps an ordered log of bot events (new messages and edits); `expect` consumes them
one by one, so a test reads like the conversation it checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from .markup import command_entities
from .models import (
    BotMessage,
    CallbackAnswer,
    InlineButton,
    KeyboardButton,
    Matcher,
    nfc,
    text_matches,
)
from .world import ChatState, UserState, World

__all__ = ["BotMessage", "CallbackAnswer", "EmuChat", "EmuGroup", "EmuUser"]

_UNSET: Any = object()
MessageRef = BotMessage | dict[str, Any] | int


def _message_id(message: MessageRef | None) -> int | None:
    if message is None or isinstance(message, int):
        return message
    if isinstance(message, BotMessage):
        return message.message_id
    return int(message["message_id"])


def _text_content(text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return content


class EmuChat:
    """A chat as a test sees it: the bot's messages and the events still to be expected."""

    def __init__(self, world: World, chat: ChatState) -> None:
        self._world = world
        self._chat = chat
        self._seen = 0  # events consumed by expect()

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def label(self) -> str:
        return f"chat {self._chat.id}"

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in this chat as they are now (deleted ones left out)."""
        return list(self._chat.views.values())

    @property
    def last(self) -> BotMessage | None:
        return next(reversed(self._chat.views.values()), None)

    @property
    def events(self) -> list[BotMessage]:
        return list(self._chat.events)

    @property
    def keyboard(self) -> list[list[KeyboardButton]] | None:
        """The reply keyboard currently shown."""
        return self._chat.keyboard

    # ------------------------------------------------------------------ expecting

    async def expect(
        self,
        contains: Matcher = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the assertion, like pytest's
    ) -> BotMessage:
        """The next bot event (new message or edit); AssertionError if it does not match or
        nothing comes in time."""
        if not await self._chat.wait_events_beyond(self._seen, timeout):
            headline = f"{self.label}: nothing from the bot within {timeout}s"
            raise AssertionError(self._report(f"{headline} (expected {contains!r})"))
        event = self._chat.events[self._seen]
        self._seen += 1
        if not text_matches(event.plain, contains):
            raise AssertionError(
                self._report(f"{self.label}: expected {contains!r}, got {event.describe()}")
            )
        return event

    async def receive(self, seconds: float) -> BotMessage | None:
        """The next bot event, or None if none comes within `seconds` (for the console)."""
        if not await self._chat.wait_events_beyond(self._seen, seconds):
            return None
        self._seen += 1
        return self._chat.events[self._seen - 1]

    async def expect_silence(self, seconds: float = 0.3) -> None:
        if await self._chat.wait_events_beyond(self._seen, seconds):
            event = self._chat.events[self._seen]
            self._seen = len(self._chat.events)
            raise AssertionError(
                self._report(f"{self.label}: expected silence, got {event.describe()}")
            )

    async def expect_deleted(
        self,
        message: MessageRef,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the assertion
    ) -> None:
        """Waits until the bot deletes `message` (deletions are not events for expect)."""
        message_id = _message_id(message)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while message_id not in self._chat.deleted:
            if not await self._chat.changed.wait(deadline - loop.time()):
                if message_id in self._chat.deleted:
                    return
                headline = f"{self.label}: message {message_id} not deleted within {timeout}s"
                raise AssertionError(self._report(headline))

    def drain(self) -> list[BotMessage]:
        """Consumes and returns the events not expected yet."""
        pending = self._chat.events[self._seen :]
        self._seen = len(self._chat.events)
        return pending

    def _report(self, headline: str) -> str:
        """What happened in this chat, for assertion messages."""
        lines = [headline]
        events = self._chat.events
        if events:
            lines.append("recent bot events in this chat (» = not consumed by expect):")
            for index in range(max(0, len(events) - 8), len(events)):
                mark = "»" if index >= self._seen else " "
                lines.append(f"  {mark} {events[index].describe()}")
        else:
            lines.append("the bot has sent nothing to this chat")
        chat_id = str(self._chat.id)
        calls = [c for c in self._world.calls[-500:] if str(c.params.get("chat_id")) == chat_id]
        failed = [c for c in calls if c.status != 200]
        if failed:
            lines.append("failed or unfinished API calls for this chat:")
            lines.extend(f"  {c.method} → {c.status} {c.error or ''}" for c in failed[-5:])
        if self._world.updates:
            lines.append(f"{len(self._world.updates)} update(s) not yet fetched by the bot")
        return "\n".join(lines)

    # ------------------------------------------------------------------ buttons

    def _find_button(
        self, wanted: Matcher, message: MessageRef | None
    ) -> tuple[BotMessage, InlineButton]:
        message_id = _message_id(message)
        candidates: Iterable[BotMessage]
        if message_id is not None:
            current = self._chat.views.get(message_id)
            if current is None:
                state = "was deleted" if message_id in self._chat.deleted else "is not the bot's"
                raise AssertionError(f"{self.label}: message {message_id} {state}")
            candidates = [current]
        else:
            candidates = reversed(self._chat.views.values())
        for view in candidates:
            found = view.find_buttons(wanted)
            if not found and isinstance(message, BotMessage):
                # a button the test saw on an older snapshot: a stale tap, as from a client
                # that has not refreshed the message yet
                found = message.find_buttons(wanted)
            if len({b.callback_data for b in found}) > 1:
                raise AssertionError(
                    f"{self.label}: {wanted!r} is ambiguous on message {view.message_id}: "
                    f"{[b.text for b in found]}"
                )
            if found:
                return view, found[0]
        shown = [v for v in reversed(self._chat.views.values()) if v.buttons][:3]
        listing = "; ".join(f"message {v.message_id}: {v.button_texts()}" for v in shown)
        headline = f"{self.label}: no inline button {wanted!r}"
        raise AssertionError(self._report(f"{headline} (newest buttons: {listing or 'none'})"))

    async def _tap(
        self, sender: UserState, wanted: Matcher, message: MessageRef | None, within: float
    ) -> CallbackAnswer:
        view, button = self._find_button(wanted, message)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} is a link ({button.url}), not a callback")
        return await self._callback(sender, view.message_id, button.callback_data, within)

    async def _callback(
        self, sender: UserState, message_id: int, data: str, within: float
    ) -> CallbackAnswer:
        if message_id not in self._chat.messages:
            raise AssertionError(f"{self.label}: message {message_id} does not exist")
        future = self._world.callback_query(self._chat, sender, message_id, data)
        try:
            async with asyncio.timeout(within):
                return await future
        except TimeoutError:
            headline = f"{self.label}: callback {data!r} on message {message_id}"
            raise AssertionError(
                self._report(f"{headline} was not answered within {within}s")
            ) from None

    def _find_key(self, wanted: Matcher) -> KeyboardButton:
        keys = [k for row in self._chat.keyboard or [] for k in row]
        exact = [k for k in keys if isinstance(wanted, str) and nfc(k.text) == nfc(wanted)]
        found = exact or [k for k in keys if text_matches(k.text, wanted)]
        if not found:
            shown = [k.text for k in keys] or "none shown"
            headline = f"{self.label}: no reply-keyboard button {wanted!r}"
            raise AssertionError(self._report(f"{headline} (keyboard: {shown})"))
        return found[0]


class EmuUser(EmuChat):
    """A Telegram user and their private chat with the bot (chat id == user id)."""

    def __init__(self, world: World, chat: ChatState, state: UserState) -> None:
        super().__init__(world, chat)
        self.state = state

    @property
    def id(self) -> int:
        return self.state.id

    @property
    def first_name(self) -> str:
        return self.state.first_name

    @property
    def last_name(self) -> str | None:
        return self.state.last_name

    @property
    def username(self) -> str | None:
        return self.state.username

    @property
    def phone(self) -> str | None:
        return self.state.phone

    @property
    def json(self) -> dict[str, Any]:
        return self.state.to_json()

    @property
    def label(self) -> str:
        return f"{self.state.first_name} ({self.state.id})"

    @property
    def blocked(self) -> bool:
        return self.state.blocked

    def _write(self, content: dict[str, Any], reply_to: MessageRef | None = None) -> dict:
        if self.state.blocked:
            raise AssertionError(f"{self.label} has blocked the bot; call unblock_bot() first")
        return self._world.user_message(self._chat, self.state, content, _message_id(reply_to))

    async def send(self, text: str, *, reply_to: MessageRef | None = None) -> dict[str, Any]:
        """A text message; a leading /command gets its bot_command entity."""
        return self._write(_text_content(text), reply_to)

    async def share_contact(
        self,
        phone: str | None = None,
        *,
        user_id: int | None = _UNSET,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """Without `phone`: her own card (user_id == her id). With `phone`: someone else's card,
        without user_id unless one is given."""
        own = phone is None
        if own and not self.state.phone:
            raise ValueError(f"{self.label} has no phone; pass phone=...")
        contact: dict[str, Any] = {
            "phone_number": self.state.phone if own else phone,
            "first_name": first_name or (self.state.first_name if own else "Contact"),
        }
        last = last_name if last_name is not None else (self.state.last_name if own else None)
        if last:
            contact["last_name"] = last
        card_user = (self.state.id if own else None) if user_id is _UNSET else user_id
        if card_user is not None:
            contact["user_id"] = card_user
        return self._write({"contact": contact})

    async def send_document(
        self,
        filename: str,
        data: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        stored = self._world.store_file("document", data, filename, mime_type)
        content: dict[str, Any] = {"document": stored.document_json()}
        if caption:
            content["caption"] = caption
        return self._write(content)

    async def send_photo(self, data: bytes, caption: str | None = None) -> dict[str, Any]:
        stored = self._world.store_file("photo", data, None, None)
        content: dict[str, Any] = {"photo": stored.photo_json()}
        if caption:
            content["caption"] = caption
        return self._write(content)

    async def edit(self, message: MessageRef, text: str) -> dict[str, Any]:
        """Edits one of her messages (text, or caption of a media message)."""
        message_id = _message_id(message)
        assert message_id is not None
        old = self._chat.messages.get(message_id, {})
        changes = _text_content(text) if "text" in old else {"caption": text}
        return self._world.user_edit(self._chat, message_id, changes)

    async def tap(
        self,
        text: Matcher,
        *,
        message: MessageRef | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the assertion
    ) -> CallbackAnswer:
        """Taps the inline button `text` (exact, else substring, after stripping) on `message`
        or on the newest bot message showing it; returns the bot's answer to the query.
        Given a BotMessage snapshot whose button has since been edited away, taps the stale
        button anyway (the query then carries the current message)."""
        return await self._tap(self.state, text, message, timeout)

    async def tap_data(
        self,
        message: MessageRef,
        data: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the assertion
    ) -> CallbackAnswer:
        """Sends arbitrary (forged or stale) callback data from `message`."""
        return await self._callback(self.state, _message_id(message) or 0, data, timeout)

    async def press(self, text: Matcher) -> dict[str, Any]:
        """Presses a button of the reply keyboard shown: sends its text, or her own contact
        card for a request_contact button."""
        key = self._find_key(text)
        if key.request_contact:
            return await self.share_contact()
        return await self.send(key.text)

    def block_bot(self) -> None:
        self._world.set_blocked(self.state, True)

    def unblock_bot(self) -> None:
        self._world.set_blocked(self.state, False)


class EmuGroup(EmuChat):
    """A supergroup with the bot; members act through it (`grp.send(alice, ...)`)."""

    @property
    def title(self) -> str:
        return self._chat.title or ""

    @property
    def label(self) -> str:
        return f"group {self.title!r} ({self._chat.id})"

    def _write(self, user: EmuUser, content: dict[str, Any], reply_to: MessageRef | None) -> dict:
        return self._world.user_message(self._chat, user.state, content, _message_id(reply_to))

    async def send(
        self, user: EmuUser, text: str, *, reply_to: MessageRef | None = None
    ) -> dict[str, Any]:
        return self._write(user, _text_content(text), reply_to)

    async def send_document(
        self,
        user: EmuUser,
        filename: str,
        data: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        stored = self._world.store_file("document", data, filename, mime_type)
        content: dict[str, Any] = {"document": stored.document_json()}
        if caption:
            content["caption"] = caption
        return self._write(user, content, None)

    async def tap(
        self,
        text: Matcher,
        *,
        by: EmuUser,
        message: MessageRef | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the assertion
    ) -> CallbackAnswer:
        return await self._tap(by.state, text, message, timeout)

    async def tap_data(
        self,
        message: MessageRef,
        data: str,
        *,
        by: EmuUser,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the assertion
    ) -> CallbackAnswer:
        return await self._callback(by.state, _message_id(message) or 0, data, timeout)

    async def press(self, user: EmuUser, text: Matcher) -> dict[str, Any]:
        return await self.send(user, self._find_key(text).text)

    def set_admin(self, user: EmuUser, admin: bool = True) -> None:
        """getChatMember/getChatAdministrators then report the user as administrator."""
        if admin:
            self._chat.admins.add(user.id)
        else:
            self._chat.admins.discard(user.id)
