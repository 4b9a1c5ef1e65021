"""Acknowledgement rates of a campaign covering part of the bloc (seed 001: Văn phòng UBND
tỉnh's Q1 2024 campaign): counted against the people of its own scope, per agency and unit."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from app.campaigns import service
from storage.audit import AuditContext
from storage.campaigns import CampaignRepository
from tests.harness import DEMO, BotHarness
from tests.summary.helpers import read_xlsx, receive_summary

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAMPAIGN = DEMO / "campaigns" / "vpubnd-2024-q1.md"
VPUBND = "Văn phòng Ủy ban nhân dân tỉnh"
VPUBND_HEAD = "0894634682"  # Lương Thanh Trang, Chánh Văn phòng


async def _launch_and_acknowledge(bot: BotHarness, count: int) -> None:
    content = await asyncio.to_thread(CAMPAIGN.read_bytes)
    check, campaign_id = await service.load_file(bot.services, content, CAMPAIGN.name,
                                                 AuditContext.cli())
    assert campaign_id is not None, check.problems
    repo = CampaignRepository(bot.db)
    assert await repo.launch(campaign_id, [], AuditContext.cli(),
                             datetime(2024, 1, 2, 8, 0, tzinfo=TZ)) is not None
    tree = await bot.services.orgs.tree()
    agency = next(a for a in tree.agencies() if a.name == VPUBND)
    people = await bot.services.people.in_orgs(tree.subtree_ids(agency.id))
    for person in people[:count]:
        await repo.acknowledge(campaign_id, person.id, "telegram", AuditContext.cli(),
                               datetime(2024, 1, 10, 9, 0, tzinfo=TZ), late=False)


async def test_rates_count_the_people_of_the_campaigns_scope(seeded: BotHarness):
    await _launch_and_acknowledge(seeded, 13)
    chat = seeded.secretariat_chat()
    clerk = seeded.user(8001, "Hằng")
    await chat.send(clerk, "/summary 2024")
    post = await receive_summary(chat)
    text = post.text
    assert "Phong trào: Phong trào thi đua hoàn thành xuất sắc nhiệm vụ được giao Quý I năm " \
           "2024 (vpubnd-2024-q1)" in text
    rows = {name: text.split(f"{i}. {name}\n", 1)[1].split("\n\n", 1)[0]
            for i, name in ((1, "Văn phòng Đoàn ĐBQH và HĐND tỉnh"), (2, VPUBND))}
    assert "Đã cam kết thực hiện phong trào: 13/52 người (25%)" in rows[VPUBND]
    assert "cam kết" not in rows["Văn phòng Đoàn ĐBQH và HĐND tỉnh"]  # outside its scope
    totals = text.split("Tổng cộng", 1)[1].split("\n\n", 1)[0]
    assert "Đã đăng ký: 16/300 người (5%) · Đã cam kết thực hiện phong trào: 13/52 người" \
        in totals

    table = read_xlsx(post.xlsx.document.data)["Tổng hợp"]
    headers = [c.value for c in table[4]]
    acked = headers.index("Đã cam kết vpubnd-2024-q1")
    values = [r[acked] for r in table.iter_rows(min_row=5, values_only=True)]
    assert values == [None, 13, None, None, None, None, None, 13]

    # The agency's head sees the same rate, and per unit.
    trang = await seeded.person_user(VPUBND_HEAD)
    await trang.send("/summary vpubnd-2024-q1")
    own = await receive_summary(trang)
    assert "Đã cam kết thực hiện phong trào: 13/52 người (25%)" in own.text


async def test_an_unknown_or_foreign_campaign_code_is_refused(seeded: BotHarness):
    await _launch_and_acknowledge(seeded, 1)
    long = await seeded.person_user("0906483756")  # head of another agency
    await long.send("/summary vpubnd-2024-q1")
    # A campaign of another agency: refused like an unknown code, with no figures.
    await long.expect("Không có phong trào thi đua đã phát động nào mang mã “vpubnd-2024-q1”")
    await long.expect_silence(0.3)
