"""`thidua digest --now` and `thidua remind`, while the bot runs on the same database."""

from __future__ import annotations

import argparse
from datetime import date, timedelta

import pytest

from bot.cli.progress import digest_command, remind_command
from domain.progress import week_period
from tests.harness import BotHarness
from tests.progress.helpers import (
    AGENCY,
    QH,
    QH_HEAD,
    launch_campaign,
    link,
    open_window,
    register,
    settle,
)

ANH, KHANH, LAN = "0973531343", "0935722539", "0979221291"


def _args(**values: object) -> argparse.Namespace:
    defaults: dict[str, object] = {"now": False, "agency": None, "what": None, "dry_run": False}
    return argparse.Namespace(**{**defaults, **values})


@pytest.fixture
def today(bot: BotHarness) -> date:
    """The command line reads the wall clock: windows are opened around today."""
    return bot.services.now().date()


async def test_digest_now_sends_this_weeks_digest_once(bot: BotHarness, today: date,
                                                       capsys: pytest.CaptureFixture[str]):
    await open_window(bot.db, today.year, today - timedelta(days=5), today + timedelta(days=25))
    await register(bot, KHANH, year=today.year)
    thao = await link(bot, QH_HEAD)
    secretariat = bot.secretariat_chat()
    period = week_period(today)

    assert await digest_command(_args(now=True), bot.settings()) == 0
    out = capsys.readouterr().out
    assert f"Bản tin tiến độ {period}: 2 người nhận, 2 tin nhắn mới." in out
    assert "Đã gửi: 2; không liên lạc được: 0; lỗi: 0; đang chờ gửi: 0." in out
    digest = await thao.expect("Tiến độ thi đua")
    assert QH in digest.plain and "1/6 (17%)" in digest.plain
    await secretariat.expect("Tiến độ thi đua")

    assert await digest_command(_args(now=True), bot.settings()) == 0
    assert "0 tin nhắn mới" in capsys.readouterr().out
    assert await digest_command(_args(), bot.settings()) == 0
    assert "Dùng --now để gửi ngay." in capsys.readouterr().out
    await thao.expect_silence(0.3)
    assert len(thao.messages) == 1


async def test_remind_an_agency_from_the_command_line(bot: BotHarness, today: date,
                                                      capsys: pytest.CaptureFixture[str]):
    await open_window(bot.db, today.year, today - timedelta(days=5), today + timedelta(days=25))
    await launch_campaign(bot, "vpdbqh-q", "Phong trào thi đua đợt I", today + timedelta(days=9),
                          start=today - timedelta(days=5), end=today + timedelta(days=60))
    await register(bot, KHANH, year=today.year)
    anh, khanh, lan = [await link(bot, p) for p in (ANH, KHANH, LAN)]

    assert await remind_command(_args(agency="van phong doan", what=["registration"],
                                      dry_run=True), bot.settings()) == 0
    out = capsys.readouterr().out
    assert f"Phạm vi: {AGENCY}" in out
    assert "sẽ nhắc việc: 2 người" in out and "Chạy thử" in out
    await anh.expect_silence(0.2)

    assert await remind_command(_args(agency="van phong doan", what=["registration"]),
                                bot.settings()) == 0
    out = capsys.readouterr().out
    assert "Đã gửi nhắc việc tới 2 người: Phạm Ngọc Anh, Lò Ngọc Lan" in out
    assert "Đã gửi: 2;" in out
    reminder = await anh.expect("Kính gửi anh/chị Phạm Ngọc Anh")
    assert "Người nhắc: Thường trực Hội đồng Thi đua – Khen thưởng" in reminder.plain
    assert "Cam kết thực hiện" not in reminder.plain
    await lan.expect("Kính gửi anh/chị Lò Ngọc Lan")
    await khanh.expect_silence(0.1)

    # The campaign, the same day: they were reminded already; Khánh was not.
    assert await remind_command(_args(what=["campaign", "VPDBQH-Q"]), bot.settings()) == 0
    out = capsys.readouterr().out
    assert "Đã gửi nhắc việc tới 1 người: Trịnh Minh Khánh" in out
    assert "Đã được nhắc hôm nay: Phạm Ngọc Anh, Lò Ngọc Lan" in out
    await khanh.expect("Cam kết thực hiện: Phong trào thi đua đợt I")
    await settle(bot)
    await anh.expect_silence(0.2)


async def test_remind_refuses_what_it_cannot_do(bot: BotHarness, today: date,
                                                capsys: pytest.CaptureFixture[str]):
    await open_window(bot.db, today.year, today - timedelta(days=5), today + timedelta(days=25))
    assert await remind_command(_args(agency="Sở"), bot.settings()) == 1
    assert "Không xác định được đúng một cơ quan" in capsys.readouterr().err
    assert await remind_command(_args(what=["campaign", "nope"]), bot.settings()) == 1
    assert "Hiện không có nội dung nào như vậy đang mở." in capsys.readouterr().err
    assert await remind_command(_args(what=["everything"]), bot.settings()) == 1
    assert "--what" in capsys.readouterr().err
