"""What the bot knows about a collective it is asked to declare: its members' registrations.

A head registering Tập thể lao động tiên tiến declares the share of members who will be Lao
động tiên tiến, and for Tập thể lao động xuất sắc whether a member is Chiến sĩ thi đua cơ sở.
The members register their own titles in the bot, so the question shows the current figures
and the review warns when the answer contradicts them (`domain.registration`).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.org import OrgTree
from domain.results import RecordFacts
from domain.rules import SubjectKind
from domain.tally import OrgPeople


@dataclass(frozen=True)
class MemberFigures:
    """A collective's active members and how many hold a confirmed registration of a title
    (implied titles included: a Chiến sĩ thi đua cơ sở is a Lao động tiên tiến)."""

    members: int
    ldtt: int
    cstdcs: int

    @classmethod
    def of(cls, people: OrgPeople) -> MemberFigures:
        return cls(people.active, people.titles.get("LDTT", 0), people.titles.get("CSTDCS", 0))

    @property
    def ldtt_percent(self) -> int | None:
        """Whole per cent, rounded down (69.9 % does not reach 70 %); None without members."""
        return self.ldtt * 100 // self.members if self.members else None

    def value(self, figure: str) -> int | bool | None:
        """The figure a question names (`Figure` of the rule schema), None when unknown."""
        if figure == "members_ldtt_percent":
            return self.ldtt_percent
        if figure == "has_cstdcs_member":
            return self.cstdcs > 0 if self.members else None
        raise KeyError(figure)


@dataclass(frozen=True)
class SubjectFacts:
    """What the rules need to know about a registration's subject beyond its kind: its
    agency's name (who decides some titles), whether that agency is a bloc member, and,
    for a collective, its members' figures. Unknown facts are None and check nothing."""

    agency_name: str | None = None
    in_bloc: bool | None = None
    figures: MemberFigures | None = None
    record: RecordFacts | None = None  # the subject's results on record (domain.on_record)


def subject_facts(tree: OrgTree, kind: SubjectKind, org_id: int,
                  figures: MemberFigures | None = None,
                  record: RecordFacts | None = None) -> SubjectFacts:
    """The facts of a subject placed at `org_id` (a person's unit, or the collective)."""
    agency = tree.agency_of(org_id) if org_id in tree else None
    in_bloc = tree.bloc_of(org_id) is not None if org_id in tree else None
    return SubjectFacts(agency_name=agency.name if agency else None, in_bloc=in_bloc,
                        figures=figures if kind != SubjectKind.PERSON else None,
                        record=record)
