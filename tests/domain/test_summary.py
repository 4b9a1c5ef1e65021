"""The bloc summary and quotas, against the seed's annex (sample CSVs in shared/formats)."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from domain.models import OrgKind, OrgUnit, Person, Role
from domain.quotas import bloc_warnings
from domain.records import RegistrationRecord, RegistrationStatus
from domain.rules import SubjectKind, load_ruleset, parse_ruleset
from domain.summary import build_summary

SHARED = Path(os.environ.get("THIDUA_SHARED", Path(__file__).resolve().parents[3] / "shared"))
# Without shared/ next to the checkout, read the identical copy in bot/demo.
FORMATS = next(
    d
    for d in (SHARED / "formats", Path(__file__).resolve().parents[2] / "bot" / "demo")
    if (d / "sample-roster.csv").exists()
)
RULESETS = Path(__file__).resolve().parents[2] / "domain" / "rulesets"
BLOC = "Khối Tham mưu Tổng hợp"
SEED_ORDER = [
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Ngoại vụ",
    "Sở Kế hoạch và Đầu tư",
    "Sở Nội vụ",
    "Cục Thống kê",
    "Ban Dân tộc",
]


class Roster:
    """A tiny reader of the sample CSVs (the production importer lives elsewhere)."""

    def __init__(self) -> None:
        self.orgs: list[OrgUnit] = [OrgUnit(id=1, parent_id=None, kind=OrgKind.BLOC, name=BLOC)]
        self.ids: dict[tuple[str, str], int] = {}
        self.people: list[Person] = []
        with (FORMATS / "sample-roster.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                self.people.append(
                    Person(
                        id=len(self.people) + 1,
                        full_name=row["full_name"],
                        phone=row["phone"],
                        position=row["position"],
                        is_leader=row["is_leader"] == "có",
                        role=Role(row["role"]),
                        org_id=self.org(row["agency"], row["unit"]),
                    )
                )

    def org(self, agency: str, unit: str) -> int:
        if (agency, "") not in self.ids:
            self._add(agency, "", OrgKind.AGENCY, parent=1)
        if unit and (agency, unit) not in self.ids:
            self._add(agency, unit, OrgKind.UNIT, parent=self.ids[(agency, "")])
        return self.ids[(agency, unit)]

    def _add(self, agency: str, unit: str, kind: OrgKind, parent: int) -> None:
        org_id = len(self.orgs) + 1
        name = unit or agency
        self.orgs.append(
            OrgUnit(id=org_id, parent_id=parent, kind=kind, name=name, sort_order=org_id)
        )
        self.ids[(agency, unit)] = org_id

    def org_by_id(self, org_id: int) -> OrgUnit:
        return next(o for o in self.orgs if o.id == org_id)

    def registrations(self, status=RegistrationStatus.CONFIRMED) -> list[RegistrationRecord]:
        by_phone = {p.phone: p.id for p in self.people}
        titles: dict[tuple[str, int], set[str]] = {}
        with (FORMATS / "sample-registrations-2024.csv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["phone"]:
                    key = ("person", by_phone[row["phone"]])
                else:
                    org_id = self.ids[(row["agency"], row["unit"])]
                    key = (self.org_by_id(org_id).kind.value, org_id)
                titles.setdefault(key, set()).add(row["title"])
        return [
            RegistrationRecord(
                year=2024,
                subject_kind=SubjectKind(kind),
                person_id=subject if kind == "person" else None,
                org_id=subject if kind != "person" else None,
                titles=frozenset(codes),
                status=status,
                reference=f"DK-2024-{i:04d}",
                updated_at=datetime(2024, 3, 10, 9, 0),
            )
            for i, ((kind, subject), codes) in enumerate(titles.items(), start=1)
        ]


@pytest.fixture(scope="module")
def roster() -> Roster:
    return Roster()


@pytest.fixture(scope="module")
def rs():
    return load_ruleset("nd98-2023")


def test_bloc_summary_reproduces_the_annex(roster, rs):
    summary = build_summary(
        rs, roster.orgs, roster.people, roster.registrations(), scope_org_id=1, year=2024
    )
    assert [row.agency.name for row in summary.rows] == SEED_ORDER
    assert [row.stt for row in summary.rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [row.agency_titles for row in summary.rows] == [
        ("CO_CP", "CO_TINH"),
        ("CO_CP", "CO_TINH"),
        ("CO_TINH",),
        ("CO_CP", "CO_TINH"),
        ("CO_CP", "CO_TINH"),
        ("CO_TINH",),
        ("CO_TINH",),
    ]
    ttldxs = [row.collective["TTLDXS"] for row in summary.rows]
    assert [c.total for c in ttldxs] == [2, 6, 3, 9, 9, 1, 1]
    # "01 tập thể Lao động xuất sắc" (the agency) + "05 tập thể phòng, ban, đơn vị".
    assert [(c.itself, c.units) for c in ttldxs][:3] == [(1, 1), (1, 5), (0, 3)]
    assert [row.individual["CSTD_TINH"] for row in summary.rows] == [4, 5, 0, 5, 2, 0, 0]
    assert summary.totals.collective["TTLDXS"].total == 31
    assert summary.totals.individual["CSTD_TINH"] == 16
    assert summary.totals.agency_titles == {"CO_CP": 4, "CO_TINH": 7}
    # The agency's own line of the annex: its titles decided above it; Cục Thống kê's
    # Tập thể lao động xuất sắc is its ministry's decision (named, not counted, in seed 000).
    assert [[(t.code, t.reported) for t in row.own] for row in summary.rows] == [
        [("TTLDXS", False)], [("TTLDXS", False)], [], [], [], [("TTLDXS", True)], []]
    assert summary.totals.own == {"TTLDXS": 3}
    assert summary.columns.agency_titles == ("CO_CP", "CO_TINH")
    # Cờ thi đua của UBND tỉnh is for agencies (bloc members): no collective column of its own.
    assert summary.columns.collective_proposals == ("TTLDXS", "BK_TINH", "BK_TTCP")
    assert summary.columns.individual_proposals == ("CSTD_TINH", "CSTD_TQ", "BK_TINH", "BK_TTCP")
    assert summary.columns.individual_agency_level == ("LDTT", "CSTDCS", "GK")


def test_bloc_people_counts_and_rates(roster, rs):
    acks = {"q1-2024": {p.id for p in roster.people[:11]}}
    summary = build_summary(
        rs, roster.orgs, roster.people, roster.registrations(), acks, scope_org_id=1, year=2024
    )
    first = summary.rows[0]
    assert first.active_people == 22 and first.registered_people == 4
    assert first.acknowledged == {"q1-2024": 11}
    assert first.acknowledgement_rate("q1-2024") == pytest.approx(0.5)
    assert summary.totals.active_people == 300
    assert summary.totals.registered_people == 16
    assert summary.totals.registration_rate == pytest.approx(16 / 300)
    assert (summary.totals.proposal_non_leaders, summary.totals.proposal_leaders) == (16, 0)
    assert summary.rows[2].non_leader_share is None  # no individual proposal


def test_registering_the_flag_is_committing_to_compete_not_a_breach(roster, rs):
    """Seven agencies register Cờ thi đua của UBND tỉnh: registering commits to compete, the
    one-flag limit is the bloc's year-end proposal; no warning on the registrations."""
    warnings = bloc_warnings(rs, roster.orgs, roster.people, roster.registrations(), year=2024)
    assert not [w for w in warnings if w.code == "bloc_title_limit"]
    (limit,) = [q for q in rs.quotas if q.code == "co_tinh_per_bloc"]
    assert limit.stage == "proposal" and limit.legal_ref.article == "Điều 26"


