"""Registration rules: who registers what, which questions, reading answers, warnings."""

from __future__ import annotations

import unicodedata

import pytest

from domain.models import Role
from domain.registration import (
    AnswerError,
    allowed_titles,
    expand_implied,
    explicit_choice,
    implied_only,
    needed_questions,
    next_question,
    parse_answer,
    pending_questions,
    prune_answers,
    registration_warnings,
    review,
    toggle_title,
)
from domain.rules import SubjectKind, UnknownTitle, load_ruleset

YEAR = 2024


@pytest.fixture
def rs():
    return load_ruleset("nd98-2023")


def keys(questions) -> list[str]:
    return [q.key for q in questions]


# --- Titles -------------------------------------------------------------------------------


def test_implied_titles(rs):
    assert expand_implied(rs, {"CSTDCS"}) == {"CSTDCS", "LDTT"}
    assert expand_implied(rs, {"TTLDXS"}) == {"TTLDXS", "TTLDTT"}
    assert expand_implied(rs, {"CO_CP"}) == {"CO_CP", "CO_TINH"}
    assert expand_implied(rs, {"CSTD_TINH"}) == {"CSTD_TINH"}
    assert explicit_choice(rs, {"CSTDCS", "LDTT", "GK"}) == {"CSTDCS", "GK"}
    assert implied_only(rs, {"CSTDCS"}) == {"LDTT"}
    with pytest.raises(UnknownTitle):
        expand_implied(rs, {"LDT"})


def test_toggle_keeps_implied_titles_while_their_source_is_ticked(rs):
    ticked = toggle_title(rs, frozenset(), "CSTDCS")
    assert ticked == {"CSTDCS"}
    assert toggle_title(rs, ticked, "LDTT") == {"CSTDCS"}  # implied: cannot untick alone
    assert toggle_title(rs, ticked, "CSTDCS") == frozenset()
    assert toggle_title(rs, {"LDTT"}, "CSTDCS") == {"LDTT", "CSTDCS"}


def test_who_may_register_what(rs):
    def codes(*args, **kwargs):
        return [t.code for t in allowed_titles(rs, *args, **kwargs)]

    person = ["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ", "GK", "BK_TINH", "BK_TTCP"]
    # Everyone, heads included, registers their own individual titles.
    for role in Role:
        assert codes("person", role, subject_is_self=True) == person
    assert codes("person", Role.AGENCY_HEAD) == []  # not for somebody else
    # Staff may not register collective titles.
    assert codes("unit", Role.STAFF, subject_is_own_unit=True) == []
    assert codes("agency", Role.STAFF, subject_is_own_agency=True) == []
    # A unit head registers for a unit they head only.
    assert codes("unit", Role.UNIT_HEAD, subject_is_own_unit=True) == [
        "TTLDTT",
        "TTLDXS",
        "CO_TINH",
        "GK",
        "BK_TINH",
        "BK_TTCP",
    ]
    assert codes("unit", Role.UNIT_HEAD) == []
    assert codes("agency", Role.UNIT_HEAD, subject_is_own_agency=True) == []
    # An agency head for their agency.
    assert "CO_CP" in codes("agency", Role.AGENCY_HEAD, subject_is_own_agency=True)
    assert codes("agency", Role.AGENCY_HEAD) == []
    assert codes("unit", Role.AGENCY_HEAD, subject_is_own_unit=True) == []


# --- Questions ----------------------------------------------------------------------------


def test_ldtt_and_cstdcs_with_an_initiative_ask_its_title_once(rs):
    codes = {"LDTT", "CSTDCS"}
    assert keys(pending_questions(rs, codes, {})) == [
        "service_months",
        "expected_rating",
        "cstdcs_ground",
    ]
    answers = {"service_months": 30, "expected_rating": "excellent", "cstdcs_ground": "initiative"}
    assert keys(pending_questions(rs, codes, answers)) == ["initiative_title"]
    # CSTD_TINH asks for an initiative too: still one question.
    both = pending_questions(rs, codes | {"CSTD_TINH"}, answers)
    assert keys(both).count("initiative_title") == 1
    assert keys(both) == ["initiative_title", "initiative_province_wide", "cstdcs_years"]
    answers["initiative_title"] = "Số hóa hồ sơ một cửa"
    assert next_question(rs, codes, answers) is None


