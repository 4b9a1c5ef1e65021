"""Campaign test helpers: the seed file, people of its scope, a clock, campaign files."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from textwrap import dedent

from tests.harness import DEMO, BotHarness

SEED_FILE = DEMO / "campaigns" / "vpubnd-2024-q1.md"
SEED_NAME = "Phong trào thi đua hoàn thành xuất sắc nhiệm vụ được giao Quý I năm 2024"

# Văn phòng Ủy ban nhân dân tỉnh (the seed's scope, 52 people)
MAI = "0933399675"  # Ngô Thị Mai, Phòng Tổ chức - Hành chính (7 people)
TUAN = "0934851231"  # Lê Minh Tuấn, Phòng Tổ chức - Hành chính
LAM = "0973454502"  # Hà Văn Lâm, Phòng Kinh tế (6 people)
HANG = "0899967996"  # Hoàng Thúy Hằng, secretariat, Phòng Tổ chức - Hành chính
# Outside the scope
KHANH = "0935722539"  # Trịnh Minh Khánh, Văn phòng Đoàn ĐBQH và HĐND tỉnh
DUNG = "0931723003"  # Đinh Hữu Dũng, Giám đốc Sở Nội vụ


def freeze(bot: BotHarness, when: datetime) -> None:
    """The bot's local clock (services.now) stops at `when`; call again after a restart."""
    local = when if when.tzinfo else when.replace(tzinfo=bot.services.settings.tz)
    bot.services.now = lambda: local  # type: ignore[method-assign]


def on(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour))


def campaign_yaml(
    code: str = "test-campaign",
    *,
    scope: str = "Văn phòng UBND tỉnh",
    start: date = date(2024, 1, 1),
    end: date = date(2024, 3, 31),
    deadline: date = date(2024, 1, 15),
    name: str = "Phong trào thi đua thử nghiệm",
) -> str:
    return dedent(f"""\
        code: {code}
        name: {name}
        issuer: Văn phòng UBND tỉnh Lào Cai
        scope: {scope}
        period:
          start: {start.isoformat()}
          end: {end.isoformat()}
        ack_deadline: {deadline.isoformat()}
        sections:
          - title: Mục đích
            text: |
              Thi đua hoàn thành xuất sắc nhiệm vụ
              được giao.
          - title: Chỉ tiêu thi đua cụ thể
            targets:
              - text: 100% công chức cam kết thực hiện phong trào.
                measure: acknowledgement_rate
              - text: 90% công chức đăng ký thi đua.
                measure: registration_rate
        """)


def around_today(days_left: int = 60) -> dict[str, date]:
    today = date.today()
    return {"start": today - timedelta(days=10), "end": today + timedelta(days=days_left),
            "deadline": today + timedelta(days=5)}


async def register_person(bot: BotHarness, phone: str, year: int = 2024) -> None:
    """A confirmed individual registration, as the registration feature stores it."""
    person = await bot.services.people.by_phone(phone)
    assert person is not None
    stamp = "2024-01-05T02:00:00.000000+00:00"
    await bot.db.execute(
        "INSERT INTO registrations (year, subject_kind, person_id, org_id, status, reference,"
        " created_at, updated_at, confirmed_at)"
        " VALUES (?, 'person', ?, ?, 'confirmed', ?, ?, ?, ?)",
        (year, person.id, person.org_id, f"{year}-{person.id:06d}", stamp, stamp, stamp),
    )
