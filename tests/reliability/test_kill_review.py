"""SIGKILL while people assess their year (/danhgia): every answer the bot acknowledged is in
the database after each restart, and every assessment ends confirmed once, with its rating.
The same killer, process and points as tests/reliability/test_kill.py."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from datetime import date
from pathlib import Path

from domain.roster import parse_roster
from emulator import BotApiEmulator, BotMessage
from storage.audit import AuditContext
from storage.db import Database
from storage.links import LinkRepository
from storage.people import PeopleRepository
from storage.reviews import ReviewRepository
from storage.roster import apply_roster
from tests.harness import BLOC, SAMPLE_ROSTER, TOKEN
from tests.reliability.figures import FIGURES
from tests.reliability.process import BotProcess, Killer, no_secrets_in
from tests.reliability.test_kill import KILLS, SEED, inbox_drained, next_screen, roster_people

RATING = "Hoàn thành tốt nhiệm vụ"  # code "good"


def assessment_state(path: Path, year: int, person_ids: dict[str, int]) -> dict[str, list]:
    """Per phone: (rating, status) of each stored assessment of the year."""
    with sqlite3.connect(path) as conn:
        return {phone: conn.execute(
            "SELECT rating, status FROM assessments WHERE year = ? AND person_id = ?",
            (year, person_id)).fetchall() for phone, person_id in person_ids.items()}


def actionable(event: BotMessage) -> str | None:
    text = event.plain
    if "Đã xác nhận lúc" in text:
        return "done"
    if "Mức xếp loại chất lượng năm" in text and event.has_button(RATING):
        return "rating"
    if "Sáng kiến, đề tài năm" in text and event.has_button("Tiếp tục ➡️"):
        return "continue"
    if "Xem lại" in text and event.has_button("✅ Xác nhận"):
        return "confirm"
    return None


async def test_killed_while_people_assess_their_year_no_answer_is_lost(tmp_path: Path):
    rng = random.Random(SEED + 2)
    people = roster_people(max(3, KILLS // 3))
    database = tmp_path / "thidua.sqlite3"
    year = date.today().year
    async with Database(database) as db:  # roster, links and an open review, set up directly
        roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
        await apply_roster(db, roster, AuditContext.cli())
        person_ids = {}
        for index, (phone, _name) in enumerate(people):
            person = await PeopleRepository(db).by_phone(phone)
            person_ids[phone] = person.id
            await LinkRepository(db).link(person, "telegram", 530_000_000 + index,
                                          530_000_000 + index, "contact", AuditContext.cli())
        await ReviewRepository(db).open(year, None, "nd152-2025", AuditContext.cli())

    async with BotApiEmulator(token=TOKEN) as emu, BotProcess(emu, tmp_path) as bot:
        killer = Killer(bot, rng, kills=KILLS, steps=4 * len(people))
        acknowledged: dict[str, bool] = {phone: False for phone, _n in people}
        taps: list[asyncio.Task] = []
        for index, (phone, name) in enumerate(people):
            user = emu.user(530_000_000 + index, name.split()[-1], phone=phone)
            action: str | None = "start"
            screen: BotMessage | None = None
            for _step in range(40):
                if action == "done":
                    break
                point = killer.plan()
                killer.arm(point, user.id)
                seen = len(user.events)
                if action == "start":
                    await user.send("/danhgia")
                else:
                    label = {"rating": RATING, "continue": "Tiếp tục ➡️",
                             "confirm": "✅ Xác nhận"}[action]
                    taps.append(asyncio.create_task(user.tap(label, message=screen, timeout=60)))
                await killer.strike(point, user, seen)
                if point is not None:  # after a restart, everything acknowledged is stored
                    stored = assessment_state(database, year, person_ids)[phone]
                    if acknowledged[phone]:
                        assert stored and stored[0][0] == "good", (phone, stored)
                    await inbox_drained(database)
                previous = action
                action, screen = await next_screen(user, actionable)
                if action in ("continue", "confirm", "done") and previous == "rating":
                    acknowledged[phone] = True
                if action is None:
                    action = "start"
            else:
                history = "\n".join(e.describe() for e in user.events[-12:])
                raise AssertionError(f"{name} never got to confirm:\n{history}")
        for task in taps:
            await task

    for phone, stored in assessment_state(database, year, person_ids).items():
        assert stored == [("good", "confirmed")], (phone, stored)
    FIGURES["replayed"] += bot.replayed()
    assert len(killer.done) == KILLS, killer.done
    assert no_secrets_in(bot.log_text(), [p for p, _n in people]) == []
    assert "Traceback" not in bot.log_text()
