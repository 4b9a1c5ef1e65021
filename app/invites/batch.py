"""Codes for many people at once, as the office (`thidua invites create`) and unit heads
(/mamoi) ask for them: who gets one, in which order, and the slips to hand out.

By default only people linked on no channel get a code. Issuing a code revokes the person's
earlier unused ones (storage.invites), so only the latest slip works.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.services import Services
from app.settings import Settings
from domain.models import OrgKind
from domain.org import OrgTree
from domain.text import vietnamese_sort_key
from reports.invite_slips import LinkGuide, Slip
from storage.audit import AuditContext
from storage.invites import Candidate, Issued

ALL_CHANNELS = ("telegram", "zalo")


@dataclass(frozen=True)
class Group:
    """The candidates of one org unit (a unit, or an agency's own leadership)."""

    org_id: int
    name: str  # the unit's own name (a head's units are of one agency)
    label: str  # "Unit – Agency", as lists spanning agencies need it
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class Selection:
    groups: list[Group]  # those who get a code, by unit in roster order
    linked: list[Candidate]  # left out because they are linked already

    @property
    def candidates(self) -> list[Candidate]:
        return [c for g in self.groups for c in g.candidates]

    @property
    def pending(self) -> int:
        """Candidates with an unused code still valid (a new one replaces it)."""
        return sum(c.pending_until is not None for c in self.candidates)


def subtree_ids(tree: OrgTree, roots: Iterable[int | None]) -> set[int]:
    ids: set[int] = set()
    for root in roots:
        ids |= tree.subtree_ids(root)
    return ids


def group(tree: OrgTree, candidates: Iterable[Candidate]) -> list[Group]:
    """By org unit in roster order, each unit's people in the order of official lists."""
    by_org: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        by_org.setdefault(candidate.person.org_id, []).append(candidate)
    order = {unit.id: n for n, unit in enumerate(tree.walk())}
    groups = []
    for org_id in sorted(by_org, key=lambda o: order.get(o, len(order))):
        people = sorted(by_org[org_id], key=lambda c: vietnamese_sort_key(c.person.full_name))
        org = tree.find(org_id)
        name, label = (org.name, tree.label(org_id)) if org is not None else ("?", "?")
        groups.append(Group(org_id, name, label, tuple(people)))
    return groups


async def select(services: Services, tree: OrgTree, org_ids: Iterable[int], *,
                 include_linked: bool = False) -> Selection:
    """The active people of these org units who should get a code."""
    candidates = await services.invites.candidates(org_ids)
    chosen = [c for c in candidates if include_linked or not c.channels]
    linked = [c for c in candidates if c.channels and not include_linked]
    return Selection(group(tree, chosen), linked)


def version(candidates: Sequence[Candidate]) -> str:
    """A short fingerprint of who is listed: a confirmation is for this list only."""
    ids = ",".join(str(c.person.id) for c in sorted(candidates, key=lambda c: c.person.id))
    return hashlib.sha256(ids.encode()).hexdigest()[:10]


async def issue(services: Services, candidates: Sequence[Candidate], who: AuditContext, *,
                days: int | None = None, batch: dict[str, Any] | None = None) -> list[Issued]:
    ttl = timedelta(days=days or services.settings.invite_ttl_days)
    return await services.invites.issue([c.person for c in candidates], ttl, who, batch=batch)


def slips(tree: OrgTree, issued: Iterable[Issued], settings: Settings) -> list[Slip]:
    result = []
    for item in issued:
        org = tree.find(item.person.org_id)
        agency = tree.agency_of(item.person.org_id)
        unit = org.name if org is not None and org.kind == OrgKind.UNIT else ""
        result.append(Slip(item.person.full_name, unit, agency.name if agency else "",
                           item.code, item.expires_at.astimezone(settings.tz)))
    return result


def link_guide(settings: Settings) -> LinkGuide:
    """Where to find the bot: its channels (both when the CLI runs without tokens)."""
    name = (settings.zalo_bot_name or "").strip() or None
    return LinkGuide(settings.channels or ALL_CHANNELS, settings.telegram_bot_username, name)
