"""The bot's commands: one declaration used by /help and by set_my_commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from domain.access import Actor
from domain.models import Role

ALL_ROLES = frozenset(Role)
HEADS = frozenset({Role.UNIT_HEAD, Role.AGENCY_HEAD})


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str  # English msgid, marked with N_ and translated where shown
    aliases: tuple[str, ...] = ()
    roles: frozenset[Role] = ALL_ROLES  # linked roles that may use it in private
    private: bool = True  # offered in private chats
    secretariat_chat: bool = False  # offered in the secretariat's group chat
    public: bool = False  # offered to people who are not linked yet
    visible: Callable[[Actor], bool] | None = field(default=None, compare=False)

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def shown(self, locale: str) -> tuple[str, str | None]:
        """The command as a reader of `locale` sees it, and its other name: Vietnamese texts
        lead with the Vietnamese command (/tonghop, /summary as the other)."""
        if locale.startswith("vi") and self.aliases:
            return self.aliases[0], self.name
        return self.name, (self.aliases[0] if self.aliases else None)

    def available_to(self, actor: Actor) -> bool:
        if actor.in_secretariat_chat:
            return self.secretariat_chat
        if not actor.is_private:
            return False
        if actor.person is None:
            return self.public
        if not self.private or actor.person.role not in self.roles:
            return False
        return self.visible(actor) if self.visible else True
