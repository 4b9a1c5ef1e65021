"""The table of Bot API methods: name (matched case-insensitively, as Telegram does) → handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..params import Params
    from ..server import BotApiEmulator

Handler = Callable[["BotApiEmulator", "Params"], Awaitable[Any]]

# lower-case name → (canonical name, handler)
METHODS: dict[str, tuple[str, Handler]] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register
