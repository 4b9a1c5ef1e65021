"""Who may register what: a person their own titles, heads the collectives they head.

Applied to the actor resolved from the database at every update, never to callback data.
"""

from __future__ import annotations

from domain.access import Actor, collective_subjects
from domain.models import Role
from domain.org import OrgTree
from domain.registration import allowed_titles
from domain.rules import RuleSet, SubjectKind, Title
from domain.subjects import Subject


def may_register(actor: Actor, tree: OrgTree, subject: Subject) -> bool:
    """A person registers for themself; unit heads for the units they head; agency heads for
    their agency (and any unit they head)."""
    if actor.person is None:
        return False
    if subject.is_person:
        return subject.person_id == actor.person.id
    return subject.org_id in collective_subjects(actor, tree)


def registrable_titles(
    ruleset: RuleSet, actor: Actor, tree: OrgTree, subject: Subject
) -> list[Title]:
    """The titles the actor may tick for the subject, in catalog order ([] if none)."""
    if not may_register(actor, tree, subject):
        return []
    assert actor.person is not None
    role = actor.person.role
    if subject.kind == SubjectKind.UNIT and subject.org_id in actor.headed_org_ids:
        role = Role.UNIT_HEAD  # an agency head who also heads a unit registers it as its head
    return allowed_titles(
        ruleset, subject.kind, role,
        subject_is_self=subject.is_person,
        subject_is_own_unit=subject.kind == SubjectKind.UNIT,
        subject_is_own_agency=subject.kind == SubjectKind.AGENCY,
        in_bloc=tree.bloc_of(subject.org_id) is not None if subject.org_id in tree else None,
    )
