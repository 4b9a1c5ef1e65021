"""What became of sending one queued message, whatever the channel: the outbox sender
(bot.outbox) records it; each channel's transport (Telegram's, Zalo's) reports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from storage.outbox import OutboxMessage


@dataclass(frozen=True)
class Outcome:
    kind: str  # sent, retry_after, unreachable, failed, retry, migrated
    detail: str = ""
    delay: float = 0.0  # retry_after: seconds the platform asked to wait
    message_id: object = None  # sent: the platform's id
    new_chat_id: int | None = None  # migrated (a Telegram group became a supergroup)


class Transport(Protocol):
    """How one channel sends an outbox message."""

    channel: str

    def is_group(self, chat_id: object) -> bool: ...

    async def send(self, message: OutboxMessage) -> Outcome: ...
