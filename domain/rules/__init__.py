"""The rule set of the emulation-and-commendation work, loaded from YAML data.

Everything a province may change without code lives in `domain/rulesets/*.yaml` (schema in
`domain/rulesets/README.md`): the catalog of titles and forms of commendation, the criteria
questions, the quotas and the per-title checks, each with its legal reference.

The package has one module per job: `schema` (the parts of a rule file, as strict models),
`ruleset` (the whole set and its lookups), `validation` (the cross-reference checks run at
load time) and `loading` (YAML, packaged files, the set in force). The names below are the
package's public interface, re-exported because some thirty modules of every layer (and the
branches being merged beside this one) import them from here.
"""

from domain.rules.council import BallotRule, CouncilRules, Share
from domain.rules.loading import (
    NoRuleSetInForce,
    RuleSetError,
    available_rulesets,
    load_ruleset,
    load_ruleset_file,
    parse_ruleset,
    ruleset_for,
    ruleset_for_year,
)
from domain.rules.record import (
    Criterion,
    EligibilityRule,
    InitiativeLevel,
    InitiativeOnRecord,
    RecordRules,
    RecordYears,
    ReviewRules,
)
from domain.rules.ruleset import RuleSet, UnknownTitle
from domain.rules.schema import (
    COLLECTIVE_KINDS,
    AnswerTest,
    Check,
    ChoiceQuestion,
    Condition,
    IntegerQuestion,
    LegalDoc,
    LegalRef,
    Level,
    LocalText,
    MaxPerBloc,
    MaxShareOfCollectives,
    MaxShareOfTitle,
    MinNonLeaderShare,
    Option,
    Question,
    QuestionRef,
    Quota,
    RuleWarning,
    SubjectKind,
    SummaryLayout,
    TextQuestion,
    Title,
    TitleKind,
    YearsQuestion,
    YesNoQuestion,
)

__all__ = [
    "COLLECTIVE_KINDS",
    "AnswerTest",
    "BallotRule",
    "Check",
    "ChoiceQuestion",
    "Condition",
    "CouncilRules",
    "Criterion",
    "EligibilityRule",
    "InitiativeLevel",
    "InitiativeOnRecord",
    "IntegerQuestion",
    "LegalDoc",
    "LegalRef",
    "Level",
    "LocalText",
    "MaxPerBloc",
    "MaxShareOfCollectives",
    "MaxShareOfTitle",
    "MinNonLeaderShare",
    "NoRuleSetInForce",
    "Option",
    "Question",
    "QuestionRef",
    "Quota",
    "RecordRules",
    "RecordYears",
    "ReviewRules",
    "RuleSet",
    "RuleSetError",
    "RuleWarning",
    "Share",
    "SubjectKind",
    "SummaryLayout",
    "TextQuestion",
    "Title",
    "TitleKind",
    "UnknownTitle",
    "YearsQuestion",
    "YesNoQuestion",
    "available_rulesets",
    "load_ruleset",
    "load_ruleset_file",
    "parse_ruleset",
    "ruleset_for",
    "ruleset_for_year",
]
