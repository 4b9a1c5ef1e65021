"""The council's rules (rule sets' `council` section) and what a tally decides, without I/O:
the figures per title with their articles, the fewest members making a share, the quorum,
written votes, abstaining only where the rules allow it, broken sections named."""

from __future__ import annotations

import pytest
import yaml

from domain.council import (
    ABSTAIN,
    NO,
    YES,
    Counts,
    Tally,
    allowed_marks,
    evaluate,
    session_rules,
)
from domain.rules import RuleSetError, available_rulesets, load_ruleset, parse_ruleset
from tests.domain.test_rules import RULESET_DIR


def _data() -> dict:
    return yaml.safe_load((RULESET_DIR / "nd152-2025.yaml").read_text(encoding="utf-8"))


def _problems(data: dict) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        parse_ruleset(yaml.safe_dump(data, allow_unicode=True), "custom.yaml")
    return caught.value.problems


def test_every_packaged_rule_set_puts_the_titles_to_the_ballot_with_their_articles():
    for ruleset in available_rulesets():
        rules = session_rules(ruleset)
        assert rules is not None, ruleset.id
        expected = {"CSTD_TQ": 90, "CSTD_TINH": 90, "CSTDCS": 80, "CO_TINH": 80, "CO_CP": 80}
        for code, share in expected.items():
            assert rules.rule(code).agree.at_least == share, (ruleset.id, code)
            assert "khoản 7 Điều 30" in rules.rule(code).agree.ref("vi")
        for code in ("TTLDXS", "BK_TINH", "BK_TTCP"):
            assert rules.rule(code).agree.more_than == 50
        assert "LDTT" not in rules.titles and "TTLDTT" not in rules.titles
        assert rules.rule("CSTDCS").quorum.at_least == 80
        assert "86/2025/QĐ-UBND" in rules.rule("CSTDCS").quorum.ref("vi")
        assert not rules.abstain and rules.written_votes and not rules.written_count_for_quorum


@pytest.mark.parametrize(("members", "at_least_80", "at_least_90", "majority"), [
    (9, 8, 9, 5), (10, 8, 9, 6), (7, 6, 7, 4), (15, 12, 14, 8), (1, 1, 1, 1),
])
def test_the_fewest_members_making_a_share(members, at_least_80, at_least_90, majority):
    rules = session_rules(load_ruleset("nd152-2025"))
    assert rules is not None
    assert rules.rule("CSTDCS").agree.needed(members) == at_least_80
    assert rules.rule("CSTD_TINH").agree.needed(members) == at_least_90
    assert rules.rule("TTLDXS").agree.needed(members) == majority


def test_written_votes_count_for_the_proposal_not_for_the_quorum():
    rules = session_rules(load_ruleset("nd152-2025"))
    assert rules is not None
    # Nine members: seven voted in the chat (short of the quorum of eight), two in writing.
    tallies = {1: Tally(1, Counts(yes=7), Counts(yes=2)), 2: Tally(2, Counts(yes=7), Counts())}
    outcomes = evaluate(rules, 9, 7, 2, [(1, "CSTDCS"), (2, "TTLDXS")], tallies)
    assert [o.quorum_met for o in outcomes] == [False, False]
    assert [o.passed for o in outcomes] == [False, False]
    # Eight in the chat, one in writing: CSTĐCS needs 8 of 9 agreeing, written ones included.
    tallies = {1: Tally(1, Counts(yes=7, no=1), Counts(yes=1)),
               2: Tally(2, Counts(yes=7, no=1), Counts(no=1))}
    outcomes = evaluate(rules, 9, 8, 1, [(1, "CSTDCS"), (2, "CSTD_TINH")], tallies)
    assert [(o.tally.yes, o.needed, o.passed) for o in outcomes] == [(8, 8, True), (7, 9, False)]
    assert round(outcomes[0].share, 3) == 0.889


def test_abstaining_only_where_the_rules_allow_it():
    data = _data()
    assert allowed_marks(session_rules(parse_ruleset(yaml.safe_dump(data)))) == (YES, NO)
    data["council"]["abstain"] = True
    rules = session_rules(parse_ruleset(yaml.safe_dump(data, allow_unicode=True)))
    assert allowed_marks(rules) == (YES, NO, ABSTAIN)


def test_a_broken_council_section_is_named_with_its_path():
    data = _data()
    data["council"]["ballots"][1]["titles"].append("CSTD_TINH")  # already in ballots[0]
    data["council"]["ballots"][2]["titles"].append("NO_SUCH")
    data["council"]["quorum"]["legal_ref"]["doc"] = "1/2099/NĐ-CP"
    problems = "\n".join(_problems(data))
    assert "council.ballots[1].titles[3]: 'CSTD_TINH' has a ballot rule already" in problems
    assert "council.ballots[2].titles[3]" in problems and "NO_SUCH" in problems
    assert "council.quorum" in problems and "1/2099/NĐ-CP" in problems
    data = _data()
    data["council"]["ballots"][0]["agree"] = {"at_least": 90, "more_than": 50,
                                              "legal_ref": {"doc": "98/2023/NĐ-CP"}}
    assert any("exactly one of" in p for p in _problems(data))
