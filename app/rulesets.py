"""The rule set a registration year is read with."""

from __future__ import annotations

from domain.rules import RuleSet
from domain.windows import year_ruleset
from storage.db import Database
from storage.windows import WindowRepository


async def ruleset_of_year(db: Database, year: int) -> RuleSet | None:
    """The rule set of the year's window, else the one the year is judged by (in force at
    its end: `domain.rules.ruleset_for_year`): `domain.windows.year_ruleset`."""
    return year_ruleset(await WindowRepository(db).windows(year), year)
