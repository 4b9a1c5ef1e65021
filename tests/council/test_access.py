"""Who may open, vote, see counts and download, beyond the matrix of
tests/reliability/test_authorization.py (whose actors are neither members nor candidates):
a secretariat scoped to another agency reaches nothing of Sở Nội vụ's council, forged choices
included; a member sees no count before the close, even by forging the results choice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.council import service
from storage.audit import AuditContext
from storage.council import CouncilRepository
from tests.council.helpers import AGENCY, COUNCIL, SECRETARIAT, set_up_council
from tests.harness import BotHarness

OTHER_SCOPE = "Văn phòng Ủy ban nhân dân tỉnh"
EXPIRED = "Nút này đã hết hiệu lực. Vui lòng dùng tin nhắn mới nhất."


async def test_a_secretariat_of_another_scope_reaches_nothing(tmp_path: Path):
    bot = BotHarness(tmp_path, secretariat_scope=OTHER_SCOPE)
    await bot.start()
    try:
        await bot.import_roster()
        year = bot.services.now().year
        council = await set_up_council(bot, year)
        member = await bot.person_user(COUNCIL[2])
        tree = await bot.services.orgs.tree()
        plan = await service.plan(bot.services, tree, council.agency_id, year, "chat",
                                  bot.services.now() + timedelta(days=1))
        session = await service.open_session(bot.services, tree, plan, AuditContext.cli())
        await member.expect("Phiếu bầu của Hội đồng", timeout=10)
        hang = await bot.person_user(SECRETARIAT)
        tomorrow = (bot.services.now() + timedelta(days=1)).strftime("%d/%m/%Y")

        await hang.send("/hoidong")
        overview = await hang.expect()
        assert AGENCY not in overview.plain
        await hang.send(f"/hoidong mo {year} {tomorrow} {AGENCY}")
        refused = await hang.expect()
        assert "Mở phiên bỏ phiếu" not in refused.plain

        # Every choice of the secretariat's screens, forged for Sở Nội vụ's session: expired.
        stamp = "x"
        forged = [f"cs:a:{council.agency_id}", f"cs:op:{council.agency_id}:{year}:{stamp}:chat",
                  f"cs:o:{council.agency_id}:{year}:{stamp}:chat"]
        forged += [f"cs:{action}:{session.id}" for action in
                   ("s", "w", "pc", "cl", "cy", "dm", "dt", "dr", "x")]
        for data in forged:
            answer = await hang.tap_data(overview, data)
            assert answer.text == EXPIRED, (data, answer.text)
        await hang.expect_silence()
        assert (await CouncilRepository(bot.db).get(session.id)).is_open
    finally:
        await bot.close()


async def test_a_member_sees_no_count_before_the_close(cbot: BotHarness):
    bot = cbot
    year = bot.services.now().year
    council = await set_up_council(bot, year)
    member = await bot.person_user(COUNCIL[3])
    zalo = await bot.zalo_person(COUNCIL[4])
    tree = await bot.services.orgs.tree()
    plan = await service.plan(bot.services, tree, council.agency_id, year, "chat",
                              bot.services.now() + timedelta(days=1))
    session = await service.open_session(bot.services, tree, plan, AuditContext.cli())
    invitation = await member.expect("Phiếu bầu của Hội đồng", timeout=10)
    answer = await member.tap_data(invitation, f"cv:x:{session.id}")
    shown = (answer.text or "") + "".join(m.plain for m in member.drain())
    assert "Kết quả chỉ được công bố khi phiên bỏ phiếu kết thúc." in shown
    assert "đồng ý ·" not in shown and "Được thông qua" not in shown
    await zalo.expect("Phiếu bầu của Hội đồng", timeout=10)
    await zalo.send("/bophieu")
    ballot = await zalo.expect()
    assert "Được thông qua" not in ballot.plain and "Kết quả bỏ phiếu" not in ballot.plain
