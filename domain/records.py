"""A registration as the rules see it: who registered which titles for which year."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from domain.rules import SubjectKind


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
