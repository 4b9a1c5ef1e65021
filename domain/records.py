"""A registration as the rules see it (`RegistrationRecord`: who registered which titles for
which year) and as it is stored (`Registration`: with its reference, revision, implied titles
and answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from domain.rules import SubjectKind
from domain.subjects import Subject


class RegistrationStatus(StrEnum):
    DRAFT = "draft"  # answers still being collected
    CONFIRMED = "confirmed"  # the only status that counts in summaries and quotas
    WITHDRAWN = "withdrawn"


class RegistrationRecord(BaseModel):
    """One subject's registration for one year (storage keeps one per subject and year)."""

    model_config = ConfigDict(frozen=True)

    year: int
    subject_kind: SubjectKind
    person_id: int | None = None  # for a person
    org_id: int | None = None  # for a unit or an agency (the collective itself)
    titles: frozenset[str]  # as stored; implied titles are added by the rules when counting
    status: RegistrationStatus = RegistrationStatus.DRAFT
    reference: str | None = None  # the receipt number shown to the registrant
    updated_at: datetime | None = None

    @model_validator(mode="after")
    def _subject(self) -> RegistrationRecord:
        if self.subject_kind == SubjectKind.PERSON and self.person_id is None:
            raise ValueError("a person's registration needs person_id")
        if self.subject_kind != SubjectKind.PERSON and self.org_id is None:
            raise ValueError("a collective registration needs org_id")
        return self

    @property
    def counts(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


@dataclass(frozen=True)
class Registration:
    """A subject's registration of a year (one per subject and year), confirmed or withdrawn."""

    id: int
    year: int
    subject: Subject
    status: RegistrationStatus
    reference: str
    source: str  # telegram, import
    revision: int
    titles: frozenset[str]  # ticked (explicit)
    implied: frozenset[str]  # came with a ticked title
    answers: dict[str, Any] = field(default_factory=dict)
    actor_person_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    confirmed_at: datetime | None = None
    withdrawn_at: datetime | None = None

    @property
    def all_titles(self) -> frozenset[str]:
        return self.titles | self.implied

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    def record(self) -> RegistrationRecord:
        return RegistrationRecord(
            year=self.year,
            subject_kind=self.subject.kind,
            person_id=self.subject.person_id,
            org_id=None if self.subject.is_person else self.subject.org_id,
            titles=self.titles,
            status=self.status,
            reference=self.reference,
            updated_at=self.updated_at,
        )
