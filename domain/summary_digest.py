"""What a daily digest reports: the changes of a summary since the snapshot of the last one.

A snapshot keeps per row only what the digest compares (people registered, counts per title,
the agency's own flags) and the warnings in force, so it stays small (a few KB for a bloc)
and can be stored with each digest. Comparing two snapshots gives the rows that changed,
the warnings that appeared and those that went away.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.rules import RuleWarning
from domain.summary import Summary, Tally


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class RowSnapshot(_Frozen):
    org_id: int
    name: str
    active_people: int
    registered_people: int
    flags: tuple[str, ...] = ()
    collective: dict[str, int] = {}  # title → collectives (only titles held by some)
    individual: dict[str, int] = {}  # title → people


class Snapshot(_Frozen):
    year: int
    rows: tuple[RowSnapshot, ...]
    total: RowSnapshot
    warnings: tuple[dict[str, Any], ...] = ()  # RuleWarning.model_dump(mode="json")


class TitleChange(_Frozen):
    code: str
    collective: bool
    before: int
    after: int


class RowChange(_Frozen):
    org_id: int
    name: str
    registered_before: int
    registered_after: int
    active_people: int
    titles: tuple[TitleChange, ...] = ()
    flags_added: tuple[str, ...] = ()
    flags_removed: tuple[str, ...] = ()


class DigestChanges(_Frozen):
    first: bool  # no earlier snapshot: everything is new
    rows: tuple[RowChange, ...]
    total_before: int  # people registered
    total_after: int
    active_people: int
    new_warnings: tuple[RuleWarning, ...]
    resolved_warnings: tuple[RuleWarning, ...]

    @property
    def empty(self) -> bool:
        return not (self.rows or self.new_warnings or self.resolved_warnings)


def _row_snapshot(org_id: int, name: str, tally: Tally, flags: tuple[str, ...],
                  flag_codes: tuple[str, ...]) -> RowSnapshot:
    # An agency's own flag is in `flags`: its count keeps only the units holding it.
    collective = {c: n.units if c in flag_codes else n.total for c, n in tally.collective.items()}
    return RowSnapshot(
        org_id=org_id,
        name=name,
        active_people=tally.active_people,
        registered_people=tally.registered_people,
        flags=flags,
        collective={c: n for c, n in collective.items() if n},
        individual={c: n for c, n in tally.individual.items() if n},
    )


def take_snapshot(summary: Summary) -> Snapshot:
    codes = summary.columns.agency_titles
    return Snapshot(
        year=summary.year,
        rows=tuple(_row_snapshot(r.agency.id, r.agency.name, r, r.agency_titles, codes)
                   for r in summary.rows),
        total=_row_snapshot(0, "", summary.totals, (), codes),
        warnings=tuple(w.model_dump(mode="json") for w in summary.warnings),
    )


def warning_key(warning: RuleWarning) -> tuple[str, Any, Any, Any]:
    """The same warning in two snapshots, even when its numbers moved."""
    p = warning.params
    return (warning.code, p.get("quota"), p.get("org_id"), p.get("title"))


def _title_changes(before: RowSnapshot | None, after: RowSnapshot) -> list[TitleChange]:
    changes = []
    for collective, old, new in (
        (True, before.collective if before else {}, after.collective),
        (False, before.individual if before else {}, after.individual),
    ):
        for code in sorted(set(old) | set(new)):
            if old.get(code, 0) != new.get(code, 0):
                changes.append(TitleChange(code=code, collective=collective,
                                           before=old.get(code, 0), after=new.get(code, 0)))
    return changes


def compare(previous: Snapshot | None, current: Snapshot) -> DigestChanges:
    """Rows in the current order whose people, titles or flags changed; warnings that came
    and went. Title changes are by code: renderers put them in catalog order."""
    old_rows = {r.org_id: r for r in previous.rows} if previous else {}
    rows = []
    for row in current.rows:
        old = old_rows.get(row.org_id)
        titles = _title_changes(old, row)
        old_flags = set(old.flags) if old else set()
        added = tuple(f for f in row.flags if f not in old_flags)
        removed = tuple(f for f in (old.flags if old else ()) if f not in row.flags)
        registered_before = old.registered_people if old else 0
        if titles or added or removed or registered_before != row.registered_people:
            rows.append(RowChange(
                org_id=row.org_id, name=row.name, registered_before=registered_before,
                registered_after=row.registered_people, active_people=row.active_people,
                titles=tuple(titles), flags_added=added, flags_removed=removed,
            ))
    old_warnings = [RuleWarning.model_validate(w) for w in (previous.warnings if previous else ())]
    new_warnings = [RuleWarning.model_validate(w) for w in current.warnings]
    old_keys = {warning_key(w) for w in old_warnings}
    new_keys = {warning_key(w) for w in new_warnings}
    return DigestChanges(
        first=previous is None,
        rows=tuple(rows),
        total_before=previous.total.registered_people if previous else 0,
        total_after=current.total.registered_people,
        active_people=current.total.active_people,
        new_warnings=tuple(w for w in new_warnings if warning_key(w) not in old_keys),
        resolved_warnings=tuple(w for w in old_warnings if warning_key(w) not in new_keys),
    )
