"""What the core says, whatever the channel: screens with their choices, notices and files.

A use case never talks to a messenger. It appends these to `Ctx.out`, and a channel adapter
renders them: Telegram as HTML messages with inline buttons (edited in place after a tap),
Zalo as plain text with numbered menus. Texts are already translated, in a small HTML subset
(`<b>`, `<i>`, `<u>`, `<code>`, `<a href>`; every other `<`, `>`, `&` escaped): the format
Telegram reads, and one that the Zalo adapter turns into plain text.

A `Choice` carries `data`: short ASCII (≤ 64 bytes, Telegram's callback-data limit) that comes
back as a `Pick` when the person chooses it. It always names what it acts on and the version
shown (a draft and its version, a campaign and a page), so a stale choice is recognised by the
use case and never acts on a newer screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.choicedata import MAX_DATA_BYTES
from domain.access import Actor
from locales import choices_as_buttons, tapped


class Role(StrEnum):
    """What a choice means, for channels where people type words instead of tapping."""

    BACK = "back"  # "quay lại"
    CANCEL = "cancel"  # "huỷ"


@dataclass(frozen=True)
class Choice:
    label: str  # plain text, already translated
    data: str  # comes back as Pick(data)
    role: Role | None = None

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > MAX_DATA_BYTES or not self.data.isascii():
            raise ValueError(f"choice data must be ASCII of at most 64 bytes: {self.data!r}")


Rows = tuple[tuple[Choice, ...], ...]


def rows(*lines: Sequence[Choice]) -> Rows:
    """Rows of choices, empty rows dropped."""
    return tuple(tuple(line) for line in lines if line)


@dataclass(frozen=True)
class Message:
    """A message to the chat the event came from.

    `replace`: after a tap, this is the next state of the tapped screen (Telegram edits it in
    place; channels that cannot edit send it anew). `multi`: several choices may be taken at
    once (ticks). `expects_text`: the screen waits for a typed answer (choices then cannot be
    chosen by typing their number). `remove_keyboard`: the contact-sharing keyboard goes away.
    """

    text: str
    choices: Rows = ()
    replace: bool = False
    multi: bool = False
    expects_text: bool = False
    remove_keyboard: bool = False

    @property
    def all_choices(self) -> list[Choice]:
        return [c for line in self.choices for c in line]


@dataclass(frozen=True)
class Settle:
    """The tapped screen is done with: its choices go (and its text becomes `text`)."""

    text: str | None = None


@dataclass(frozen=True)
class Alert:
    """A refusal or notice that must be read: an alert on a tap, else a message."""

    text: str


@dataclass(frozen=True)
class Toast:
    """A brief acknowledgement of a tap. Channels without one send it as a message, unless
    `quiet` (the next message says the same)."""

    text: str
    quiet: bool = False


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str  # HTML subset


@dataclass(frozen=True)
class Photo:
    filename: str
    content: bytes
    caption: str  # HTML subset


@dataclass(frozen=True)
class AskContact:
    """Ask a person to share their own phone number (channels that can: Telegram)."""

    text: str
    button: str


@dataclass(frozen=True)
class Busy:
    """Something slow is being prepared (a "sending a file…" indicator)."""

    kind: str = "typing"  # or "upload_document"


@dataclass(frozen=True)
class CommandsChanged:
    """The person's commands changed (they linked): channels with a command menu update it."""

    actor: Actor = field(compare=False)


@dataclass(frozen=True)
class Later:
    """Outputs that take a while (summary files): the channel runs `work` in the background,
    without holding up the chat's next messages, and delivers what it returns to the chat."""

    work: Callable[[], Awaitable[list[Out]]] = field(compare=False)
    name: str = "later"


Out = Message | Settle | Alert | Toast | Document | Photo | AskContact | Busy | CommandsChanged \
    | Later


__all__ = ["choices_as_buttons", "tapped"]  # re-exported: the channel's way of choosing
