"""The pure functions that apply the rule set to what storage reads or writes (storage only
runs SQL: docs/architecture.md, "Rules stay out of storage")."""

from __future__ import annotations

import ast
from pathlib import Path

from domain.models import OrgKind, OrgUnit, Person, Role
from domain.on_record import (
    Claim,
    ClaimsOnRecord,
    Contradiction,
    contradiction_rules,
    contradictions_on_record,
    record_scopes,
)
from domain.org import OrgTree
from domain.records import RegistrationRecord, RegistrationStatus
from domain.registration_import import parse_registration_file, plan_import
from domain.results_import import (
    InitiativeUses,
    InitiativeView,
    StoredAnswer,
    StoredInitiative,
    Use,
    initiative_views,
)
from domain.rules import InitiativeLevel, SubjectKind, load_ruleset
from domain.tally import PeopleCounts, PeopleRows, count_people
from domain.windows import RegistrationWindow, year_ruleset

RULESET = load_ruleset("nd152-2025")
TREE = OrgTree([
    OrgUnit(id=2, parent_id=None, kind=OrgKind.AGENCY, name="Sở Nội vụ"),
    OrgUnit(id=3, parent_id=2, kind=OrgKind.UNIT, name="Văn phòng Sở"),
    OrgUnit(id=4, parent_id=None, kind=OrgKind.AGENCY, name="Sở Tài chính"),
    OrgUnit(id=5, parent_id=4, kind=OrgKind.UNIT, name="Phòng Ngân sách"),
])


def test_the_record_of_a_title_the_agency_decides_is_read_in_the_agency():
    """CSTĐCS is decided by the agency: its years are covered by the agency's results;
    CSTĐ tỉnh by the province: by results anywhere (None)."""
    assert record_scopes(RULESET, SubjectKind.PERSON, TREE, 3) == {
        "CSTDCS": frozenset({2, 3}), "CSTD_TINH": None}
    assert record_scopes(RULESET, SubjectKind.PERSON, TREE, 99) == {  # not on the tree
        "CSTDCS": None, "CSTD_TINH": None}
    assert record_scopes(RULESET, SubjectKind.UNIT, TREE, 3) == {"TTLDXS": None}


def test_contradictions_read_the_record_with_the_rule_set():
    assert {(r.question, r.title) for r in contradiction_rules(RULESET)} == {
        ("cstdcs_years", "CSTDCS"), ("cstd_tinh_years", "CSTD_TINH"),
        ("bk_cstdcs_years", "CSTDCS")}
    claimed = [2022, 2023, 2024, 2025]
    read = ClaimsOnRecord(
        claims=(Claim(10, 3, "Nguyễn Văn A", frozenset({"CSTD_TINH", "", "GONE"}),
                      {"cstdcs_years": claimed}),
                Claim(11, 99, "Trần Thị B", frozenset({"CSTD_TINH"}),
                      {"cstdcs_years": claimed})),
        held={10: {"CSTDCS": {2025}}, 11: {"CSTDCS": {2025}}},
        # 2022 is on record only in the other agency: not the agency that decides A's.
        on_record={"CSTDCS": {3: {2023, 2025}, 2: {2024}, 5: {2022}, None: {2021}}},
    )
    found = contradictions_on_record(RULESET, TREE, 2026, read)
    askers = RULESET.sort_codes(t.code for t, _ref in RULESET.question_refs("cstdcs_years")
                                if t.code == "CSTD_TINH")
    assert found == [
        Contradiction("Nguyễn Văn A", 3, askers, "CSTDCS", (2023, 2024)),
        # B's org is not on the tree: the record anywhere covers the years.
        Contradiction("Trần Thị B", 99, askers, "CSTDCS", (2022, 2023, 2024)),
    ]
    assert contradictions_on_record(RULESET, TREE, 2026, ClaimsOnRecord()) == []


def test_people_rows_are_counted_as_one_person_at_a_time():
    rows = PeopleRows(
        active=[(3, 10), (5, 2)],
        registered=[(3, False, ("CSTDCS",), 2), (3, True, ("CSTD_TINH", "GONE"), 1)],
        acknowledged=[("c1", 3, 4)],
    )
    counts = count_people(RULESET, rows)
    one_by_one = PeopleCounts(RULESET)
    one_by_one.add_active(3, 10)
    one_by_one.add_active(5, 2)
    for _ in range(2):
        one_by_one.add_registration(3, ["CSTDCS"], is_leader=False)
    one_by_one.add_registration(3, ["CSTD_TINH"], is_leader=True)
    for _ in range(4):
        one_by_one.add_acknowledged("c1", 3)
    assert counts.orgs == one_by_one.orgs
    org = counts.orgs[3]
    assert (org.active, org.registered, org.titles["LDTT"], org.acknowledged["c1"]) == (
        10, 3, 2, 4)  # CSTĐCS implies LĐTT


