"""Who a registration is for: a person, a unit or an agency (the collective itself)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.models import OrgKind, OrgUnit, Person
from domain.rules import SubjectKind


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    org_id: int  # the collective itself, or the person's unit (or agency, for its leadership)
    person_id: int | None = None

    def __post_init__(self) -> None:
        if (self.kind == SubjectKind.PERSON) != (self.person_id is not None):
            raise ValueError("a person subject needs person_id, a collective none")

    @classmethod
    def of_person(cls, person: Person) -> Subject:
        return cls(SubjectKind.PERSON, person.org_id, person.id)

    @classmethod
    def of_org(cls, org: OrgUnit) -> Subject:
        if org.kind == OrgKind.BLOC:
            raise ValueError("a bloc does not register titles")
        kind = SubjectKind.AGENCY if org.kind == OrgKind.AGENCY else SubjectKind.UNIT
        return cls(kind, org.id)

    @property
    def is_person(self) -> bool:
        return self.kind == SubjectKind.PERSON

    @property
    def key(self) -> tuple[str, int]:
        """Identity within a year: ("person", person id) or (kind, org id)."""
        if self.person_id is not None:
            return (self.kind.value, self.person_id)
        return (self.kind.value, self.org_id)
