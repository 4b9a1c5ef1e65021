"""What is open for a person now: the registrations they (and, for a head, their
collectives) can make, whether each is done, and the campaigns still to commit to.

Pure model: the caller loads windows, registrations, drafts and campaigns; /start and the
greeting after linking render it (reports/open_now.py) with choices to act.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.models import OrgUnit
from domain.org import OrgTree
from domain.windows import RegistrationWindow, windows_for


class TaskState(StrEnum):
    TO_DO = "to_do"  # nothing yet (or a draft with nothing in it)
    DRAFT = "draft"  # started, not confirmed
    DONE = "done"  # confirmed
    WITHDRAWN = "withdrawn"  # confirmed, then withdrawn


@dataclass(frozen=True)
class RegistrationTask:
    year: int
    deadline: date
    state: TaskState
    org: OrgUnit | None = None  # the collective registered; None: the person's own
    reference: str | None = None  # of the confirmed registration


@dataclass(frozen=True)
class CampaignTask:
    campaign_id: int
    name: str
    deadline: date  # of the commitment (a late one is still recorded until the period ends)


@dataclass(frozen=True)
class OpenNow:
    registrations: tuple[RegistrationTask, ...] = ()
    collectives: tuple[RegistrationTask, ...] = ()
    campaigns: tuple[CampaignTask, ...] = ()  # not committed to yet

    @property
    def anything(self) -> bool:
        return bool(self.registrations or self.collectives or self.campaigns)

    @property
    def registration_left(self) -> bool:
        return any(t.state != TaskState.DONE for t in self.registrations)

    @property
    def collective_left(self) -> bool:
        return any(t.state != TaskState.DONE for t in self.collectives)


def task_state(confirmed: bool | None, started: bool) -> TaskState:
    """`confirmed`: the current registration is confirmed (True), withdrawn (False), or there
    is none (None); `started`: a draft with a title ticked or an answer given. A confirmed
    registration counts while a change of it is drafted."""
    if confirmed:
        return TaskState.DONE
    if started:
        return TaskState.DRAFT
    return TaskState.TO_DO if confirmed is None else TaskState.WITHDRAWN


def open_windows(windows: Iterable[RegistrationWindow], tree: OrgTree, org_id: int,
                 today: date) -> list[RegistrationWindow]:
    """The windows a subject of `org_id` may register in today, oldest year first (two at
    once when next year's opens before this year's closes)."""
    mine = windows_for(windows, tree, org_id)
    return sorted((w for w in mine if w.is_open(today)), key=lambda w: w.year)
