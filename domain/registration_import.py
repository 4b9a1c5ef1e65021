"""The registrations bulk import: validate a file and work out what it changes.

Format (bot/demo/FORMATS.md): one row per subject and title, columns year, agency, unit,
full_name, phone, title. A row with a phone registers a person's title; without one, a
collective's: the unit, or the agency itself when the unit is empty. The title is a catalog
code (CSTD_TINH) or its official name (Chiến sĩ thi đua cấp tỉnh).

Like the roster import it is all-or-nothing: any bad row and nothing changes, every problem
with its line number. Rows of one subject and year make one registration holding exactly the
file's titles (implied ones added); subjects absent from the file are left alone, so
importing the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from domain.limits import MAX_ORG_NAME, MAX_PERSON_NAME, MAX_PHONE_TEXT, MAX_TITLE_TEXT
from domain.models import OrgKind, OrgUnit, Person
from domain.org import OrgTree
from domain.phone import InvalidPhone, normalize_phone
from domain.records import RegistrationRecord
from domain.registration import expand_implied, explicit_choice, prune_answers
from domain.roster import RowProblem, field_length_problems
from domain.rules import RuleSet, SubjectKind, Title
from domain.subjects import Subject
from domain.tabular import RawTable, map_table, read_raw
from domain.text import fold_key, identity_key
from domain.windows import MAX_YEAR, MIN_YEAR

COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("năm", "năm đăng ký"),
    "agency": ("cơ quan",),
    "unit": ("đơn vị",),
    "full_name": ("họ và tên", "họ tên"),
    "phone": ("số điện thoại", "điện thoại", "sđt"),
    "title": ("danh hiệu", "danh hiệu thi đua", "mã danh hiệu", "hình thức khen thưởng"),
}
REQUIRED = {"year", "agency", "title"}
# Enough to tell a registrations file from a roster (which has no year or title column).
DETECT = {"year", "agency", "title"}
FIELD_LIMITS = {
    "year": (10, "too_long_value"),
    "agency": (MAX_ORG_NAME, "too_long_org"),
    "unit": (MAX_ORG_NAME, "too_long_org"),
    "full_name": (MAX_PERSON_NAME, "too_long_name"),
    "phone": (MAX_PHONE_TEXT, "too_long_value"),
    "title": (MAX_TITLE_TEXT, "too_long_value"),
}


@dataclass(frozen=True)
class RegistrationRow:
    line: int
    year: int
    agency: str
    unit: str
    full_name: str
    phone: str  # normalised; empty for a collective
    title: str  # as written


@dataclass
class RegistrationFile:
    rows: list[RegistrationRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_registration_file(content: bytes, filename: str) -> RegistrationFile:
    """Read and check each row on its own (the roster is looked at by `plan_import`)."""
    return registrations_from_raw(read_raw(content, filename))


def registrations_from_raw(source: RawTable) -> RegistrationFile:
    """The registrations of a table already read (domain.uploads reads each file once)."""
    table = map_table(source, COLUMNS, REQUIRED)
    result = RegistrationFile()
    if table.problem is not None:
        problem = table.problem
        result.problems.append(RowProblem(problem.line, problem.code, problem.detail))
        return result
    for line, raw in table.rows:
        too_long = field_length_problems(line, raw, FIELD_LIMITS)
        if too_long:
            result.problems.extend(too_long)
            continue
        problems: list[RowProblem] = []
        year = 0
        if raw["year"].isdigit() and MIN_YEAR <= int(raw["year"]) <= MAX_YEAR:
            year = int(raw["year"])
        else:
            problems.append(RowProblem(line, "bad_year", raw["year"]))
        if not raw["agency"]:
            problems.append(RowProblem(line, "missing_agency"))
        if not raw["title"]:
            problems.append(RowProblem(line, "missing_title"))
        phone = ""
        if raw["phone"]:
            try:
                phone = normalize_phone(raw["phone"])
            except InvalidPhone:
                problems.append(RowProblem(line, "bad_phone", raw["phone"]))
        elif raw["full_name"]:
            problems.append(RowProblem(line, "name_without_phone", raw["full_name"]))
        if problems:
            result.problems.extend(problems)
            continue
        result.rows.append(
            RegistrationRow(line, year, raw["agency"], raw["unit"], raw["full_name"], phone,
                            raw["title"])
        )
    return result


# --- What an import changes ---------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRegistration:
    year: int
    subject: Subject
    ticked: frozenset[str]
    implied: frozenset[str]
    lines: tuple[int, ...]
    # What the registration stores as its answers: none for a new one; for a changed one,
    # the stored answers its new titles still need (`domain.registration.prune_answers`).
    answers: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def titles(self) -> frozenset[str]:
        return self.ticked | self.implied


@dataclass
class ImportPlan:
    new: list[PlannedRegistration] = field(default_factory=list)
    changed: list[tuple[PlannedRegistration, RegistrationRecord]] = field(default_factory=list)
    unchanged: list[PlannedRegistration] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    @property
    def planned(self) -> list[PlannedRegistration]:
        return [*self.new, *(p for p, _ in self.changed), *self.unchanged]

    def title_counts(self) -> dict[str, int]:
        """Subjects per title (implied included) over the whole file."""
        counts: dict[str, int] = {}
        for planned in self.planned:
            for code in planned.titles:
                counts[code] = counts.get(code, 0) + 1
        return counts


def import_plan_fingerprint(plan: ImportPlan) -> dict[str, object]:
    """Every change the plan makes (domain.plans.plan_digest makes it a digest)."""

    def planned(p: PlannedRegistration) -> list[object]:
        return [p.year, list(p.subject.key), sorted(p.ticked), sorted(p.implied)]

    return {
        "problems": [(p.line, p.code) for p in plan.problems],
        "new": sorted(planned(p) for p in plan.new),
        "changed": sorted([*planned(p), sorted(old.titles), old.status.value]
                          for p, old in plan.changed),
        "unchanged": sorted(planned(p) for p in plan.unchanged),
    }


def find_title(ruleset: RuleSet, text: str) -> Title | None:
    """A title by code (any case) or by its official name (any Unicode form, diacritics)."""
    code = text.strip().upper().replace("-", "_").replace(" ", "_")
    if ruleset.has_title(code):
        return ruleset.title(code)
    wanted = fold_key(text)
    return next(
        (t for t in ruleset.titles if wanted in (fold_key(t.name.vi), fold_key(t.name.en))),
        None,
    )


class _Resolver:
    """Looks rows up in the part of the roster the importer may see: agencies and units by
    name, people by phone. Whatever lies outside the scope is simply not there, so a row
    about it reads exactly like a row about something that does not exist: its problem
    never names a person, nor tells whether a number is on the roster elsewhere."""

    def __init__(self, tree: OrgTree, people: Iterable[Person], scope_org_id: int | None
                 ) -> None:
        self.tree = tree
        self.scope = scope_org_id

        def visible(org_id: int) -> bool:
            return scope_org_id is None or tree.is_within(org_id, scope_org_id)

        def reaches(org: OrgUnit) -> bool:  # in the scope, or holding it (a unit's agency)
            return visible(org.id) or (scope_org_id is not None and scope_org_id in tree
                                       and tree.is_within(scope_org_id, org.id))

        self.visible = visible
        self.agencies: dict[str, list[OrgUnit]] = {}
        for org in tree.walk():
            if org.kind == OrgKind.AGENCY and org.active and reaches(org):
                self.agencies.setdefault(identity_key(org.name), []).append(org)
        self.people = {p.phone: p for p in people if visible(p.org_id)}

    def agency(self, name: str) -> list[OrgUnit]:
        return self.agencies.get(identity_key(name), [])

    def unit(self, agency: OrgUnit, name: str) -> OrgUnit | None:
        key = identity_key(name)
        return next(
            (u for u in self.tree.walk(agency.id)
             if u.kind == OrgKind.UNIT and u.active and identity_key(u.name) == key
             and self.visible(u.id)),
            None,
        )


def plan_import(
    file: RegistrationFile,
    tree: OrgTree,
    people: Iterable[Person],
    existing: Iterable[RegistrationRecord],
    ruleset_for_year: Callable[[int], RuleSet | None],
    *,
    scope_org_id: int | None = None,
    answers: Mapping[tuple[int, tuple[str, int]], Mapping[str, Any]] | None = None,
) -> ImportPlan:
    """Resolve every row against the roster and compare with the registrations stored.

    `tree` and `people` are the active roster; `existing` the stored registrations of the
    file's years; `scope_org_id` limits what the importer may touch (None: everything);
    `answers` the stored registrations' answers by (year, `Subject.key`). A changed
    registration is planned with the stored answers its new titles still need, so that
    applying the plan only writes it.
    """
    plan = ImportPlan(problems=list(file.problems), rows=len(file.rows))
    resolver = _Resolver(tree, people, scope_org_id)
    # (year, subject key) → subject, rule set, titles with the line that gave each.
    grouped: dict[tuple[int, tuple[str, int]], tuple[Subject, RuleSet, dict[str, int]]] = {}
    for row in file.rows:
        resolved = _resolve(row, resolver, ruleset_for_year, scope_org_id)
        if isinstance(resolved, RowProblem):
            plan.problems.append(resolved)
            continue
        subject, ruleset, title = resolved
        key = (row.year, subject.key)
        _, _, titles = grouped.setdefault(key, (subject, ruleset, {}))
        if title.code in titles:
            plan.problems.append(RowProblem(row.line, "duplicate_row", title.code,
                                            titles[title.code]))
            continue
        titles[title.code] = row.line
    if plan.problems:
        plan.problems.sort(key=lambda p: p.line)
        return plan
    stored = {(r.year, _record_key(r)): r for r in existing}
    for (year, subject_key), (subject, ruleset, titles) in grouped.items():
        everything = expand_implied(ruleset, titles)
        ticked = explicit_choice(ruleset, everything)
        planned = PlannedRegistration(year, subject, ticked, everything - ticked,
                                      tuple(sorted(titles.values())))
        old = stored.get((year, subject_key))
        if old is None:
            plan.new.append(planned)
        elif old.counts and expand_implied(ruleset, old.titles) == everything:
            plan.unchanged.append(planned)
        else:
            stored_answers = (answers or {}).get((year, subject_key), {})
            kept = prune_answers(ruleset, everything, stored_answers, subject=subject.kind)
            plan.changed.append((replace(planned, answers=kept), old))
    return plan


def _record_key(record: RegistrationRecord) -> tuple[str, int]:
    if record.person_id is not None:
        return (SubjectKind.PERSON.value, record.person_id)
    assert record.org_id is not None
    return (record.subject_kind.value, record.org_id)


def _resolve(
    row: RegistrationRow,
    resolver: _Resolver,
    ruleset_for_year: Callable[[int], RuleSet | None],
    scope_org_id: int | None,
) -> tuple[Subject, RuleSet, Title] | RowProblem:
    tree = resolver.tree
    agencies = resolver.agency(row.agency)
    if not agencies:
        return RowProblem(row.line, "unknown_agency", row.agency)
    if len(agencies) > 1:
        return RowProblem(row.line, "ambiguous_agency", row.agency)
    agency = agencies[0]
    unit = None
    if row.unit:
        unit = resolver.unit(agency, row.unit)
        if unit is None:
            return RowProblem(row.line, "unknown_unit", f"{row.unit} – {agency.name}")
    if row.phone:
        person = resolver.people.get(row.phone)
        if person is None:
            return RowProblem(row.line, "unknown_person", row.phone)
        if row.full_name and identity_key(row.full_name) != identity_key(person.full_name):
            # The file's name only: the roster's name behind a number is never shown.
            return RowProblem(row.line, "name_mismatch", f"{row.full_name} ({row.phone})")
        expected = unit.id if unit is not None else agency.id
        if person.org_id != expected:
            return RowProblem(row.line, "person_elsewhere", _label(tree, person.org_id))
        subject = Subject.of_person(person)
    else:
        subject = Subject.of_org(unit or agency)
    if not resolver.visible(subject.org_id):  # an agency holding the scope, itself outside
        return RowProblem(row.line, "unknown_agency", row.agency)
    ruleset = ruleset_for_year(row.year)
    if ruleset is None:
        return RowProblem(row.line, "no_ruleset", str(row.year))
    title = find_title(ruleset, row.title)
    if title is None:
        return RowProblem(row.line, "unknown_title", row.title)
    if not title.applies_to(subject.kind):
        return RowProblem(row.line, f"title_not_for_{subject.kind.value}", title.code)
    if not title.applies_to(subject.kind, in_bloc=tree.bloc_of(subject.org_id) is not None):
        return RowProblem(row.line, "title_for_bloc_members", title.code)
    return subject, ruleset, title


def _label(tree: OrgTree, org_id: int) -> str:
    return tree.label(org_id) if org_id in tree else str(org_id)

