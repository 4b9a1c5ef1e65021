"""The bot's commands: one declaration per command, used to run it, to list it in /trogiup
and in the channels' command menus, and to recognise it when typed without a slash."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.access import ALL_ROLES, Access
from domain.access import Actor
from domain.models import Role
from domain.text import fold_key

if TYPE_CHECKING:
    from app.context import Ctx


@dataclass(frozen=True)
class CommandSpec:
    name: str  # English, the Telegram command (/register)
    description: str  # English msgid, marked with N_ and translated where shown
    run: Callable[[Ctx, tuple[str, ...]], Awaitable[None]] | None = field(default=None,
                                                                         compare=False)
    access: Access = field(default_factory=Access)
    aliases: tuple[str, ...] = ()  # the Vietnamese names first (/dangky)
    # Who is offered it (in /trogiup and the menus); `access` decides who may run it.
    roles: frozenset[Role] = ALL_ROLES  # linked roles that may use it in private
    private: bool = True  # offered in private chats
    secretariat_chat: bool = False  # offered in the secretariat's group chat
    public: bool = False  # offered to people who are not linked yet
    visible: Callable[[Actor], bool] | None = field(default=None, compare=False)
    listed: bool = True  # False: works, but is not offered (/huy inside a flow)

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def shown(self, locale: str) -> tuple[str, str | None]:
        """The command as a reader of `locale` sees it, and its other name: Vietnamese texts
        lead with the Vietnamese command (/tonghop, /summary as the other)."""
        if locale.startswith("vi") and self.aliases:
            return self.aliases[0], self.name
        return self.name, (self.aliases[0] if self.aliases else None)

    def available_to(self, actor: Actor) -> bool:
        if not self.listed:
            return False
        if actor.in_secretariat_chat:
            return self.secretariat_chat
        if not actor.is_private:
            return False
        if actor.person is None:
            return self.public
        if not self.private or actor.person.role not in self.roles:
            return False
        return self.visible(actor) if self.visible else True


class CommandTable:
    """Commands by every name they answer to, and by their words typed without a slash
    ("dang ky", "Đăng ký" and "dangky" all name /dangky)."""

    def __init__(self, specs: Iterable[CommandSpec]) -> None:
        self.specs = list(specs)
        self._by_name: dict[str, CommandSpec] = {}
        for spec in self.specs:
            for name in spec.names():
                self._by_name.setdefault(name.lower(), spec)

    def get(self, name: str) -> CommandSpec | None:
        return self._by_name.get(name.lower())

    def match_words(self, text: str) -> tuple[CommandSpec, tuple[str, ...]] | None:
        """A command typed as words: its name with or without slash, spaces or diacritics,
        then its arguments. Only the first one or two words are tried."""
        words = text.strip().split()
        if not words:
            return None
        first = words[0].lstrip("/").split("@", 1)[0]
        for count in (1, 2):
            if len(words) < count:
                break
            key = fold_key(" ".join([first, *words[1:count]])).replace(" ", "")
            spec = self._by_name.get(key)
            if spec is not None:
                return spec, tuple(words[count:])
        return None


def parse_slash(text: str) -> tuple[str, tuple[str, ...]] | None:
    """`/name@bot args…` → (name, args); None when the text is not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, *args = text.split()
    name = head[1:].split("@", 1)[0]
    if not name or not all(c.isalnum() or c == "_" for c in name):
        return None
    return name.lower(), tuple(args)
