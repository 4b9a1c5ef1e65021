"""The emulated Telegram: users, chats and their messages, files, the update queue.

Everything here is synchronous bookkeeping on one event loop; waiting is done with `Signal`
(an event re-armed after each wake-up) so waiters never poll.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, bad_request
from .models import ApiCall, BotMessage, CallbackAnswer, KeyboardButton, Stats

ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# Telegram's default when allowed_updates was never set: everything except these three.
DEFAULT_ALLOWED_UPDATES = ALL_UPDATE_TYPES - {
    "chat_member",
    "message_reaction",
    "message_reaction_count",
}
_TEXT_KEYS = frozenset({"text", "entities", "caption", "caption_entities"})


class Signal:
    """Wakes every current waiter; later waiters wait for the next wake-up."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def wake(self) -> None:
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait(self, seconds: float) -> bool:
        """False if nothing woke us within `seconds`."""
        if seconds <= 0:
            return False
        if self._event is None:
            self._event = asyncio.Event()
        try:
            async with asyncio.timeout(seconds):
                await self._event.wait()
        except TimeoutError:
            return False
        return True


def now() -> int:
    return int(time.time())


@dataclass(slots=True)
class UserState:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"
    phone: str | None = None
    blocked: bool = False

    def to_json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # "document" or "photo"
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str

    def document_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = len(self.data)
        return doc

    def photo_json(self) -> list[dict[str, Any]]:
        # image sizes are not decoded: one size with nominal dimensions
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": len(self.data),
            }
        ]


