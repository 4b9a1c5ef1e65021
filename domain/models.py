"""Core models shared by every feature: the organisation tree, people and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class OrgKind(StrEnum):
    BLOC = "bloc"  # khối thi đua
    AGENCY = "agency"  # cơ quan: sở, ban, văn phòng, cục
    UNIT = "unit"  # phòng, ban, đơn vị trực thuộc (any depth below an agency)


class Role(StrEnum):
    STAFF = "staff"
    UNIT_HEAD = "unit_head"
    AGENCY_HEAD = "agency_head"
    SECRETARIAT = "secretariat"


class OrgUnit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    parent_id: int | None
    kind: OrgKind
    name: str
    sort_order: int = 0
    active: bool = True


class Person(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    full_name: str
    phone: str  # normalised, see domain.phone
    position: str
    is_leader: bool
    role: Role
    org_id: int  # the unit, or the agency itself for its own leadership
    active: bool = True


class Link(BaseModel):
    """A person's account on one chat channel (Telegram, Zalo); ids are the channel's own."""

    model_config = ConfigDict(frozen=True)

    channel: str  # "telegram" or "zalo"
    person_id: int
    user_id: str
    chat_id: str  # the private chat with the person
    linked_at: datetime
    method: str  # "contact" or "invite"
    unreachable_at: datetime | None = None

    @property
    def account(self) -> str:
        return f"{self.channel}:{self.user_id}"
