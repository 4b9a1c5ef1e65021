"""Closing a session and posting what it decided.

A session closes when its deadline passes (the `council` periodic job), when the last member
votes, or when the secretariat closes it. Closing stops the ballot (no cast is accepted from
then on: the cast checks it in its own transaction), deletes the drafts never cast and
truncates the log. Then, once (`posted_at`), the results go to the secretariat's chats (texts
through the outbox, the minutes and the cover letter as files), the members are told the
outcome, and each passed candidate is invited to complete their achievement report.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from html import escape

from app.context import Ctx
from app.council.choices import BallotPick, ReportPick
from app.council.view import session_data
from app.events import CAPABILITIES, Channel
from app.features import PeriodicJob
from app.services import Services
from app.ui import Document, Out
from locales import _, normalize_locale, use_locale
from reports.council import SessionData, results_blocks
from reports.messages import caption, split_blocks
from storage.audit import AuditContext
from storage.council import Candidate, CouncilRepository, Session
from storage.links import native_chat_id
from storage.outbox import Button, NewMessage, OutboxRepository

log = logging.getLogger(__name__)
JOB = "council"
TEXTS_WAIT_SECONDS = 60.0  # then the files go anyway (they stay available from /hoidong)


async def results(services: Services, session: Session) -> SessionData:
    tree = await services.orgs.tree(active_only=False)
    return await session_data(services, session, tree)


async def show_results(ctx: Ctx, session: Session) -> None:
    """A closed session's results, in the chat (members, the secretariat)."""
    if session.is_open:
        ctx.say(escape(_("The results are shown once the session is closed.")))
        return
    data = await results(ctx.services, session)
    for message in split_blocks(results_blocks(data), ctx.caps.max_text - 100):
        ctx.say(message)


async def close_now(ctx: Ctx, session_id: int, reason: str) -> None:
    """Close from a use case (the last ballot, the secretariat): the posting follows in the
    background, so the person who closed it is answered at once."""
    closed = await CouncilRepository(ctx.services.db).close(session_id, reason, ctx.who())
    if closed is None:
        return

    async def post_it(later: Ctx) -> None:
        await post(later.services, closed)

    ctx.later(post_it, name=f"council-post-{session_id}")


async def post(services: Services, session: Session) -> bool:
    """Queue the results for the secretariat's chats, the members and the passed candidates,
    then deliver the files to the secretariat's chats; once per session (False if done)."""
    repo = CouncilRepository(services.db)
    fresh = await repo.get(session.id)
    if fresh is None or fresh.is_open or fresh.posted_at is not None:
        return False
    settings = services.settings
    with use_locale(settings.locale):
        data = await results(services, fresh)
        blocks = results_blocks(data)
    messages: list[NewMessage] = []
    batch = f"council:{fresh.id}:results"  # its own batch: the files wait for these texts
    for channel, chat_id in services.secretariat_chats():
        limit = CAPABILITIES[Channel(channel)].max_text - 100
        for i, text in enumerate(split_blocks(blocks, limit)):
            messages.append(NewMessage(
                batch=batch, kind="council-results", channel=channel,
                chat_id=native_chat_id(channel, chat_id), text=text,
                dedupe_key=f"{batch}:{channel}:{i}"))
    messages += await _people_messages(services, fresh, data)
    if not await repo.claim_post(fresh.id, messages):
        return False
    services.wake_sender()
    outs = await files(services, fresh, data, settings.locale)
    for channel, chat_id in services.secretariat_chats():
        if channel in services.deliverers:
            try:
                await _texts_sent(services, batch, channel)
                await services.deliver(channel, chat_id, outs)
            except Exception:  # the files stay available from /hoidong
                log.exception("council %s: the files could not be delivered on %s",
                              fresh.id, channel)
    return True


async def _texts_sent(services: Services, batch: str, channel: str) -> None:
    """Wait (a while at most) until the outbox has sent the results' texts on a channel, so
    the minutes and the cover letter follow them in the chat rather than precede them."""
    outbox = OutboxRepository(services.db)
    loop = asyncio.get_running_loop()
    until = loop.time() + TEXTS_WAIT_SECONDS
    pause = 0.05
    while await outbox.pending_count(batch, channel) and loop.time() < until:
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)