def test_bloc_warnings_give_the_non_leader_share_and_nothing_unsourced(roster, rs):
    warnings = bloc_warnings(rs, roster.orgs, roster.people, roster.registrations(), year=2024)
    # The bloc's own 40% target, cited to its registration (seed 000, item 3).
    share = [w for w in warnings if w.code.startswith("non_leader_share")]
    # All 16 CSTD tỉnh proposals are for people without a leadership post: target met.
    assert [(w.code, w.severity, w.params["scope"]) for w in share] == [
        ("non_leader_share", "info", "bloc")
    ]
    assert (
        share[0].params.items()
        >= {"share": 1.0, "non_leaders": 16, "leaders": 0, "total": 16}.items()
    )
    assert share[0].legal_ref.doc == "Đăng ký thi đua của khối"
    assert share[0].legal_ref.article == "mục 3"
    # No quota without a source: no CSTĐCS share of LĐTT (a national cap until 2023) and no
    # TTLĐXS share of collectives (none found) unless a province writes its own.
    assert [w.code for w in warnings] == ["non_leader_share"]


def test_summary_warnings_are_the_bloc_warnings(roster, rs):
    regs = roster.registrations()
    summary = build_summary(rs, roster.orgs, roster.people, regs, scope_org_id=1, year=2024)
    assert list(summary.warnings) == bloc_warnings(rs, roster.orgs, roster.people, regs, year=2024)


