"""Who qualifies for what at the year-end review: the rule set's eligibility rules, evaluated
on ratings, the initiatives register and the results on record."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.review import CollectiveFacts, HeldInitiative, PersonFacts, evaluate
from domain.rules import InitiativeLevel, RuleSetError, SubjectKind, load_ruleset, parse_ruleset
from domain.subjects import Subject

RULESET = load_ruleset("nd152-2025")
YEAR = 2025
GRASSROOTS = HeldInitiative(InitiativeLevel.GRASSROOTS, YEAR, "Sổ tay điện tử")
PROVINCE = HeldInitiative(InitiativeLevel.PROVINCE, YEAR - 1, "Số hoá hồ sơ")


def titles(result, person_id: int) -> list[str]:
    return [o.title for o in result.titles_of(Subject(SubjectKind.PERSON, 1, person_id))]


def test_ratings_initiatives_and_the_record_make_the_individual_titles():
    people = [
        PersonFacts(1, 1, "excellent"),
        PersonFacts(2, 1, "good", (GRASSROOTS,)),
        PersonFacts(3, 1, "good"),
        PersonFacts(4, 1, "done", (GRASSROOTS,)),
        PersonFacts(5, 1, "excellent", (PROVINCE,), {"CSTDCS": (YEAR - 2, YEAR - 1)}),
        PersonFacts(6, 1, "excellent", (PROVINCE,), {"CSTDCS": (YEAR - 3, YEAR - 1)}),
        PersonFacts(7, 1, None),
        PersonFacts(8, 1, "excellent", (), {"CSTDCS": (YEAR - 1,)}),
    ]
    result = evaluate(RULESET, YEAR, people, [])
    assert titles(result, 1) == ["LDTT", "CSTDCS"]
    assert titles(result, 2) == ["LDTT", "CSTDCS"]  # an initiative instead of "excellent"
    assert titles(result, 3) == ["LDTT"]
    assert titles(result, 4) == []  # "hoàn thành nhiệm vụ": not even LĐTT
    # Three consecutive CSTĐCS (this year the third) and a provincial initiative.
    assert titles(result, 5) == ["LDTT", "CSTDCS", "CSTD_TINH", "BK_TINH"]
    assert titles(result, 6) == ["LDTT", "CSTDCS", "BK_TINH"]  # a gap: no CSTĐ tỉnh
    assert titles(result, 7) == []  # not assessed
    assert titles(result, 8) == ["LDTT", "CSTDCS", "BK_TINH"]  # two running: Bằng khen
    reasons = {o.title: o for o in result.people[5]}["CSTD_TINH"].reasons
    assert [(r.kind, r.met, r.detail) for r in reasons] == [
        ("eligible", True, "CSTDCS"), ("record", True, f"{YEAR - 2}, {YEAR - 1}, {YEAR}"),
        ("initiative", True, "Số hoá hồ sơ")]


def test_a_declared_initiative_counts_and_says_so():
    declared = HeldInitiative(InitiativeLevel.GRASSROOTS, YEAR, "Ứng dụng chữ ký số", True)
    result = evaluate(RULESET, YEAR, [PersonFacts(1, 1, "good", (declared,))], [])
    cstdcs = {o.title: o for o in result.people[1]}["CSTDCS"]
    assert cstdcs.met and cstdcs.reasons[1].kind == "declared_initiative"


def test_collectives_from_their_rating_discipline_and_members():
    members = [PersonFacts(i, 10, "excellent" if i == 1 else "good") for i in range(1, 11)]
    weak = [*members[:6], *(PersonFacts(i, 11, "done") for i in range(11, 15))]
    collectives = [
        CollectiveFacts(10, SubjectKind.UNIT, "excellent", False, tuple(range(1, 11))),
        CollectiveFacts(11, SubjectKind.UNIT, "excellent", False,
                        (*range(1, 7), *range(11, 15))),
        CollectiveFacts(12, SubjectKind.UNIT, "good", True, tuple(range(1, 11))),
        CollectiveFacts(13, SubjectKind.UNIT, "excellent", None, ()),
    ]
    result = evaluate(RULESET, YEAR, [*members, *weak[6:]], collectives)

    def of(org: int) -> list[str]:
        return [o.title for o in result.titles_of(Subject(SubjectKind.UNIT, org))]

    assert of(10) == ["TTLDTT", "TTLDXS"]  # 100% LĐTT, one CSTĐCS, all complete
    assert of(11) == []  # 6/10 LĐTT: under 70%
    assert of(12) == []  # a member disciplined
    assert of(13) == []  # no members, no answer
    share = {o.title: o for o in result.collectives[11]}["TTLDTT"].reasons[1]
    assert (share.kind, share.met, share.detail) == ("members_share", False, "6/10")


def test_an_eligibility_rule_must_name_an_earlier_title_and_known_ratings():
    text = (Path(__file__).resolve().parents[2] / "domain" / "rulesets" / "nd152-2025.yaml"
            ).read_text(encoding="utf-8")
    broken = text.replace("        - eligible: LDTT\n", "        - eligible: CSTD_TQ\n", 1)
    with pytest.raises(RuleSetError, match="eligible: 'CSTD_TQ' has no earlier rule"):
        parse_ruleset(broken)
    broken = text.replace("        - rating: [excellent, good]\n      legal_ref: {doc: \"06/2022"
                          "/QH15\", article: \"điểm a khoản 1 Điều 24\"}",
                          "        - rating: [superb]\n      legal_ref: {doc: \"06/2022/QH15\","
                          " article: \"điểm a khoản 1 Điều 24\"}", 1)
    with pytest.raises(RuleSetError, match="unknown rating 'superb'"):
        parse_ruleset(broken)
