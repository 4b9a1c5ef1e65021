"""The packaged rule sets: catalog as in domain.md, strict loading, choice by date."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from domain.models import Role
from domain.rules import (
    Level,
    NoRuleSetInForce,
    RuleSetError,
    SubjectKind,
    TitleKind,
    UnknownTitle,
    available_rulesets,
    load_ruleset,
    load_ruleset_file,
    parse_ruleset,
    ruleset_for,
    ruleset_for_year,
)

SHARED = Path(os.environ.get("THIDUA_SHARED", Path(__file__).resolve().parents[3] / "shared"))
RULESET_DIR = Path(__file__).resolve().parents[2] / "domain" / "rulesets"
CODES = [
    "LDTT",
    "CSTDCS",
    "CSTD_TINH",
    "CSTD_TQ",
    "TTLDTT",
    "TTLDXS",
    "CO_TINH",
    "CO_CP",
    "GK",
    "BK_TINH",
    "BK_TTCP",
]


# The catalog table of shared/domain.md: code → (official name, subject, decided by).
CATALOG = {
    "LDTT": ("Lao động tiên tiến", "person", "head of agency"),
    "CSTDCS": ("Chiến sĩ thi đua cơ sở", "person", "head of agency"),
    "CSTD_TINH": ("Chiến sĩ thi đua cấp tỉnh", "person", "provincial chairman"),
    "CSTD_TQ": ("Chiến sĩ thi đua toàn quốc", "person", "Prime Minister"),
    "TTLDTT": ("Tập thể lao động tiên tiến", "unit or agency", "head of agency"),
    "TTLDXS": ("Tập thể lao động xuất sắc", "unit or agency", "provincial chairman"),
    "CO_TINH": ("Cờ thi đua của UBND tỉnh", "agency that is a bloc member",
                "provincial chairman"),
    "CO_CP": ("Cờ thi đua của Chính phủ", "agency", "Prime Minister"),
    "GK": ("Giấy khen", "person or collective", "head of agency"),
    "BK_TINH": ("Bằng khen của Chủ tịch UBND tỉnh", "person or collective", "provincial chairman"),
    "BK_TTCP": ("Bằng khen của Thủ tướng Chính phủ", "person or collective", "Prime Minister"),
}


def test_catalog_table_is_the_one_of_domain_md():
    path = SHARED / "domain.md"
    if path.exists():  # next to every checkout here and in CI; the table above stands alone
        assert _domain_catalog(path) == CATALOG


def _domain_catalog(path: Path) -> dict[str, tuple[str, str, str]]:
    text = path.read_text(encoding="utf-8")
    section = text.split("## Catalog", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[A-Z_]+", cells[0]) and cells[0] != "code":
            rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


@pytest.fixture(params=["nd98-2023", "nd152-2025"])
def ruleset(request):
    return load_ruleset(request.param)


def test_catalog_names_match_domain_md(ruleset):
    assert [t.code for t in ruleset.titles] == CODES == list(CATALOG)
    for code, (name, _subject, _decider) in CATALOG.items():
        assert ruleset.title(code).name.vi == name


def test_catalog_subjects_and_deciders_follow_domain_md(ruleset):
    deciders = {
        "head of agency": Level.AGENCY,
        "provincial chairman": Level.PROVINCE,
        "Prime Minister": Level.NATIONAL,
    }
    for code, (_name, subject, decider) in CATALOG.items():
        title = ruleset.title(code)
        assert title.decided_by == deciders[decider], code
        kinds = set(title.subjects)
        if subject == "person":
            assert kinds == {SubjectKind.PERSON}, code
        elif subject == "person or collective":
            assert kinds == set(SubjectKind), code
        elif subject == "unit or agency":
            assert kinds == {SubjectKind.UNIT, SubjectKind.AGENCY}, code
        else:  # "agency", "agency that is a bloc member"
            assert kinds == {SubjectKind.AGENCY}, code
        assert title.bloc_members_only == (subject == "agency that is a bloc member"
                                           or code == "CO_CP"), code
    assert ruleset.title("GK").kind == TitleKind.FORM
    assert ruleset.title("CO_TINH").kind == TitleKind.TITLE


def test_implications(ruleset):
    implies = {t.code: t.implies for t in ruleset.titles if t.implies}
    assert implies == {"CSTDCS": ("LDTT",), "TTLDXS": ("TTLDTT",), "CO_CP": ("CO_TINH",)}


def test_every_text_is_nfc_and_bilingual(ruleset):
    import unicodedata

    for title in ruleset.titles:
        assert unicodedata.is_normalized("NFC", title.name.vi)
        assert title.name.en and title.name.vi != title.name.en
    for question in ruleset.questions:
        assert question.prompt.vi and question.prompt.en


def test_lookups(ruleset):
    assert [t.code for t in ruleset.titles_for("unit")] == [
        "TTLDTT", "TTLDXS", "GK", "BK_TINH", "BK_TTCP"]  # not the flags: units are no members
    assert [t.code for t in ruleset.titles_for("agency")] == [
        "TTLDTT",
        "TTLDXS",
        "CO_TINH",
        "CO_CP",
        "GK",
        "BK_TINH",
        "BK_TTCP",
    ]
    assert [t.code for t in ruleset.titles_for(SubjectKind.PERSON)] == [
        "LDTT",
        "CSTDCS",
        "CSTD_TINH",
        "CSTD_TQ",
        "GK",
        "BK_TINH",
        "BK_TTCP",
    ]
    with pytest.raises(UnknownTitle):
        ruleset.title("LDT")
    assert ruleset.registrant(ruleset.title("TTLDXS"), SubjectKind.UNIT) == Role.UNIT_HEAD
    assert ruleset.registrant(ruleset.title("LDTT"), SubjectKind.PERSON) == Role.STAFF
    assert ruleset.title("CSTD_TINH").legal_ref.article == "Điều 22"
    assert ruleset.legal_doc("06/2022/QH15").title.vi == "Luật Thi đua, khen thưởng"


def test_quotas_are_parameters_and_only_sourced_ones_are_on(ruleset):
    quotas = {q.code: q for q in ruleset.quotas}
    assert set(quotas) == {"co_tinh_per_bloc", "non_leader_share"}
    assert quotas["co_tinh_per_bloc"].max == 1
    assert quotas["co_tinh_per_bloc"].stage == "proposal"  # the year-end proposal
    assert quotas["non_leader_share"].min_share == pytest.approx(0.40)
    assert quotas["non_leader_share"].stage == "registration"


def test_every_rule_cites_a_document_of_the_file(ruleset):
    """Checks, reuse checks, decider rules and quotas each cite a document the file names;
    the Law's articles are written as a Vietnamese text cites them."""
    docs = {d.code for d in ruleset.legal_docs}
    rules = [*ruleset.checks, *ruleset.reuse, *ruleset.deciders, *ruleset.quotas]
    assert rules and all(r.legal_ref.doc in docs for r in rules)
    assert all(t.legal_ref.article for t in ruleset.titles)
    articles = [r.legal_ref.article for r in rules if r.legal_ref.doc == "06/2022/QH15"]
    assert all(a is None or re.fullmatch(r"((điểm [a-zđ] )?khoản \d+ )?Điều \d+", a)
               for a in articles), articles
    assert "Quy chế TĐKT của tỉnh" not in docs  # no placeholder shown as the province's rule
    # The 6-month rule is no part of Điều 24: the rating rule of Nghị định 90/2020 is.
    (recruit,) = [c for c in ruleset.checks if c.code == "ldtt_new_recruit"]
    assert (recruit.legal_ref.doc, recruit.legal_ref.article) == ("90/2020/NĐ-CP", "Điều 2")


