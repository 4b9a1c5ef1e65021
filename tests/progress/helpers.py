"""Progress test helpers: people of one agency of the sample roster, and the data they act on.

Windows, registrations, campaigns and commitments go through the registration and campaign
features' own APIs (window opening, the bulk import, campaign files and launch); stories that
matter also register and commit through the bot itself.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from textwrap import dedent
from zoneinfo import ZoneInfo

from app.campaigns.service import launch, load_file
from app.imports.registrations import apply_import
from domain.registration_import import parse_registration_file
from emulator import BotMessage, EmuUser
from storage.audit import AuditContext
from storage.campaigns import AckResult, CampaignRepository
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.windows import WindowRepository
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
    await bot.services.links.link(person, "telegram", user.id, user.id, "contact",
                                  AuditContext.cli())
    return user


async def person_id(bot: BotHarness, phone: str) -> int:
    person = await bot.services.people.by_phone(phone)
    assert person is not None, phone
    return person.id


async def open_window(db: Database, year: int, opens_on: date, deadline: date,
                      scope_org_id: int | None = None) -> int:
    """A registration window, opened as the secretariat opens it (/dotdangky)."""
    window = await WindowRepository(db).open_window(
        year, scope_org_id, opens_on, deadline, AuditContext.cli())
    return window.id


async def _import(bot: BotHarness, rows: list[str]) -> None:
    """Registrations through the bulk import (`thidua registrations import`)."""
    content = ("year,agency,unit,full_name,phone,title\n" + "\n".join(rows) + "\n").encode()
    file = parse_registration_file(content, "dang-ky.csv")
    assert file.ok, file.problems
    plan = await apply_import(bot.db, file, AuditContext.cli())
    assert plan.ok and plan.has_changes


async def _row_of(bot: BotHarness, phone: str) -> tuple[str, str, str]:
    person = await bot.services.people.by_phone(phone)
    assert person is not None
    tree = await bot.services.orgs.tree()
    agency = tree.agency_of(person.org_id)
    assert agency is not None
    unit = "" if person.org_id == agency.id else tree.get(person.org_id).name
    return agency.name, unit, person.full_name


def _csv(*values: object) -> str:
    return ",".join(f'"{v}"' if "," in str(v) else str(v) for v in values)


async def register(bot: BotHarness, *phones: str, year: int = 2024) -> None:
    """Confirmed individual registrations (Lao động tiên tiến), imported."""
    rows = []
    for phone in phones:
        agency, unit, name = await _row_of(bot, phone)
        rows.append(_csv(year, agency, unit, name, phone, "LDTT"))
    await _import(bot, rows)


async def register_collective(bot: BotHarness, agency: str, unit: str,
                              year: int = 2024) -> None:
    """A unit's collective registration (Tập thể lao động tiên tiến), imported."""
    await _import(bot, [_csv(year, agency, unit, "", "", "TTLDTT")])


def campaign_file(code: str, name: str, scope: str, start: date, end: date,
                  deadline: date) -> bytes:
    return dedent(f"""\
        code: {code}
        name: {name}
        issuer: Văn phòng Đoàn ĐBQH và HĐND tỉnh
        scope: {scope}
        period:
          start: {start.isoformat()}
          end: {end.isoformat()}
        ack_deadline: {deadline.isoformat()}
        sections:
          - title: Chỉ tiêu thi đua cụ thể
            targets:
              - text: 100% công chức cam kết thực hiện phong trào.
                measure: acknowledgement_rate
        """).encode()


async def launch_campaign(bot: BotHarness, code: str, name: str, ack_deadline: date,
                          scope: str = "Văn phòng Đoàn ĐBQH và HĐND tỉnh", *,
                          start: date | None = None, end: date | None = None) -> int:
    """A campaign loaded from its file and launched, as the secretariat does (/phongtrao)."""
    start = start or date(ack_deadline.year, 1, 1)
    end = end or date(ack_deadline.year, 3, 31)
    content = campaign_file(code, name, scope, start, end, ack_deadline)
    check, campaign_id = await load_file(bot.services, content, f"{code}.yaml",
                                         AuditContext.cli())
    assert campaign_id is not None, check.problems
    campaign = await CampaignRepository(bot.db).get(campaign_id)
    assert campaign is not None
    assert await launch(bot.services, campaign, AuditContext.cli()) is not None
    return campaign_id


async def acknowledge(bot: BotHarness, campaign_id: int, phone: str) -> None:
    """A commitment as the campaign feature records it (the reader's button does the same)."""
    result = await CampaignRepository(bot.db).acknowledge(
        campaign_id, await person_id(bot, phone), "telegram", AuditContext.cli(),
        bot.services.now(), late=False)
    assert result == AckResult.RECORDED


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
    assert bot.services.senders
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
    await chat.expect("Nhắc việc về nội dung nào?")
    await chat.tap(what, by=member)
    return await chat.expect("Chưa thực hiện")


async def confirm_reminders(bot: BotHarness) -> None:
    chat = bot.secretariat_chat()
    await chat.tap("Gửi nhắc việc", by=bot.user(9001, "Hằng"))
    await chat.expect("Đã gửi nhắc việc tới")