def test_conditions_follow_the_ground(rs):
    answers = {"service_months": 30, "expected_rating": "good", "cstdcs_ground": "research"}
    assert keys(pending_questions(rs, {"CSTDCS"}, answers)) == ["research_title"]
    answers["cstdcs_ground"] = "excellent"
    assert pending_questions(rs, {"CSTDCS"}, answers) == []


def test_subject_specific_questions(rs):
    assert keys(pending_questions(rs, {"BK_TINH"}, {}, subject="person")) == ["bk_tinh_ground"]
    assert keys(pending_questions(rs, {"BK_TINH"}, {}, subject=SubjectKind.UNIT)) == ["achievement"]
    grounds = {"bk_tinh_ground": "excellent_initiatives"}
    assert keys(pending_questions(rs, {"BK_TINH"}, grounds, subject="person")) == [
        "initiative_title",
        "excellent_years",
    ]
    assert keys(pending_questions(rs, {"TTLDXS"}, {}, subject="unit")) == [
        "members_ldtt_percent",
        "disciplined_members",
        "all_members_complete",
        "has_cstdcs_member",
    ]


def test_changing_the_selection_prunes_answers(rs):
    answers = {
        "service_months": 30,
        "expected_rating": "excellent",
        "cstdcs_ground": "initiative",
        "initiative_title": "Số hóa hồ sơ một cửa",
    }
    # Dropping CSTDCS drops its ground and, with it, the initiative's title.
    assert prune_answers(rs, {"LDTT"}, answers) == {
        "service_months": 30,
        "expected_rating": "excellent",
    }
    # A new ground drops the follow-up of the old one.
    changed = dict(answers, cstdcs_ground="research")
    assert "initiative_title" not in prune_answers(rs, {"CSTDCS"}, changed)
    # ... unless another title still needs it.
    kept = prune_answers(rs, {"CSTDCS", "CSTD_TINH"}, changed)
    assert kept["initiative_title"] == "Số hóa hồ sơ một cửa"
    assert keys(needed_questions(rs, {"CSTDCS"}, changed)) == [
        "service_months",
        "expected_rating",
        "cstdcs_ground",
        "research_title",
    ]


# --- Reading answers ----------------------------------------------------------------------


def q(rs, key):
    return rs.question(key)


def test_text_answers_are_nfc_whatever_arrives(rs):
    composed = "Sáng kiến số hóa hồ sơ Văn phòng"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    value = parse_answer(q(rs, "initiative_title"), "  " + decomposed + " ", year=YEAR)
    assert value == composed and unicodedata.is_normalized("NFC", value)


def test_choice_by_code_or_label_in_any_form(rs):
    question = q(rs, "cstdcs_ground")
    assert parse_answer(question, "initiative", year=YEAR) == "initiative"
    label = unicodedata.normalize("NFD", "có sáng kiến được công nhận ở cơ sở")
    assert parse_answer(question, label, year=YEAR) == "initiative"
    assert parse_answer(question, "An accepted research topic", year=YEAR) == "research"


def test_yes_no(rs):
    question = q(rs, "disciplined_members")
    assert parse_answer(question, "Có", year=YEAR) is True
    assert parse_answer(question, unicodedata.normalize("NFD", "Không"), year=YEAR) is False
    assert parse_answer(question, "yes", year=YEAR) is True


def test_integer(rs):
    assert parse_answer(q(rs, "service_months"), " 18 ", year=YEAR) == 18
    assert parse_answer(q(rs, "members_ldtt_percent"), "75%", year=YEAR) == 75


@pytest.mark.parametrize(
    "raw",
    [
        "2021, 2022, 2023",
        "2021-2023",
        "2021 2022 2023",
        "2021 – 2023",
        "2023, 2021, 2022",
        "2021; 2022 và 2023",
    ],
)
def test_year_formats(rs, raw):
    assert parse_answer(q(rs, "cstdcs_years"), raw, year=YEAR) == [2021, 2022, 2023]


def test_years_need_not_be_consecutive_when_the_question_says_so(rs):
    assert parse_answer(q(rs, "cstd_tinh_years"), "2017, 2020", year=YEAR) == [2017, 2020]


