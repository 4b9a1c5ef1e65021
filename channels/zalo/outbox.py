"""Messages the bot sends on its own (launches, digests, reminders), delivered on Zalo: the
outbox sender of bot.outbox with this transport. Buttons become a numbered menu, which is
remembered as the chat's current one (a typed "1" then answers it)."""

from __future__ import annotations

from app.delivery import Outcome
from app.ui import Choice, Message
from channels.zalo.adapter import plain_text
from channels.zalo.api import ZaloBotApi
from channels.zalo.errors import (
    ZaloApiError,
    ZaloBadRequest,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloServerError,
)
from channels.zalo.menus import menu_of, numbered
from storage.db import Database
from storage.outbox import OutboxMessage
from storage.zalo_menus import MenuRepository

RATE_LIMIT_WAIT = 5.0  # seconds, when a 429 does not say how long


def as_message(message: OutboxMessage) -> Message:
    """An outbox row as a screen: its text, its buttons as choices (link buttons as text)."""
    choices: list[list[Choice]] = []
    links: list[str] = []
    for row in message.buttons:
        line = []
        for button in row:
            if button.get("callback_data"):
                line.append(Choice(button["text"], button["callback_data"]))
            elif button.get("url"):
                links.append(f"{button['text']}: {button['url']}")
        if line:
            choices.append(line)
    text = message.text + ("\n" + "\n".join(links) if links else "")
    return Message(text, tuple(tuple(r) for r in choices))


class ZaloTransport:
    channel = "zalo"

    def __init__(self, api: ZaloBotApi, db: Database, groups: frozenset[str] = frozenset()
                 ) -> None:
        self.api = api
        self.menus = MenuRepository(db)
        self.groups = groups  # ids of the groups the bot writes to (the secretariat's)

    def is_group(self, chat_id: object) -> bool:
        return chat_id in self.groups

    async def send(self, message: OutboxMessage) -> Outcome:
        screen = as_message(message)
        chat_id = str(message.chat_id)
        text = "\n".join([plain_text(screen.text), *numbered(screen)])
        try:
            sent = await self.api.send_text(chat_id, text)
        except ZaloRateLimited as exc:
            delay = exc.retry_after or RATE_LIMIT_WAIT
            return Outcome("retry_after", f"429 retry after {delay:g}s", delay=delay)
        except ZaloForbidden as exc:
            return Outcome("unreachable", str(exc))
        except ZaloBadRequest as exc:
            return Outcome("failed", str(exc))
        except (ZaloNetworkError, ZaloServerError, ZaloApiError) as exc:
            return Outcome("retry", str(exc))
        shown_at = sent[-1].date if sent and sent[-1].date else None
        menu = menu_of(chat_id, screen, shown_at or 0)
        if menu is not None and shown_at is not None:
            await self.menus.show(menu)
        return Outcome("sent", message_id=sent[-1].message_id if sent else None)
