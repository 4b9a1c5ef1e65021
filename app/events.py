"""What a person did, whatever the channel: a command, a choice, text, a contact or a file.

Channel adapters turn their updates into a `Source` (who, where) and one of these events;
the core decides what happens (app.core).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Capabilities:
    """What a channel can show or receive; use cases adapt what they offer to it."""

    buttons: bool  # choices are tapped (Telegram) rather than typed as numbers (Zalo)
    contact_sharing: bool  # a person can share their own verified phone number
    documents: bool  # files can be sent and received as attachments
    command_menu: bool  # the messenger shows a menu of the bot's commands
    max_text: int  # characters in one message


TELEGRAM = Capabilities(buttons=True, contact_sharing=True, documents=True, command_menu=True,
                        max_text=4096)
ZALO = Capabilities(buttons=False, contact_sharing=False, documents=False, command_menu=False,
                    max_text=2000)
CAPABILITIES = {Channel.TELEGRAM: TELEGRAM, Channel.ZALO: ZALO}


@dataclass(frozen=True)
class Source:
    """Who sent an event, from which chat. Ids are the channel's own, as text."""

    channel: Channel
    user_id: str | None
    chat_id: str
    chat_kind: ChatKind
    display_name: str = ""
    # An event a previous process received but may not have finished: its effect may already
    # be saved. Use cases re-show the current state instead of applying an input they cannot
    # recheck (a typed answer).
    replay: bool = False

    @property
    def account(self) -> str | None:
        """The sender's account across channels: "telegram:123", "zalo:6ede9a…"."""
        return f"{self.channel.value}:{self.user_id}" if self.user_id is not None else None

    @property
    def is_private(self) -> bool:
        return self.chat_kind == ChatKind.PRIVATE

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES[self.channel]


@dataclass(frozen=True)
class Command:
    name: str  # without the slash, lower case: "dangky"
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pick:
    data: str  # a Choice's data, as shown (never trusted: the use case rechecks it)


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Contact:
    phone: str
    own: bool  # the contact card is the sender's own (Telegram: its user_id is the sender's)


class DownloadFailed(Exception):
    """A file could not be fetched from the channel (raised by `FileIn.download`)."""


@dataclass(frozen=True)
class FileIn:
    filename: str
    size: int | None  # as announced by the channel, before downloading
    download: Callable[[], Awaitable[bytes]] = field(compare=False)  # raises DownloadFailed


@dataclass(frozen=True)
class Unreadable:
    """A message the core cannot read (a photo, a sticker, a voice note): answered in private
    as text it does not understand would be."""


@dataclass(frozen=True)
class Edited:
    """A message was edited: never a command or an answer."""


@dataclass(frozen=True)
class Presence:
    """The person blocked (False) or unblocked (True) the bot."""

    reachable: bool


Event = Command | Pick | Text | Contact | FileIn | Edited | Presence | Unreadable