@pytest.mark.parametrize(
    ("key", "raw", "code", "params"),
    [
        ("initiative_title", "ngắn", "too_short", {"min": 10, "length": 4}),
        ("initiative_title", "x" * 501, "too_long", {"max": 500, "length": 501}),
        (
            "cstdcs_ground",
            "sáng kiến",
            "unknown_option",
            {"options": ["excellent", "initiative", "research"]},
        ),
        ("disciplined_members", "có lẽ", "unknown_option", {"options": ["yes", "no"]}),
        ("service_months", "mười hai", "not_a_number", {"text": "mười hai"}),
        ("service_months", "601", "out_of_range", {"min": 0, "max": 600, "value": 601}),
        ("members_ldtt_percent", "-5", "out_of_range", {"min": 0, "max": 100, "value": -5}),
        ("cstdcs_years", "năm ngoái", "not_a_year_list", {"text": "năm ngoái"}),
        ("cstdcs_years", "21, 22, 23", "not_a_year_list", {"text": "21, 22, 23"}),
        ("cstdcs_years", "2022-2024", "years_not_before", {"year": 2024, "latest": 2023}),
        ("cstdcs_years", "2022, 2023", "wrong_year_count", {"count": 3, "given": 2}),
        (
            "cstdcs_years",
            "2019, 2021, 2023",
            "years_not_consecutive",
            {"years": [2019, 2021, 2023]},
        ),
    ],
)
def test_every_answer_error_code(rs, key, raw, code, params):
    with pytest.raises(AnswerError) as caught:
        parse_answer(q(rs, key), raw, year=YEAR)
    assert caught.value.code == code
    assert caught.value.params == params


# --- Review and warnings ------------------------------------------------------------------


def test_review_lists_titles_answers_and_warnings(rs):
    answers = {
        "service_months": 4,
        "expected_rating": "excellent",
        "cstdcs_ground": "initiative",
        "initiative_title": "Số hóa hồ sơ một cửa",
        "research_title": "stale answer of an earlier ground",
    }
    result = review(rs, {"CSTDCS"}, answers, subject="person", year=YEAR)
    assert [(t.code, t.implied) for t in result.titles] == [("CSTDCS", False), ("LDTT", True)]
    assert result.titles[1].name.vi == "Lao động tiên tiến"
    assert [a.key for a in result.answers] == [
        "service_months",
        "expected_rating",
        "cstdcs_ground",
        "initiative_title",
    ]
    assert result.answers[2].label.vi == "Có sáng kiến được công nhận ở cơ sở"
    assert result.answers[1].prompt.en
    assert result.complete
    assert [w.code for w in result.warnings] == ["ldtt_new_recruit"]
    warning = result.warnings[0]
    assert warning.severity == "warning"
    assert warning.legal_ref.doc == "06/2022/QH15" and warning.legal_ref.article == "Điều 24"
    assert warning.params["value"] == 4 and warning.message.vi.startswith("Không xét")

    unfinished = review(rs, {"CSTDCS"}, {"service_months": 12})
    assert unfinished.pending == ("expected_rating", "cstdcs_ground")
    assert not unfinished.complete and unfinished.warnings == ()


def test_cstd_tinh_years_not_right_before_the_registration_year(rs):
    answers = {
        "initiative_title": "Số hóa hồ sơ một cửa",
        "initiative_province_wide": True,
        "cstdcs_years": [2021, 2022, 2023],
    }
    assert registration_warnings(rs, "person", {"CSTD_TINH"}, answers, 2024) == []
    older = dict(answers, cstdcs_years=[2019, 2020, 2021])
    warnings = registration_warnings(rs, "person", {"CSTD_TINH"}, older, 2024)
    assert [w.code for w in warnings] == ["cstd_tinh_years_not_recent"]
    assert warnings[0].params["expected"] == {"ends_at_offset": -1}


def test_collective_warnings(rs):
    answers = {
        "members_ldtt_percent": 60,
        "disciplined_members": True,
        "all_members_complete": False,
        "has_cstdcs_member": True,
    }
    codes = [w.code for w in registration_warnings(rs, "unit", {"TTLDXS"}, answers, YEAR)]
    assert codes == ["ttldtt_members_ldtt", "ttldtt_discipline", "ttldxs_all_complete"]


def test_a_check_with_a_condition(rs):
    answers = {"service_months": 30, "expected_rating": "good", "cstdcs_ground": "excellent"}
    warnings = registration_warnings(rs, "person", {"CSTDCS"}, answers, YEAR)
    assert [w.code for w in warnings] == ["cstdcs_excellent_rating"]
    answers["cstdcs_ground"] = "research"
    assert registration_warnings(rs, "person", {"CSTDCS"}, answers, YEAR) == []
