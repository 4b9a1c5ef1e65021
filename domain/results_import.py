"""Importing decision lists: the results file and the initiatives register file.

Formats (bot/demo/FORMATS.md): a results file has one row per subject and title achieved,
with its decision (number, date, who decided); an initiatives file one row per initiative or
research topic recognised, with its authors and decision. Both are read like the roster and
the registrations (domain.tabular: CSV or XLSX, Vietnamese or English headers) and are
all-or-nothing: any bad row and nothing changes, every problem with its line number.

Rows are found on the roster (agencies and units by name, people by phone) within the
importer's scope. A problem never names roster data outside that scope: a phone number found
elsewhere reads as not found.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.models import OrgKind, OrgUnit, Person
from domain.on_record import split_items
from domain.org import OrgTree
from domain.phone import InvalidPhone, normalize_phone
from domain.registration_import import find_title
from domain.results import MAX_DECIDED_BY, Decision, Result, catalog_for_year, clean_number
from domain.roster import RowProblem
from domain.rules import InitiativeLevel, RuleSet
from domain.subjects import Subject
from domain.tabular import RawTable, map_table, read_raw
from domain.text import fold_key, identity_key, nfc
from domain.windows import MIN_YEAR, parse_day

DECISION_COLUMNS: dict[str, tuple[str, ...]] = {
    "decision_number": ("số quyết định", "quyết định số", "số qđ", "số hiệu quyết định"),
    "decision_date": ("ngày quyết định", "ngày ký", "ngày qđ", "ngày ký quyết định"),
    "decided_by": ("cấp quyết định", "người quyết định", "cơ quan ban hành", "người ký",
                   "cấp khen"),
}
RESULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("năm",),
    "agency": ("cơ quan",),
    "unit": ("đơn vị",),
    "full_name": ("họ và tên", "họ tên"),
    "phone": ("số điện thoại", "điện thoại", "sđt"),
    "title": ("danh hiệu", "danh hiệu thi đua", "mã danh hiệu", "hình thức khen thưởng",
              "danh hiệu, hình thức khen thưởng"),
    **DECISION_COLUMNS,
    "initiative": ("sáng kiến", "sáng kiến, đề tài", "tên sáng kiến"),
}
RESULT_REQUIRED = {"year", "agency", "title", "decision_number", "decision_date", "decided_by"}
RESULT_DETECT = {"year", "agency", "title", "decision_number"}

INITIATIVE_COLUMNS: dict[str, tuple[str, ...]] = {
    "year": ("năm", "năm công nhận"),
    "title": ("tên sáng kiến", "tên sáng kiến, đề tài", "tên đề tài", "sáng kiến, đề tài",
              "tên"),
    "kind": ("loại",),
    "level": ("cấp công nhận", "cấp"),
    "authors": ("tác giả", "họ và tên tác giả"),
    "phones": ("số điện thoại tác giả", "số điện thoại", "điện thoại", "sđt"),
    **DECISION_COLUMNS,
}
INITIATIVE_REQUIRED = {"year", "title", "level", "phones", "decision_number", "decision_date",
                       "decided_by"}
INITIATIVE_DETECT = {"title", "level", "phones"}

KINDS = {"sang kien": "initiative", "initiative": "initiative",
         "de tai": "research", "de an": "research", "cong trinh": "research",
         "research": "research"}
LEVELS = {"co so": InitiativeLevel.GRASSROOTS, "grassroots": InitiativeLevel.GRASSROOTS,
          "tinh": InitiativeLevel.PROVINCE, "cap tinh": InitiativeLevel.PROVINCE,
          "bo": InitiativeLevel.PROVINCE, "nganh": InitiativeLevel.PROVINCE,
          "bo, nganh": InitiativeLevel.PROVINCE, "province": InitiativeLevel.PROVINCE,
          "toan quoc": InitiativeLevel.NATIONAL, "quoc gia": InitiativeLevel.NATIONAL,
          "national": InitiativeLevel.NATIONAL}
MAX_TITLE = 500


def read_day(text: str) -> date | None:
    """A date as typed or as a spreadsheet gives it ("2024-12-15 00:00:00")."""
    value = text.strip()
    if len(value) > 10 and value[4:5] == "-" and value[10:11] in (" ", "T"):
        value = value[:10]
    return parse_day(value)


def _decision(raw: Mapping[str, str], line: int, problems: list[RowProblem], year: int,
              today: date) -> Decision | None:
    number = clean_number(raw["decision_number"]) if raw["decision_number"] else None
    if not raw["decision_number"]:
        problems.append(RowProblem(line, "missing_decision"))
    elif number is None:
        problems.append(RowProblem(line, "bad_decision_number", raw["decision_number"]))
    day = read_day(raw["decision_date"]) if raw["decision_date"] else None
    if not raw["decision_date"]:
        problems.append(RowProblem(line, "missing_decision_date"))
    elif day is None:
        problems.append(RowProblem(line, "bad_decision_date", raw["decision_date"]))
    elif day > today:
        problems.append(RowProblem(line, "decision_in_future", raw["decision_date"]))
    elif year and day.year < year:
        problems.append(RowProblem(line, "decision_before_year", raw["decision_date"]))
    decided_by = nfc(raw["decided_by"])
    if not decided_by:
        problems.append(RowProblem(line, "missing_decided_by"))
    elif len(decided_by) > MAX_DECIDED_BY:
        problems.append(RowProblem(line, "decided_by_too_long", str(MAX_DECIDED_BY)))
    if number is None or day is None or not decided_by or len(decided_by) > MAX_DECIDED_BY:
        return None
    return Decision(number, day, decided_by)


def _year(text: str, line: int, problems: list[RowProblem], today: date) -> int:
    if text.isdigit() and MIN_YEAR - 30 <= int(text) <= today.year:
        return int(text)
    code = "year_in_future" if text.isdigit() and int(text) > today.year else "bad_year"
    problems.append(RowProblem(line, code, text))
    return 0


# --- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    line: int
    year: int
    agency: str
    unit: str
    full_name: str
    phone: str  # normalised; empty for a collective
    title: str  # as written
    decision: Decision
    initiative: str  # as written; may be empty


@dataclass
class ResultsFile:
    rows: list[ResultRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_results_file(content: bytes, filename: str, today: date) -> ResultsFile:
    """Read and check each row on its own (the roster is looked at by `plan_results`)."""
    return results_from_raw(read_raw(content, filename), today)


def results_from_raw(source: RawTable, today: date) -> ResultsFile:
    """The results of a table already read (domain.uploads reads a file once)."""
    table = map_table(source, RESULT_COLUMNS, RESULT_REQUIRED)
    result = ResultsFile()
    if table.problem is not None:
        problem = table.problem
        result.problems.append(RowProblem(problem.line, problem.code, problem.detail))
        return result
    for line, cells in table.rows:
        problems: list[RowProblem] = []
        year = _year(cells["year"], line, problems, today)
        if not cells["agency"]:
            problems.append(RowProblem(line, "missing_agency"))
        if not cells["title"]:
            problems.append(RowProblem(line, "missing_title"))
        phone = ""
        if cells["phone"]:
            try:
                phone = normalize_phone(cells["phone"])
            except InvalidPhone:
                problems.append(RowProblem(line, "bad_phone", cells["phone"]))
        elif cells["full_name"]:
            problems.append(RowProblem(line, "name_without_phone", cells["full_name"]))
        decision = _decision(cells, line, problems, year, today)
        if problems or decision is None:
            result.problems.extend(problems)
            continue
        result.rows.append(ResultRow(line, year, cells["agency"], cells["unit"], cells["full_name"],
                                     phone, cells["title"], decision, cells["initiative"]))
    return result


@dataclass(frozen=True)
class PlannedResult:
    year: int
    subject: Subject
    title: str
    decision: Decision
    initiative_id: int | None
    line: int


@dataclass(frozen=True)
class InitiativeReuse:
    """An initiative the file rests a result on while it already grounds another one."""

    line: int
    initiative: str
    uses: tuple[tuple[int, str], ...]  # (year, title code) of its other uses


@dataclass
class ResultsPlan:
    new: list[PlannedResult] = field(default_factory=list)
    changed: list[tuple[PlannedResult, Result]] = field(default_factory=list)
    unchanged: list[PlannedResult] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)  # distinct, in file order
    reused: list[InitiativeReuse] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    @property
    def planned(self) -> list[PlannedResult]:
        return [*self.new, *(p for p, _ in self.changed), *self.unchanged]

    def title_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for planned in self.planned:
            counts[planned.title] = counts.get(planned.title, 0) + 1
        return counts


@dataclass(frozen=True)
class RegisterEntry:
    """An initiative of the register as imports match it: its authors and the results
    already resting on it."""

    id: int
    title: str
    year: int
    authors: frozenset[int]
    uses: tuple[tuple[int, str, Subject], ...] = ()  # (year, title code, subject)


class Roster:
    """The roster as imports look it up: agencies and units by name, people by phone, all
    within the importer's scope (`scope_org_id`; None: everything)."""

    def __init__(self, tree: OrgTree, people: Iterable[Person], scope_org_id: int | None) -> None:
        self.tree = tree
        self.scope = scope_org_id
        self.agencies: dict[str, list[OrgUnit]] = {}
        for org in tree.walk():
            if org.kind == OrgKind.AGENCY and org.active:
                self.agencies.setdefault(identity_key(org.name), []).append(org)
        self.people = {p.phone: p for p in people}

    def within(self, org_id: int) -> bool:
        return org_id in self.tree and self.tree.is_within(org_id, self.scope)

    def person(self, phone: str) -> Person | None:
        """The person with this phone, if within scope (outside it: as if unknown)."""
        person = self.people.get(phone)
        return person if person is not None and self.within(person.org_id) else None

    def unit(self, agency: OrgUnit, name: str) -> OrgUnit | None:
        key = identity_key(name)
        return next((u for u in self.tree.walk(agency.id)
                     if u.kind == OrgKind.UNIT and u.active and identity_key(u.name) == key),
                    None)


