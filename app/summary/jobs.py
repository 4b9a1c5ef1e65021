"""The summary posts itself to the secretariat's chats (Telegram's and Zalo's groups): a daily
digest while a registration window is open, and the final summary once its deadline has passed.

Both are `PeriodicJob`s (app.features, run by bot.schedule): due periods come from the
database, `job_runs` makes each happen once. Nothing is triggered by a registration itself,
so a rush of registrations never causes a rush of messages.

* Daily digest (`summary-daily-digest`, period = the day, from THIDUA_DAILY_DIGEST_TIME):
  per open window, the changes since the window's last digest (people registered, counts per
  title, flags, warnings that came or went). Its snapshot and its messages are written in one
  transaction (the messages go through the outbox, deduplicated per window and day), so a
  digest is either fully recorded and queued or not at all, and the next one compares with
  exactly what was last posted. A day without changes records its snapshot and posts nothing.
* Final summary (`summary-final`, period = day and window, from THIDUA_DIGEST_TIME the day
  after the deadline): the full summary text through the outbox (deduplicated per window,
  day, channel and part), then, once the outbox has sent it, the chart, XLSX and DOCX
  delivered directly (files cannot go through the text outbox; `Services.deliver`), then the
  window is closed (`closed_at`) with the final snapshot. A failure before the closing is
  retried at the next tick (the texts are not queued twice); a window whose deadline is
  extended is reopened and summarised again when it ends.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from app.events import CAPABILITIES, Channel
from app.features import PeriodicJob
from app.services import NO_ORG, Services
from app.summary.delivery import file_outputs
from app.summary.service import report_for, resolve
from app.summary.workers import render_files_in_worker
from domain.org import OrgTree
from domain.rules import RuleSet, load_ruleset
from domain.summary_digest import compare, take_snapshot
from domain.summary_request import SummaryRequest
from domain.windows import RegistrationWindow
from locales import use_locale
from reports.messages import split_blocks
from reports.summary_digest import digest_blocks, final_intro
from reports.summary_text import CHAT_ROWS, summary_blocks
from storage.audit import AuditContext
from storage.links import native_chat_id
from storage.outbox import NewMessage, OutboxRepository
from storage.summary import SummaryStore
from storage.windows import WindowRepository

log = logging.getLogger(__name__)
DAILY_JOB = "summary-daily-digest"
FINAL_JOB = "summary-final"
# How long the final summary's files wait for its texts to leave the outbox (a group gets
# 20 messages a minute): after that they are delivered anyway, out of order but not lost.
TEXTS_WAIT_SECONDS = 300.0


def _limit(channel: str) -> int:
    """Characters in one message of a channel."""
    return CAPABILITIES[Channel(channel)].max_text


def _messages(chat: tuple[str, str], batch: str, kind: str, texts: list[str]
              ) -> list[NewMessage]:
    """A post's texts for one secretariat chat, deduplicated per part. Telegram's keep the key
    they had before Zalo (`<batch>:<part>`)."""
    channel, chat_id = chat
    prefix = batch if channel == Channel.TELEGRAM.value else f"{batch}:{channel}"
    return [NewMessage(batch=batch, kind=kind, channel=channel,
                       chat_id=native_chat_id(channel, chat_id), text=text,
                       dedupe_key=f"{prefix}:{i}")
            for i, text in enumerate(texts)]


def effective_target(tree: OrgTree, window: RegistrationWindow, secretariat: int | None
                     ) -> tuple[bool, int | None]:
    """(concerns the secretariat, scope to summarise): the narrower of the window's scope and
    the secretariat's, or (False, None) when they do not overlap."""
    scope = window.scope_org_id
    if secretariat == NO_ORG or (scope is not None and scope not in tree):
        return False, None
    if secretariat is None:
        return True, scope
    if scope is None or tree.is_within(secretariat, scope):
        return True, secretariat
    if tree.is_within(scope, secretariat):
        return True, scope
    return False, None


async def _windows(services: Services, tree: OrgTree
                   ) -> list[tuple[RegistrationWindow, int | None]]:
    secretariat = await services.secretariat_scope_id(tree)
    found = []
    for window in await WindowRepository(services.db).windows():
        concerns, target = effective_target(tree, window, secretariat)
        if concerns:
            found.append((window, target))
    return sorted(found, key=lambda pair: pair[0].id)


async def _open_windows(services: Services, now: datetime
                        ) -> list[tuple[RegistrationWindow, int | None]]:
    tree = await services.orgs.tree()
    return [(w, t) for w, t in await _windows(services, tree) if w.is_open(now.date())]


async def _closing_windows(services: Services, now: datetime
                           ) -> list[tuple[RegistrationWindow, int | None]]:
    tree = await services.orgs.tree()
    return [(w, t) for w, t in await _windows(services, tree)
            if w.closed_at is None and now.date() > w.deadline]


