"""SIGKILL at random points while people register on Zalo, then a restart: nothing is lost.

The bot runs as a real process (`python -m bot run` with only a Zalo token) against the Zalo
emulator and is killed at random moments of people registering their titles by typing numbers
(as soon as a line is typed, once the bot fetched it, while its reply is on its way, right
after it, a moment later), then started again. Zalo's getUpdates has no offset: an update the
platform handed out is gone from it, so the bot's inbox is the only copy.

- Every answer the bot acknowledged is in the database after each restart, the conversation
  resumes where it was, and every registration ends confirmed once, with the answers given.
- A number replayed from the inbox after a restart never acts twice (a second tick would untick
  the title): the list it answered was followed by a newer one, so it reads as a late number.
- Updates the platform delivers again (its own retries) are never processed twice: dropped
  by their message id, unanswered.
- The log holds no phone number, no token and no traceback.

THIDUA_KILLS sets how many kills (default 5), THIDUA_KILL_SEED the random points.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from domain.roster import parse_roster
from emulator.zalo import ZaloEmulator, ZaloUser
from emulator.zalo.models import ZaloMessage
from storage.audit import AuditContext
from storage.db import Database
from storage.links import LinkRepository
from storage.people import PeopleRepository
from storage.roster import apply_roster
from storage.windows import WindowRepository
from tests.harness import BLOC, SAMPLE_ROSTER, ZALO_SECRETARIAT_CHAT
from tests.reliability.figures import FIGURES, FULL
from tests.reliability.process import ROOT, BotProcess, no_secrets_in
from tests.reliability.test_kill import next_screen, registration_state, roster_people

KILLS = int(os.environ.get("THIDUA_KILLS", "5" if FULL else "3"))
SEED = int(os.environ.get("THIDUA_KILL_SEED", "20240315"))
POINTS = ["at once", "once fetched", "during the reply", "after the reply", "a moment later"]
MONTHS = "30"
RATING = "Hoàn thành tốt nhiệm vụ"  # code "good"
LATE = "danh sách cũ"  # "That number was for an earlier list…"


class ZaloBotProcess(BotProcess):
    """`python -m bot run` on Zalo alone (long polling), its log in `<tmp>/bot.log`."""

    def __init__(self, emu: ZaloEmulator, tmp_path: Path) -> None:
        self.emu = emu  # type: ignore[assignment]  # the same `calls` and `faults`
        self.database = tmp_path / "thidua.sqlite3"
        self.log = tmp_path / "bot.log"
        self.cwd = tmp_path
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "ZALO_BOT_TOKEN": emu.token,
            "ZALO_API_BASE_URL": emu.base_url,
            "THIDUA_DATABASE": str(self.database),
            "THIDUA_ZALO_SECRETARIAT_CHAT_ID": emu.group(ZALO_SECRETARIAT_CHAT,
                                                         "Thường trực TĐKT").chat_id,
            "THIDUA_BLOC_NAME": BLOC,
            "THIDUA_LOG_LEVEL": "INFO",
        }
        self.proc = None
        self.starts = 0

    async def kill(self) -> None:
        await super().kill()
        FIGURES["kills"] -= 1  # counted as a Zalo kill
        FIGURES["zalo_kills"] += 1

    def replayed(self) -> int:
        return sum(int(n) for n in re.findall(r"replaying (\d+) Zalo update",
                                              self.log_text()))


class ZaloKiller:
    """Spreads `kills` SIGKILLs over `steps` typed lines, each at a random point."""

    def __init__(self, bot: ZaloBotProcess, emu: ZaloEmulator, rng: random.Random, *,
                 kills: int, steps: int) -> None:
        self.bot, self.emu, self.rng = bot, emu, rng
        self.left, self.steps = kills, steps
        self.done: list[str] = []

    def plan(self) -> str | None:
        steps, self.steps = max(self.steps, 1), self.steps - 1
        if self.left <= 0 or self.rng.random() >= self.left / steps:
            return None
        self.left -= 1
        return self.rng.choice(POINTS)

    def arm(self, point: str | None) -> None:
        """Before the line is typed: hold the bot's reply long enough to kill it meanwhile."""
        if point == "during the reply":
            self.emu.faults.add(["sendMessage"], delay=2.0, times=1)

    async def strike(self, point: str | None, user: ZaloUser, seen: int) -> None:
        if point is None:
            return
        if point == "once fetched":
            await _until(lambda: self.emu.pending_updates == 0)
        elif point == "during the reply":
            await _until(lambda: any(c.status is None and c.method == "sendMessage"
                                     for c in self.emu.calls[-20:]))
        elif point == "after the reply":
            await _until(lambda: len(user.messages) > seen)
        elif point == "a moment later":
            await asyncio.sleep(self.rng.uniform(0, 0.08))
        await self.bot.kill()
        self.done.append(point)
        self.emu.faults.clear()
        await self.bot.start()


