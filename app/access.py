"""Who may use a command or a choice: declared once per route, checked by the core before the
use case runs, with the refusal each case gets (in the actor's language)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access import Actor
from domain.models import Role
from locales import _

ALL_ROLES = frozenset(Role)
HEADS = frozenset({Role.UNIT_HEAD, Role.AGENCY_HEAD})
SECRETARIAT = frozenset({Role.SECRETARIAT})


def not_linked_text() -> str:
    return _("You are not linked yet. Send /start to link your account.")


@dataclass(frozen=True)
class Access:
    """`secretariat` admits the secretariat's group chat and secretariat members in private
    (and nobody else); otherwise `private`, `linked` and `roles` all apply."""

    private: bool = True
    linked: bool = True
    roles: frozenset[Role] | None = None
    secretariat: bool = False

    def refusal(self, actor: Actor) -> str | None:
        """Why the actor may not go on, or None."""
        if self.secretariat:
            if actor.is_secretariat:
                return None
            if actor.is_private and actor.person is None:
                return not_linked_text()
            return _("This is for the emulation and commendation secretariat only.")
        if self.private and not actor.is_private:
            return _("Please use this command in a private chat with me.")
        if self.linked and actor.person is None:
            return not_linked_text()
        if self.roles is not None and (actor.person is None or actor.person.role not in self.roles):
            return _("You do not have permission to use this.")
        return None


PERSON = Access()
ANYONE = Access(private=False, linked=False)
ANYONE_PRIVATE = Access(linked=False)
SECRETARIAT_ONLY = Access(private=False, secretariat=True)
