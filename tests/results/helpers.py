"""People of the sample roster and the demo decision lists the results stories share."""

from __future__ import annotations

from app.results.imports import initiatives_import, results_import
from storage.audit import AuditContext
from tests.harness import DEMO, BotHarness

STAFF = "0935722539"  # Trịnh Minh Khánh, Phòng Công tác Quốc hội: CSTĐCS 2021–2024
COLLEAGUE = "0973531343"  # Phạm Ngọc Anh, same unit
NOBODY = "0979159337"  # Bùi Thúy Nga, same unit, nothing on record
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, Trưởng phòng Công tác Quốc hội
AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh
OTHER_AGENCY_HEAD = "0931723003"  # Đinh Hữu Dũng, Giám đốc Sở Nội vụ
SECRETARIAT = "0899967996"  # Hoàng Thúy Hằng, Văn phòng UBND tỉnh
OUTSIDER = "0909893580"  # Đỗ Đức Thắng, Sở Nội vụ (CSTĐ tỉnh 2024)
RESULTS = DEMO / "sample-results.csv"
INITIATIVES = DEMO / "sample-initiatives.csv"


async def import_demo_results(bot: BotHarness) -> None:
    services = bot.services
    for run, path in ((initiatives_import, INITIATIVES), (results_import, RESULTS)):
        outcome = await run(services, path.read_bytes(), path.name, None, AuditContext.cli())
        assert outcome.ok, outcome.text
