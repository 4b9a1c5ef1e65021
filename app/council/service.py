"""What the chat and the CLI both do with the council: its members, opening a session from the
submitted proposal lists, the secretary's entries. Every rule comes from the rule set's
`council` section; every change is one repository transaction with its audit entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from app.council.choices import BallotPick
from app.rulesets import ruleset_of_year
from app.services import Services
from domain.council import SessionRules, session_rules
from domain.models import OrgKind, Person
from domain.org import OrgTree
from domain.results import catalog_for_year
from domain.rules import RuleSet, load_ruleset
from domain.subjects import Subject
from domain.text import vietnamese_sort_key
from locales import _, format_datetime, normalize_locale, use_locale
from storage.audit import AuditContext
from storage.council import CouncilError, CouncilRepository, Member, NewCandidate, Session
from storage.links import native_chat_id
from storage.outbox import Button, NewMessage
from storage.reviews import ReviewRepository

MODES = ("chat", "paper")
PAPER_WORDS = {"giay", "paper", "phieu giay"}


class OpenProblem(ValueError):
    """Why a session cannot be opened. Codes: no_rules, no_members, no_candidates,
    deadline_past, open_exists, not_agency."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def problem_text(code: str) -> str:
    return {
        "no_rules": _("The rule set of that year has no council rules."),
        "no_members": _("This agency's council has no members yet (thidua council members "
                        "add …)."),
        "no_candidates": _("No submitted proposal list of this agency has a proposal the "
                           "council votes on."),
        "deadline_past": _("The deadline has passed already: choose a later one."),
        "open_exists": _("A session of this agency's council is open already: close it "
                         "first."),
        "not_agency": _("A council belongs to an agency: name an agency."),
    }.get(code, code)


@dataclass(frozen=True)
class Plan:
    """A session about to be opened: what the preview shows and the opening stores."""

    agency_id: int
    year: int
    mode: str
    deadline: datetime  # aware, local
    ruleset: RuleSet
    rules: SessionRules
    members: list[Member]
    candidates: list[NewCandidate]
    unsubmitted: list[int]  # collectives whose list of the year is not submitted


async def ruleset_for(services: Services, year: int) -> RuleSet:
    """The rule set the year's proposal lists were computed with (its review's), else the
    year's."""
    reviews = await ReviewRepository(services.db).reviews(year)
    for review in reversed(reviews):
        try:
            return load_ruleset(review.ruleset_id)
        except KeyError:
            continue
    return await ruleset_of_year(services.db, year) or catalog_for_year(year)


async def plan(services: Services, tree: OrgTree, agency_id: int, year: int, mode: str,
               deadline: datetime) -> Plan:
    """What opening would do, or OpenProblem."""
    agency = tree.find(agency_id)
    if agency is None or agency.kind != OrgKind.AGENCY:
        raise OpenProblem("not_agency")
    ruleset = await ruleset_for(services, year)
    rules = session_rules(ruleset)
    if rules is None:
        raise OpenProblem("no_rules")
    if deadline <= services.now():
        raise OpenProblem("deadline_past")
    repo = CouncilRepository(services.db)
    if any(s.is_open and s.agency_id == agency_id for s in await repo.sessions([agency_id])):
        raise OpenProblem("open_exists")
    members = await repo.members(agency_id)
    if not members:
        raise OpenProblem("no_members")
    candidates, unsubmitted = await candidates_for(services, tree, agency_id, year, ruleset,
                                                   rules)
    if not candidates:
        raise OpenProblem("no_candidates")
    return Plan(agency_id, year, mode, deadline, ruleset, rules, members, candidates,
                unsubmitted)