def test_the_law_as_checked(ruleset):
    """The criteria read from the texts (README: the table of rules and sources)."""
    checks = {c.code: c for c in ruleset.checks}
    # Điều 28: at least 70% of the members Lao động tiên tiến (the 2003 law said "trên 50%").
    assert checks["ttldtt_members_ldtt"].expect.at_least == 70
    assert checks["ttldtt_members_ldtt"].legal_ref.article == "khoản 1 Điều 28"
    # The collective's own rating: hoàn thành tốt (Điều 28), xuất sắc (Điều 27).
    assert checks["ttldtt_rating"].expect.one_of == ("excellent", "good")
    assert checks["ttldxs_rating"].expect.one_of == ("excellent",)
    # CSTĐ tỉnh: three consecutive CSTĐCS, the last the registration year or the one before.
    assert checks["cstd_tinh_years_recent"].expect.ends_between == (-1, 0)
    assert checks["cstd_tinh_this_year_cstdcs"].requires_titles == ("CSTDCS",)
    assert ruleset.question("cstdcs_years").last_year_offset == 0
    # The research-topic option for the provincial and national fighters.
    ground = ruleset.question("cstd_ground")
    assert [o.code for o in ground.options] == ["initiative", "research"]
    assert {t.code for t, _ in ruleset.question_refs("cstd_ground")} == {"CSTD_TINH", "CSTD_TQ"}
    # The provincial Bằng khen's grounds (Điều 74, as Bắc Ninh's 86/2025 restates them).
    assert [o.code for o in ruleset.question("bk_tinh_ground").options] == [
        "movement", "outstanding", "contribution", "two_cstdcs", "excellent_initiatives"]
    assert [o.code for o in ruleset.question("bk_tinh_collective_ground").options] == [
        "movement", "outstanding", "contribution", "two_excellent_years"]
    # What the bot knows itself, and the Luật Điều 5 reuse checks.
    assert ruleset.question("members_ldtt_percent").figure == "members_ldtt_percent"
    assert ruleset.question("has_cstdcs_member").figure == "has_cstdcs_member"
    assert [r.code for r in ruleset.reuse] == ["initiative_reused",
                                               "one_achievement_several_forms"]