def test_only_confirmed_registrations_of_the_year_count(roster, rs):
    drafts = roster.registrations(RegistrationStatus.DRAFT)
    withdrawn = roster.registrations(RegistrationStatus.WITHDRAWN)
    summary = build_summary(rs, roster.orgs, roster.people, drafts + withdrawn, year=2024)
    assert summary.totals.collective["TTLDXS"].total == 0 and summary.detail_rows == ()
    other_year = build_summary(rs, roster.orgs, roster.people, roster.registrations(), year=2025)
    assert other_year.totals.individual["CSTD_TINH"] == 0


def test_agency_and_unit_scopes(roster, rs):
    regs = roster.registrations()
    agency_id = roster.ids[(SEED_ORDER[1], "")]
    agency = build_summary(rs, roster.orgs, roster.people, regs, scope_org_id=agency_id, year=2024)
    assert [r.agency.name for r in agency.rows] == [SEED_ORDER[1]]
    assert agency.rows[0].collective["TTLDXS"].total == 6
    assert not [w for w in agency.warnings if w.code == "bloc_title_limit"]  # no bloc in scope

    unit_id = roster.ids[(SEED_ORDER[1], "Phòng Tổng hợp")]
    unit = build_summary(rs, roster.orgs, roster.people, regs, scope_org_id=unit_id, year=2024)
    (row,) = unit.rows
    assert row.agency.name == "Phòng Tổng hợp"
    assert (row.collective["TTLDXS"].itself, row.collective["TTLDXS"].units) == (1, 0)
    assert row.individual["CSTD_TINH"] == 4
    assert row.active_people == 6 and row.agency_titles == ()
    assert {d.unit.name for d in unit.detail_rows} == {"Phòng Tổng hợp"}


def test_detail_rows_in_official_order(roster, rs):
    summary = build_summary(
        rs, roster.orgs, roster.people, roster.registrations(), scope_org_id=1, year=2024
    )
    rows = summary.detail_rows
    assert len(rows) == 7 + 28 + 16  # the seven agencies themselves, units, people
    first_agency = [r for r in rows if r.agency.name == SEED_ORDER[0]]
    assert [r.subject_kind for r in first_agency] == ["agency", "unit"] + ["person"] * 4
    # Given name first: Anh, Hà, Khánh, Yến.
    assert [r.person.full_name for r in first_agency[2:]] == [
        "Phạm Ngọc Anh",
        "Bùi Thúy Hà",
        "Trịnh Minh Khánh",
        "Đinh Minh Yến",
    ]
    assert first_agency[0].titles == ("TTLDTT", "TTLDXS", "CO_TINH", "CO_CP")
    assert first_agency[0].explicit == ("TTLDXS", "CO_CP")
    assert first_agency[0].unit is None and first_agency[1].unit.name == "Phòng Công tác Quốc hội"
    assert all(r.reference for r in rows)
    agencies = [r.agency.name for r in rows]
    assert sorted(set(agencies), key=agencies.index) == SEED_ORDER
    # Sorted by given name (Hương, Nam, Nga, Páo, Thảo), not by family name.
    plan = [r.person.full_name for r in rows if r.person and r.agency.name == SEED_ORDER[3]]
    assert plan == [
        "Đinh Thanh Hương",
        "Đỗ Quốc Nam",
        "Dương Thị Nga",
        "Lý Tiến Páo",
        "Lương Thu Thảo",
    ]


# --- Quotas on small synthetic trees ------------------------------------------------------


def _tree():
    return [
        OrgUnit(id=1, parent_id=None, kind=OrgKind.BLOC, name="Khối A"),
        OrgUnit(id=2, parent_id=1, kind=OrgKind.AGENCY, name="Sở X", sort_order=1),
        OrgUnit(id=3, parent_id=2, kind=OrgKind.UNIT, name="Phòng 1", sort_order=1),
        OrgUnit(id=4, parent_id=2, kind=OrgKind.UNIT, name="Phòng 2", sort_order=2),
    ]


def _person(pid: int, leader: bool, org_id: int = 3) -> Person:
    return Person(
        id=pid,
        full_name=f"Người {pid}",
        phone=f"09{pid:08d}",
        position="Chuyên viên",
        is_leader=leader,
        role=Role.STAFF,
        org_id=org_id,
    )


