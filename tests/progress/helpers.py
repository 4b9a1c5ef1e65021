"""Progress test helpers: people of one agency of the sample roster, and the data they act on.

Registrations and acknowledgements are written straight into their tables (schemas 0002 and
0003), as the registration and campaign features store them.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from emulator import BotMessage, EmuUser
from storage.audit import AuditContext
from storage.db import Database, to_db_time, utcnow
from storage.outbox import OutboxRepository
from tests.harness import SAMPLE_ROSTER, BotHarness

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = "Văn phòng Đoàn ĐBQH và HĐND tỉnh"
AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Chánh Văn phòng

QH = "Phòng Công tác Quốc hội"
QH_HEAD = "0939363303"  # Hồ Kim Thảo
QH_STAFF = {
    "0979159337": "Bùi Thúy Nga",
    "0935722539": "Trịnh Minh Khánh",
    "0973531343": "Phạm Ngọc Anh",
    "0973144429": "Đinh Minh Yến",
    "0903628355": "Bùi Thúy Hà",
}
HDND = "Phòng Công tác HĐND"
HDND_HEAD = "0891308239"  # Trần Thúy Phương
HDND_STAFF = {
    "0979221291": "Lò Ngọc Lan",
    "0898285014": "Đinh Thúy Huyền",
    "0903727547": "Trần Đức Hưng",
    "0979232463": "Nông Thanh Phương",
    "0895038603": "Ngô Phương Nhung",
    "0975085842": "Sùng Phương Dợ",
}
HCTC = "Phòng Hành chính - Tổ chức - Quản trị"
HCTC_HEAD = "0902054472"  # Phạm Xuân Cường
SECRETARIAT = "0899967996"  # Hoàng Thúy Hằng

# A Monday morning inside the 2024 registration window.
MONDAY = datetime(2024, 3, 11, 8, 30, tzinfo=TZ)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def freeze(bot: BotHarness, now: datetime) -> None:
    """The bot's clock reads `now` (digest buttons, reminders' dates, /progress)."""
    bot.services.clock = lambda: now


async def link(bot: BotHarness, phone: str) -> EmuUser:
    """A Telegram user for this roster person, linked without the /start dialogue."""
    user = await bot.person_user(phone, link=False)
    person = await bot.services.people.by_phone(phone)
    assert person is not None
    await bot.services.links.link(person, user.id, user.id, "contact", AuditContext.cli())
    return user


async def person_id(bot: BotHarness, phone: str) -> int:
    person = await bot.services.people.by_phone(phone)
    assert person is not None, phone
    return person.id


async def open_window(db: Database, year: int, opens_on: date, deadline: date,
                      scope_org_id: int | None = None) -> int:
    now = to_db_time(utcnow())
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO registration_windows (year, scope_org_id, opens_on, deadline, ruleset_id,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, 'nd152-2025', ?, ?)",
            (year, scope_org_id, opens_on.isoformat(), deadline.isoformat(), now, now),
        )
        return int(cursor.lastrowid or 0)


async def register(bot: BotHarness, phone: str, year: int = 2024) -> None:
    """A confirmed individual registration (LDTT), as the registration feature stores it."""
    person = await bot.services.people.by_phone(phone)
    assert person is not None
    now = to_db_time(utcnow())
    async with bot.db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO registrations (year, subject_kind, person_id, org_id, status, reference,"
            " created_at, updated_at, confirmed_at) VALUES (?, 'person', ?, ?, 'confirmed', ?,"
            " ?, ?, ?)",
            (year, person.id, person.org_id, f"{year}-{person.id:06d}", now, now, now),
        )
        await conn.execute(
            "INSERT INTO registration_titles (registration_id, title) VALUES (?, 'LDTT')",
            (cursor.lastrowid,),
        )


async def register_collective(bot: BotHarness, org_id: int, year: int = 2024) -> None:
    now = to_db_time(utcnow())
    await bot.db.execute(
        "INSERT INTO registrations (year, subject_kind, org_id, status, reference, created_at,"
        " updated_at, confirmed_at) VALUES (?, 'unit', ?, 'confirmed', ?, ?, ?, ?)",
        (year, org_id, f"{year}-U{org_id:05d}", now, now, now),
    )


async def launch_campaign(db: Database, code: str, name: str, ack_deadline: date,
                          scope_org_id: int | None = None, *, start: date | None = None,
                          end: date | None = None) -> int:
    now = to_db_time(utcnow())
    start = start or date(ack_deadline.year, 1, 1)
    end = end or date(ack_deadline.year, 3, 31)
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO campaigns (code, name, issuer, scope_org_id, period_start, period_end,"
            " ack_deadline, document, source, status, launched_at, created_at, updated_at)"
            " VALUES (?, ?, 'Văn phòng', ?, ?, ?, ?, '{}', '', 'launched', ?, ?, ?)",
            (code, name, scope_org_id, start.isoformat(), end.isoformat(),
             ack_deadline.isoformat(), now, now, now),
        )
        return int(cursor.lastrowid or 0)


async def acknowledge(bot: BotHarness, campaign_id: int, phone: str) -> None:
    await bot.db.execute(
        "INSERT INTO acknowledgements (campaign_id, person_id, at, channel)"
        " VALUES (?, ?, ?, 'telegram')",
        (campaign_id, await person_id(bot, phone), to_db_time(utcnow())),
    )


async def org_id(bot: BotHarness, name: str) -> int:
    tree = await bot.services.orgs.tree()
    found = [u.id for u in tree.walk() if u.name == name]
    assert len(found) == 1, name
    return found[0]


async def until(condition: Callable[[], Awaitable[bool]], what: str,
                seconds: float = 5.0) -> None:
    """Wait for something the bot does after its reply (polling the database)."""
    for _ in range(int(seconds / 0.02)):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {seconds}s: {what}")


async def reachable(bot: BotHarness, phone: str) -> bool:
    link = await bot.services.links.for_person(await person_id(bot, phone))
    return link is not None and link.unreachable_at is None


async def settle(bot: BotHarness, seconds: float = 30.0) -> None:
    """Wait until the bot's sender has sent everything queued."""
    assert bot.services.sender is not None
    repo = OutboxRepository(bot.db)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while await repo.pending_count():
        assert loop.time() < deadline, "the outbox did not drain"
        await asyncio.sleep(0.05)


def roster_phones(agency: str, *, role: str | None = None) -> list[str]:
    """Phones of the sample roster's people of one agency, in file order."""
    with SAMPLE_ROSTER.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["phone"] for r in rows
            if r["agency"] == agency and (role is None or r["role"] == role)]


async def remind_agency(bot: BotHarness, agency: str, what: str) -> BotMessage:
    """The secretariat taps through /remind for one agency; returns the preview."""
    chat = bot.secretariat_chat()
    member = bot.user(9001, "Hằng")
    await chat.send(member, "/remind")
    await chat.expect("Chọn phạm vi")
    await chat.tap(agency, by=member)
    await chat.expect("Nhắc nhở về nội dung nào?")
    await chat.tap(what, by=member)
    return await chat.expect("Chưa thực hiện")


async def confirm_reminders(bot: BotHarness) -> None:
    chat = bot.secretariat_chat()
    await chat.tap("Gửi nhắc nhở", by=bot.user(9001, "Hằng"))
    await chat.expect("Đã gửi nhắc nhở tới")
