"""The council's documents: their data gathered here (in Vietnamese, whoever asks), the DOCX
built in a worker process (app.summary.workers: python-docx is pure Python)."""

from __future__ import annotations

from app.council.view import ruleset_of, session_data, subject_name, subject_place
from app.services import Services
from app.summary.workers import run_in_worker
from domain.models import OrgKind
from domain.org import OrgTree
from domain.results_import import initiative_views
from domain.rules import TitleKind
from locales import format_date, use_locale
from reports.council_docx import History, ReportData
from reports.history import decision_line
from reports.results_import import level_name
from reports.review import rating_name
from storage.council import Candidate, CouncilRepository, Session
from storage.initiatives import InitiativeRepository
from storage.results import ResultsRepository
from storage.reviews import ReviewRepository


async def minutes(services: Services, session: Session) -> bytes:
    from reports.council_docx import minutes_docx

    tree = await services.orgs.tree(active_only=False)
    with use_locale("vi"):
        data = await session_data(services, session, tree)
    content: bytes = await run_in_worker(minutes_docx, data)
    return content


async def cover_letter(services: Services, session: Session) -> bytes:
    from reports.council_docx import cover_letter_docx

    tree = await services.orgs.tree(active_only=False)
    with use_locale("vi"):
        data = await session_data(services, session, tree)
    content: bytes = await run_in_worker(cover_letter_docx, data)
    return content


async def report(services: Services, session: Session, candidate: Candidate) -> bytes:
    from reports.council_docx import report_docx

    with use_locale("vi"):
        data = await report_data(services, session, candidate)
    content: bytes = await run_in_worker(report_docx, data)
    return content


async def report_data(services: Services, session: Session, candidate: Candidate
                      ) -> ReportData:
    """A candidate's report, pre-filled from the record: who they are, their results and
    decisions, their initiatives, the year's rating; and what they completed."""
    tree = await services.orgs.tree(active_only=False)
    ruleset = ruleset_of(session)
    subject = candidate.subject
    people = {}
    if subject.person_id is not None:
        person = await services.people.get(subject.person_id)
        if person is not None:
            people[person.id] = person
    agency = tree.find(session.agency_id)
    org = tree.find(subject.org_id)
    unit = ""
    if subject.person_id is not None and org is not None:
        unit = org.name if org.kind == OrgKind.AGENCY else ", ".join(
            n for n in (org.name, agency.name if agency else "") if n)
    elif org is not None and org.kind == OrgKind.UNIT and agency is not None:
        unit = agency.name
    results = await ResultsRepository(services.db).of_subject(subject)
    titles: list[History] = []
    forms: list[History] = []
    for result in sorted(results, key=lambda r: (r.year, r.title)):
        if result.year > session.year:
            continue
        known = ruleset.has_title(result.title)
        name = ruleset.title(result.title).name.vi if known else result.title
        item = History(result.year, name, decision_line(result))
        (forms if known and ruleset.title(result.title).kind == TitleKind.FORM
         else titles).append(item)
    initiatives: list[str] = []
    if subject.person_id is not None:
        read = await InitiativeRepository(services.db).of_people([subject.person_id])
        for view in initiative_views(read):
            held = view.initiative
            if held.year > session.year:
                continue
            text = f"“{held.title}” ({held.year}, {level_name(held.level)}"
            if held.decision is not None:
                text += f"; Quyết định số {held.decision.number} ngày " \
                        f"{format_date(held.decision.signed_on)}"
            initiatives.append(text + ")")
    assessment = await ReviewRepository(services.db).assessment(session.year, subject)
    rating = rating_name(ruleset, assessment.rating) \
        if assessment is not None and assessment.rating else None
    members = len(await services.people.in_orgs(tree.subtree_ids(subject.org_id))) \
        if subject.person_id is None else 0
    completed = await CouncilRepository(services.db).report(candidate.id)
    settings = services.settings
    title = ruleset.title(candidate.title).name.vi if ruleset.has_title(candidate.title) \
        else candidate.title
    return ReportData(
        agency=agency.name if agency else "", authority=settings.document_authority,
        place=settings.document_place, day=services.now().date(), year=session.year,
        title_name=title, is_person=subject.person_id is not None,
        name=subject_name(candidate, people, tree),
        position=people[subject.person_id].position
        if subject.person_id in people else "",
        unit=unit if subject.person_id is not None else (unit or subject_place(
            candidate, people, tree)),
        members=members,
        qualification=completed.qualification if completed else None,
        duties=completed.duties if completed else None,
        achievements=completed.achievements if completed else None,
        rating=rating, initiatives=tuple(initiatives), titles=tuple(titles),
        forms=tuple(forms), **_letterhead(tree, subject.org_id, settings.document_authority))


def _letterhead(tree: OrgTree, org_id: int, authority: str) -> dict[str, str]:
    """Who issues the report: the person's unit (or the collective) under its agency; an
    agency's own people and the agency itself under the province's authority."""
    org = tree.find(org_id)
    if org is None:
        return {"letter_authority": authority, "letter_issuer": ""}
    if org.kind == OrgKind.UNIT:
        agency = tree.agency_of(org.id)
        return {"letter_authority": agency.name if agency else authority,
                "letter_issuer": org.name}
    return {"letter_authority": authority, "letter_issuer": org.name}


def report_file_name(session: Session, candidate: Candidate) -> str:
    return f"bao-cao-thanh-tich-{session.year}-{candidate.id}.docx"