async def files(services: Services, session: Session, data: SessionData, locale: str
                ) -> list[Out]:
    """The minutes and the cover letter with its list (DOCX, Vietnamese)."""
    from app.council.documents import cover_letter, minutes

    with use_locale(locale):
        title = _("Minutes of the council's meeting (DOCX)")
        letter_title = _("Cover letter with the list of proposals passed (DOCX)")
    outs: list[Out] = [Document(f"bien-ban-hop-hoi-dong-{session.year}-{session.id}.docx",
                                await minutes(services, session), caption(escape(title)))]
    if any(line.passed for line in data.lines):
        outs.append(Document(f"to-trinh-{session.year}-{session.id}.docx",
                             await cover_letter(services, session),
                             caption(escape(letter_title))))
    return outs


async def _people_messages(services: Services, session: Session, data: SessionData
                           ) -> list[NewMessage]:
    """The members' notice of the outcome, and the passed candidates' invitations."""
    repo = CouncilRepository(services.db)
    voters = await repo.voters(session.id)
    candidates = {c.id: c for c in await repo.candidates(session.id)}
    responders: dict[int, list[Candidate]] = {}
    for line in data.passed:
        candidate = candidates[line.candidate_id]
        for person_id in await _responders(services, candidate):
            responders.setdefault(person_id, []).append(candidate)
    wanted = {v.person_id for v in voters} | set(responders)
    links = await services.links.for_people(wanted)
    locales = await services.account_settings.locales(link.account for link in links.values())
    batch = f"council:{session.id}"
    messages = []
    passed = len(data.passed)
    for person_id, link in links.items():
        locale = normalize_locale(locales.get(link.account), services.settings.locale)
        chat = native_chat_id(link.channel, link.chat_id)
        with use_locale(locale):
            if any(v.person_id == person_id for v in voters):
                text = "🗳 " + escape(_("The council's ballot of {agency} for {year} is closed: "
                                       "{passed} of {total} proposals passed.").format(
                    agency=data.agency, year=data.year, passed=passed, total=len(data.lines)))
                messages.append(NewMessage(
                    batch=batch, kind="council-closed", channel=link.channel, chat_id=chat,
                    text=text, person_id=person_id,
                    buttons=[[Button(_("📊 Results"), BallotPick("x", session.id).data)]],
                    dedupe_key=f"{batch}:closed:{person_id}"))
            for candidate in responders.get(person_id, []):
                line = next(x for x in data.lines if x.candidate_id == candidate.id)
                own = candidate.subject.person_id == person_id
                text = "🏅 " + escape((_(
                    "The Emulation and Commendation Council of {agency} passed the proposal "
                    "“{title}” {year} for you.") if own else _(
                    "The Emulation and Commendation Council of {agency} passed the proposal "
                    "“{title}” {year} for {name}.")).format(
                    agency=data.agency, title=line.title_name, year=data.year,
                    name=line.name)) + "\n" + escape(_(
                        "Please complete the achievement report of the dossier: a few "
                        "questions, then you get the document to check. Send /thanhtich."))
                messages.append(NewMessage(
                    batch=batch, kind="council-report", channel=link.channel, chat_id=chat,
                    text=text, person_id=person_id,
                    buttons=[[Button(_("📝 Complete my achievements"),
                                     ReportPick("o", candidate.id).data)]],
                    dedupe_key=f"{batch}:report:{candidate.id}:{person_id}"))
    return messages


async def _responders(services: Services, candidate: Candidate) -> list[int]:
    """Who completes a candidate's report: the person; a collective's heads."""
    if candidate.subject.person_id is not None:
        return [candidate.subject.person_id]
    return [p.id for p in await services.people.heads_of(candidate.subject.org_id)]


# --- The periodic job ------------------------------------------------------------------------


async def due_period(services: Services, now: datetime) -> str | None:
    repo = CouncilRepository(services.db)
    due = await repo.due(now)
    if due:
        return f"close:{due[0].id}"
    unposted = await repo.unposted()
    return f"post:{unposted[0].id}" if unposted else None


async def run(services: Services, period: str, now: datetime) -> None:
    what, _sep, number = period.partition(":")
    repo = CouncilRepository(services.db)
    session = await repo.get(int(number))
    if session is None:
        return
    if what == "close":
        closed = await repo.close(session.id, "deadline", AuditContext.system())
        if closed is None:
            return
        session = closed
    await post(services, session)


JOBS = [PeriodicJob(JOB, due_period, run)]
