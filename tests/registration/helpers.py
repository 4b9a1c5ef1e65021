"""People of the sample roster and small steps the registration stories share."""

from __future__ import annotations

from datetime import date, timedelta

from domain.windows import RegistrationWindow
from emulator import EmuUser
from storage.audit import AuditContext
from storage.windows import WindowRepository
from tests.harness import BotHarness

STAFF = "0935722539"  # Trịnh Minh Khánh, Nhân viên, Phòng Công tác Quốc hội
COLLEAGUE = "0973531343"  # Phạm Ngọc Anh, same unit
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, Trưởng phòng Công tác Quốc hội
OTHER_UNIT_HEAD = "0891308239"  # Trần Thúy Phương, Trưởng phòng Công tác HĐND
AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh
OTHER_AGENCY_HEAD = "0931723003"  # Đinh Hữu Dũng, Giám đốc Sở Nội vụ
SECRETARIAT = "0899967996"  # Hoàng Thúy Hằng, Văn phòng UBND tỉnh
AGENCY = "Văn phòng Đoàn ĐBQH và HĐND tỉnh"
UNIT = "Phòng Công tác Quốc hội"


def today(bot: BotHarness) -> date:
    return bot.services.now().date()


async def open_window(
    bot: BotHarness, *, starts: int = -10, ends: int = 20, year: int | None = None,
    scope_org_id: int | None = None,
) -> RegistrationWindow:
    """A window of this year (by default) around today: `starts`/`ends` days from today."""
    day = today(bot)
    return await WindowRepository(bot.db).open_window(
        year or day.year, scope_org_id, day + timedelta(days=starts),
        day + timedelta(days=ends), AuditContext.cli(),
    )


async def tick_and_continue(user: EmuUser, *titles: str) -> None:
    """Tick titles on the titles screen (each tap edits it), then Continue."""
    for title in titles:
        await user.tap(f"☐ {title}")
        screen = await user.expect("Chọn danh hiệu")
        assert screen.has_button(f"☑ {title}")
    await user.tap("Tiếp tục ➡️")
