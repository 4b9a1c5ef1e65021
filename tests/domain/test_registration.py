"""Registration rules: who registers what, which questions, reading answers, warnings."""

from __future__ import annotations

import unicodedata

import pytest

from domain.figures import MemberFigures, SubjectFacts
from domain.models import Role
from domain.registration import (
    AnswerError,
    ConfirmedContent,
    allowed_titles,
    confirmed_content,
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
    # Not Cờ thi đua of the province: it goes to agencies that are bloc members.
    assert codes("unit", Role.UNIT_HEAD, subject_is_own_unit=True) == [
        "TTLDTT",
        "TTLDXS",
        "GK",
        "BK_TINH",
        "BK_TTCP",
    ]
    assert codes("unit", Role.UNIT_HEAD) == []
    assert codes("agency", Role.UNIT_HEAD, subject_is_own_agency=True) == []
    # An agency head for their agency; the flags only when it is a bloc member.
    assert "CO_CP" in codes("agency", Role.AGENCY_HEAD, subject_is_own_agency=True)
    member = codes("agency", Role.AGENCY_HEAD, subject_is_own_agency=True, in_bloc=True)
    outside = codes("agency", Role.AGENCY_HEAD, subject_is_own_agency=True, in_bloc=False)
    assert {"CO_TINH", "CO_CP"} <= set(member)
    assert outside == [c for c in member if c not in {"CO_TINH", "CO_CP"}]
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
    answers["initiative_title"] = "Số hóa hồ sơ một cửa"
    assert next_question(rs, codes, answers) is None


def test_the_fighter_titles_ask_for_an_initiative_or_a_research_topic(rs):
    """Điều 22 and 21: an initiative, or an accepted research topic, with its reach."""
    base = {"cstdcs_years": [2022, 2023, 2024]}
    assert keys(pending_questions(rs, {"CSTD_TINH"}, base)) == [
        "cstd_ground", "initiative_province_wide"]
    research = dict(base, cstd_ground="research")
    assert keys(pending_questions(rs, {"CSTD_TINH"}, research)) == [
        "cstd_research_title", "initiative_province_wide"]
    national = {"cstd_tinh_years": [2021, 2024], "cstd_ground": "initiative"}
    assert keys(pending_questions(rs, {"CSTD_TQ"}, national)) == [
        "cstd_initiative_title", "initiative_national"]
    # The grassroots initiative and the provincial one are separate answers (two titles).
    both = pending_questions(rs, {"CSTDCS", "CSTD_TINH"},
                             {"cstdcs_ground": "initiative", "cstd_ground": "initiative"})
    assert {"initiative_title", "cstd_initiative_title"} <= set(keys(both))


def test_conditions_follow_the_ground(rs):
    answers = {"service_months": 30, "expected_rating": "good", "cstdcs_ground": "research"}
    assert keys(pending_questions(rs, {"CSTDCS"}, answers)) == ["research_title"]
    answers["cstdcs_ground"] = "excellent"
    assert pending_questions(rs, {"CSTDCS"}, answers) == []


def test_subject_specific_questions(rs):
    assert keys(pending_questions(rs, {"BK_TINH"}, {}, subject="person")) == ["bk_tinh_ground"]
    assert keys(pending_questions(rs, {"BK_TINH"}, {}, subject=SubjectKind.UNIT)) == [
        "bk_tinh_collective_ground"]
    grounds = {"bk_tinh_ground": "excellent_initiatives"}
    # The title's own order: the years the ground rests on, then the initiatives.
    assert keys(pending_questions(rs, {"BK_TINH"}, grounds, subject="person")) == [
        "excellent_years",
        "bk_initiative_titles",
    ]
    # The collective's own rating comes first; the 70% is asked once for both titles.
    assert keys(pending_questions(rs, {"TTLDXS"}, {}, subject="unit")) == [
        "collective_rating",
        "members_ldtt_percent",
        "disciplined_members",
        "all_members_complete",
        "has_cstdcs_member",
    ]


@pytest.mark.parametrize(("ground", "follow_up"), [
    ("movement", ["achievement"]),
    ("outstanding", ["achievement"]),
    ("contribution", ["achievement"]),
    ("two_cstdcs", ["bk_cstdcs_years"]),
    ("excellent_initiatives", ["excellent_years", "bk_initiative_titles"]),
])
def test_every_ground_of_the_provincial_certificate_for_a_person(rs, ground, follow_up):
    answers = {"bk_tinh_ground": ground}
    assert keys(pending_questions(rs, {"BK_TINH"}, answers, subject="person")) == follow_up


def test_the_grounds_of_the_provincial_certificate_for_a_collective(rs):
    ground = {"bk_tinh_collective_ground": "two_excellent_years"}
    assert keys(pending_questions(rs, {"BK_TINH"}, ground, subject="agency")) == [
        "collective_excellent_years"]
    ground = {"bk_tinh_collective_ground": "movement"}
    assert keys(pending_questions(rs, {"BK_TINH"}, ground, subject="unit")) == ["achievement"]


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
    assert keys(needed_questions(rs, {"CSTDCS"}, changed)) == [
        "service_months",
        "expected_rating",
        "cstdcs_ground",
        "research_title",
    ]


def test_confirming_adds_implied_titles_and_drops_answers_not_needed(rs):
    """What a draft is confirmed as: the titles ticked (none implied by another ticked one),
    the ones they imply, and only the answers the titles still need."""
    answers = {
        "cstdcs_ground": "initiative",
        "initiative_title": "Số hoá hồ sơ kỳ họp",
        "service_months": 60,
        "expected_rating": "excellent",
        "research_title": "not needed any more",
    }
    assert confirmed_content(rs, {"CSTDCS", "LDTT"}, answers, SubjectKind.PERSON) == \
        ConfirmedContent(frozenset({"CSTDCS"}), frozenset({"LDTT"}),
                         {k: v for k, v in answers.items() if k != "research_title"})


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
    label = unicodedata.normalize("NFD", "có sáng kiến được cơ sở công nhận")
    assert parse_answer(question, label, year=YEAR) == "initiative"
    english = "An accepted research topic, scheme or science and technology work"
    assert parse_answer(question, english, year=YEAR) == "research"


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


def test_years_are_read_whatever_they_say_and_checked_by_warnings(rs):
    """How many years, with gaps or not, recent or not: the checks warn, with their reason;
    only a year that has not come yet is refused."""
    assert parse_answer(q(rs, "cstd_tinh_years"), "2017, 2020", year=YEAR) == [2017, 2020]
    assert parse_answer(q(rs, "cstdcs_years"), "2022, 2023", year=YEAR) == [2022, 2023]
    assert parse_answer(q(rs, "cstdcs_years"), "2019, 2021, 2023", year=YEAR) == [2019, 2021, 2023]


def test_the_registration_year_is_the_third_of_the_grassroots_years(rs):
    """Registering in 2024, "2022-2024" is accepted: the year under consideration is, in
    practice, the third (six grassroots years running give two provincial titles)."""
    assert parse_answer(q(rs, "cstdcs_years"), "2022-2024", year=2024) == [2022, 2023, 2024]
    assert parse_answer(q(rs, "bk_cstdcs_years"), "2023, 2024", year=2024) == [2023, 2024]
    assert parse_answer(q(rs, "cstd_tinh_years"), "2021, 2024", year=2024) == [2021, 2024]


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
        ("cstdcs_years", "2023-2025", "years_too_late", {"year": 2024, "latest": 2024}),
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
    assert result.answers[2].label.vi == "Có sáng kiến được cơ sở công nhận"
    assert result.answers[1].prompt.en
    assert result.complete
    assert [w.code for w in result.warnings] == ["ldtt_new_recruit"]
    warning = result.warnings[0]
    assert warning.severity == "warning"
    assert warning.legal_ref.doc == "90/2020/NĐ-CP" and warning.legal_ref.article == "Điều 2"
    assert warning.params["value"] == 4 and "06 tháng" in warning.message.vi

    unfinished = review(rs, {"CSTDCS"}, {"service_months": 12})
    assert unfinished.pending == ("expected_rating", "cstdcs_ground")
    assert not unfinished.complete and unfinished.warnings == ()


CSTD_TINH = {
    "cstd_ground": "initiative",
    "cstd_initiative_title": "Số hóa hồ sơ một cửa cấp tỉnh",
    "initiative_province_wide": True,
}


def codes_of(warnings) -> list[str]:
    return [w.code for w in warnings]


def test_cstd_tinh_years_are_warned_about_with_their_reason(rs):
    def warned(years, codes=frozenset({"CSTD_TINH"})):
        answers = dict(CSTD_TINH, cstdcs_years=years)
        return codes_of(registration_warnings(rs, "person", codes, answers, 2024))

    assert warned([2021, 2022, 2023]) == []  # the three years right before
    # The registration year as the third: fine with this year's CSTĐCS, else a reminder.
    assert warned([2022, 2023, 2024], {"CSTD_TINH", "CSTDCS"}) == []
    assert warned([2022, 2023, 2024]) == ["cstd_tinh_this_year_cstdcs"]
    assert warned([2019, 2020, 2021]) == ["cstd_tinh_years_recent"]
    assert warned([2022, 2023]) == ["cstd_tinh_years_count"]
    assert warned([2019, 2021, 2023]) == ["cstd_tinh_years_consecutive"]
    (recent,) = registration_warnings(rs, "person", {"CSTD_TINH"},
                                      dict(CSTD_TINH, cstdcs_years=[2019, 2020, 2021]), 2024)
    assert recent.params["expected"] == {"ends_between": (-1, 0)}
    assert recent.legal_ref.article == "điểm a khoản 1 Điều 22"


def test_cstd_tq_needs_two_consecutive_provincial_titles(rs):
    def warned(years, codes=frozenset({"CSTD_TQ"})):
        answers = {"cstd_ground": "research", "cstd_research_title": "Đề tài cấp tỉnh về số hóa",
                   "initiative_national": True, "cstd_tinh_years": years}
        return codes_of(registration_warnings(rs, "person", codes, answers, 2024))

    assert warned([2020, 2023]) == []
    # With this year's CSTĐ tỉnh no reminder; its research grounds both titles, which is
    # the reuse the law warns about.
    assert warned([2021, 2024], {"CSTD_TQ", "CSTD_TINH"}) == ["initiative_reused"]
    assert warned([2021, 2024]) == ["cstd_tq_this_year_cstd_tinh"]
    assert warned([2017, 2023]) == ["cstd_tq_awards_consecutive"]
    assert warned([2023]) == ["cstd_tq_awards_count"]
    assert warned([2015, 2018]) == ["cstd_tq_awards_recent"]


def test_bk_tinh_two_years_are_warnings_too(rs):
    answers = {"bk_tinh_ground": "two_cstdcs", "bk_cstdcs_years": [2023, 2024]}
    assert registration_warnings(rs, "person", {"BK_TINH"}, answers, 2024) == []
    answers["bk_cstdcs_years"] = [2020, 2022]
    assert codes_of(registration_warnings(rs, "person", {"BK_TINH"}, answers, 2024)) == [
        "bk_tinh_cstdcs_years_consecutive", "bk_tinh_cstdcs_years_recent"]


def test_collective_warnings(rs):
    answers = {
        "collective_rating": "good",
        "members_ldtt_percent": 60,
        "disciplined_members": True,
        "all_members_complete": False,
        "has_cstdcs_member": True,
    }
    codes = [w.code for w in registration_warnings(rs, "unit", {"TTLDXS"}, answers, YEAR)]
    assert codes == ["ttldxs_rating", "ttldtt_members_ldtt", "ttldtt_discipline",
                     "ttldxs_all_complete"]


def test_the_collectives_own_rating_is_asked_and_checked(rs):
    """Tập thể lao động tiên tiến: hoàn thành tốt; xuất sắc: hoàn thành xuất sắc."""
    assert keys(pending_questions(rs, {"TTLDTT"}, {}, subject="unit"))[0] == "collective_rating"
    answers = {"collective_rating": "done", "members_ldtt_percent": 80,
               "disciplined_members": False}
    assert codes_of(registration_warnings(rs, "unit", {"TTLDTT"}, answers, YEAR)) == [
        "ttldtt_rating"]
    answers["collective_rating"] = "good"
    assert registration_warnings(rs, "unit", {"TTLDTT"}, answers, YEAR) == []


# --- What the bot knows, who decides, one achievement one form ----------------------------


def facts(members, ldtt, cstdcs, agency="Sở Nội vụ"):
    return SubjectFacts(agency_name=agency, in_bloc=True,
                        figures=MemberFigures(members=members, ldtt=ldtt, cstdcs=cstdcs))


def test_an_answer_the_members_registrations_contradict_is_warned(rs):
    answers = {"collective_rating": "excellent", "members_ldtt_percent": 80,
               "disciplined_members": False, "all_members_complete": True,
               "has_cstdcs_member": True}
    # 12 of 20 members registered LĐTT (60%), none CSTĐCS: both answers say otherwise.
    warned = registration_warnings(rs, "unit", {"TTLDXS"}, answers, YEAR, facts(20, 12, 0))
    contradictions = [w for w in warned if w.code == "figure_contradiction"]
    assert [(w.params["question"], w.params["actual"]) for w in contradictions] == [
        ("members_ldtt_percent", 60), ("has_cstdcs_member", False)]
    assert contradictions[0].legal_ref.article == "khoản 1 Điều 28"
    # The registrations agree: no warning (a figure on the same side of the 70% is no
    # contradiction, even if it differs).
    assert not [w for w in registration_warnings(rs, "unit", {"TTLDXS"}, answers, YEAR,
                                                 facts(20, 15, 1))
                if w.code == "figure_contradiction"]
    # Unknown figures (no members yet) say nothing.
    assert not [w for w in registration_warnings(rs, "unit", {"TTLDXS"}, answers, YEAR,
                                                 facts(0, 0, 0))
                if w.code == "figure_contradiction"]


def test_member_figures_round_down():
    assert MemberFigures(members=10, ldtt=7, cstdcs=0).ldtt_percent == 70
    assert MemberFigures(members=1000, ldtt=699, cstdcs=0).ldtt_percent == 69
    assert MemberFigures(members=0, ldtt=0, cstdcs=0).value("members_ldtt_percent") is None


def test_an_agencys_own_ttldtt_and_certificate_are_decided_above_it(rs):
    answers = {"collective_rating": "good", "members_ldtt_percent": 80,
               "disciplined_members": False, "achievement": "Hoàn thành vượt kế hoạch năm"}
    own = registration_warnings(rs, "agency", {"TTLDTT", "GK"}, answers, YEAR, facts(30, 25, 2))
    decided = [w for w in own if w.code == "decided_by"]
    assert [(w.params["title"], w.params["decided_by"], w.severity) for w in decided] == [
        ("TTLDTT", "superior", "info"), ("GK", "superior", "info")]
    assert decided[0].legal_ref.article == "khoản 1 Điều 80"
    # A unit's are its agency head's: nothing to say.
    unit = registration_warnings(rs, "unit", {"TTLDTT", "GK"}, answers, YEAR, facts(30, 25, 2))
    assert not [w for w in unit if w.code == "decided_by"]
    # Implied by TTLĐXS, TTLĐTT goes up with it: no note of its own.
    xs = registration_warnings(rs, "agency", {"TTLDXS"}, answers, YEAR, facts(30, 25, 2))
    assert not [w for w in xs if w.params.get("title") == "TTLDTT"]


def test_a_vertical_agencys_titles_are_its_ministrys(rs):
    answers = {"collective_rating": "excellent", "members_ldtt_percent": 80}
    warned = registration_warnings(rs, "agency", {"TTLDXS"}, answers, YEAR,
                                   facts(30, 25, 2, agency="Cục Thống kê"))
    (decided,) = [w for w in warned if w.code == "decided_by"]
    assert decided.params == {"title": "TTLDXS", "rule": "vertical_agency_titles",
                              "decided_by": "ministry"}


def test_one_initiative_for_several_titles_is_warned(rs):
    """Luật Điều 5 (one achievement, one commendation) as Công văn 5007/BNV-TĐKT applies it:
    an initiative is used once as a ground."""
    answers = {"cstdcs_ground": "initiative", "initiative_title": "Sổ tay điện tử đại biểu",
               "cstd_ground": "initiative",
               "cstd_initiative_title": "sổ tay điện tử đại biểu; Số hóa hồ sơ",
               "cstdcs_years": [2022, 2023, 2024], "initiative_province_wide": True,
               "service_months": 60, "expected_rating": "excellent"}
    warned = registration_warnings(rs, "person", {"CSTDCS", "CSTD_TINH"}, answers, YEAR)
    (reuse,) = [w for w in warned if w.code == "initiative_reused"]
    assert reuse.params == {"items": ["Sổ tay điện tử đại biểu"],
                            "titles": ["CSTDCS", "CSTD_TINH"]}
    assert reuse.legal_ref.doc == "5007/BNV-TĐKT"
    answers["cstd_initiative_title"] = "Số hóa hồ sơ một cửa"
    assert not [w for w in registration_warnings(rs, "person", {"CSTDCS", "CSTD_TINH"},
                                                 answers, YEAR) if w.code == "initiative_reused"]


def test_several_forms_for_one_achievement_are_warned(rs):
    answers = {"achievement": "Dẫn đầu phong trào chuyển đổi số của tỉnh năm 2024",
               "bk_tinh_collective_ground": "movement", "collective_rating": "excellent"}
    warned = registration_warnings(rs, "unit", {"GK", "BK_TINH"}, answers, YEAR)
    (reuse,) = [w for w in warned if w.code == "one_achievement_several_forms"]
    assert reuse.params["titles"] == ["GK", "BK_TINH"]
    assert reuse.legal_ref.article == "điểm c khoản 2 Điều 5"
    # A flag and its achievement are a title, not a form: one form is fine.
    flags = registration_warnings(rs, "agency", {"CO_CP", "BK_TINH"},
                                  dict(answers, bk_tinh_collective_ground="two_excellent_years"),
                                  YEAR)
    assert not [w for w in flags if w.code == "one_achievement_several_forms"]


def test_a_check_with_a_condition(rs):
    answers = {"service_months": 30, "expected_rating": "good", "cstdcs_ground": "excellent"}
    warnings = registration_warnings(rs, "person", {"CSTDCS"}, answers, YEAR)
    assert [w.code for w in warnings] == ["cstdcs_excellent_rating"]
    answers["cstdcs_ground"] = "research"
    assert registration_warnings(rs, "person", {"CSTDCS"}, answers, YEAR) == []


def test_questions_follow_each_titles_order_and_the_count_never_grows(rs):
    from domain.registration import question_count

    # CSTĐ tỉnh: the three CSTĐCS years, its prerequisite, come before the initiative.
    order = keys(pending_questions(rs, {"CSTD_TINH"}, {}, subject="person"))
    assert order.index("cstdcs_years") < order.index("cstd_ground")
    # LĐTT and CSTĐCS: "Question 1 of 4" from the start (the initiative's title may follow
    # the ground), then 3 once the ground says it is not needed; never more than 4.
    counts = [question_count(rs, {"CSTDCS"}, {}, subject="person")]
    answers: dict = {}
    for key, value in (("service_months", 36), ("expected_rating", "excellent"),
                       ("cstdcs_ground", "excellent")):
        answers[key] = value
        counts.append(question_count(rs, {"CSTDCS"}, answers, subject="person"))
    assert counts[0] == 4 and counts[-1] == 3
    assert all(a >= b for a, b in zip(counts, counts[1:], strict=False))  # noqa: RUF007
