"""Registration windows (đợt đăng ký thi đua năm): when a subject may register, and under which
rule set.

A window covers a year and a scope (a bloc, an agency, or everything). Dates are local dates;
the deadline is inclusive. A subject belongs to the most specific window whose scope contains
it: an agency's own window wins over its bloc's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.org import OrgTree
from domain.rules import NoRuleSetInForce, RuleSet, load_ruleset, ruleset_for_year

MIN_YEAR, MAX_YEAR = 2000, 2100  # registration years accepted anywhere


class WindowState(StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"  # the deadline has passed


class RegistrationWindow(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    year: int
    scope_org_id: int | None  # None: the whole database
    opens_on: date
    deadline: date  # inclusive
    ruleset_id: str
    closed_at: datetime | None = None  # when the final summary was posted
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def state(self, today: date) -> WindowState:
        if today < self.opens_on:
            return WindowState.NOT_YET_OPEN
        if today > self.deadline:
            return WindowState.CLOSED
        return WindowState.OPEN

    def is_open(self, today: date) -> bool:
        return self.state(today) == WindowState.OPEN

    def covers(self, tree: OrgTree, org_id: int) -> bool:
        return tree.is_within(org_id, self.scope_org_id)


def _depth(tree: OrgTree, window: RegistrationWindow) -> int:
    if window.scope_org_id is None:
        return 0
    return len(tree.ancestors(window.scope_org_id))


def windows_for(
    windows: Iterable[RegistrationWindow], tree: OrgTree, org_id: int
) -> list[RegistrationWindow]:
    """Per year, the most specific window covering `org_id`; newest year first."""
    best: dict[int, RegistrationWindow] = {}
    for window in windows:
        if window.scope_org_id is not None and window.scope_org_id not in tree:
            continue
        if not window.covers(tree, org_id):
            continue
        current = best.get(window.year)
        if current is None or _depth(tree, window) > _depth(tree, current):
            best[window.year] = window
    return sorted(best.values(), key=lambda w: w.year, reverse=True)


def relevant_window(
    windows: Iterable[RegistrationWindow], tree: OrgTree, org_id: int, today: date
) -> RegistrationWindow | None:
    """The window a subject deals with today: an open one, else the next to open, else the
    latest closed one (so a refusal can name its dates)."""
    mine = windows_for(windows, tree, org_id)
    if not mine:
        return None
    for state in (WindowState.OPEN, WindowState.NOT_YET_OPEN):
        found = [w for w in mine if w.state(today) == state]
        if found:
            # Of two open windows (rare: two years overlapping) the older year ends first.
            return min(found, key=lambda w: w.year)
    return mine[0]


def governed_org_ids(window: RegistrationWindow, windows: Iterable[RegistrationWindow],
                     tree: OrgTree) -> set[int]:
    """The orgs whose people register under `window`: its subtree, minus the subtrees of the
    more specific windows of the same year inside it (an agency's own window wins)."""
    if window.scope_org_id is not None and window.scope_org_id not in tree:
        return set()
    governed = tree.subtree_ids(window.scope_org_id)
    for other in windows:
        if other.year != window.year or other.id == window.id or other.scope_org_id is None \
                or other.scope_org_id not in tree or other.scope_org_id == window.scope_org_id:
            continue
        if window.covers(tree, other.scope_org_id):
            governed -= tree.subtree_ids(other.scope_org_id)
    return governed


def may_change(window: RegistrationWindow, tree: OrgTree, scope_org_id: int | None) -> bool:
    """Whether a secretariat of `scope_org_id` (None: everything) may change `window`: its
    own scope's, or one inside it. A province-wide window belongs to the province's
    secretariat only (a scoped one extended it with a button while its command refused)."""
    if scope_org_id is None:
        return True
    return window.scope_org_id is not None and window.scope_org_id in tree \
        and tree.is_within(window.scope_org_id, scope_org_id)


_DAY_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$"),
)


def year_ruleset(windows: Sequence[RegistrationWindow], year: int) -> RuleSet | None:
    """The rule set of the year's windows (`windows`: the year's, the last one's), else the
    one the year is judged by (in force at its end: `domain.rules.ruleset_for_year`); None
    when there is none."""
    try:
        if windows:
            return load_ruleset(windows[-1].ruleset_id)
        return ruleset_for_year(year)
    except (NoRuleSetInForce, KeyError):
        return None


def parse_day(text: str) -> date | None:
    """A date as people type it: 15/03/2024, 15-3-2024, 15.03.2024 or 2024-03-15."""
    value = text.strip()
    for pattern in _DAY_PATTERNS:
        match = pattern.match(value)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def looks_like_day(text: str) -> bool:
    """Written as a date, valid or not ("31/02/2027" looks like one; parse_day refuses it)."""
    value = text.strip()
    return any(pattern.match(value) for pattern in _DAY_PATTERNS)
