"""`thidua council …`: the council's members, its sessions, the secretary's entries and the
dossier's files, with the same use cases as /hoidong (app/council).

council members list --agency NAME                                list the council
council members add --agency NAME [--position P] PHONE…            add (or change position)
council members remove --agency NAME PHONE…
council open      --agency NAME --year Y --deadline DD/MM/YYYY [--time HH:MM] [--paper]
council status    [--agency NAME]                                  sessions and turnout
council written   --session ID --members PHONE… --yes "N N …"      absent members' written votes
council paper     --session ID --present N --yes "N N …"           a paper count's totals
council close     --session ID                                     the running bot posts it
council results   --session ID                                     a closed session's results
council dossier   --session ID [--out DIR]                         minutes, cover letter, reports
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from app.council import service
from app.council.closing import results
from app.council.documents import cover_letter, minutes, report, report_file_name
from app.services import Services
from app.settings import Settings
from app.summary.workers import start as start_workers
from bot.cli.common import fail, open_services
from domain.council import CountsError, parse_counts, parse_deadline
from domain.models import OrgKind
from domain.text import fold_key
from locales import _, format_datetime
from reports.council import position_label
from reports.messages import plain_text
from storage.audit import AuditContext
from storage.council import POSITIONS, CouncilRepository, Session


def add_commands(sub: argparse._SubParsersAction) -> None:
    council = sub.add_parser("council", help="the emulation and commendation council")
    actions = council.add_subparsers(dest="council_command", required=True, metavar="ACTION")

    members = actions.add_parser("members", help="the council's members (list, add, remove)")
    steps = members.add_subparsers(dest="members_command", required=True, metavar="ACTION")
    for name, text in (("list", "list the council"), ("add", "add members (or change their "
                                                              "position)"),
                       ("remove", "remove members")):
        step = steps.add_parser(name, help=text)
        step.add_argument("--agency", required=True)
        if name != "list":
            step.add_argument("phones", nargs="+", metavar="PHONE")
        if name == "add":
            step.add_argument("--position", choices=POSITIONS, default="member")
        step.set_defaults(handler=members_command, change=None if name == "list" else name,
                          phones=[])

    opening = actions.add_parser("open", help="open a session on the submitted proposals")
    opening.add_argument("--agency", required=True)
    opening.add_argument("--year", type=int, required=True)
    opening.add_argument("--deadline", required=True, help="DD/MM/YYYY (the end of that day)")
    opening.add_argument("--time", help="HH:MM on the deadline's day")
    opening.add_argument("--paper", action="store_true", help="a paper ballot: totals entered")
    opening.set_defaults(handler=open_command)

    status = actions.add_parser("status", help="sessions and how many members voted")
    status.add_argument("--agency")
    status.set_defaults(handler=status_command)

    written = actions.add_parser("written", help="absent members' written votes")
    written.add_argument("--session", type=int, required=True)
    written.add_argument("--members", nargs="+", required=True, metavar="PHONE")
    written.add_argument("--yes", required=True, help="agreeing votes per proposal, in order")
    written.set_defaults(handler=written_command)

    paper = actions.add_parser("paper", help="a paper count's totals")
    paper.add_argument("--session", type=int, required=True)
    paper.add_argument("--present", type=int, required=True)
    paper.add_argument("--yes", required=True, help="agreeing votes per proposal, in order")
    paper.set_defaults(handler=paper_command)

    for name, handler, text in (
            ("close", close_command, "close a session (the running bot posts its results)"),
            ("results", results_command, "a closed session's results")):
        parser = actions.add_parser(name, help=text)
        parser.add_argument("--session", type=int, required=True)
        parser.set_defaults(handler=handler)

    dossier = actions.add_parser("dossier", help="minutes, cover letter and reports (DOCX)")
    dossier.add_argument("--session", type=int, required=True)
    dossier.add_argument("--out", default=".", help="folder to write the files to")
    dossier.set_defaults(handler=dossier_command)


async def _agency(services: Services, name: str) -> int | None:
    tree = await services.orgs.tree()
    key = fold_key(name)
    return next((o.id for o in tree.walk() if o.kind == OrgKind.AGENCY
                 and fold_key(o.name) == key), None)


async def members_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        agency = await _agency(services, args.agency)
        if agency is None:
            return fail(_("No agency is named “{name}”.").format(name=args.agency))
        repo = CouncilRepository(services.db)
        if args.change:
            people, missing = await service.find_people(services, args.phones)
            if missing:
                return fail(_("Nobody active on the roster has the phone number {phones}."
                              ).format(phones=", ".join(missing)))
            if not people:
                return fail(_("Name the members by their phone numbers."))
            if args.change == "add":
                await repo.set_members(agency, [p.id for p in people], args.position,
                                       AuditContext.cli())
            else:
                await repo.remove_members(agency, [p.id for p in people], AuditContext.cli())
        council = await repo.members(agency)
        people_by_id = {p.id: p for p in await services.people.all()}
        print(_("The council of {agency}: {n} members").format(agency=args.agency,
                                                               n=len(council)))
        for member in council:
            person = people_by_id.get(member.person_id)
            if person is not None:
                print(f"  {person.full_name} ({person.phone}): {position_label(member.position)}")
    return 0


async def open_command(args: argparse.Namespace, settings: Settings) -> int:
    words = [args.deadline] + ([args.time] if args.time else [])
    deadline = parse_deadline(words)
    if deadline is None or (args.time and deadline[1] != 2):
        return fail(_("Cannot read the deadline: {value}").format(value=" ".join(words)))
    async with open_services(settings) as services:
        agency = await _agency(services, args.agency)
        if agency is None:
            return fail(_("No agency is named “{name}”.").format(name=args.agency))
        tree = await services.orgs.tree()
        when = deadline[0].replace(tzinfo=settings.tz)
        try:
            chosen = await service.plan(services, tree, agency, args.year,
                                        "paper" if args.paper else "chat", when)
            session = await service.open_session(services, tree, chosen, AuditContext.cli())
        except service.OpenProblem as problem:
            return fail(service.problem_text(problem.code))
        print(_("Session {id} is open: {agency} {year}, {n} proposals, {members} members, until "
                "{deadline}.").format(id=session.id, agency=args.agency, year=args.year,
                                      n=len(chosen.candidates), members=len(chosen.members),
                                      deadline=format_datetime(when)))
    return 0


async def status_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        repo = CouncilRepository(services.db)
        agency = await _agency(services, args.agency) if args.agency else None
        if args.agency and agency is None:
            return fail(_("No agency is named “{name}”.").format(name=args.agency))
        tree = await services.orgs.tree(active_only=False)
        sessions = await repo.sessions([agency] if agency is not None else None)
        if not sessions:
            print(_("No council session yet."))
        for session in sessions:
            voters = await repo.voters(session.id)
            state = _("open until {deadline}").format(deadline=format_datetime(
                session.deadline.astimezone(settings.tz))) if session.is_open else _("closed")
            print(_("Session {id}: {agency} {year} ({state}); voted {voted}/{members}, in "
                    "writing {written}").format(
                id=session.id, agency=tree.label(session.agency_id), year=session.year,
                state=state, voted=sum(1 for v in voters if v.state == "voted"),
                members=session.members, written=session.written))
    return 0


async def _open_session(services: Services, session_id: int) -> Session | str:
    session = await CouncilRepository(services.db).get(session_id)
    if session is None:
        return _("No council session {id}.").format(id=session_id)
    if not session.is_open:
        return _("Session {id} is closed.").format(id=session_id)
    return session


async def written_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        session = await _open_session(services, args.session)
        if isinstance(session, str):
            return fail(session)
        people, missing = await service.find_people(services, args.members)
        if missing:
            return fail(_("Nobody active on the roster has the phone number {phones}.").format(
                phones=", ".join(missing)))
        repo = CouncilRepository(services.db)
        try:
            counts = parse_counts(args.yes, len(await repo.candidates(session.id)), len(people))
        except CountsError as problem:
            return fail(_("Cannot read the counts ({problem}).").format(problem=problem.code))
        updated = await repo.enter_written(session.id, session.version, [p.id for p in people],
                                           counts, AuditContext.cli())
        if updated is None:
            return fail(_("Not entered: a member named has voted already or is not a member "
                          "of this session."))
        print(_("Saved: the written votes of {n} absent members.").format(n=len(people)))
    return 0


async def paper_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        session = await _open_session(services, args.session)
        if isinstance(session, str):
            return fail(session)
        if not session.paper or not 0 <= args.present <= session.members:
            return fail(_("Session {id} is not a paper ballot, or the number present is not "
                          "from 0 to {n}.").format(id=session.id, n=session.members))
        repo = CouncilRepository(services.db)
        try:
            counts = parse_counts(args.yes, len(await repo.candidates(session.id)),
                                  args.present)
        except CountsError as problem:
            return fail(_("Cannot read the counts ({problem}).").format(problem=problem.code))
        if await repo.enter_paper(session.id, session.version, args.present, counts,
                                  AuditContext.cli()) is None:
            return fail(_("Not entered: the session changed meanwhile."))
        print(_("Saved: the paper count's totals."))
    return 0


async def close_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        closed = await CouncilRepository(services.db).close(args.session, "secretariat",
                                                            AuditContext.cli())
        if closed is None:
            return fail(_("Session {id} is not open.").format(id=args.session))
        print(_("Session {id} is closed; the running bot posts its results to the "
                "secretariat within a minute.").format(id=args.session))
    return 0


async def results_command(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        session = await CouncilRepository(services.db).get(args.session)
        if session is None or session.is_open:
            return fail(_("The results are shown once the session is closed."))
        from reports.council import results_blocks

        for block in results_blocks(await results(services, session)):
            print(plain_text(block))
            print()
    return 0


async def dossier_command(args: argparse.Namespace, settings: Settings) -> int:
    # The documents are built in worker processes; a CLI run owns them (a bot stopped earlier
    # in the same process, as in the tests, leaves them refusing jobs).
    start_workers()
    async with open_services(settings) as services:
        repo = CouncilRepository(services.db)
        session = await repo.get(args.session)
        if session is None or session.is_open:
            return fail(_("The results are shown once the session is closed."))
        data = await results(services, session)
        folder = Path(args.out)
        files = {f"bien-ban-hop-hoi-dong-{session.year}-{session.id}.docx":
                 await minutes(services, session)}
        if data.passed:
            files[f"to-trinh-{session.year}-{session.id}.docx"] = await cover_letter(services,
                                                                                    session)
        passed = {line.candidate_id for line in data.passed}
        for candidate in await repo.candidates(session.id):
            if candidate.id in passed:
                files[report_file_name(session, candidate)] = await report(services, session,
                                                                          candidate)
    try:
        await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
        for name, content in files.items():
            await asyncio.to_thread((folder / name).write_bytes, content)
    except OSError as exc:
        return fail(_("Cannot write {file}: {error}").format(file=folder, error=exc.strerror))
    for name in files:
        print(_("Written: {file}").format(file=folder / name))
    return 0

