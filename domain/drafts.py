"""A registration in progress: the draft a subject's registration is built in, and the draft
an account is answering.

A draft holds the ticked titles, the answers, the step reached and a version bumped at every
change; confirming it (`domain.registration.confirmed_content`, then
`storage.registrations.RegistrationRepository.confirm`) turns it into the subject's confirmed
`domain.records.Registration`, so a confirmed registration stays intact while an edit of it
is a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.subjects import Subject


@dataclass(frozen=True)
class Draft:
    id: int
    year: int
    subject: Subject
    titles: frozenset[str]  # as ticked
    answers: dict[str, Any]
    step: str  # "titles", "q:<question key>", "review"
    version: int
    actor_person_id: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DraftSession:
    """The draft an account is working on and the version it last saw."""

    account: str
    draft_id: int
    version: int
