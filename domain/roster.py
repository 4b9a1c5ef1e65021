"""The roster import: validate a roster file and work out what it changes.

Import is all-or-nothing: a file with any bad row changes nothing, and the secretariat gets
every problem with its line number. A person is identified by the normalised phone number.
A second row with the same phone and name whose role is a head role makes that person head of
one more unit (a unit head may head several units); any other repeated phone is an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.models import OrgKind, Person, Role
from domain.org import OrgTree
from domain.phone import InvalidPhone, normalize_phone
from domain.tabular import TableProblem, read_table
from domain.text import fold_key, identity_key, nfc

COLUMNS: dict[str, tuple[str, ...]] = {
    "bloc": ("khối", "khối thi đua"),
    "agency": ("cơ quan",),
    "unit": ("đơn vị",),
    "full_name": ("họ và tên", "họ tên"),
    "position": ("chức vụ",),
    "is_leader": ("lãnh đạo",),
    "role": ("vai trò",),
    "phone": ("số điện thoại", "điện thoại", "sđt"),
}
REQUIRED = {"agency", "unit", "full_name", "position", "is_leader", "role", "phone"}
_YES = {"co", "yes", "y", "x", "1", "true", "c"}
_NO = {"khong", "no", "n", "0", "false", "k", ""}
_ROLE_ALIASES = {
    "staff": Role.STAFF, "nhan vien": Role.STAFF, "can bo": Role.STAFF,
    "unit_head": Role.UNIT_HEAD, "truong don vi": Role.UNIT_HEAD,
    "agency_head": Role.AGENCY_HEAD, "thu truong": Role.AGENCY_HEAD,
    "secretariat": Role.SECRETARIAT, "thuong truc": Role.SECRETARIAT,
}
HEAD_ROLES = {Role.UNIT_HEAD, Role.AGENCY_HEAD}


@dataclass(frozen=True)
class RowProblem:
    line: int
    code: str  # see reports.import_errors for the wording
    value: str = ""
    other_line: int | None = None


@dataclass(frozen=True)
class RosterRow:
    line: int
    bloc: str
    agency: str
    unit: str
    full_name: str
    position: str
    is_leader: bool
    role: Role
    phone: str

    @property
    def org_path(self) -> tuple[str, ...]:
        return (self.bloc, self.agency, self.unit) if self.unit else (self.bloc, self.agency)


@dataclass
class RosterFile:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_roster(content: bytes, filename: str, default_bloc: str) -> RosterFile:
    table = read_table(content, filename, COLUMNS, REQUIRED)
    result = RosterFile()
    if table.problem is not None:
        result.problems.append(_from_table_problem(table.problem))
        return result
    first_line_of_phone: dict[str, RosterRow] = {}
    for line, raw in table.rows:
        row, problems = _parse_row(line, raw, default_bloc)
        result.problems.extend(problems)
        if row is None:
            continue
        first = first_line_of_phone.get(row.phone)
        if first is None:
            first_line_of_phone[row.phone] = row
        elif not _is_extra_headship(first, row):
            result.problems.append(RowProblem(line, "duplicate_phone", row.phone, first.line))
            continue
        result.rows.append(row)
    if not result.rows and not result.problems:
        # A header alone would deactivate everybody: surely an export gone wrong.
        result.problems.append(RowProblem(2, "empty"))
    return result


def _from_table_problem(problem: TableProblem) -> RowProblem:
    return RowProblem(problem.line, problem.code, problem.detail)


def _parse_row(
    line: int, raw: dict[str, str], default_bloc: str
) -> tuple[RosterRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    agency, unit, name = raw["agency"], raw["unit"], raw["full_name"]
    if not agency:
        problems.append(RowProblem(line, "missing_agency"))
    if not name:
        problems.append(RowProblem(line, "missing_name"))
    leader_key = fold_key(raw["is_leader"])
    if leader_key not in _YES | _NO:
        problems.append(RowProblem(line, "bad_is_leader", raw["is_leader"]))
    role = _ROLE_ALIASES.get(fold_key(raw["role"]).replace("-", "_"))
    if role is None:
        problems.append(RowProblem(line, "unknown_role", raw["role"]))
    elif role == Role.UNIT_HEAD and not unit:
        problems.append(RowProblem(line, "unit_head_without_unit"))
    try:
        phone = normalize_phone(raw["phone"])
    except InvalidPhone:
        problems.append(RowProblem(line, "bad_phone", raw["phone"]))
        phone = ""
    if problems or role is None:
        return None, problems
    row = RosterRow(
        line=line,
        bloc=raw.get("bloc") or nfc(default_bloc),
        agency=agency,
        unit=unit,
        full_name=name,
        position=raw["position"],
        is_leader=leader_key in _YES,
        role=role,
        phone=phone,
    )
    return row, []


def _is_extra_headship(first: RosterRow, row: RosterRow) -> bool:
    return (
        identity_key(first.full_name) == identity_key(row.full_name)
        and first.role in HEAD_ROLES
        and row.role in HEAD_ROLES
        and first.org_path != row.org_path
    )


# --- What an import changes -------------------------------------------------------------

@dataclass(frozen=True)
class PersonChange:
    person: Person
    fields: dict[str, tuple[object, object]]  # field → (old, new)


@dataclass
class RosterPlan:
    new_orgs: list[tuple[str, ...]] = field(default_factory=list)
    deactivated_orgs: list[int] = field(default_factory=list)
    reactivated_orgs: list[int] = field(default_factory=list)
    new_people: list[RosterRow] = field(default_factory=list)
    changed_people: list[PersonChange] = field(default_factory=list)
    reactivated_people: list[Person] = field(default_factory=list)
    deactivated_people: list[Person] = field(default_factory=list)
    unchanged_people: int = 0
    headship_changes: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(
            self.new_orgs or self.deactivated_orgs or self.reactivated_orgs or self.new_people
            or self.changed_people or self.reactivated_people or self.deactivated_people
            or self.headship_changes
        )


def org_paths(rows: Iterable[RosterRow]) -> list[tuple[str, ...]]:
    """Every org the file names (bloc, agency, unit prefixes), in first-appearance order."""
    seen: dict[tuple[str, ...], None] = {}
    for row in rows:
        path = row.org_path
        for depth in range(1, len(path) + 1):
            seen.setdefault(path[:depth], None)
    return list(seen)


def path_key(path: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(identity_key(part) for part in path)


def existing_paths(tree: OrgTree) -> dict[tuple[str, ...], int]:
    """identity-keyed path → org id, for every org (active or not) in the tree."""
    result: dict[tuple[str, ...], int] = {}
    for unit in tree.walk():
        names = [u.name for u in reversed(tree.ancestors(unit.id))]
        result[path_key(tuple(names))] = unit.id
    return result


def plan_roster(
    roster: RosterFile,
    tree: OrgTree,
    people: Iterable[Person],
    headships: dict[int, list[int]],
) -> RosterPlan:
    """Compare the file with the database. `tree` and `people` include inactive records."""
    plan = RosterPlan()
    known = existing_paths(tree)
    file_paths = org_paths(roster.rows)
    file_keys = {path_key(p) for p in file_paths}
    for path in file_paths:
        org_id = known.get(path_key(path))
        if org_id is None:
            plan.new_orgs.append(path)
        elif not tree.get(org_id).active:
            plan.reactivated_orgs.append(org_id)
    blocs = {path_key(p[:1]) for p in file_paths}
    for key, org_id in known.items():
        if key[:1] in blocs and key not in file_keys and tree.get(org_id).active:
            plan.deactivated_orgs.append(org_id)

    by_phone = {p.phone: p for p in people}
    primary_rows: dict[str, RosterRow] = {}
    wanted_headships: dict[str, set[tuple[str, ...]]] = {}
    for row in roster.rows:
        primary_rows.setdefault(row.phone, row)
        if row.role in HEAD_ROLES:
            wanted_headships.setdefault(row.phone, set()).add(path_key(row.org_path))
    for phone, row in primary_rows.items():
        person = by_phone.get(phone)
        if person is None:
            plan.new_people.append(row)
            continue
        changes = _person_changes(person, row, tree)
        if not person.active:
            plan.reactivated_people.append(person)
        if changes:
            plan.changed_people.append(PersonChange(person, changes))
        elif person.active:
            plan.unchanged_people += 1
        current = {
            path_key(tuple(u.name for u in reversed(tree.ancestors(org_id))))
            for org_id in headships.get(person.id, [])
            if org_id in tree
        }
        if current != wanted_headships.get(phone, set()):
            plan.headship_changes += 1
    plan.headship_changes += sum(1 for p, r in primary_rows.items() if p not in by_phone
                                 and r.role in HEAD_ROLES)
    in_scope = {org_id for key, org_id in known.items() if key[:1] in blocs}
    for person in people:
        if person.active and person.phone not in primary_rows and person.org_id in in_scope:
            plan.deactivated_people.append(person)
    return plan


def _person_changes(
    person: Person, row: RosterRow, tree: OrgTree
) -> dict[str, tuple[object, object]]:
    changes: dict[str, tuple[object, object]] = {}
    if person.full_name != row.full_name:
        changes["full_name"] = (person.full_name, row.full_name)
    if person.position != row.position:
        changes["position"] = (person.position, row.position)
    if person.is_leader != row.is_leader:
        changes["is_leader"] = (person.is_leader, row.is_leader)
    if person.role != row.role:
        changes["role"] = (person.role.value, row.role.value)
    current_path = tuple(u.name for u in reversed(tree.ancestors(person.org_id)))
    if path_key(current_path) != path_key(row.org_path):
        changes["org"] = (" / ".join(current_path[1:]), " / ".join(row.org_path[1:]))
    return changes


def org_kind_for_depth(depth: int) -> OrgKind:
    return (OrgKind.BLOC, OrgKind.AGENCY, OrgKind.UNIT)[min(depth, 3) - 1]