def test_who_decides_for_whom(ruleset):
    agency, unit = SubjectKind.AGENCY, SubjectKind.UNIT
    # An agency's own TTLĐTT and Giấy khen are not its head's: the body above decides.
    assert ruleset.decider("TTLDTT", unit, "Sở Nội vụ")[0] == Level.AGENCY
    assert ruleset.decider("TTLDTT", agency, "Sở Nội vụ")[0] == Level.SUPERIOR
    assert ruleset.decider("GK", agency, "Sở Nội vụ")[0] == Level.SUPERIOR
    assert ruleset.decider("GK", SubjectKind.PERSON, "Sở Nội vụ")[0] == Level.AGENCY
    # A vertical central agency: its ministry decides, whatever the spelling of its name.
    assert ruleset.decider("TTLDXS", agency, "Sở Nội vụ")[0] == Level.PROVINCE
    assert ruleset.decider("TTLDXS", agency, "CỤC THỐNG KÊ")[0] == Level.MINISTRY
    assert ruleset.decider("TTLDXS", unit, "Cuc Thong ke tinh Lao Cai")[0] == Level.MINISTRY
    assert ruleset.decider("TTLDTT", agency, "Cục Thống kê")[0] == Level.MINISTRY
    assert ruleset.decider("CO_TINH", agency, "Cục Thống kê")[0] == Level.PROVINCE


def test_the_two_rule_sets_and_their_dates():
    sets = available_rulesets()
    assert [r.id for r in sets] == ["nd98-2023", "nd152-2025"]
    old, new = sets
    assert old.effective_to == date(2025, 6, 30) and new.effective_from == date(2025, 7, 1)
    assert {d.code for d in old.legal_docs} >= {"06/2022/QH15", "98/2023/NĐ-CP"}
    assert {d.code for d in new.legal_docs} >= {"06/2022/QH15", "152/2025/NĐ-CP", "15/2025/TT-BNV"}
    assert [t.name for t in old.titles] == [t.name for t in new.titles]


def test_a_year_straddling_a_change_is_judged_by_the_rules_at_its_end():
    """2025: Nghị định 98/2023 until 30 June, 152/2025 from 1 July; the 2025 titles are
    considered at the end of 2025, under 152/2025, whenever the registration opened."""
    assert ruleset_for_year(2024).id == "nd98-2023"
    assert ruleset_for_year(2025).id == "nd152-2025"
    assert ruleset_for_year(2030).id == "nd152-2025"
    with pytest.raises(NoRuleSetInForce):
        ruleset_for_year(2023)


def test_ruleset_for_picks_the_one_in_force():
    assert ruleset_for(date(2024, 3, 1)).id == "nd98-2023"
    assert ruleset_for(date(2025, 6, 30)).id == "nd98-2023"
    assert ruleset_for(date(2025, 7, 1)).id == "nd152-2025"
    assert ruleset_for(date(2026, 1, 10)).id == "nd152-2025"
    with pytest.raises(NoRuleSetInForce):
        ruleset_for(date(2023, 6, 1))


# --- Broken files name the field --------------------------------------------------------


def _data() -> dict:
    return yaml.safe_load((RULESET_DIR / "nd152-2025.yaml").read_text(encoding="utf-8"))


def _problems(data: dict) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(yaml.safe_dump(data, allow_unicode=True), "custom.yaml")
    return caught.value.problems


def test_unknown_implied_title_is_named_with_its_path(tmp_path):
    data = _data()
    data["titles"][3]["implies"] = ["LDT"]
    path = tmp_path / "tinh.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_file(path)
    assert "titles[3].implies: unknown title 'LDT'" in caught.value.problems
    assert str(path) in str(caught.value)


