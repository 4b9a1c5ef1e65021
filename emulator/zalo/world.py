"""The emulated Zalo: people, private and group chats, the bot's messages, the update queue.

Updates are kept in one canonical shape (`{"event_name", "message"}`) and given the
configured `ZaloFormat` when they leave (getUpdates or the webhook), so a test may change the
format at any time. getUpdates has no offset: an update handed out is gone from the queue.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..world import Signal
from .errors import bad_request, forbidden
from .models import ApiCall, ZaloFormat, ZaloMessage, ZaloStats

PRIVATE = "PRIVATE"
GROUP = "GROUP"


def now_ms() -> int:
    return int(time.time() * 1000)


def new_message_id() -> str:
    # Random like the platform's: a bot restarted against a new emulator on the same database
    # must never meet an id it has processed before.
    return secrets.token_hex(10)


@dataclass(slots=True)
class ZaloUserState:
    id: str
    display_name: str
    blocked: bool = False
    last_message_at: float | None = None  # monotonic time of the person's last message


class ZaloChatState:
    """One chat: the bot's messages in order (the events tests consume) and its members."""

    def __init__(self, chat_id: str, kind: str, title: str | None,
                 user: ZaloUserState | None) -> None:
        self.id = chat_id
        self.type = kind
        self.title = title
        self.user = user
        self.events: list[ZaloMessage] = []
        self.members: set[str] = set()
        self.bot_member = True  # a group the bot was removed from refuses its messages
        self.changed = Signal()

    @property
    def is_private(self) -> bool:
        return self.type == PRIVATE

    def add_event(self, message: ZaloMessage) -> None:
        self.events.append(message)
        self.changed.wake()

    async def wait_events_beyond(self, seen: int, seconds: float) -> bool:
        """Waits until more than `seen` events exist; False if none came within `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(self.events) <= seen:
            if not await self.changed.wait(deadline - loop.time()):
                return len(self.events) > seen
        return True


@dataclass
class ZaloWebhookState:
    url: str = ""
    secret_token: str | None = None
    updated_at: int = 0
    last_error: str | None = None
    last_error_at: int | None = None
    delivered: int = 0

    def info(self) -> dict[str, Any]:
        return {"url": self.url, "updated_at": self.updated_at}


@dataclass
class ZaloWorld:
    format: ZaloFormat = field(default_factory=ZaloFormat)
    users: dict[str, ZaloUserState] = field(default_factory=dict)
    chats: dict[str, ZaloChatState] = field(default_factory=dict)
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    handed_out: dict[str, dict[str, Any]] = field(default_factory=dict)  # by message id
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # the people's pictures
    calls: list[ApiCall] = field(default_factory=list)
    stats: ZaloStats = field(default_factory=ZaloStats)
    webhook: ZaloWebhookState = field(default_factory=ZaloWebhookState)
    updates_changed: Signal = field(default_factory=Signal)
    closing: bool = False
    # Seconds after a person's last message during which the bot may write to them; None:
    # always (the platform does not say whether a bot may write first).
    proactive_window: float | None = None

    # ------------------------------------------------------------------ people and chats

    def add_user(self, user: ZaloUserState) -> ZaloChatState:
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:  # a private chat's id is the person's id
            chat = self.chats[user.id] = ZaloChatState(user.id, PRIVATE, None, user)
        return chat

    def add_group(self, chat_id: str, title: str) -> ZaloChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = ZaloChatState(chat_id, GROUP, title, None)
        return chat

    def target(self, chat_id: Any) -> ZaloChatState:
        """The chat a send names, if the bot may write there."""
        if not isinstance(chat_id, str | int) or chat_id == "":
            raise bad_request("chat_id is required")
        chat = self.chats.get(str(chat_id))
        if chat is None:
            raise bad_request("chat not found")
        if chat.is_private:
            assert chat.user is not None
            if chat.user.blocked:
                raise forbidden("the user has blocked the bot")
            if self.proactive_window is not None and (
                chat.user.last_message_at is None
                or time.monotonic() - chat.user.last_message_at > self.proactive_window
            ):
                raise forbidden("the user has not interacted with the bot recently")
        elif not chat.bot_member:
            raise forbidden("the bot is not a member of this group")
        return chat

    # ------------------------------------------------------------------ updates

    def user_message(self, chat: ZaloChatState, sender: ZaloUserState, event: str,
                     content: dict[str, Any]) -> dict[str, Any]:
        """A person's message: queued for the bot as an update; returns the update."""
        if chat.is_private and sender.blocked:
            raise AssertionError(f"{sender.display_name} has blocked the bot")
        message: dict[str, Any] = {
            "from": {"id": sender.id, "display_name": sender.display_name, "is_bot": False},
            "chat": {"id": chat.id, "chat_type": chat.type},
            "message_id": new_message_id(),
            "date": now_ms(),
            **content,
        }
        sender.last_message_at = time.monotonic()
        chat.members.add(sender.id)
        update = {"event_name": event, "message": message}
        self.push(update)
        return update

    def push(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        self.stats.updates += 1
        self.updates_changed.wake()

    def take_update(self) -> dict[str, Any] | None:
        if not self.updates:
            return None
        update = self.updates.popleft()
        self.handed_out[update["message"]["message_id"]] = update
        return update

    def redeliver(self, message_id: str) -> None:
        """The platform hands out an update it already delivered (a retry of its own)."""
        update = self.handed_out.get(message_id)
        if update is None:
            raise AssertionError(f"update {message_id} was never delivered")
        self.push(update)

    def shaped(self, update: dict[str, Any]) -> dict[str, Any]:
        """An update in the configured format (the result of getUpdates, or a webhook's)."""
        fmt = self.format
        shaped = copy.deepcopy(update)
        message = shaped["message"]
        # A raw update (push_raw) may lack what the emulator's own updates always have.
        sender = message.get("from")
        if isinstance(sender, dict):
            if fmt.sender_name != "display_name" and "display_name" in sender:
                sender[fmt.sender_name] = sender.pop("display_name")
            if not fmt.is_bot:
                sender.pop("is_bot", None)
        if "photo" in message and fmt.photo_key != "photo":
            message[fmt.photo_key] = message.pop("photo")
        if not fmt.event_name:
            shaped.pop("event_name", None)
        return shaped

    # ------------------------------------------------------------------ the bot's messages

    def add_bot_message(self, chat: ZaloChatState, message: ZaloMessage) -> None:
        self.stats.delivered[chat.id] += 1
        chat.add_event(message)
