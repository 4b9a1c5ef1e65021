"""Secrecy by construction: an operator with the database files, the logs and the CLI tries to
find how each member voted, and cannot (docs/council.md, "Threat model").

Each of the nine members casts a ballot nobody else casts (member k disagrees with proposal k
alone), so a ballot found anywhere would name its voter. The attacker reads every row of
every table (the council's, the update inboxes, the outbox, the audit log, the chat sessions
and menus, …), the raw bytes of the database file and of its write-ahead log (deleted rows,
free pages, old page versions), and every log line the bot wrote. The same attack run while a
member is still filling in their ballot finds it: the attack works; once cast, it finds
nothing, during the session and after it closes.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.council import service
from storage.audit import AuditContext
from storage.council import CouncilRepository
from tests.council.helpers import COUNCIL, set_up_council
from tests.harness import BotHarness

TELEGRAM = COUNCIL[:5]
ZALO = COUNCIL[5:]
SCREEN_MARK = re.compile(r"\b(\d{1,2})\. [^\n\"]*?: ❌ Không đồng ý")


@dataclass
class Voter:
    phone: str
    person_id: int
    name: str
    identifiers: set[str]  # account, user and chat ids, phone, name
    disagrees: int  # 1-based proposal: the one only this member disagrees with
    marks: str  # the ballot as a draft holds it
    salt: str = ""  # the key of their choices' codes, seen while they filled in the ballot


def dump(database: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as an operator with the file reads it."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: [dict(r) for r in connection.execute(f'SELECT * FROM "{t}"')]
                for t in tables}
    finally:
        connection.close()


def raw_files(database: Path) -> bytes:
    """The database file and its write-ahead log and index, byte for byte."""
    parts = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def evidence(voter: Voter, tables: dict[str, list[dict[str, Any]]], raw: bytes,
             logs: str) -> list[str]:
    """Everything stored that ties `voter` to their ballot."""
    found = []
    for table, rows in tables.items():
        for row in rows:
            text = json.dumps(row, ensure_ascii=False, default=str)
            mentions = any(key.endswith("person_id") and value == voter.person_id
                           for key, value in row.items())
            mentions = mentions or any(i in text for i in voter.identifiers)
            if not mentions:
                continue
            if voter.marks in text or (voter.salt and voter.salt in text):
                found.append(f"{table}: {text[:200]}")
            for match in SCREEN_MARK.finditer(text):
                if int(match[1]) == voter.disagrees:
                    found.append(f"{table} (a ballot screen): {text[:200]}")
    for line in logs.splitlines():
        if any(i in line for i in voter.identifiers) and any(
                int(m[1]) == voter.disagrees for m in SCREEN_MARK.finditer(line)):
            found.append(f"the logs: {line[:200]}")
    for name, blob in (("the files", raw.decode("latin-1")), ("the logs", logs)):
        if voter.marks in blob:
            found.append(f"{name}: the marks {voter.marks}")
        if voter.salt and voter.salt in blob:
            found.append(f"{name}: the key of the member's choices")
    return found


def ballots_anywhere(tables: dict[str, list[dict[str, Any]]], raw: bytes, logs: str
                     ) -> list[str]:
    """A ballot screen or draft stored or logged anywhere, whoever it belongs to."""
    found = [f"{t}: {json.dumps(r, ensure_ascii=False, default=str)[:160]}"
             for t, rows in tables.items() for r in rows
             if SCREEN_MARK.search(json.dumps(r, ensure_ascii=False, default=str))]
    if SCREEN_MARK.search(raw.decode("utf-8", errors="ignore")):
        found.append("the files: a ballot screen's text")
    if SCREEN_MARK.search(logs):
        found.append("the logs: a ballot screen's text")
    found += [f"council_drafts: {r}" for r in tables.get("council_drafts", [])]
    return found


async def fill_in(user, voter: Voter, *, zalo: bool) -> None:
    """Mark the ballot (everything agreed but the member's own proposal) up to its review."""
    invitation = await user.expect("Phiếu bầu của Hội đồng Thi đua – Khen thưởng", timeout=10)
    await user.tap("🗳 Bỏ phiếu", message=invitation)
    page = await user.expect("đã chọn 0/12")
    await user.tap("✅ Đồng ý tất cả đề nghị chưa chọn", message=page)
    page = await user.expect("đã chọn 12/12")
    size = 5 if zalo else 8
    for _ in range((voter.disagrees - 1) // size):
        await user.tap("Trang sau ▶", message=page)
        page = await user.expect("đã chọn 12/12")
    await user.tap(f"{voter.disagrees} ❌ Không đồng ý", message=page)
    page = await user.expect("đã chọn 12/12")
    await user.tap("📋 Xem lại và bỏ phiếu", message=page)
    await user.expect("Xem lại phiếu bầu")


async def cast(user) -> None:
    await user.tap("📥 Bỏ phiếu")
    await user.expect("Bỏ phiếu ngay?")
    await user.tap("📥 Đồng ý, bỏ phiếu")
    await user.expect("Đã bỏ phiếu")


async def test_nothing_stored_links_a_member_to_their_ballot(
        cbot: BotHarness, caplog: pytest.LogCaptureFixture):
    bot = cbot
    caplog.set_level(logging.DEBUG)
    year = bot.services.now().year
    council = await set_up_council(bot, year)
    group = bot.secretariat_chat()
    users: list[Any] = [await bot.person_user(p) for p in TELEGRAM]
    users += [await bot.zalo_person(p) for p in ZALO]
    voters = []
    for k, (phone, user) in enumerate(zip(COUNCIL, users, strict=True), start=1):
        person = await bot.services.people.by_phone(phone)
        ids = {person.phone, person.full_name, str(user.id), str(user.chat_id)}
        ids.add(f"{'telegram' if phone in TELEGRAM else 'zalo'}:{user.id}")
        marks = "y" * (k - 1) + "n" + "y" * (12 - k)
        voters.append(Voter(phone, person.id, person.full_name, ids, k, marks))
    tree = await bot.services.orgs.tree()
    plan = await service.plan(bot.services, tree, council.agency_id, year, "chat",
                              bot.services.now() + timedelta(days=2))
    session = await service.open_session(bot.services, tree, plan, AuditContext.cli())
    repo = CouncilRepository(bot.db)
    database = bot.database

    # The attack works: a member filling in their ballot has a draft, and it is found.
    await fill_in(users[0], voters[0], zalo=False)
    draft = await repo.draft(session.id, voters[0].person_id)
    assert draft is not None and draft.marks == voters[0].marks
    voters[0].salt = draft.salt
    found = evidence(voters[0], dump(database), raw_files(database), caplog.text)
    assert any(line.startswith("council_drafts") for line in found), found

    # Once cast, nothing: not in a row, not in the files, not in the logs.
    await cast(users[0])
    for k in range(1, 8):
        await fill_in(users[k], voters[k], zalo=users[k] not in users[:5])
        draft = await repo.draft(session.id, voters[k].person_id)
        assert draft is not None
        voters[k].salt = draft.salt
        await cast(users[k])
    tables, raw = dump(database), raw_files(database)
    assert (await repo.get(session.id)).is_open
    for voter in voters:
        assert evidence(voter, tables, raw, caplog.text) == [], voter.name
    assert ballots_anywhere(tables, raw, caplog.text) == []

    # The last member: the session closes, its results are posted.
    await fill_in(users[8], voters[8], zalo=True)
    voters[8].salt = (await repo.draft(session.id, voters[8].person_id)).salt
    await cast(users[8])
    await bot.services.scheduler.tick()
    assert not (await repo.get(session.id)).is_open
    await group.expect("Kết quả bỏ phiếu", timeout=10)
    tables, raw = dump(database), raw_files(database)
    for voter in voters:
        assert evidence(voter, tables, raw, caplog.text) == [], voter.name
    assert ballots_anywhere(tables, raw, caplog.text) == []

    # What is stored of the ballots: who voted (no time, no order), and counters per
    # proposal; the sum of the counters is the ballots cast, and no row is one ballot.
    assert {r["state"] for r in tables["council_voters"]} == {"voted"}
    assert set(tables["council_voters"][0]) == {"session_id", "person_id", "position", "state"}
    tally = tables["council_tally"]
    assert len(tally) == 12 and all(r["yes"] + r["no"] == 9 for r in tally)
    assert sorted(r["no"] for r in tally) == [0, 0, 0] + [1] * 9
    without_rowid = {r[0] for r in sqlite3.connect(database).execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE '%WITHOUT ROWID%'")}
    assert {"council_voters", "council_tally", "council_drafts"} <= without_rowid

    # The chats: on Telegram the ballot screen became a neutral notice (no marks kept).
    for user in users[:5]:
        assert all(not SCREEN_MARK.search(m.plain) for m in user.messages)
