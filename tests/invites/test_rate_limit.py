"""Guessing codes is hopeless: an account that sends wrong codes is slowed down (5 failures in
15 minutes), told until when, on Telegram and on Zalo; a restart forgives nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.invite_codes import new_code
from storage.audit import AuditContext
from tests.harness import BotHarness
from tests.invites.helpers import COLLEAGUE, STAFF


async def test_five_wrong_codes_slow_a_telegram_account_down_even_across_a_restart(
        zbot: BotHarness):
    khanh = await zbot.services.people.by_phone(STAFF)
    real = await zbot.services.invites.create(khanh, timedelta(days=3), AuditContext.cli())
    guesser = zbot.user(7201, "Guess")
    for attempt in range(1, 5):
        await guesser.send(new_code())
        wrong = await guesser.expect("Mã mời không hợp lệ")
        assert "thử lại" not in wrong.plain, attempt
    await guesser.send(new_code())
    fifth = await guesser.expect("Mã mời không hợp lệ")
    assert "quá nhiều mã sai" in fifth.plain and "thử lại" in fifth.plain

    # Even the right code is not looked at now, after a restart too.
    await zbot.restart()
    await guesser.send(real)
    refused = await guesser.expect("quá nhiều mã sai")
    assert "thử lại sau" in refused.plain
    assert await zbot.services.links.by_account("telegram", 7201) is None
    # Another account is not affected.
    honest = zbot.user(7202, "Anh")
    anh = await zbot.services.people.by_phone(COLLEAGUE)
    await honest.send(await zbot.services.invites.create(anh, timedelta(days=3),
                                                         AuditContext.cli()))
    await honest.expect("Phạm Ngọc Anh")

    # Fifteen minutes later the account may try again.
    later = datetime.now().astimezone() + timedelta(minutes=16)
    zbot.services.clock = lambda: later
    await guesser.send(real)
    await guesser.expect("Trịnh Minh Khánh")


async def test_wrong_codes_on_zalo_are_limited_per_account(zbot: BotHarness):
    guesser = zbot.zalo.user(8201, "Đoán")
    for _attempt in range(5):
        await guesser.send(new_code().lower())
        await guesser.expect("không hợp lệ")
    khanh = await zbot.services.people.by_phone(STAFF)
    real = await zbot.services.invites.create(khanh, timedelta(days=3), AuditContext.cli())
    await guesser.send(real)
    refused = await guesser.expect("quá nhiều mã sai")
    assert "thử lại sau" in refused.plain
    assert await zbot.services.links.by_account("zalo", guesser.id) is None
    rows = await zbot.db.fetchall("SELECT account FROM invite_failures")
    assert {r["account"] for r in rows} == {f"zalo:{guesser.id}"}  # stored, per account