async def _until(condition, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while not condition():  # noqa: ASYNC110 - state of another component
                await asyncio.sleep(0.005)


def actionable(message: ZaloMessage) -> str | None:
    """What a person registering LĐTT types next on this screen (None: nothing to do)."""
    text = message.plain
    if "Số tham chiếu" in text or "Đăng ký này đã được xác nhận" in text:
        return "done"  # the confirmation, or /dangky showing it (its message was lost)
    if "☐ Lao động tiên tiến" in text:
        return "tick"
    if "☑ Lao động tiên tiến" in text and "Tiếp tục ➡️" in text:
        return "continue"
    if "Câu hỏi 1/2" in text and "Câu trả lời hiện tại" not in text:
        return "months"
    if "Câu hỏi 2/2" in text and RATING in text:
        return "rating"
    if "Xem lại" in text and "✅ Xác nhận" in text:
        return "confirm"
    return None


def pending(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute(
            "SELECT count(*) FROM zalo_inbox WHERE processed_at IS NULL").fetchone()[0])


async def inbox_drained(database: Path) -> None:
    """Until the restarted bot has processed every update it replays."""
    for _ in range(200):
        if pending(database) == 0:
            return
        await asyncio.sleep(0.05)


async def test_killed_while_people_register_on_zalo_no_answer_is_lost(tmp_path: Path):
    rng = random.Random(SEED + 7)
    people = roster_people(max(2, KILLS // 3))  # enough lines to spread the kills over
    database = tmp_path / "thidua.sqlite3"
    year = date.today().year
    async with ZaloEmulator() as emu:
        users = {phone: emu.user(540_000_000 + i, name.split()[-1])
                 for i, (phone, name) in enumerate(people)}
        async with Database(database) as db:  # roster, Zalo links, an open window
            roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
            await apply_roster(db, roster, AuditContext.cli())
            person_ids = {}
            for phone, user in users.items():
                person = await PeopleRepository(db).by_phone(phone)
                assert person is not None
                person_ids[phone] = person.id
                await LinkRepository(db).link(person, "zalo", user.id, user.id, "invite",
                                              AuditContext.cli())
            await WindowRepository(db).open_window(
                year, None, date.today() - timedelta(days=10),
                date.today() + timedelta(days=20), AuditContext.cli())

        bot = ZaloBotProcess(emu, tmp_path)
        await bot.start()
        try:
            killer = ZaloKiller(bot, emu, rng, kills=KILLS, steps=6 * len(people))
            acknowledged: dict[str, set[str]] = {phone: set() for phone in users}
            typed: list[str] = []  # message ids of every line typed
            for phone, user in users.items():
                action: str | None = "start"
                screen: ZaloMessage | None = None
                for _step in range(40):
                    if action == "done":
                        break
                    point = killer.plan()
                    killer.arm(point)
                    seen = len(user.messages)
                    if action == "start":
                        sent = await user.send("dang ky")
                    elif action == "months":
                        sent = await user.send(MONTHS)
                    else:
                        label = {"tick": "☐ Lao động tiên tiến", "continue": "Tiếp tục ➡️",
                                 "rating": RATING, "confirm": "✅ Xác nhận"}[str(action)]
                        sent = await user.tap(label, message=screen)
                    typed.append(str(sent["message_id"]))
                    await killer.strike(point, user, seen)
                    if point is not None:  # after a restart, everything acknowledged is stored
                        stored = registration_state(database, year, person_ids)[phone]
                        answers = stored["answers"] or (stored["draft"] or {})
                        if "months" in acknowledged[phone]:
                            assert answers.get("service_months") == 30, (phone, stored)
                        if "rating" in acknowledged[phone]:
                            assert answers.get("expected_rating") == "good", (phone, stored)
                        await inbox_drained(database)  # the restarted bot replays first
                    previous = action
                    action, screen = await next_screen(user, actionable)
                    if action in ("rating", "confirm", "done") and previous == "months":
                        acknowledged[phone].add("months")
                    if action in ("confirm", "done") and previous == "rating":
                        acknowledged[phone].add("rating")
                    if action is None:  # nothing to act on (a lost line): start again
                        action = "start"
                else:
                    history = "\n".join(m.describe() for m in user.messages[-12:])
                    raise AssertionError(f"{phone} never got to confirm:\n{history}")

            # The platform delivers every stored line again: none is processed a second time.
            await inbox_drained(database)
            for user in users.values():
                user.drain()
            with sqlite3.connect(database) as conn:
                in_inbox = {m for (m,) in conn.execute("SELECT message_id FROM zalo_inbox")}
            assert len(in_inbox & set(typed)) >= len(typed) - KILLS  # lost only when fetched
            for message_id in in_inbox & set(typed):
                emu.redeliver(message_id)
            await _until(lambda: emu.pending_updates == 0)
            for user in users.values():
                await user.expect_silence(0.5)
            assert pending(database) == 0
        finally:
            # Not SIGTERM: a clean stop waits for the long poll in flight (up to 10 s), and
            # stopping cleanly is test_operations' business.
            if bot.proc is not None and bot.proc.returncode is None:
                bot.proc.kill()
                await bot.proc.wait()

    state = registration_state(database, year, person_ids)
    lost = 0
    for phone, stored in state.items():
        assert stored["registrations"] == ["confirmed"], (phone, stored)
        assert stored["titles"] == {"LDTT"} and stored["draft"] is None, (phone, stored)
        if stored["answers"] != {"service_months": 30, "expected_rating": "good"}:
            lost += 1
    FIGURES["records_lost"] += lost
    FIGURES["zalo_replayed"] += bot.replayed()
    assert lost == 0, state
    assert len(killer.done) == KILLS, killer.done
    log = bot.log_text()
    assert no_secrets_in(log, list(users)) == []
    assert emu.token not in log
    assert "Traceback" not in log, log[-3000:]
