"""The part of a rule set about the council's secret ballot (`council`): which titles the
Hội đồng Thi đua – Khen thưởng votes on, how many members must take part (quorum), how many
of all members must agree for a proposal to pass, and whether a member may abstain. Schema
in `domain/rulesets/README.md` ("Council ballot").
"""

from __future__ import annotations

from pydantic import Field, model_validator

from domain.rules.schema import LegalRef, LocalText, Strict


class Share(Strict):
    """A share of all the council's members: at least `at_least` per cent, or more than
    `more_than` per cent (a majority)."""

    at_least: float | None = Field(default=None, gt=0, le=100)
    more_than: float | None = Field(default=None, ge=0, lt=100)
    legal_ref: LegalRef
    note: LocalText | None = None

    @model_validator(mode="after")
    def _one(self) -> Share:
        if (self.at_least is None) == (self.more_than is None):
            raise ValueError("a share has exactly one of `at_least` and `more_than`")
        return self

    def needed(self, members: int) -> int:
        """The fewest members that make the share of `members` (0 members: never met)."""
        if members <= 0:
            return 1
        if self.at_least is not None:
            # Integer arithmetic in hundredths of a per cent: 80% of 9 is 7.2, so 8.
            return -(-members * round(self.at_least * 100) // 10_000)
        assert self.more_than is not None
        return members * round(self.more_than * 100) // 10_000 + 1


class BallotRule(Strict):
    """The titles voted on with one threshold (and, optionally, their own quorum)."""

    titles: tuple[str, ...] = Field(min_length=1)
    agree: Share  # the agreeing votes (in the chat and in writing) among all members
    quorum: Share | None = None  # None: the council's quorum


class CouncilRules(Strict):
    """What the council's ballot follows. A title without a rule is not voted on (its
    proposal is decided without the council's ballot)."""

    quorum: Share  # members taking part (voting in the chat, or present at a paper count)
    ballots: tuple[BallotRule, ...] = Field(min_length=1)
    abstain: bool = False  # whether the ballot offers "Không biểu quyết"
    written_votes: bool = True  # absent members may vote in writing (counted, marked so)
    written_count_for_quorum: bool = False
    note: LocalText | None = None

    def rule_for(self, title: str) -> BallotRule | None:
        return next((rule for rule in self.ballots if title in rule.titles), None)

    def voted_titles(self) -> tuple[str, ...]:
        return tuple(code for rule in self.ballots for code in rule.titles)
