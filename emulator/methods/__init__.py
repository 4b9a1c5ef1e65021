"""Bot API method handlers, one module per area; importing them fills `METHODS`."""

from . import bot, chats, files, messages, updates
from ._registry import METHODS, Handler, api_method

__all__ = ["METHODS", "Handler", "api_method", "bot", "chats", "files", "messages", "updates"]
