"""The roster import: validate a roster file and work out what it changes.

Import is all-or-nothing: a file with any bad row changes nothing, and the secretariat gets
every problem with its line number. A person is identified by the normalised phone number.
A second row with the same phone and name whose role is a head role makes that person head of
one more unit (a unit head may head several units); any other repeated phone is an error.

An agency is identified by its name, whatever file names it: a row that gives no bloc goes to
the bloc its agency is in already (the default bloc is for new agencies only), and a row that
gives another bloc moves the agency, shown as such. A file speaks for the agencies it names
(for the units it names, when it has no row for the agency's own leadership): people and
units of those missing from the file are deactivated, and nobody elsewhere unless asked
(`others`: the file is the whole roster of its blocs, or of the scope).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from domain.limits import (
    MAX_FLAG_TEXT,
    MAX_ORG_NAME,
    MAX_PERSON_NAME,
    MAX_PHONE_TEXT,
    MAX_POSITION,
)
from domain.models import OrgKind, Person, Role
from domain.org import OrgTree
from domain.phone import InvalidPhone, normalize_phone
from domain.tabular import RawTable, TableProblem, map_table, read_raw
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
    # The bloc was given (a bloc column, or an explicit `--bloc`), not a default: a bloc
    # other than the agency's is then a move.
    bloc_given: bool = True

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


def parse_roster(content: bytes, filename: str, default_bloc: str, *,
                 bloc_given: bool = False) -> RosterFile:
    return roster_from_raw(read_raw(content, filename), default_bloc, bloc_given=bloc_given)


def roster_from_raw(source: RawTable, default_bloc: str, *, bloc_given: bool = False
                    ) -> RosterFile:
    """The roster of a table already read (domain.uploads reads each file once).
    `default_bloc`: the bloc of rows without one; `bloc_given`: it was asked for explicitly
    (`--bloc`), rather than a default for agencies not on the roster yet."""
    table = map_table(source, COLUMNS, REQUIRED)
    result = RosterFile()
    if table.problem is not None:
        result.problems.append(_from_table_problem(table.problem))
        return result
    first_line_of_phone: dict[str, RosterRow] = {}
    for line, raw in table.rows:
        row, problems = _parse_row(line, raw, default_bloc, bloc_given)
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


# Field → (longest accepted value, problem code).
FIELD_LIMITS = {
    "bloc": (MAX_ORG_NAME, "too_long_org"),
    "agency": (MAX_ORG_NAME, "too_long_org"),
    "unit": (MAX_ORG_NAME, "too_long_org"),
    "full_name": (MAX_PERSON_NAME, "too_long_name"),
    "position": (MAX_POSITION, "too_long_position"),
    "is_leader": (MAX_FLAG_TEXT, "too_long_value"),
    "role": (MAX_FLAG_TEXT, "too_long_value"),
    "phone": (MAX_PHONE_TEXT, "too_long_value"),
}


def field_length_problems(line: int, raw: dict[str, str],
                          limits: dict[str, tuple[int, str]]) -> list[RowProblem]:
    """One problem per field longer than its limit (the value itself is not repeated)."""
    return [RowProblem(line, code, str(limit)) for name, (limit, code) in limits.items()
            if len(raw.get(name, "")) > limit]


def _parse_row(
    line: int, raw: dict[str, str], default_bloc: str, bloc_given: bool
) -> tuple[RosterRow | None, list[RowProblem]]:
    too_long = field_length_problems(line, raw, FIELD_LIMITS)
    if too_long:
        return None, too_long
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
        bloc_given=bloc_given or bool(raw.get("bloc")),
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


@dataclass(frozen=True)
class AgencyMove:
    """An agency a file places in another bloc than the one it is in: the same agency (its
    units, people and history), moved."""

    agency_id: int
    agency: str
    from_bloc: str
    to_bloc: str


@dataclass
class RosterPlan:
    # Rows the uploader may not import (outside their scope): the plan must not be applied.
    problems: list[RowProblem] = field(default_factory=list)
    new_orgs: list[tuple[str, ...]] = field(default_factory=list)
    deactivated_orgs: list[int] = field(default_factory=list)
    reactivated_orgs: list[int] = field(default_factory=list)
    new_people: list[RosterRow] = field(default_factory=list)
    changed_people: list[PersonChange] = field(default_factory=list)
    reactivated_people: list[Person] = field(default_factory=list)
    deactivated_people: list[Person] = field(default_factory=list)
    unchanged_people: int = 0
    headship_changes: int = 0
    moved_agencies: list[AgencyMove] = field(default_factory=list)
    # Active people missing from the file in agencies (or units) it does not name: kept,
    # unless the import is asked to deactivate them too (`others`).
    absent_elsewhere: int = 0
    others: bool = False  # the plan deactivates everyone of its blocs (scope) not in the file
    rows: list[RosterRow] = field(default_factory=list)  # the file's rows, placed

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(
            self.new_orgs or self.deactivated_orgs or self.reactivated_orgs or self.new_people
            or self.changed_people or self.reactivated_people or self.deactivated_people
            or self.headship_changes or self.moved_agencies
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


@dataclass(frozen=True)
class RosterScope:
    """What an upload may change: one org's subtree (THIDUA_SECRETARIAT_SCOPE, `--scope`).

    `key` is the identity-keyed path of the scope's root (None: the whole database); a
    scope naming no org (a typo in the setting) has the key of no row, so it changes nothing.
    """

    key: tuple[str, ...] | None
    org_ids: frozenset[int] | None  # the subtree; None: everything

    @classmethod
    def of(cls, tree: OrgTree, scope_org_id: int | None) -> RosterScope:
        if scope_org_id is None:
            return cls(None, None)
        if scope_org_id not in tree:
            return cls(("\x00",), frozenset())
        names = tuple(u.name for u in reversed(tree.ancestors(scope_org_id)))
        return cls(path_key(names), frozenset(tree.subtree_ids(scope_org_id)))

    @property
    def everything(self) -> bool:
        return self.key is None

    def covers(self, key: tuple[str, ...]) -> bool:
        """Whether the org at identity-keyed path `key` lies in the scope (or is its root)."""
        return self.key is None or key[: len(self.key)] == self.key

    def holds(self, org_id: int) -> bool:
        return self.org_ids is None or org_id in self.org_ids

    def is_above(self, key: tuple[str, ...]) -> bool:
        """An ancestor of the scope's root: named by the file's paths, never changed."""
        return self.key is not None and len(key) < len(self.key) and self.key[: len(key)] == key


def default_bloc(tree: OrgTree, scope_org_id: int | None, fallback: str) -> str:
    """The bloc of rows without a bloc column (agencies already on the roster keep theirs:
    `place_rows`): the scope's own bloc when the upload is scoped (a scoped secretariat's
    file must land in its scope), else the only active bloc of the roster (a new agency
    joins it rather than a second bloc named after the setting), else `fallback`."""
    if scope_org_id is not None and scope_org_id in tree:
        bloc = tree.bloc_of(scope_org_id)
        if bloc is not None:
            return bloc.name
    blocs = [u for u in tree.roots() if u.kind == OrgKind.BLOC and u.active]
    if len(blocs) == 1:
        return blocs[0].name
    return fallback


def scope_problems(roster: RosterFile, scope: RosterScope, people: Iterable[Person]
                   ) -> list[RowProblem]:
    """Rows the scope does not allow, by line only: a row placed outside the scope, an agency
    head of an agency above it, or a phone number of someone on the roster elsewhere (moving
    them in would take them from another agency). Never a name, never which of these."""
    if scope.everything:
        return []
    elsewhere = {p.phone for p in people if not scope.holds(p.org_id)}
    problems = []
    for row in roster.rows:
        places = [path_key(row.org_path)]
        if row.role == Role.AGENCY_HEAD:
            places.append(path_key(row.org_path[:2]))
        if not all(scope.covers(place) and not scope.is_above(place) for place in places) \
                or row.phone in elsewhere:
            problems.append(RowProblem(row.line, "out_of_scope"))
    return problems


class AgencyIndex:
    """The agencies on the roster by name (an agency is its name, whatever bloc a file puts
    it in). Names shared by several agencies (a roster split by an older import) resolve to
    the one in the bloc asked for, else an active one."""

    def __init__(self, tree: OrgTree) -> None:
        self.tree = tree
        self._by_name: dict[str, list[int]] = {}
        for agency in tree.agencies():
            self._by_name.setdefault(identity_key(agency.name), []).append(agency.id)

    def find(self, name: str, bloc: str) -> int | None:
        found = self._by_name.get(identity_key(name))
        if not found:
            return None
        tree, bloc_key = self.tree, identity_key(bloc)

        def rank(org_id: int) -> tuple[bool, bool, int]:
            home = tree.bloc_of(org_id)
            return (home is None or identity_key(home.name) != bloc_key,
                    not tree.get(org_id).active, org_id)

        return min(found, key=rank)

    def bloc_name(self, agency_id: int) -> str | None:
        bloc = self.tree.bloc_of(agency_id)
        return bloc.name if bloc is not None else None


def place_rows(roster: RosterFile, tree: OrgTree) -> tuple[RosterFile, list[AgencyMove]]:
    """Each row in the bloc its agency is in: a row that gives no bloc follows its agency (the
    default bloc is for agencies not on the roster yet); a row that gives another bloc moves
    the agency, returned as a move for the preview to show."""
    index = AgencyIndex(tree)
    rows: list[RosterRow] = []
    moves: dict[int, AgencyMove] = {}
    for row in roster.rows:
        agency_id = index.find(row.agency, row.bloc)
        home = index.bloc_name(agency_id) if agency_id is not None else None
        if agency_id is not None and home is not None \
                and identity_key(home) != identity_key(row.bloc):
            if row.bloc_given:
                moves.setdefault(agency_id, AgencyMove(agency_id, tree.get(agency_id).name,
                                                       home, row.bloc))
            else:
                row = replace(row, bloc=home)
        rows.append(row)
    return RosterFile(rows, list(roster.problems)), list(moves.values())


def _subtree_keys(tree: OrgTree, org_id: int) -> dict[tuple[str, ...], int]:
    return {path_key(tuple(u.name for u in reversed(tree.ancestors(unit.id)))): unit.id
            for unit in tree.walk(org_id)}


def _spoken_for(rows: list[RosterRow], tree: OrgTree, known: dict[tuple[str, ...], int]
                ) -> set[int]:
    """The orgs a file speaks for: each agency it has a row of the agency's own (its
    leadership) for, else each unit it names."""
    roots: set[int] = set()
    whole = {path_key(row.org_path[:2]) for row in rows if not row.unit}
    for row in rows:
        key = path_key(row.org_path[:2]) if path_key(row.org_path[:2]) in whole \
            else path_key(row.org_path)
        if key in known:
            roots.add(known[key])
    return {org_id for root in roots for org_id in tree.subtree_ids(root)}


def plan_roster(
    roster: RosterFile,
    tree: OrgTree,
    people: Iterable[Person],
    headships: dict[int, list[int]],
    scope_org_id: int | None = None,
    *,
    others: bool = False,
) -> RosterPlan:
    """Compare the file with the database. `tree` and `people` include inactive records; the
    rows are placed first (`place_rows`): `plan.rows` are the rows as applied.

    The file speaks for the agencies (or units) it names: whoever of those it leaves out is
    deactivated, and nobody else. `others`: the file is the whole roster of the blocs it
    names (of the scope, when scoped): everyone of those missing from it is deactivated.
    Scoped (`scope_org_id`), rows outside the scope are problems (`plan.ok` is False)."""
    people = list(people)
    scope = RosterScope.of(tree, scope_org_id)
    roster, moves = place_rows(roster, tree)
    plan = RosterPlan(problems=scope_problems(roster, scope, people), others=others,
                      rows=roster.rows)
    if plan.problems:
        return plan
    plan.moved_agencies = moves
    known = existing_paths(tree)
    for move in moves:  # the moved agency's orgs, found at their new place
        to_bloc = path_key((move.to_bloc,))
        for key, org_id in _subtree_keys(tree, move.agency_id).items():
            known[to_bloc + key[1:]] = org_id
    file_paths = org_paths(roster.rows)
    file_ids: set[int] = set()
    for path in file_paths:
        found = known.get(path_key(path))
        if found is None:
            plan.new_orgs.append(path)
            continue
        file_ids.add(found)
        if not tree.get(found).active and not scope.is_above(path_key(path)):
            plan.reactivated_orgs.append(found)

    def in_scope(org_id: int) -> bool:
        return scope.holds(org_id) and not scope.is_above(path_key(tuple(
            u.name for u in reversed(tree.ancestors(org_id)))))

    if scope.everything:
        blocs = {known[path_key(p[:1])] for p in file_paths if path_key(p[:1]) in known}
        whole = {org_id for bloc in blocs for org_id in tree.subtree_ids(bloc)}
    else:
        whole = {org_id for org_id in (scope.org_ids or ()) if in_scope(org_id)}
    named = {org_id for org_id in _spoken_for(roster.rows, tree, known) if in_scope(org_id)}
    area = whole | named if others else named

    plan.deactivated_orgs = [unit.id for unit in tree.walk() if unit.id in area
                             and unit.id not in file_ids and unit.active]

    by_phone = {p.phone: p for p in people}
    primary_rows: dict[str, RosterRow] = {}
    wanted_headships: dict[str, set[int | None]] = {}
    for row in roster.rows:
        primary_rows.setdefault(row.phone, row)
        if row.role in HEAD_ROLES:
            path = row.org_path[:2] if row.role == Role.AGENCY_HEAD else row.org_path
            wanted_headships.setdefault(row.phone, set()).add(known.get(path_key(path)))
    for phone, row in primary_rows.items():
        person = by_phone.get(phone)
        if person is None:
            plan.new_people.append(row)
            continue
        changes = _person_changes(person, row, tree, known.get(path_key(row.org_path)))
        if not person.active:
            plan.reactivated_people.append(person)
        if changes:
            plan.changed_people.append(PersonChange(person, changes))
        elif person.active:
            plan.unchanged_people += 1
        current: set[int | None] = {o for o in headships.get(person.id, []) if o in tree}
        if current != wanted_headships.get(phone, set()):
            plan.headship_changes += 1
    plan.headship_changes += sum(1 for p, r in primary_rows.items() if p not in by_phone
                                 and r.role in HEAD_ROLES)
    for person in people:
        if person.active and person.phone not in primary_rows:
            if person.org_id in area:
                plan.deactivated_people.append(person)
            elif person.org_id in whole:
                plan.absent_elsewhere += 1
    return plan


def roster_plan_fingerprint(plan: RosterPlan) -> dict[str, object]:
    """Every change the plan makes (domain.plans.plan_digest makes it a digest)."""
    return {
        "problems": [(p.line, p.code) for p in plan.problems],
        "new_orgs": [list(path) for path in plan.new_orgs],
        "deactivated_orgs": sorted(plan.deactivated_orgs),
        "reactivated_orgs": sorted(plan.reactivated_orgs),
        "new_people": sorted(r.phone for r in plan.new_people),
        "changed_people": sorted(
            (c.person.id, sorted((k, [str(v) for v in pair]) for k, pair in c.fields.items()))
            for c in plan.changed_people),
        "reactivated_people": sorted(p.id for p in plan.reactivated_people),
        "deactivated_people": sorted(p.id for p in plan.deactivated_people),
        "unchanged_people": plan.unchanged_people,
        "headship_changes": plan.headship_changes,
        "moved_agencies": sorted((m.agency_id, identity_key(m.to_bloc))
                                 for m in plan.moved_agencies),
        "others": plan.others,
    }


def _person_changes(
    person: Person, row: RosterRow, tree: OrgTree, org_id: int | None
) -> dict[str, tuple[object, object]]:
    """`org_id`: the org the row places the person in (None: a new one)."""
    changes: dict[str, tuple[object, object]] = {}
    if person.full_name != row.full_name:
        changes["full_name"] = (person.full_name, row.full_name)
    if person.position != row.position:
        changes["position"] = (person.position, row.position)
    if person.is_leader != row.is_leader:
        changes["is_leader"] = (person.is_leader, row.is_leader)
    if person.role != row.role:
        changes["role"] = (person.role.value, row.role.value)
    if org_id != person.org_id:
        current_path = tuple(u.name for u in reversed(tree.ancestors(person.org_id)))
        changes["org"] = (" / ".join(current_path[1:]), " / ".join(row.org_path[1:]))
    return changes


def org_kind_for_depth(depth: int) -> OrgKind:
    return (OrgKind.BLOC, OrgKind.AGENCY, OrgKind.UNIT)[min(depth, 3) - 1]
