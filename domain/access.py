"""Who is asking, and what they may see: the authorisation rules of every feature.

Staff see their own data; unit heads the units they head; agency heads their agency; the
secretariat its configured scope (a bloc, an agency, or everything). The secretariat's group
chat acts with the secretariat's scope whoever writes in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.models import Person, Role
from domain.org import OrgTree


@dataclass(frozen=True)
class Actor:
    account: str | None  # who is acting: "telegram:123", "zalo:6ede9a…"; None for jobs
    chat_id: str | None  # where, in the channel's own ids
    chat_type: str | None  # "private" or "group"
    locale: str
    person: Person | None = None
    headed_org_ids: tuple[int, ...] = field(default_factory=tuple)
    in_secretariat_chat: bool = False
    secretariat_scope_id: int | None = None  # None = the whole database

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"

    @property
    def role(self) -> Role | None:
        return self.person.role if self.person else None

    @property
    def is_secretariat(self) -> bool:
        """Acting for the secretariat: in its group chat, or a secretariat member in private."""
        if self.in_secretariat_chat:
            return True
        return self.is_private and self.role == Role.SECRETARIAT

    @property
    def is_agency_head(self) -> bool:
        return self.role == Role.AGENCY_HEAD

    @property
    def is_unit_head(self) -> bool:
        return self.role == Role.UNIT_HEAD


def scope_roots(actor: Actor, tree: OrgTree) -> list[int | None]:
    """The org subtrees whose aggregate data the actor may see (None = everything).

    An empty list means the actor sees only their own data.
    """
    if actor.is_secretariat:
        return [actor.secretariat_scope_id]
    if actor.person is None:
        return []
    if actor.is_agency_head:
        agency = tree.agency_of(actor.person.org_id)
        roots: list[int | None] = [agency.id] if agency else []
        return roots + [o for o in actor.headed_org_ids if o in tree and o not in roots]
    if actor.is_unit_head:
        return [o for o in actor.headed_org_ids if o in tree]
    return []


def can_see_org(actor: Actor, tree: OrgTree, org_id: int) -> bool:
    return any(tree.is_within(org_id, root) for root in scope_roots(actor, tree))


def collective_subjects(actor: Actor, tree: OrgTree) -> list[int]:
    """Org units the actor may register collective titles for (units headed, own agency)."""
    if actor.person is None:
        return []
    subjects: list[int] = []
    if actor.is_agency_head:
        agency = tree.agency_of(actor.person.org_id)
        if agency is not None:
            subjects.append(agency.id)
    subjects.extend(o for o in actor.headed_org_ids if o in tree and o not in subjects)
    return subjects