# --- Daily digest -------------------------------------------------------------------------


async def daily_due(services: Services, now: datetime) -> str | None:
    settings = services.settings
    if not services.secretariat_chats() or now.time() < settings.daily_digest_time:
        return None
    return now.date().isoformat() if await _open_windows(services, now) else None


async def daily_run(services: Services, period: str, now: datetime) -> None:
    for window, target in await _open_windows(services, now):
        await post_digest(services, window, target, period, now)
    services.wake_sender()


async def post_digest(services: Services, window: RegistrationWindow, target: int | None,
                      period: str, now: datetime) -> bool:
    """Compare with the window's last digest, queue what changed; False if already done."""
    settings = services.settings
    store = SummaryStore(services.db)
    tree = await services.orgs.tree()
    inputs = await resolve(services, tree, [target], SummaryRequest(year=window.year),
                           ruleset=_ruleset(window), now=now)
    last = await store.last_digest(window.id)
    with use_locale(settings.locale):
        report = report_for(inputs, target)
        snapshot = take_snapshot(report.summary)
        changes = compare(last.snapshot if last else None, snapshot)
        since = last.covered_until.astimezone(settings.tz) if last else None
        blocks = [] if changes.empty else digest_blocks(
            report, changes, day=now.date(), since=since, deadline=window.deadline)
    batch = f"summary-digest:{window.id}:{period}"
    messages = [
        message for chat in services.secretariat_chats()
        for message in _messages(chat, batch, "digest", split_blocks(blocks, _limit(chat[0])))
    ]
    return await store.save_digest(
        window_id=window.id, kind="daily", period=period, covered_until=now,
        snapshot=snapshot, messages=messages, who=AuditContext.system(),
    )


def _ruleset(window: RegistrationWindow) -> RuleSet | None:
    """The window's own rule set (None if no longer packaged: the service falls back)."""
    try:
        return load_ruleset(window.ruleset_id)
    except KeyError:
        return None


# --- Final summary ------------------------------------------------------------------------


async def final_due(services: Services, now: datetime) -> str | None:
    settings = services.settings
    if not services.secretariat_chats() or now.time() < settings.digest_time:
        return None
    closing = await _closing_windows(services, now)
    return f"{now.date().isoformat()}:{closing[0][0].id}" if closing else None


async def final_run(services: Services, period: str, now: datetime) -> None:
    window_id = int(period.rsplit(":", 1)[1])
    for window, target in await _closing_windows(services, now):
        if window.id == window_id:
            await post_final(services, window, target, period, now)


async def post_final(services: Services, window: RegistrationWindow, target: int | None,
                     period: str, now: datetime) -> None:
    settings = services.settings
    tree = await services.orgs.tree()
    inputs = await resolve(services, tree, [target], SummaryRequest(year=window.year),
                           ruleset=_ruleset(window), now=now)
    with use_locale(settings.locale):
        report = report_for(inputs, target)
        blocks = [final_intro(report, window.deadline),
                  *summary_blocks(report, rows_up_to=CHAT_ROWS)]
    batch = f"summary-final:{window.id}:{period}"
    chats = services.secretariat_chats()
    queued = [_messages(chat, batch, "summary", split_blocks(blocks, _limit(chat[0])))
              for chat in chats]
    outbox = OutboxRepository(services.db)
    # First the texts (queued now: they do not wait for the files), then the files.
    await outbox.enqueue(m for messages in queued for m in messages)
    services.wake_sender()
    with use_locale(settings.locale):
        files = await render_files_in_worker(services, inputs, target)
        outs = file_outputs(files)
    posted = sum(len(messages) for messages in queued)
    for channel, chat_id in chats:
        if channel not in services.deliverers:
            continue  # the channel is not running: its texts wait in the outbox
        await _texts_sent(outbox, batch, channel)
        if await services.deliver(channel, chat_id, outs):
            posted += len(outs)
    await SummaryStore(services.db).save_digest(
        window_id=window.id, kind="final", period=period, covered_until=now,
        snapshot=take_snapshot(report.summary), messages=[], posted=posted,
        who=AuditContext.system(),
    )
    log.info("final summary of window %s posted", window.id)


async def _texts_sent(outbox: OutboxRepository, batch: str, channel: str) -> None:
    """Wait until the outbox has sent a post's texts on a channel, so its files follow them."""
    loop = asyncio.get_running_loop()
    until = loop.time() + TEXTS_WAIT_SECONDS
    pause = 0.05
    while await outbox.pending_count(batch, channel) and loop.time() < until:
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)
    if await outbox.pending_count(batch, channel):
        log.warning("final summary %s: texts still queued on %s, files delivered anyway",
                    batch, channel)


PERIODIC_JOBS = [
    PeriodicJob(DAILY_JOB, daily_due, daily_run),
    PeriodicJob(FINAL_JOB, final_due, final_run),
]