def _reg(pid: int, *codes: str) -> RegistrationRecord:
    return RegistrationRecord(
        year=2024,
        subject_kind=SubjectKind.PERSON,
        person_id=pid,
        titles=frozenset(codes),
        status=RegistrationStatus.CONFIRMED,
    )


def test_non_leader_share_below_target_per_agency_and_bloc(rs):
    people = [_person(1, True), _person(2, True), _person(3, False)]
    regs = [_reg(1, "CSTD_TINH", "BK_TINH"), _reg(2, "CSTD_TINH"), _reg(3, "BK_TINH", "LDTT")]
    warnings = [w for w in bloc_warnings(rs, _tree(), people, regs) if "leader" in w.code]
    assert [(w.code, w.params["scope"]) for w in warnings] == [
        ("non_leader_share_low", "bloc"),
        ("non_leader_share_low", "agency"),
    ]
    assert (
        warnings[1].params.items()
        >= {"leaders": 3, "non_leaders": 1, "total": 4, "share": 0.25}.items()
    )


def province_ruleset():
    """A province's own rule file (domain/rulesets/README.md, "Quotas"): the packaged one with
    its own quotas, each citing the province's document."""
    data = yaml.safe_load(RULESETS.joinpath("nd152-2025.yaml").read_text(encoding="utf-8"))
    data["id"] = "tinh-x-2026"
    data["legal_docs"].append({
        "code": "99/2025/QĐ-UBND",
        "title": {"vi": "Quy định về công tác thi đua, khen thưởng của tỉnh X",
                  "en": "Emulation and commendation rules of province X"},
    })
    data["quotas"] += [
        {"code": "cstdcs_share", "kind": "max_share_of_title", "title": "CSTDCS",
         "of_title": "LDTT", "max_share": 0.15,
         "legal_ref": {"doc": "99/2025/QĐ-UBND", "article": "khoản 2 Điều 4"}},
        {"code": "ttldxs_share", "kind": "max_share_of_collectives", "title": "TTLDXS",
         "max_share": 0.5, "legal_ref": {"doc": "99/2025/QĐ-UBND", "article": "Điều 5"}},
    ]
    return parse_ruleset(yaml.safe_dump(data, allow_unicode=True), "tinh-x-2026.yaml")


def test_unsourced_quotas_are_off_by_default(rs):
    people = [_person(i, False) for i in range(1, 8)]
    regs = [_reg(i, "CSTDCS") for i in range(1, 8)]
    units = [RegistrationRecord(year=2024, subject_kind=SubjectKind.UNIT, org_id=org,
                                titles=frozenset({"TTLDXS"}), status=RegistrationStatus.CONFIRMED)
             for org in (3, 4)]
    codes = {w.code for w in bloc_warnings(rs, _tree(), people, [*regs, *units])}
    assert not codes & {"title_share_high", "collective_share_high"}


def test_a_province_turns_on_its_own_cstdcs_share(rs):
    province = province_ruleset()
    people = [_person(i, False) for i in range(1, 8)]
    regs = [_reg(1, "CSTDCS")] + [_reg(i, "LDTT") for i in range(2, 8)]
    assert not [w for w in bloc_warnings(province, _tree(), people, regs)
                if w.code == "title_share_high"]
    regs[1] = _reg(2, "CSTDCS")  # 2 of 7 = 29% > 15%
    (warning,) = [
        w for w in bloc_warnings(province, _tree(), people, regs) if w.code == "title_share_high"
    ]
    assert (
        warning.params.items()
        >= {"count": 2, "of_count": 7, "title": "CSTDCS", "of_title": "LDTT"}.items()
    )
    assert (warning.legal_ref.doc, warning.legal_ref.article) == ("99/2025/QĐ-UBND",
                                                                  "khoản 2 Điều 4")


def test_a_province_turns_on_its_own_ttldxs_share():
    province = province_ruleset()
    unit = RegistrationRecord(
        year=2024,
        subject_kind=SubjectKind.UNIT,
        org_id=3,
        titles=frozenset({"TTLDXS"}),
        status=RegistrationStatus.CONFIRMED,
    )
    assert not bloc_warnings(province, _tree(), [], [unit])  # 1 of 3 collectives
    other = unit.model_copy(update={"org_id": 4})
    (warning,) = bloc_warnings(province, _tree(), [], [unit, other])
    assert warning.code == "collective_share_high"
    assert warning.params.items() >= {"count": 2, "collectives": 3, "org_name": "Sở X"}.items()
    assert warning.legal_ref.doc == "99/2025/QĐ-UBND"
