"""A session as reports read it (reports.council.SessionData): names, titles, the rules, and
the outcome once closed. Nothing of the tally is read while a session is open."""

from __future__ import annotations

from datetime import datetime

from app.services import Services
from domain.council import Tally, evaluate, participants
from domain.models import OrgKind, Person, Role
from domain.org import OrgTree
from domain.results import catalog_for_year
from domain.rules import RuleSet, load_ruleset
from locales import get_locale
from reports.council import Attendee, Line, SessionData, share_rule
from storage.council import Candidate, CouncilRepository, Session


def ruleset_of(session: Session) -> RuleSet:
    try:
        return load_ruleset(session.rules.ruleset_id)
    except KeyError:  # no longer packaged: the catalog of the year names the titles
        return catalog_for_year(session.year)


def subject_name(candidate: Candidate, people: dict[int, Person], tree: OrgTree) -> str:
    if candidate.subject.person_id is not None:
        person = people.get(candidate.subject.person_id)
        return person.full_name if person else "?"
    org = tree.find(candidate.subject.org_id)
    return org.name if org else "?"


def subject_place(candidate: Candidate, people: dict[int, Person], tree: OrgTree) -> str:
    """A person's post and unit; a unit's agency."""
    org = tree.find(candidate.subject.org_id)
    if candidate.subject.person_id is not None:
        person = people.get(candidate.subject.person_id)
        parts = [person.position] if person and person.position else []
        if org is not None and org.kind == OrgKind.UNIT:
            parts.append(org.name)
        return ", ".join(parts)
    if org is not None and org.kind == OrgKind.UNIT:
        agency = tree.agency_of(org.id)
        return agency.name if agency else ""
    return ""


async def people_of(services: Services, ids: set[int]) -> dict[int, Person]:
    return {p.id: p for p in await services.people.all(active_only=False) if p.id in ids}


async def lines_of(services: Services, session: Session, candidates: list[Candidate],
                   tree: OrgTree, tallies: dict[int, Tally] | None = None) -> list[Line]:
    """The candidates' lines, in the current locale; with their outcome when `tallies`
    (a closed session's) are given."""
    ruleset = ruleset_of(session)
    people = await people_of(services, {c.subject.person_id for c in candidates
                                        if c.subject.person_id is not None})
    agency = tree.find(session.agency_id)
    outcomes = {}
    if tallies is not None:
        present, written = _participation(session, await CouncilRepository(
            services.db).voters(session.id))
        outcomes = {o.candidate_id: o for o in evaluate(
            session.rules, session.members, present, written,
            [(c.id, c.title) for c in candidates], tallies)}
    lines = []
    locale = get_locale()
    for candidate in candidates:
        rule = session.rules.rule(candidate.title)
        title = ruleset.title(candidate.title) if ruleset.has_title(candidate.title) else None
        level, _rule = ruleset.decider(candidate.title, candidate.subject.kind,
                                       agency.name if agency else None) \
            if title is not None else (None, None)
        outcome = outcomes.get(candidate.id)
        tally = outcome.tally if outcome else None
        lines.append(Line(
            candidate_id=candidate.id, position=candidate.position,
            name=subject_name(candidate, people, tree),
            is_person=candidate.subject.person_id is not None,
            place=subject_place(candidate, people, tree), title=candidate.title,
            title_name=title.name.get(locale) if title else candidate.title,
            title_kind=title.kind.value if title else "title",
            level=level.value if level is not None else "agency",
            rule=share_rule(rule.agree.at_least, rule.agree.more_than),
            rule_ref=rule.agree.ref(locale),
            yes=tally.yes if tally else 0, written_yes=tally.written.yes if tally else 0,
            no=tally.no if tally else 0, written_no=tally.written.no if tally else 0,
            abstain=tally.abstain if tally else 0,
            share=outcome.share if outcome else 0.0,
            needed=outcome.needed if outcome else rule.agree.needed(session.members),
            passed=bool(outcome and outcome.passed)))
    return lines


def _participation(session: Session, voters: list) -> tuple[int, int]:
    """(present, written): members who voted in the chat (or were present at a paper count)
    and absent members who voted in writing."""
    written = sum(1 for v in voters if v.state == "written")
    present = session.present or 0 if session.paper else sum(
        1 for v in voters if v.state == "voted")
    return present, written


async def session_data(services: Services, session: Session, tree: OrgTree) -> SessionData:
    """A closed session's results (an open one's without the tally: nothing is shown before
    closing)."""
    repo = CouncilRepository(services.db)
    candidates = await repo.candidates(session.id)
    tallies = await repo.tallies(session.id) if not session.is_open else None
    lines = await lines_of(services, session, candidates, tree, tallies)
    voters = await repo.voters(session.id)
    people = await people_of(services, {v.person_id for v in voters})
    present, written = _participation(session, voters)
    taking_part = participants(session.rules, present, written)
    rules = [session.rules.rule(c.title) for c in candidates] or \
        list(session.rules.titles.values())
    quorum = max((r.quorum for r in rules), key=lambda q: q.needed(session.members))
    tz = services.settings.tz
    order = {"chair": 0, "vice_chair": 1, "member": 2, "secretary": 3}
    attendees = tuple(Attendee(people[v.person_id].full_name if v.person_id in people else "?",
                               v.position, v.state)
                      for v in sorted(voters, key=lambda v: (order.get(v.position, 9),
                                                            v.person_id)))
    settings = services.settings
    head = await _agency_head(services, tree, session.agency_id)
    agency = tree.find(session.agency_id)
    agency_name = agency.name if agency else "?"
    return SessionData(
        session_id=session.id, agency=agency_name, year=session.year, paper=session.paper,
        members=session.members, participants=taking_part,
        quorum_needed=quorum.needed(session.members),
        quorum_met=taking_part >= quorum.needed(session.members),
        quorum_rule=share_rule(quorum.at_least, quorum.more_than),
        quorum_ref=quorum.ref(get_locale()), written=written,
        opened=session.opened_at.astimezone(tz),
        closed=session.closed_at.astimezone(tz) if session.closed_at else None,
        deadline=session.deadline.astimezone(tz), attendees=attendees, lines=tuple(lines),
        abstain=session.rules.abstain, authority=settings.document_authority,
        place=settings.document_place,
        head_title=f"{head.position} {agency_name}" if head and head.position else "",
        head_position=head.position if head else "", head_name=head.full_name if head else "",
        recipients=tuple(line.strip() for line in settings.document_recipients.split("|")
                         if line.strip()))


async def _agency_head(services: Services, tree: OrgTree, agency_id: int) -> Person | None:
    people = await services.people.in_orgs([agency_id])
    return next((p for p in people if p.role == Role.AGENCY_HEAD and p.org_id == agency_id),
                None)


def now_local(services: Services) -> datetime:
    return services.now()
