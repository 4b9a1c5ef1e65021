"""What the results on record prove at registration, and the claims they contradict."""

from __future__ import annotations

from domain.on_record import fill_proven, from_record, proven_answers, record_warnings
from domain.results import RecordFacts, UsedInitiative, latest_run
from domain.rules import SubjectKind, load_ruleset

RULESET = load_ruleset("nd152-2025")
YEAR = 2026


def facts(years: dict[str, tuple[int, ...]], covered: dict[str, set[int]] | None = None,
          initiatives: tuple[UsedInitiative, ...] = ()) -> RecordFacts:
    return RecordFacts(years, {t: frozenset(y) for t, y in (covered or {}).items()},
                       initiatives)


def test_latest_run():
    assert latest_run([2021, 2022, 2024, 2025], 2025) == [2024, 2025]
    assert latest_run([2019, 2022, 2025], 2025, gap=3) == [2019, 2022, 2025]
    assert latest_run([2022], 2025) == []


def test_what_the_record_proves():
    person = SubjectKind.PERSON
    three = facts({"CSTDCS": (2023, 2024, 2025)})
    assert proven_answers(RULESET, person, three, YEAR) == {
        "cstdcs_years": [2023, 2024, 2025], "bk_cstdcs_years": [2024, 2025]}
    # Two running, the last the year before: this year counts as the third.
    two = facts({"CSTDCS": (2024, 2025)})
    assert proven_answers(RULESET, person, two, YEAR)["cstdcs_years"] == [2024, 2025, 2026]
    # An old run proves nothing about the latest years: asked.
    old = facts({"CSTDCS": (2020, 2021, 2022)})
    assert "cstdcs_years" not in proven_answers(RULESET, person, old, YEAR)
    # CSTĐ tỉnh awards are at most three years apart; one, three years ago, with this year's.
    assert proven_answers(RULESET, person, facts({"CSTD_TINH": (2020, 2023)}), YEAR)[
        "cstd_tinh_years"] == [2020, 2023]
    assert proven_answers(RULESET, person, facts({"CSTD_TINH": (2023,)}), YEAR)[
        "cstd_tinh_years"] == [2023, 2026]
    # A collective's two TTLĐXS years.
    assert proven_answers(RULESET, SubjectKind.UNIT, facts({"TTLDXS": (2024, 2025)}), YEAR) == {
        "collective_excellent_years": [2024, 2025]}


def test_filling_follows_the_questions_the_selection_asks():
    record = facts({"CSTDCS": (2023, 2024, 2025)})
    found = proven_answers(RULESET, SubjectKind.PERSON, record, YEAR)
    filled = fill_proven(RULESET, {"CSTD_TINH"}, {}, SubjectKind.PERSON, found)
    assert filled == {"cstdcs_years": [2023, 2024, 2025]}  # bk_cstdcs_years is not asked
    assert from_record(filled, found) == {"cstdcs_years"}
    assert fill_proven(RULESET, {"LDTT"}, {}, SubjectKind.PERSON, found) == {}


def test_claims_the_record_contradicts_and_initiatives_used_before():
    record = facts({"CSTDCS": (2025,)}, {"CSTDCS": {2023, 2024, 2025}}, (
        UsedInitiative(7, "Sổ tay điện tử phục vụ đại biểu", ((2025, "CSTDCS"),)),))
    answers = {"cstdcs_years": [2022, 2023, 2024, 2025],
               "cstd_initiative_title": "sổ tay điện tử phục vụ đại biểu; Khác"}
    warnings = record_warnings(RULESET, SubjectKind.PERSON, answers, YEAR, record,
                               lambda key: [RULESET.title("CSTD_TINH")])
    codes = [w.code for w in warnings]
    assert codes == ["record_contradiction", "initiative_used_before"]
    # 2022's decisions are not on record: not contradicted; 2023 and 2024 are.
    assert warnings[0].params == {"question": "cstdcs_years", "title": "CSTDCS",
                                  "years": [2023, 2024]}
    assert warnings[1].params["uses"] == [[2025, "CSTDCS"]]
    # The same initiative for this year's same title, as this year's result: one use.
    same = record_warnings(RULESET, SubjectKind.PERSON,
                           {"initiative_title": "Sổ tay điện tử phục vụ đại biểu"}, 2025,
                           record, lambda key: [RULESET.title("CSTDCS")])
    assert same == []