async def candidates_for(services: Services, tree: OrgTree, agency_id: int, year: int,
                         ruleset: RuleSet, rules: SessionRules
                         ) -> tuple[list[NewCandidate], list[int]]:
    """The included entries of the agency's submitted lists whose title the council votes
    on, in ballot order (the catalog's titles; people by name, then collectives); and the
    collectives whose list is not submitted."""
    orgs = [u for u in tree.walk(agency_id) if u.kind != OrgKind.BLOC and u.active]
    lists = {x.org_id: x for x in await ReviewRepository(services.db).lists_in(
        year, [o.id for o in orgs])}
    unsubmitted = [o.id for o in orgs if o.id not in lists or not lists[o.id].submitted]
    entries = [e for x in lists.values() if x.submitted for e in x.entries
               if e.included and e.title in rules.titles]
    people = {p.id: p for p in await services.people.all(active_only=False)
              if p.id in {e.subject.person_id for e in entries}}
    rank = {t.code: i for i, t in enumerate(ruleset.titles)}
    order = {o.id: i for i, o in enumerate(orgs)}

    def key(entry: object) -> tuple:
        subject: Subject = entry.subject  # type: ignore[attr-defined]
        person = people.get(subject.person_id) if subject.person_id else None
        return (rank.get(entry.title, 99), subject.person_id is None,  # type: ignore[attr-defined]
                vietnamese_sort_key(person.full_name) if person else (),
                order.get(subject.org_id, 0))

    seen: set[tuple[tuple[str, int], str]] = set()
    found = []
    for entry in sorted(entries, key=key):
        identity = (entry.subject.key, entry.title)
        if identity in seen:
            continue
        seen.add(identity)
        found.append(NewCandidate(entry.subject, entry.title, entry.id))
    return found, unsubmitted


async def open_session(services: Services, tree: OrgTree, chosen: Plan, who: AuditContext
                       ) -> Session:
    """Open the session and queue the members' invitations (chat ballots only)."""
    agency = tree.get(chosen.agency_id)
    links = await services.links.for_people(m.person_id for m in chosen.members)
    locales = await services.account_settings.locales(link.account for link in links.values())
    deadline = chosen.deadline

    def invitations(session_id: int) -> list[NewMessage]:
        if chosen.mode != "chat":
            return []
        messages = []
        for person_id, link in links.items():
            locale = normalize_locale(locales.get(link.account), services.settings.locale)
            with use_locale(locale):
                text = "🗳 <b>" + escape(_("Ballot of the Emulation and Commendation Council: "
                                          "{agency}, {year}").format(
                    agency=agency.name, year=chosen.year)) + "</b>\n" + escape(_(
                        "{count} proposals to vote on, until {deadline}. The ballot is "
                        "secret: nobody, not even the office, can see how you vote. Send "
                        "/bophieu to vote.").format(count=len(chosen.candidates),
                                                    deadline=format_datetime(deadline)))
                label = _("🗳 Vote")
            messages.append(NewMessage(
                batch=f"council:{session_id}", kind="council-invitation", channel=link.channel,
                chat_id=native_chat_id(link.channel, link.chat_id), text=text,
                person_id=person_id, buttons=[[Button(label, BallotPick("o", session_id).data)]],
                dedupe_key=f"council:{session_id}:invite:{person_id}"))
        return messages

    try:
        session = await CouncilRepository(services.db).open(
            chosen.agency_id, chosen.year, chosen.mode, chosen.rules, deadline,
            chosen.candidates, chosen.members, who, invitations)
    except CouncilError:
        raise OpenProblem("open_exists") from None
    services.wake_sender()
    return session


async def find_people(services: Services, phones: Sequence[str]) -> tuple[list[Person],
                                                                          list[str]]:
    """The people with these phone numbers, and the numbers nobody has."""
    from domain.phone import InvalidPhone, normalize_phone

    found, missing = [], []
    for phone in phones:
        try:
            person = await services.people.by_phone(normalize_phone(phone))
        except InvalidPhone:
            person = None
        if person is None or not person.active:
            missing.append(phone)
        else:
            found.append(person)
    return found, missing
