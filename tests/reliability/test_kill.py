"""SIGKILL at random points, then a restart: nothing the users did is lost.

The bot runs as a real process (`python -m bot run`) against the emulator and is killed at
random moments (as soon as an update is sent, once it was fetched, while the reply is on its
way, right after it, a moment later), then started again:

- while the secretariat imports the roster and people link their accounts: every action gets
  its answer without being sent twice (updates are replayed from the inbox), every import and
  link is in the database exactly once;
- while people register their titles: every answer the bot acknowledged is still in the
  database after each restart, the conversations resume, and every registration ends
  confirmed once, with the answers given.

The log holds no phone number and no token. THIDUA_KILLS sets how many kills per scenario
(default 5); THIDUA_KILL_SEED the random points.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from domain.roster import parse_roster
from emulator import BotApiEmulator, BotMessage
from storage.audit import AuditContext
from storage.db import Database
from storage.links import LinkRepository
from storage.people import PeopleRepository
from storage.roster import apply_roster
from storage.windows import WindowRepository
from tests.harness import BLOC, SAMPLE_ROSTER, SECRETARIAT_CHAT, TOKEN
from tests.reliability.figures import FIGURES
from tests.reliability.process import (
    APOLOGIES,
    BotProcess,
    Killer,
    expect_eventually,
    no_secrets_in,
)

KILLS = int(os.environ.get("THIDUA_KILLS", "5"))
SEED = int(os.environ.get("THIDUA_KILL_SEED", "20240315"))
APPLIED = "Tệp này đã được áp dụng."
PEOPLE = max(5, KILLS // 2)  # roster people who link their accounts meanwhile


def roster_people(count: int) -> list[tuple[str, str]]:
    """(phone, full name) of the first staff members of the sample roster."""
    rows = [line.split(",") for line in SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()[1:]
            if '"' not in line]
    return [(r[6], r[2]) for r in rows if r[5] == "staff"][:count]


def database_state(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as conn:
        return {
            "people": conn.execute("SELECT count(*) FROM people WHERE active = 1").fetchone()[0],
            "phones": conn.execute("SELECT count(DISTINCT phone) FROM people").fetchone()[0],
            "orgs": conn.execute("SELECT count(*) FROM org_units WHERE active = 1").fetchone()[0],
            "links": dict(conn.execute(
                "SELECT p.phone, l.user_id AS telegram_user_id FROM links l"
                " JOIN people p ON p.id = l.person_id").fetchall()),
            "imports": conn.execute(
                "SELECT count(*) FROM audit_log WHERE action = 'import' AND entity = 'roster'"
            ).fetchone()[0],
            "applied": conn.execute(
                "SELECT count(*) FROM pending_uploads WHERE status = 'applied'").fetchone()[0],
            "pending_updates": conn.execute(
                "SELECT count(*) FROM update_inbox WHERE processed_at IS NULL").fetchone()[0],
        }


async def test_killed_anywhere_nothing_is_lost(tmp_path: Path):
    rng = random.Random(SEED)
    people = roster_people(PEOPLE)
    steps = 2 + 3 * len(people)
    async with BotApiEmulator(token=TOKEN) as emu, BotProcess(emu, tmp_path) as bot:
        killer = Killer(bot, rng, kills=KILLS, steps=steps)

        # The secretariat sends the roster file and applies it.
        chat = emu.group(SECRETARIAT_CHAT, "Thường trực TĐKT")
        clerk = emu.user(8001, "Hằng")
        point = killer.plan()
        killer.arm(point, chat.chat_id)
        seen = len(chat.events)
        await chat.send_document(clerk, "danh-sach.csv", SAMPLE_ROSTER.read_bytes())
        await killer.strike(point, chat, seen)
        preview = await expect_eventually(chat, "Áp dụng các thay đổi trên?")

        point = killer.plan()
        killer.arm(point, chat.chat_id)
        seen = len(chat.events)
        tap = asyncio.create_task(chat.tap("✅ Áp dụng", by=clerk, message=preview, timeout=60))
        await killer.strike(point, chat, seen)
        if (await tap).text != APPLIED:
            try:
                await expect_eventually(chat, "Đã nhập danh sách cán bộ", timeout=5)
            except AssertionError:  # killed between the import and its message: tap again
                again = await chat.tap("✅ Áp dụng", by=clerk, message=preview, timeout=30)
                assert again.text == APPLIED

        # People link their accounts, then ask for help.
        users = []
        for index, (phone, name) in enumerate(people):
            user = emu.user(510_000_000 + index, name.split()[-1], phone=phone)
            users.append(user)
            for action, answer in (("start", "chia sẻ số điện thoại"),
                                   ("contact", "Đã liên kết tài khoản"),
                                   ("help", "Các lệnh anh/chị có thể dùng")):
                point = killer.plan()
                killer.arm(point, user.id)
                seen = len(user.events)
                if action == "contact":
                    await user.share_contact()
                else:
                    await user.send(f"/{action}")
                await killer.strike(point, user, seen)
                await expect_eventually(user, answer)
        # The greeting after linking lists the commands too, so a replayed greeting can stand
        # for /help's answer while /help itself is still queued: let the bot finish it first.
        await inbox_drained(tmp_path / "thidua.sqlite3")

    state = database_state(tmp_path / "thidua.sqlite3")
    lost = (300 - state["people"]) + sum(
        1 for (phone, _n), user in zip(people, users, strict=True)
        if state["links"].get(phone) != str(user.id)
    )
    FIGURES["records_lost"] += lost
    FIGURES["replayed"] += bot.replayed()
    assert lost == 0, state
    assert state["phones"] == 300 and state["orgs"] == 51
    assert state["imports"] == 1 and state["applied"] == 1  # applied once, not half, not twice
    assert state["pending_updates"] == 0
    assert len(killer.done) == KILLS, killer.done
    log = bot.log_text()
    assert no_secrets_in(log, [p for p, _n in people]) == []
    assert "Traceback" not in log, log[-3000:]


# ----------------------------------------------------------------------------- registration

MONTHS = "30"
RATING = "Hoàn thành tốt nhiệm vụ"  # code "good"


def registration_state(path: Path, year: int, person_ids: dict[str, int]) -> dict[str, dict]:
    """Per phone: the draft's and the confirmed registration's answers, as stored."""
    state: dict[str, dict] = {}
    with sqlite3.connect(path) as conn:
        for phone, person_id in person_ids.items():
            draft = conn.execute(
                "SELECT answers FROM registration_drafts WHERE year = ? AND person_id = ?",
                (year, person_id)).fetchone()
            confirmed = conn.execute(
                "SELECT id, status FROM registrations WHERE year = ? AND person_id = ?",
                (year, person_id)).fetchall()
            answers = {}
            titles = set()
            if confirmed:
                answers = {q: json.loads(v) for q, v in conn.execute(
                    "SELECT question, value FROM registration_answers WHERE registration_id = ?",
                    (confirmed[0][0],))}
                titles = {t for (t,) in conn.execute(
                    "SELECT title FROM registration_titles WHERE registration_id = ?",
                    (confirmed[0][0],))}
            state[phone] = {
                "draft": json.loads(draft[0]) if draft else None,
                "registrations": [status for _id, status in confirmed],
                "answers": answers, "titles": titles,
            }
    return state


def actionable(event: BotMessage) -> str | None:
    """What a person registering LĐTT does next on this screen (None: nothing to do)."""
    text = event.plain
    if "Số tham chiếu" in text or "Đăng ký này đã được xác nhận" in text:
        return "done"  # the confirmation, or /dangky showing it (its message was lost)
    if event.has_button("☐ Lao động tiên tiến"):
        return "tick"
    if event.has_button("☑ Lao động tiên tiến") and event.has_button("Tiếp tục ➡️"):
        return "continue"
    if "Câu hỏi 1/2" in text and "Câu trả lời hiện tại" not in text:
        return "months"
    if "Câu hỏi 2/2" in text and event.has_button(RATING):
        return "rating"
    if "Xem lại" in text and event.has_button("✅ Xác nhận"):
        return "confirm"
    return None


async def test_killed_while_people_register_no_answer_is_lost(tmp_path: Path):
    rng = random.Random(SEED + 1)
    people = roster_people(max(3, KILLS // 3))
    database = tmp_path / "thidua.sqlite3"
    async with Database(database) as db:  # roster, links and an open window, set up directly
        roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
        await apply_roster(db, roster, AuditContext.cli())
        services = PeopleRepository(db)
        person_ids = {}
        for index, (phone, _name) in enumerate(people):
            person = await services.by_phone(phone)
            person_ids[phone] = person.id
            await LinkRepository(db).link(person, "telegram", 520_000_000 + index,
                                          520_000_000 + index, "contact", AuditContext.cli())
        year = date.today().year
        await WindowRepository(db).open_window(
            year, None, date.today() - timedelta(days=10), date.today() + timedelta(days=20),
            AuditContext.cli())

    async with BotApiEmulator(token=TOKEN) as emu, BotProcess(emu, tmp_path) as bot:
        killer = Killer(bot, rng, kills=KILLS, steps=6 * len(people))
        acknowledged: dict[str, set[str]] = {phone: set() for phone, _n in people}
        taps: list[asyncio.Task] = []
        for index, (phone, name) in enumerate(people):
            user = emu.user(520_000_000 + index, name.split()[-1], phone=phone)
            action: str | None = "start"
            screen: BotMessage | None = None
            for _step in range(40):
                if action == "done":
                    break
                point = killer.plan()
                killer.arm(point, user.id)
                seen = len(user.events)
                if action == "start":
                    await user.send("/dangky")
                elif action == "months":
                    await user.send(MONTHS)
                else:
                    label = {"tick": "☐ Lao động tiên tiến", "continue": "Tiếp tục ➡️",
                             "rating": RATING, "confirm": "✅ Xác nhận"}[action]
                    taps.append(asyncio.create_task(user.tap(label, message=screen, timeout=60)))
                await killer.strike(point, user, seen)
                if point is not None:  # after a restart, everything acknowledged is stored
                    stored = registration_state(database, year, person_ids)[phone]
                    answers = stored["answers"] or (stored["draft"] or {})
                    if "months" in acknowledged[phone]:
                        assert answers.get("service_months") == 30, (phone, stored)
                    if "rating" in acknowledged[phone]:
                        assert answers.get("expected_rating") == "good", (phone, stored)
                previous = action
                if point is not None:  # the restarted bot first replays what it had taken
                    await inbox_drained(database)
                action, screen = await next_screen(user)
                if action in ("rating", "confirm", "done") and previous == "months":
                    acknowledged[phone].add("months")
                if action in ("confirm", "done") and previous == "rating":
                    acknowledged[phone].add("rating")
                if action is None:  # nothing to act on (a replayed, stale tap): resume
                    action = "start"
            else:
                history = "\n".join(e.describe() for e in user.events[-12:])
                raise AssertionError(f"{name} never got to confirm:\n{history}")
        for task in taps:
            await task

    state = registration_state(database, year, person_ids)
    for phone, stored in state.items():
        assert stored["registrations"] == ["confirmed"], (phone, stored)
        assert stored["titles"] == {"LDTT"} and stored["draft"] is None, (phone, stored)
        assert stored["answers"] == {"service_months": 30, "expected_rating": "good"}, stored
    FIGURES["replayed"] += bot.replayed()
    assert len(killer.done) == KILLS, killer.done
    assert no_secrets_in(bot.log_text(), [p for p, _n in people]) == []
    assert "Traceback" not in bot.log_text()


async def inbox_drained(database: Path) -> None:
    """Until the restarted bot has processed every update it replays."""
    for _ in range(200):
        with sqlite3.connect(database) as conn:
            pending = conn.execute(
                "SELECT count(*) FROM update_inbox WHERE processed_at IS NULL").fetchone()[0]
        if pending == 0:
            return
        await asyncio.sleep(0.05)


async def next_screen(user, actionable=actionable):  # type: ignore[no-untyped-def]
    """The newest screen the person can act on (`actionable` names what it asks; screens
    that lost their buttons are skipped; after a replay an older screen may arrive twice),
    as (action, message), or (None, None) if none comes: the update was lost with the
    process that fetched it, and the person acts again. Used by every kill test's channel."""
    while True:
        event = await user.receive(2.5)
        if event is None:
            return None, None
        found = None
        for shown in [event, *user.drain()]:
            assert not any(a in shown.plain for a in APOLOGIES), shown.plain
            action = actionable(shown)
            if action is not None:
                found = (action, shown)
        if found is not None:
            return found