def _subject(row: ResultRow, roster: Roster) -> Subject | RowProblem:
    agencies = roster.agencies.get(identity_key(row.agency), [])
    if not agencies:
        return RowProblem(row.line, "unknown_agency", row.agency)
    if len(agencies) > 1:
        return RowProblem(row.line, "ambiguous_agency", row.agency)
    agency = agencies[0]
    unit = None
    if row.unit:
        unit = roster.unit(agency, row.unit)
        if unit is None:
            return RowProblem(row.line, "unknown_unit", f"{row.unit} – {agency.name}")
    place = unit or agency
    if not roster.within(place.id):
        return RowProblem(row.line, "out_of_scope", roster.tree.label(place.id))
    if not row.phone:
        return Subject.of_org(place)
    person = roster.person(row.phone)
    if person is None:
        return RowProblem(row.line, "person_not_found", row.phone)
    if row.full_name and identity_key(row.full_name) != identity_key(person.full_name):
        return RowProblem(row.line, "name_mismatch",
                          f"{row.full_name} ≠ {person.full_name} ({row.phone})")
    if person.org_id != place.id:
        return RowProblem(row.line, "person_elsewhere",
                          f"{person.full_name}: {roster.tree.label(person.org_id)}")
    return Subject.of_person(person)


def plan_results(
    file: ResultsFile,
    roster: Roster,
    stored: Iterable[Result],
    register: Iterable[RegisterEntry],
    catalog: Callable[[int], RuleSet],
) -> ResultsPlan:
    """Resolve every row within the roster's scope and compare with the results stored.

    `stored`: the results of the file's years; `register`: the initiatives the file may
    name (their authors and the results already resting on them)."""
    plan = ResultsPlan(problems=list(file.problems), rows=len(file.rows))
    seen_rows: dict[tuple[int, tuple[str, int], str], int] = {}
    decisions: dict[tuple[str, date], tuple[Decision, int]] = {}
    by_title: dict[str, list[RegisterEntry]] = {}
    for entry in register:
        by_title.setdefault(fold_key(entry.title), []).append(entry)
    resolved: list[tuple[ResultRow, Subject, str, int | None]] = []
    for row in file.rows:
        found = _subject(row, roster)
        if isinstance(found, RowProblem):
            plan.problems.append(found)
            continue
        ruleset = catalog(row.year)
        title = find_title(ruleset, row.title)
        if title is None:
            plan.problems.append(RowProblem(row.line, "unknown_title", row.title))
            continue
        if not title.applies_to(found.kind):
            plan.problems.append(RowProblem(row.line, f"title_not_for_{found.kind.value}",
                                            title.code))
            continue
        key = (row.year, found.key, title.code)
        if key in seen_rows:
            plan.problems.append(RowProblem(row.line, "duplicate_result", title.code,
                                            seen_rows[key]))
            continue
        seen_rows[key] = row.line
        earlier = decisions.get(row.decision.key)
        if earlier is not None and earlier[0].decided_by != row.decision.decided_by:
            plan.problems.append(RowProblem(row.line, "decision_conflict", row.decision.number,
                                            earlier[1]))
            continue
        decisions.setdefault(row.decision.key, (row.decision, row.line))
        initiative_id = None
        if row.initiative:
            initiative = _initiative(row, found, by_title)
            if isinstance(initiative, RowProblem):
                plan.problems.append(initiative)
                continue
            initiative_id = initiative.id
        resolved.append((row, found, title.code, initiative_id))
    if plan.problems:
        plan.problems.sort(key=lambda p: p.line)
        return plan
    plan.decisions = [d for d, _line in decisions.values()]
    existing = {(r.year, r.subject.key, r.title): r for r in stored}
    uses: dict[int, set[tuple[int, str]]] = {}
    for entry in (e for entries in by_title.values() for e in entries):
        uses[entry.id] = {(y, code) for y, code, _subject in entry.uses}
    for row, subject, code, initiative_id in resolved:
        planned = PlannedResult(row.year, subject, code, row.decision, initiative_id, row.line)
        old = existing.get((row.year, subject.key, code))
        if old is None:
            plan.new.append(planned)
        elif (old.decision.key == row.decision.key
              and old.decision.decided_by == row.decision.decided_by
              and old.initiative_id == initiative_id):
            plan.unchanged.append(planned)
        else:
            plan.changed.append((planned, old))
        if initiative_id is not None:
            others = uses.setdefault(initiative_id, set()) - {(row.year, code)}
            if others:
                plan.reused.append(InitiativeReuse(row.line, row.initiative,
                                                   tuple(sorted(others))))
            uses[initiative_id].add((row.year, code))
    return plan


