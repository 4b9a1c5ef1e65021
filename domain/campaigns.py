"""Period campaigns (phong trào thi đua đợt): the document, its scope and who may acknowledge.

A campaign file (see `domain.campaign_file`) becomes a `CampaignDocument`: name, issuer, scope
(an org named in the file), period, a deadline to acknowledge, ordered sections of text and one
optional section of targets (chỉ tiêu). Once stored it is a `Campaign` with a status:

    loaded ──launch──▶ launched ──end (by hand, or once today > period_end)──▶ ended

A campaign counts as over from the day after its period ends even before the daily job marks
it ended, so every decision here is taken from the dates, never from a job having run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.models import OrgUnit
from domain.org import OrgTree, org_key

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class Measure(StrEnum):
    """What the bot can measure of a target; a target without a measure is tracked by people."""

    REGISTRATION_RATE = "registration_rate"  # confirmed individual registrations of the year
    ACKNOWLEDGEMENT_RATE = "acknowledgement_rate"  # people who acknowledged the campaign


class CampaignStatus(StrEnum):
    LOADED = "loaded"
    LAUNCHED = "launched"
    ENDED = "ended"


class Paragraph(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    item: bool = False  # a list item ("- …", "1. …"): items of one list stay together


class Target(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    measure: Measure | None = None
    goal: float = 1.0  # share of people, 1.0 for "100% …"


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    paragraphs: tuple[Paragraph, ...] = ()
    targets: tuple[Target, ...] | None = None  # set for the section of targets (chỉ tiêu)


class CampaignDocument(BaseModel):
    """A campaign as its file describes it; stored as JSON with the campaign."""

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    issuer: str
    scope: str  # the org name as written in the file
    period_start: date
    period_end: date
    ack_deadline: date
    year: int  # the registration year its registration_rate target counts
    language: Literal["vi", "en"] = "vi"
    intro: tuple[Paragraph, ...] = ()
    sections: tuple[Section, ...] = ()
    signer: str | None = None
    signer_title: str | None = None

    @property
    def targets(self) -> tuple[Target, ...]:
        return next((s.targets for s in self.sections if s.targets is not None), ())


class Campaign(BaseModel):
    """A stored campaign."""

    model_config = ConfigDict(frozen=True)

    id: int
    code: str
    name: str
    issuer: str
    scope_org_id: int | None  # None: the whole database
    period_start: date
    period_end: date
    ack_deadline: date
    status: CampaignStatus
    launched_at: datetime | None = None
    ended_on: date | None = None
    document: CampaignDocument

    def is_over(self, today: date) -> bool:
        return self.status == CampaignStatus.ENDED or today > self.period_end

    def closed_on(self) -> date:
        """The last day acknowledgements were accepted, for refusals and listings."""
        if self.ended_on is not None and self.ended_on < self.period_end:
            return self.ended_on
        return self.period_end

    def is_current(self, today: date) -> bool:
        """Launched and not over: shown in /goals and open to acknowledgements."""
        return self.status == CampaignStatus.LAUNCHED and not self.is_over(today)

    def covers(self, tree: OrgTree, org_id: int) -> bool:
        """Whether a person of `org_id` is in the campaign's scope."""
        return tree.is_within(org_id, self.scope_org_id)


class AckWindow(StrEnum):
    NOT_LAUNCHED = "not_launched"
    OPEN = "open"  # until the deadline to acknowledge
    LATE = "late"  # after the deadline, until the end of the period: accepted, marked late
    CLOSED = "closed"  # the campaign is over


def ack_window(campaign: Campaign, today: date) -> AckWindow:
    if campaign.status == CampaignStatus.LOADED:
        return AckWindow.NOT_LAUNCHED
    if campaign.is_over(today):
        return AckWindow.CLOSED
    return AckWindow.LATE if today > campaign.ack_deadline else AckWindow.OPEN


def is_late(campaign: Campaign, acknowledged_on: date) -> bool:
    return acknowledged_on > campaign.ack_deadline


# The roster's matching key, shared with /summary and every name typed back (domain.org).
org_match_key = org_key


@dataclass(frozen=True)
class ScopeMatch:
    org: OrgUnit | None
    candidates: tuple[OrgUnit, ...] = ()  # several orgs of that name: the file must say which

    @property
    def ambiguous(self) -> bool:
        return self.org is None and len(self.candidates) > 1


def resolve_scope(name: str, tree: OrgTree) -> ScopeMatch:
    """The org a campaign file names: by its name, or "Unit – Agency" when names repeat."""
    wanted = org_match_key(name)
    by_name = [u for u in tree.walk() if org_match_key(u.name) == wanted]
    if len(by_name) == 1:
        return ScopeMatch(by_name[0])
    by_label = [u for u in tree.walk() if org_match_key(tree.label(u.id)) == wanted]
    if len(by_label) == 1:
        return ScopeMatch(by_label[0])
    return ScopeMatch(None, tuple(by_name or by_label))


def within_scope(campaign_scope: int | None, viewer_scope: int | None, tree: OrgTree) -> bool:
    """Whether a campaign lies inside a secretariat's scope (None = everything)."""
    if viewer_scope is None:
        return True
    if campaign_scope is None:
        return False
    return tree.is_within(campaign_scope, viewer_scope)


def current_for(campaigns: Iterable[Campaign], tree: OrgTree, org_id: int,
                today: date) -> list[Campaign]:
    """The campaigns a person of `org_id` sees in /goals, oldest launch first."""
    return [c for c in campaigns if c.is_current(today) and c.covers(tree, org_id)]
