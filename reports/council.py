"""The council's session as people read it: the lines of the ballot and of the results, the
results message posted when a session closes. The documents (minutes, cover letter,
achievement reports) are reports/council_docx.py; both read the plain data below, which the
use cases build (app/council/view.py) and worker processes receive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from locales import _, format_datetime, format_percent, ngettext


def position_label(position: str) -> str:
    """A member's place in the council, in the reader's language."""
    labels = {"chair": _("Chair of the council"), "vice_chair": _("Vice-chair of the council"),
              "member": _("Member"), "secretary": _("Member and secretary")}
    return labels.get(position, position)


@dataclass(frozen=True)
class Line:
    """A candidate as the ballot, the results and the documents show it."""

    candidate_id: int
    position: int  # 0-based, on the ballot
    name: str  # the person's full name, or the collective's name
    is_person: bool
    place: str  # the person's post and unit ("Chuyên viên, Phòng …"); a collective's agency
    title: str  # code
    title_name: str  # in the reader's language (Vietnamese in documents)
    title_kind: str  # title (danh hiệu thi đua) or form (hình thức khen thưởng)
    level: str  # who decides: agency, province, … (domain.rules.Level)
    rule: str  # "từ 80% trở lên", "trên 50%"
    rule_ref: str  # the article
    # The outcome (known once the session closed; zeros before).
    yes: int = 0
    written_yes: int = 0
    no: int = 0
    written_no: int = 0
    abstain: int = 0
    share: float = 0.0
    needed: int = 0
    passed: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} ({self.place})" if self.place else self.name


@dataclass(frozen=True)
class Attendee:
    name: str
    position: str  # chair, vice_chair, member, secretary
    state: str  # voted, written, pending (absent without a vote)


@dataclass(frozen=True)
class SessionData:
    """Everything the results message and the documents say about a session."""

    session_id: int
    agency: str
    year: int
    paper: bool
    members: int
    participants: int
    quorum_needed: int
    quorum_met: bool
    quorum_rule: str
    quorum_ref: str
    written: int
    opened: datetime  # local time
    closed: datetime | None
    deadline: datetime
    attendees: tuple[Attendee, ...]
    lines: tuple[Line, ...]
    abstain: bool = False
    authority: str = ""  # the body above the agency (THIDUA_DOCUMENT_AUTHORITY)
    place: str = ""  # THIDUA_DOCUMENT_PLACE
    head_title: str = ""  # "Giám đốc Sở Nội vụ": whom the agency's own titles are proposed to
    head_position: str = ""  # "Giám đốc"
    head_name: str = ""
    recipients: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.passed)

    def attendee_named(self, position: str) -> Attendee | None:
        return next((a for a in self.attendees if a.position == position), None)


def share_rule(at_least: float | None, more_than: float | None) -> str:
    """"từ 80% trở lên", "trên 50%" (of all members)."""
    if at_least is not None:
        return _("at least {share}").format(share=format_percent(at_least / 100, 0))
    return _("more than {share}").format(share=format_percent((more_than or 0) / 100, 0))


def percent(value: float) -> str:
    return format_percent(value, 1) if round(value * 1000) % 10 else format_percent(value, 0)


def ballot_counts(line: Line, abstain: bool) -> str:
    """"8 đồng ý (1 bằng văn bản), 1 không đồng ý"."""
    parts = [ngettext("{n} agree", "{n} agree", line.yes).format(n=line.yes)]
    if line.written_yes:
        parts[0] += " " + _("({n} in writing)").format(n=line.written_yes)
    parts.append(ngettext("{n} disagree", "{n} disagree", line.no).format(n=line.no))
    if line.written_no:
        parts[1] += " " + _("({n} in writing)").format(n=line.written_no)
    if abstain:
        parts.append(ngettext("{n} abstains", "{n} abstain", line.abstain).format(
            n=line.abstain))
    return ", ".join(parts)


def results_blocks(data: SessionData) -> list[str]:
    """The results as chat messages (HTML): the session, the quorum, each candidate's votes
    and outcome by title, then what passed."""
    head = [
        "<b>" + escape(_("Council ballot results: {agency}, {year}").format(
            agency=data.agency, year=data.year)) + "</b>",
        escape(_("Secret ballot on paper, totals entered by the secretary") if data.paper
               else _("Secret ballot in the chat")),
    ]
    if data.closed is not None:
        head.append(escape(_("From {opened} to {closed}").format(
            opened=format_datetime(data.opened), closed=format_datetime(data.closed))))
    taking_part = _("Members taking part: {n}/{members}").format(
        n=data.participants, members=data.members)
    if data.written:
        taking_part += "; " + ngettext("{n} absent member voted in writing",
                                       "{n} absent members voted in writing",
                                       data.written).format(n=data.written)
    head.append(escape(taking_part))
    quorum = _("Quorum: {rule} of the members ({needed}/{members}; {ref}): {verdict}.").format(
        rule=data.quorum_rule, needed=data.quorum_needed, members=data.members,
        ref=data.quorum_ref, verdict=_("met") if data.quorum_met else _("not met"))
    head.append(escape(quorum))
    blocks = ["\n".join(head)]
    current = None
    lines: list[str] = []
    for line in data.lines:
        if line.title != current:
            if lines:
                blocks.append("\n".join(lines))
            current = line.title
            lines = ["<b>" + escape(line.title_name) + "</b> " + escape(_(
                "(passes with {rule} of all members: {needed}/{members}; {ref})").format(
                rule=line.rule, needed=line.needed, members=data.members, ref=line.rule_ref))]
        mark = "✅" if line.passed else "❌"
        lines.append(f"{mark} {line.position + 1}. {escape(line.label)}: " + escape(
            ballot_counts(line, data.abstain)) + " · " + escape(percent(line.share)))
    if lines:
        blocks.append("\n".join(lines))
    passed = data.passed
    blocks.append("<b>" + escape(ngettext(
        "Passed: {n} proposal of {total}.", "Passed: {n} proposals of {total}.",
        len(passed)).format(n=len(passed), total=len(data.lines))) + "</b>")
    return blocks