def _initiative(row: ResultRow, subject: Subject, by_title: Mapping[str, list[RegisterEntry]]
                ) -> RegisterEntry | RowProblem:
    if subject.person_id is None:
        return RowProblem(row.line, "initiative_for_collective", row.initiative)
    candidates = [e for e in by_title.get(fold_key(row.initiative), [])
                  if subject.person_id in e.authors and e.year <= row.year]
    if not candidates:
        return RowProblem(row.line, "unknown_initiative", row.initiative)
    return max(candidates, key=lambda e: e.year)


# --- Initiatives ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeRow:
    line: int
    year: int
    title: str
    kind: str
    level: InitiativeLevel
    phones: tuple[str, ...]
    names: tuple[str, ...]  # as written, in the order of the phones; may be empty
    decision: Decision


@dataclass
class InitiativesFile:
    rows: list[InitiativeRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def parse_initiatives_file(content: bytes, filename: str, today: date) -> InitiativesFile:
    return initiatives_from_raw(read_raw(content, filename), today)


def initiatives_from_raw(source: RawTable, today: date) -> InitiativesFile:
    """The initiatives of a table already read (domain.uploads reads a file once)."""
    table = map_table(source, INITIATIVE_COLUMNS, INITIATIVE_REQUIRED)
    result = InitiativesFile()
    if table.problem is not None:
        problem = table.problem
        result.problems.append(RowProblem(problem.line, problem.code, problem.detail))
        return result
    for line, cells in table.rows:
        problems: list[RowProblem] = []
        year = _year(cells["year"], line, problems, today)
        title = nfc(cells["title"])
        if not title:
            problems.append(RowProblem(line, "missing_initiative_title"))
        elif len(title) > MAX_TITLE:
            problems.append(RowProblem(line, "initiative_title_too_long", str(MAX_TITLE)))
        kind = KINDS.get(fold_key(cells["kind"]), "") if cells["kind"] else "initiative"
        if not kind:
            problems.append(RowProblem(line, "bad_kind", cells["kind"]))
        level = LEVELS.get(fold_key(cells["level"]))
        if level is None:
            problems.append(RowProblem(line, "bad_level", cells["level"]))
        phones: list[str] = []
        for text in _items(cells["phones"]):
            try:
                phones.append(normalize_phone(text))
            except InvalidPhone:
                problems.append(RowProblem(line, "bad_phone", text))
        if not cells["phones"].strip():
            problems.append(RowProblem(line, "missing_authors"))
        names = tuple(nfc(n) for n in cells["authors"].split(";") if n.strip()) \
            if cells["authors"] else ()
        if names and len(names) != len(_items(cells["phones"])):
            problems.append(RowProblem(line, "authors_phones_differ"))
        decision = _decision(cells, line, problems, year, today)
        if problems or decision is None or level is None:
            result.problems.extend(problems)
            continue
        result.rows.append(InitiativeRow(line, year, title, kind, level,
                                         tuple(dict.fromkeys(phones)), names, decision))
    return result


@dataclass(frozen=True)
class PlannedInitiative:
    year: int
    title: str
    kind: str
    level: InitiativeLevel
    authors: tuple[int, ...]  # person ids
    decision: Decision
    line: int

    @property
    def key(self) -> tuple[str, int]:
        return fold_key(self.title), self.year


@dataclass(frozen=True)
class StoredInitiative:
    id: int
    year: int
    title: str
    kind: str
    level: InitiativeLevel
    authors: frozenset[int]
    decision: Decision | None

    @property
    def key(self) -> tuple[str, int]:
        return fold_key(self.title), self.year


@dataclass
class InitiativesPlan:
    new: list[PlannedInitiative] = field(default_factory=list)
    changed: list[tuple[PlannedInitiative, StoredInitiative]] = field(default_factory=list)
    unchanged: list[PlannedInitiative] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    @property
    def planned(self) -> list[PlannedInitiative]:
        return [*self.new, *(p for p, _ in self.changed), *self.unchanged]


def plan_initiatives(file: InitiativesFile, roster: Roster,
                     stored: Iterable[StoredInitiative]) -> InitiativesPlan:
    plan = InitiativesPlan(problems=list(file.problems), rows=len(file.rows))
    seen: dict[tuple[str, int], int] = {}
    decisions: dict[tuple[str, date], tuple[Decision, int]] = {}
    planned: list[PlannedInitiative] = []
    for row in file.rows:
        authors: list[int] = []
        problem = None
        for index, phone in enumerate(row.phones):
            person = roster.person(phone)
            if person is None:
                problem = RowProblem(row.line, "person_not_found", phone)
                break
            if index < len(row.names) and \
                    identity_key(row.names[index]) != identity_key(person.full_name):
                problem = RowProblem(row.line, "name_mismatch",
                                     f"{row.names[index]} ≠ {person.full_name} ({phone})")
                break
            authors.append(person.id)
        if problem is not None:
            plan.problems.append(problem)
            continue
        earlier = decisions.get(row.decision.key)
        if earlier is not None and earlier[0].decided_by != row.decision.decided_by:
            plan.problems.append(RowProblem(row.line, "decision_conflict", row.decision.number,
                                            earlier[1]))
            continue
        decisions.setdefault(row.decision.key, (row.decision, row.line))
        item = PlannedInitiative(row.year, row.title, row.kind, row.level, tuple(authors),
                                 row.decision, row.line)
        if item.key in seen:
            plan.problems.append(RowProblem(row.line, "duplicate_initiative", row.title,
                                            seen[item.key]))
            continue
        seen[item.key] = row.line
        planned.append(item)
    if plan.problems:
        plan.problems.sort(key=lambda p: p.line)
        return plan
    plan.decisions = [d for d, _line in decisions.values()]
    existing = {s.key: s for s in stored}
    for item in planned:
        old = existing.get(item.key)
        if old is None:
            plan.new.append(item)
        elif (old.kind, old.level, old.authors, old.title) == (
                item.kind, item.level, frozenset(item.authors), item.title) \
                and old.decision is not None and old.decision == item.decision:
            plan.unchanged.append(item)
        else:
            plan.changed.append((item, old))
    return plan


@dataclass(frozen=True)
class Use:
    """Something resting on an initiative: a result, or a registration naming it."""

    kind: str  # "result" or "registration"
    year: int
    titles: tuple[str, ...]
    person_id: int | None


@dataclass(frozen=True)
class InitiativeView:
    initiative: StoredInitiative
    uses: tuple[Use, ...]

    @property
    def reused(self) -> bool:
        """Grounding more than one title or year (a registration and the result it led to
        for the same title and year are one use)."""
        grounds = {(u.year, t) for u in self.uses for t in u.titles}
        return len(grounds) > 1


@dataclass(frozen=True)
class StoredAnswer:
    """An answer of a confirmed registration, as stored: its value JSON, the registration's
    titles (implied ones included)."""

    registration_id: int
    year: int
    person_id: int
    question: str
    value: str
    titles: frozenset[str]


@dataclass(frozen=True)
class InitiativeUses:
    """Initiatives of the register and what may rest on them, as stored
    (`storage.initiatives`): the results resting on each (initiative id, year, title,
    person id), and the answers of their authors' confirmed registrations."""

    initiatives: tuple[StoredInitiative, ...] = ()
    results: tuple[tuple[int, int, str, int | None], ...] = ()
    answers: tuple[StoredAnswer, ...] = ()


def initiative_views(read: InitiativeUses) -> list[InitiativeView]:
    """Each initiative with its uses: the results resting on it, then the registrations of
    its authors whose answer names it, each with the registered titles asking that question
    (what the answer grounds, read with the catalog of the registration's year)."""
    uses: dict[int, list[Use]] = {i.id: [] for i in read.initiatives}
    for initiative_id, year, title, person_id in read.results:
        uses[initiative_id].append(Use("result", year, (title,), person_id))
    keys = {fold_key(i.title): i for i in read.initiatives}
    for answer in read.answers:
        initiative = _named(answer.value, keys)
        if initiative is None or answer.person_id not in initiative.authors:
            continue
        ruleset = catalog_for_year(answer.year)
        titles = ruleset.sort_codes(t.code for t, _ref in ruleset.question_refs(answer.question)
                                    if t.code in answer.titles)
        use = Use("registration", answer.year, titles, answer.person_id)
        if use not in uses[initiative.id]:
            uses[initiative.id].append(use)
    return [InitiativeView(i, tuple(uses[i.id])) for i in read.initiatives]


def _named(value: str, keys: Mapping[str, StoredInitiative]) -> StoredInitiative | None:
    """The initiative an answer (JSON text) names, if any."""
    try:
        text = json.loads(value)
    except ValueError:
        return None
    if not isinstance(text, str):
        return None
    return next((keys[fold_key(item)] for item in split_items(text)
                 if fold_key(item) in keys), None)


# --- What a preview showed (domain.plans) ----------------------------------------------------


def _decision_fields(decision: Decision) -> list[object]:
    return [decision.number, decision.signed_on.isoformat(), decision.decided_by]


def results_plan_fingerprint(plan: ResultsPlan) -> dict[str, object]:
    """Every change a results plan makes, in the file's order (domain.plans.plan_digest makes
    it a digest)."""

    def planned(p: PlannedResult) -> list[object]:
        return [p.year, list(p.subject.key), p.title, _decision_fields(p.decision), p.initiative_id]

    return {
        "problems": [(p.line, p.code) for p in plan.problems],
        "new": [planned(p) for p in plan.new],
        "changed": [[*planned(p), old.id, old.revision] for p, old in plan.changed],
        "unchanged": len(plan.unchanged),
        "reused": [[r.line, r.initiative, [list(u) for u in r.uses]] for r in plan.reused],
    }


def initiatives_plan_fingerprint(plan: InitiativesPlan) -> dict[str, object]:
    """Every change an initiatives plan makes."""

    def planned(p: PlannedInitiative) -> list[object]:
        return [p.year, p.title, p.kind, p.level.value, sorted(p.authors),
                _decision_fields(p.decision)]

    return {
        "problems": [(p.line, p.code) for p in plan.problems],
        "new": [planned(p) for p in plan.new],
        "changed": [[*planned(p), old.id] for p, old in plan.changed],
        "unchanged": len(plan.unchanged),
    }