def test_unknown_field_is_rejected():
    data = _data()
    data["titles"][0]["colour"] = "red"
    data["questions"][0]["hints"] = "x"
    problems = _problems(data)
    assert "titles[0].colour: unknown field" in problems
    assert "questions[0].hints: unknown field" in problems


def test_references_to_questions_and_options_are_checked():
    data = _data()
    data["titles"][1]["questions"].append("no_such_question")
    data["titles"][1]["questions"][1]["when"]["one_of"] = ["inititive"]
    data["checks"][0]["question"] = "service_month"
    problems = _problems(data)
    assert "titles[1].questions[3].key: unknown question 'no_such_question'" in problems
    assert (
        "titles[1].questions[1].when[0].one_of: unknown option 'inititive' "
        "of question 'cstdcs_ground'" in problems
    )
    assert "checks[0].expect.question: unknown question 'service_month'" in problems


def test_conditions_look_back_only_and_tests_fit_the_type():
    data = _data()
    data["titles"][1]["questions"][1]["when"] = {"question": "research_title", "one_of": ["x"]}
    data["checks"][0]["expect"] = {"equals": True}
    problems = _problems(data)
    assert any(
        p.startswith("titles[1].questions[1].when[0].question: 'research_title' must come")
        for p in problems
    )
    assert "checks[0].expect.equals: not a test for a integer question 'service_months'" in problems


def test_other_structural_errors():
    data = _data()
    data["titles"][0]["implies"] = ["CSTDCS"]  # CSTDCS already implies LDTT: a cycle
    data["quotas"][0]["title"] = "LDTT"  # not a collective title
    data["quotas"][1]["legal_ref"]["doc"] = "99/2099/NĐ-CP"
    data["effective_to"] = "2020-01-01"
    data["titles"][9]["bloc_members_only"] = True  # BK_TINH: people are no bloc members
    data["deciders"][0]["subjects"] = ["person"]  # TTLDTT is no person's title
    data["questions"][0]["figure"] = "has_cstdcs_member"  # a yes/no figure on a number
    data["reuse"][0]["questions"].append("nothing")
    problems = _problems(data)
    assert "titles[0].implies: 'LDTT' implies itself" in problems
    assert "quotas[0].title: 'LDTT' is not a collective title" in problems
    assert "quotas[1].legal_ref.doc: unknown legal document '99/2099/NĐ-CP'" in problems
    assert "effective_to: before effective_from" in problems
    assert "titles[9].bloc_members_only: only collectives are bloc members" in problems
    assert "deciders[0].subjects: 'person' is not a subject of 'TTLDTT'" in problems
    assert "questions[0].figure: 'has_cstdcs_member' is not a integer figure" in problems
    assert "reuse[0].questions[5]: unknown question 'nothing'" in problems


def test_a_check_has_one_form():
    data = _data()
    data["checks"][0]["requires_titles"] = ["CSTDCS"]  # and a question: two forms at once
    problems = _problems(data)
    assert any(p.startswith("checks[0]: ") and "requires_titles" in p for p in problems)


def test_a_question_cannot_wait_for_the_year_but_a_check_can():
    data = _data()
    data["titles"][2]["questions"][1] = {
        "key": "cstd_ground", "when": {"question": "cstdcs_years", "ends_at_offset": 0}}
    problems = _problems(data)
    assert any("cannot test the years" in p for p in problems)
    del data["titles"][2]["questions"][1]["when"]
    assert parse_ruleset(yaml.safe_dump(data, allow_unicode=True))  # checks' `when` may


def test_field_errors_come_first():
    data = _data()
    data["questions"][0]["type"] = "number"
    data["quotas"][1]["min_share"] = 1.5
    problems = _problems(data)
    assert problems[0].startswith("questions[0]: Input tag 'number'")
    assert problems[1].startswith("quotas[1].min_share: ")


def test_duplicate_yaml_keys_and_non_mappings_are_rejected():
    text = (RULESET_DIR / "nd152-2025.yaml").read_text(encoding="utf-8")
    with pytest.raises(RuleSetError, match="duplicate key 'id'"):
        parse_ruleset(text + "\nid: again\n")
    with pytest.raises(RuleSetError, match="mapping"):
        parse_ruleset("- just a list\n")


def test_an_operator_file_that_is_valid_loads(tmp_path):
    data = _data()
    data["id"] = "lao-cai-2026"
    data["quotas"][1]["min_share"] = 0.5
    path = tmp_path / "lao-cai-2026.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ruleset = load_ruleset_file(path)
    assert ruleset.id == "lao-cai-2026"
    assert ruleset_for(date(2026, 1, 1), [load_ruleset("nd98-2023"), ruleset]) is ruleset