class ChatState:
    """One chat: its Telegram JSON, every message (by id), the bot's messages as the user sees
    them and the ordered log of bot events (new messages and edits) tests consume."""

    def __init__(self, chat_id: int, kind: str, title: str | None, user: UserState | None):
        self.id = chat_id
        self.type = kind
        self.title = title
        self.user = user
        self.json: dict[str, Any] = {"id": chat_id, "type": kind}
        if user is not None:
            user_json = user.to_json()
            self.json.update(
                {k: user_json[k] for k in ("first_name", "last_name", "username") if k in user_json}
            )
        else:
            self.json["title"] = title
        self.chat_instance = str(abs(chat_id * 2654435761) % 10**18)  # stable across runs
        self.messages: dict[int, dict[str, Any]] = {}
        self.views: dict[int, BotMessage] = {}
        self.events: list[BotMessage] = []
        self.deleted: set[int] = set()
        self.keyboard: list[list[KeyboardButton]] | None = None
        self.admins: set[int] = set()
        self.members: set[int] = set()
        self._next_message_id = 1
        self.changed = Signal()
        self.migrated_to: int | None = None  # a basic group upgraded to this supergroup

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def take_message_id(self) -> int:
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    def add_event(self, view: BotMessage) -> None:
        self.views[view.message_id] = view
        self.events.append(view)
        self.changed.wake()

    async def wait_events_beyond(self, seen: int, seconds: float) -> bool:
        """Waits until more than `seen` events exist; False if none came within `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(self.events) <= seen:
            if not await self.changed.wait(deadline - loop.time()):
                return len(self.events) > seen
        return True


@dataclass(slots=True)
class WebhookState:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int, allowed: frozenset[str]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if allowed != DEFAULT_ALLOWED_UPDATES:
                info["allowed_updates"] = sorted(allowed)
        if self.last_error_date:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info


@dataclass
class World:
    bot_user: dict[str, Any]
    users: dict[int, UserState] = field(default_factory=dict)
    chats: dict[int, ChatState] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    files_by_path: dict[str, StoredFile] = field(default_factory=dict)
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
    answers: dict[str, asyncio.Future[CallbackAnswer]] = field(default_factory=dict)
    calls: list[ApiCall] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    profile: dict[tuple[str, str], str] = field(default_factory=dict)  # (field, language)
    webhook: WebhookState = field(default_factory=WebhookState)
    updates_changed: Signal = field(default_factory=Signal)
    closing: bool = False
    poll_generation: int = 0
    # Like Telegram's, update ids do not start at 1: a bot restarted on the same database
    # against a new emulator must not see ids (and updates) it has already processed.
    _next_update_id: int = field(default_factory=lambda: random.randrange(10**8, 9 * 10**8))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # ------------------------------------------------------------------ users and chats

    def add_user(self, user: UserState) -> ChatState:
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = ChatState(user.id, "private", None, user)
        return chat

    def add_group(self, chat_id: int, title: str, kind: str = "supergroup") -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = ChatState(chat_id, kind, title, None)
        return chat

    def chat(self, chat_id: Any) -> ChatState:
        """The chat a Bot API call names; "chat not found" like Telegram otherwise."""
        try:
            chat = self.chats.get(int(chat_id))
        except (TypeError, ValueError):
            chat = None
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": chat.migrated_to})
        return chat

    def migrate_group(self, old_id: int, new_id: int, by: UserState) -> ChatState:
        """A basic group upgraded to a supergroup, as Telegram does it: a service message
        `migrate_to_chat_id` in the old chat, `migrate_from_chat_id` in the new one, and every
        later call naming the old chat refused with `migrate_to_chat_id`."""
        old = self.chats[old_id]
        if old.type != "group":
            raise AssertionError(f"chat {old_id} is not a basic group")
        new = self.add_group(new_id, old.title or "")
        new.members |= old.members
        for chat, key, value in ((old, "migrate_to_chat_id", new_id),
                                 (new, "migrate_from_chat_id", old_id)):
            message_id = chat.take_message_id()
            message = {"message_id": message_id, "from": by.to_json(),
                       "chat": chat.json, "date": now(), key: value}
            chat.messages[message_id] = message
            self.push_update("message", message)
        old.migrated_to = new_id
        return new

    def set_blocked(self, user: UserState, blocked: bool) -> None:
        """Blocking and unblocking reach the bot as my_chat_member updates, as on Telegram."""
        if user.blocked == blocked:
            return
        user.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        self.push_update(
            "my_chat_member",
            {
                "chat": self.chats[user.id].json,
                "from": user.to_json(),
                "date": now(),
                "old_chat_member": self._bot_member(old),
                "new_chat_member": self._bot_member(new),
            },
        )

    def _bot_member(self, status: str) -> dict[str, Any]:
        member: dict[str, Any] = {"user": self.bot_user, "status": status}
        if status == "kicked":
            member["until_date"] = 0
        return member

    # ------------------------------------------------------------------ updates

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queues an update unless its type is filtered out by allowed_updates (Telegram filters
        when the update is created)."""
        if kind not in self.allowed_updates:
            return None
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self.updates.append(update)
        self.stats.updates += 1
        self.updates_changed.wake()
        return update

    def confirm_updates(self, offset: int) -> None:
        """getUpdates semantics: a positive offset confirms all earlier updates, a negative one
        keeps only the last -offset updates."""
        if offset > 0:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
        elif offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()

    def set_allowed_updates(self, allowed: list[str] | None) -> None:
        if allowed is not None:
            self.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES

    # ------------------------------------------------------------------ messages

    def user_message(
        self,
        chat: ChatState,
        sender: UserState,
        content: dict[str, Any],
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": chat.take_message_id(),
            "from": sender.to_json(),
            "chat": chat.json,
            "date": now(),
            **content,
        }
        if reply_to is not None and reply_to in chat.messages:
            message["reply_to_message"] = shallow(chat.messages[reply_to])
        chat.messages[message["message_id"]] = message
        chat.members.add(sender.id)
        self.push_update("message", message)
        return message

    def user_edit(self, chat: ChatState, message_id: int, changes: dict[str, Any]) -> dict:
        old = chat.messages.get(message_id)
        if old is None:
            raise AssertionError(f"message {message_id} not found in chat {chat.id}")
        kept = {k: v for k, v in old.items() if k not in _TEXT_KEYS}
        message = {**kept, **changes, "edit_date": now()}
        chat.messages[message_id] = message
        self.push_update("edited_message", message)
        return message

    def add_bot_message(self, chat: ChatState, message: dict[str, Any], view: BotMessage) -> None:
        chat.messages[view.message_id] = message
        if view.keyboard is not None:
            chat.keyboard = view.keyboard
        elif view.remove_keyboard:
            chat.keyboard = None
        self.stats.delivered[chat.id] += 1
        chat.add_event(view)

    def replace_bot_message(
        self, chat: ChatState, message: dict[str, Any], view: BotMessage
    ) -> None:
        chat.messages[view.message_id] = message
        chat.add_event(view)

    def delete_message(self, chat: ChatState, message_id: int) -> None:
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        chat.views.pop(message_id, None)
        chat.deleted.add(message_id)
        chat.changed.wake()

    # ------------------------------------------------------------------ callback queries

    def callback_query(
        self, chat: ChatState, sender: UserState, message_id: int, data: str
    ) -> asyncio.Future[CallbackAnswer]:
        query_id = str(4_000_000_000_000_000_000 + next(self._ids))
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        self.answers[query_id] = future
        self.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": sender.to_json(),
                "message": chat.messages[message_id],
                "chat_instance": chat.chat_instance,
                "data": data,
            },
        )
        return future

    def answer_callback(self, query_id: str, answer: CallbackAnswer) -> None:
        future = self.answers.pop(query_id, None)
        if future is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if not future.done():
            future.set_result(answer)

    # ------------------------------------------------------------------ files

    def store_file(
        self, kind: str, data: bytes, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        n = next(self._ids)
        if kind == "photo":
            mime_type, suffix, folder = None, ".jpg", "photos"
        else:
            if not mime_type or mime_type == "application/octet-stream":
                mime_type = mimetypes.guess_type(file_name or "")[0] or mime_type
            suffix = "." + file_name.rsplit(".", 1)[1] if file_name and "." in file_name else ""
            folder = "documents"
        prefix = "AgACAgIAAxk" if kind == "photo" else "BQACAgIAAxk"
        stored = StoredFile(
            file_id=f"{prefix}{n:012d}",
            file_unique_id=f"AgAD{n:08d}",
            kind=kind,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{folder}/file_{n}{suffix}",
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored


def shallow(message: dict[str, Any]) -> dict[str, Any]:
    """A message as embedded in another (Telegram does not nest replies further)."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}
