"""Digests chase only people with something left to do; they say when their figures were
taken; a unit head reminds their own people from /tiendo; the secretariat's preview goes unit
by unit. On Telegram and on Zalo."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.harness import BotHarness
from tests.progress.helpers import (
    AGENCY,
    HDND,
    HDND_HEAD,
    MONDAY,
    QH,
    QH_HEAD,
    freeze,
    link,
    open_window,
    person_id,
    register,
    settle,
)

NGA, KHANH, ANH, YEN, HA = "0979159337", "0935722539", "0973531343", "0973144429", "0903628355"
LAN, HUYEN = "0979221291", "0898285014"  # Lò Ngọc Lan, Đinh Thúy Huyền (Phòng Công tác HĐND)


@pytest.fixture
async def both(tmp_path: Path) -> AsyncIterator[BotHarness]:
    bot = BotHarness(tmp_path, zalo=True)
    await bot.start()
    try:
        await bot.import_roster()
        freeze(bot, MONDAY)
        await open_window(bot.db, 2024, date(2024, 1, 2), date(2024, 3, 31))
        yield bot
    finally:
        await bot.close()


async def _blocked(bot: BotHarness, phone: str) -> None:
    pid = await person_id(bot, phone)
    for _ in range(100):
        found = await bot.services.links.for_person(pid)
        if found is not None and found.unreachable_at is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{phone} was not marked unreachable")


async def test_nobody_with_nothing_left_is_chased_and_the_digest_says_its_time(
    both: BotHarness,
):
    # Nga was entered from paper by the office and never linked; Khánh registered on
    # Telegram, then blocked the bot; Anh blocked it before registering; Yến and Hà never
    # linked and have not registered.
    await register(both, NGA, KHANH)
    khanh = await link(both, KHANH)
    anh = await link(both, ANH)
    khanh.block_bot()
    anh.block_bot()
    await _blocked(both, KHANH)
    await _blocked(both, ANH)
    thao = await both.zalo_person(QH_HEAD)
    secretariat = both.secretariat_chat()

    await thao.send("/tiendo")
    board = await thao.expect("Tiến độ thi đua")
    assert "Số liệu đến 08:30 11/03/2024" in board.plain
    assert "Còn việc chưa làm nhưng không nhận được tin nhắn của bot:" in board.plain
    assert "Đã chặn bot (1): Phạm Ngọc Anh" in board.plain
    assert "Chưa kết nối với bot (2): Bùi Thúy Hà, Đinh Minh Yến" in board.plain
    assert "Bùi Thúy Nga" not in board.plain and "Trịnh Minh Khánh" not in board.plain

    # The weekly digest, read later, says when its figures were taken; so does the
    # secretariat's overview, which counts only who still has something to do.
    digest_time = MONDAY + timedelta(minutes=5)
    freeze(both, digest_time)
    await both.services.scheduler.tick(digest_time)
    digest = await thao.expect("tuần 11/2024", timeout=10)
    assert "Số liệu đến 08:35 11/03/2024" in digest.plain
    assert "Bùi Thúy Nga" not in digest.plain
    overview = await secretariat.expect("tuần 11/2024")
    assert "Số liệu đến 08:35 11/03/2024" in overview.plain
    assert "Đã chặn bot (1): Phạm Ngọc Anh" in overview.plain
    assert "Trịnh Minh Khánh" not in overview.plain
    assert "296 người chưa kết nối với bot." in overview.plain  # 300 − Nga, Khánh, Anh, Thảo


async def test_a_unit_head_reminds_their_own_people_from_tiendo_on_either_channel(
    both: BotHarness,
):
    await register(both, NGA)
    # Thảo (Phòng Công tác Quốc hội) uses Telegram; her people use Telegram or Zalo.
    thao = await link(both, QH_HEAD)
    anh = await both.zalo_person(ANH)
    khanh = await link(both, KHANH)
    nga = await both.zalo_person(NGA)  # registered: not reminded
    # Phương (Phòng Công tác HĐND) uses Zalo; Lan uses Telegram.
    phuong = await both.zalo_person(HDND_HEAD)
    lan = await link(both, LAN)

    await thao.send("/tiendo")
    thao_board = await thao.expect("Tiến độ thi đua")
    assert QH in thao_board.plain and HDND not in thao_board.plain
    await thao.tap("🔔 Nhắc việc (2)", message=thao_board)
    result = await thao.expect("Đã gửi nhắc việc tới 2 người")
    assert "Phạm Ngọc Anh, Trịnh Minh Khánh" in result.plain
    to_anh = await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh", timeout=10)
    assert f"Người nhắc: Hồ Kim Thảo, Trưởng phòng – {QH} – {AGENCY}" in to_anh.plain
    assert any("Đăng ký" in o.label for o in anh.options(to_anh))
    to_khanh = await khanh.expect("Kính gửi anh/chị Trịnh Minh Khánh", timeout=10)
    assert [b.callback_data for row in to_khanh.buttons for b in row] == ["open:register"]
    await nga.expect_silence(0.2)
    await lan.expect_silence(0.05)

    await phuong.send("/tiendo")
    board = await phuong.expect("Tiến độ thi đua")
    assert HDND in board.plain and QH not in board.plain
    assert "Gõ số của “Nhắc việc”" in board.plain
    await phuong.tap("🔔 Nhắc việc (1)", message=board)
    result = await phuong.expect("Đã gửi nhắc việc tới 1 người: Lò Ngọc Lan")
    await lan.expect("Kính gửi anh/chị Lò Ngọc Lan", timeout=10)
    await anh.expect_silence(0.2)

    # Once a day, whoever asks: /tiendo offers no reminder while everybody it would reach
    # was reminded today, and an earlier "Remind" reminds nobody twice.
    await phuong.send("/tiendo")
    board = await phuong.expect("Tiến độ thi đua")
    assert not any("Nhắc việc" in o.label for o in phuong.options(board))
    assert "Gõ số của “Nhắc việc”" not in board.plain
    await thao.tap("🔔 Nhắc việc", message=thao_board)
    again = await thao.expect("Không có lời nhắc mới nào được gửi")
    assert "Đã được nhắc hôm nay: Phạm Ngọc Anh, Trịnh Minh Khánh" in again.plain
    await settle(both)
    await lan.expect_silence(0.2)


async def test_the_secretariats_preview_goes_unit_by_unit(both: BotHarness):
    await register(both, NGA)
    await link(both, KHANH)
    await both.zalo_person(LAN)
    clerk = await both.zalo_person("0899967996")
    group = both.zalo_secretariat_chat()
    await group.send(clerk, "/nhacnho")
    scopes = await group.expect("Chọn phạm vi nhắc việc")
    await group.tap("Toàn bộ", by=clerk, message=scopes)
    what = await group.expect("Nhắc việc về nội dung nào?")
    await group.tap("Đăng ký thi đua năm 2024", by=clerk, message=what)
    preview = await group.expect("Chưa thực hiện: 299 người")
    assert len(preview.plain) <= 2000  # one Zalo message, its choices included
    # 300 people do not fit unit by unit with their names in one Zalo message: by agency.
    lines = preview.plain.splitlines()
    assert "Theo cơ quan:" in lines
    assert f"🏢 {AGENCY}: sẽ nhắc việc: 2 người; không liên lạc được qua bot: 19 người" in lines
    assert "🏢 Sở Nội vụ: không liên lạc được qua bot: 72 người" in lines
    # No paragraph of hundreds of names.
    assert max(len(line) for line in lines) < 400

    telegram = both.secretariat_chat()
    member = both.user(9001, "Hằng")
    await telegram.send(member, "/nhacnho")
    await telegram.expect("Chọn phạm vi nhắc việc")
    await telegram.tap(AGENCY, by=member)
    await telegram.expect("Nhắc việc về nội dung nào?")
    await telegram.tap("Đăng ký thi đua năm 2024", by=member)
    preview = await telegram.expect("Theo đơn vị:")
    assert f"🏢 {QH} – {AGENCY}: sẽ nhắc việc: 1 người; không liên lạc được qua bot: 4 " \
        "người\n📵 Chưa kết nối với bot (4): Phạm Ngọc Anh, Bùi Thúy Hà, Hồ Kim Thảo, Đinh " \
        "Minh Yến" in preview.plain
    assert f"🏢 {HDND} – {AGENCY}: sẽ nhắc việc: 1 người; không liên lạc được qua bot: 6 " \
        "người" in preview.plain
    assert "Bùi Thúy Nga" not in preview.plain