def test_the_rule_set_of_a_year():
    window = RegistrationWindow.model_construct(ruleset_id="nd98-2023")
    assert year_ruleset([window], 2026).id == "nd98-2023"  # the window's, pinned
    assert year_ruleset([], 2026).id == "nd152-2025"  # in force at the year's end
    assert year_ruleset([], 2024).id == "nd98-2023"
    assert year_ruleset([RegistrationWindow.model_construct(ruleset_id="nope")], 2026) is None
    assert year_ruleset([], 1990) is None


def test_a_changed_registration_is_planned_with_the_answers_its_titles_still_need():
    ruleset = load_ruleset("nd98-2023")
    person = Person(id=10, full_name="Nguyễn Văn A", phone="0912345678", position="",
                    is_leader=False, role=Role.STAFF, org_id=3)
    other = Person(id=11, full_name="Trần Thị B", phone="0912345679", position="",
                   is_leader=False, role=Role.STAFF, org_id=3)
    file = parse_registration_file((
        "year,agency,unit,full_name,phone,title\n"
        "2024,Sở Nội vụ,Văn phòng Sở,,0912345678,LDTT\n"
        "2024,Sở Nội vụ,Văn phòng Sở,,0912345679,CSTDCS\n").encode(), "r.csv")
    stored = RegistrationRecord(year=2024, subject_kind=SubjectKind.PERSON, person_id=10,
                                titles=frozenset({"CSTDCS"}),
                                status=RegistrationStatus.CONFIRMED)
    answers = {"service_months": 30, "expected_rating": "excellent",
               "cstdcs_ground": "initiative", "initiative_title": "Số hóa hồ sơ một cửa"}
    plan = plan_import(file, TREE, [person, other], [stored], lambda year: ruleset,
                       answers={(2024, ("person", 10)): answers})
    assert plan.ok, plan.problems
    [(changed, old)] = plan.changed
    assert old == stored
    assert (changed.ticked, changed.implied) == (frozenset({"LDTT"}), frozenset())
    # Dropping CSTĐCS drops its ground and the initiative's title (prune_answers).
    assert changed.answers == {"service_months": 30, "expected_rating": "excellent"}
    [new] = plan.new
    assert (new.ticked, new.implied, new.answers) == (
        frozenset({"CSTDCS"}), frozenset({"LDTT"}), {})


def test_what_rests_on_an_initiative():
    """Results resting on it, then its authors' registrations whose answer names it, with
    the registered titles asking that question; a non-author's or an unnamed one is not."""
    initiative = StoredInitiative(id=7, year=2024, title="Sổ tay điện tử phục vụ đại biểu",
                                  kind="initiative", level=InitiativeLevel.GRASSROOTS,
                                  authors=frozenset({10}), decision=None)
    other = StoredInitiative(id=8, year=2024, title="Số hóa hồ sơ", kind="initiative",
                             level=InitiativeLevel.GRASSROOTS, authors=frozenset({11}),
                             decision=None)
    named = '"sổ tay điện tử phục vụ đại biểu; Khác"'
    read = InitiativeUses(
        (initiative, other),
        ((7, 2025, "CSTDCS", 10),),
        (StoredAnswer(1, 2025, 10, "cstd_initiative_title", named,
                      frozenset({"CSTD_TINH", "CSTDCS", "LDTT"})),
         StoredAnswer(2, 2025, 10, "cstd_initiative_title", named,  # the same use again
                      frozenset({"CSTD_TINH", "CSTDCS", "LDTT"})),
         StoredAnswer(3, 2025, 11, "cstd_initiative_title", named, frozenset({"CSTD_TINH"})),
         StoredAnswer(4, 2025, 10, "cstd_initiative_title", '"Khác"', frozenset()),
         StoredAnswer(5, 2025, 10, "cstd_initiative_title", "not json", frozenset())),
    )
    assert initiative_views(read) == [
        InitiativeView(initiative, (Use("result", 2025, ("CSTDCS",), 10),
                                    Use("registration", 2025, ("CSTD_TINH",), 10))),
        InitiativeView(other, ()),
    ]
    assert initiative_views(InitiativeUses()) == []


# Title rule functions storage must not call: it writes what the core decided.
RULE_MODULES = {"domain.registration", "domain.on_record", "domain.tally", "domain.review",
                "domain.quotas"}
RULE_NAMES = {"expand_implied", "explicit_choice", "prune_answers", "confirmed_content",
              "review", "review_for", "evaluate", "pending_questions", "needed_questions",
              "contradictions", "record_warnings", "proven_answers", "PeopleCounts",
              "count_people", "contradictions_on_record", "record_scopes", "catalog_for_year",
              "initiative_views"}
# Models and a text helper (splitting an answer's items) are not rules.
ALLOWED = {"ConfirmedContent", "Claim", "ClaimsOnRecord", "PeopleRows", "split_items",
           "Assessment", "Review"}


def test_storage_imports_no_rule_function():
    storage = Path(__file__).resolve().parents[2] / "storage"
    found = []
    for path in sorted(storage.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("domain"):
                for alias in node.names:
                    if alias.name in RULE_NAMES or (
                            node.module in RULE_MODULES and alias.name not in ALLOWED):
                        found.append(f"{path.name}: {node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                found += [f"{path.name}: {a.name}" for a in node.names
                          if a.name in RULE_MODULES]
    assert found == []
