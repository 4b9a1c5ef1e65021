"""Secrets and small things: phone numbers in every written form and invite codes stay out of
the logs, a foreign `+` number is not Vietnamese, forged webhook requests cannot flood the
log."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from app.settings import Settings
from bot.logs import redact
from bot.runtime import BotRuntime
from domain.phone import InvalidPhone, normalize_phone
from emulator import BotApiEmulator
from storage.audit import AuditContext
from tests.harness import TOKEN, BotHarness
from tests.reliability.actors import STAFF
from tests.reliability.support import ErrorWatch
from tests.reliability.test_operations import free_port

WRITTEN_FORMS = ["84-935-722-539", "(+84) 935722539", "0912/345/678", "(84) 912.345.678",
                 "+84 912-345-678", "0912-345-678"]


@pytest.mark.parametrize("written", WRITTEN_FORMS)
def test_every_form_the_roster_accepts_is_masked_in_logs(written: str):
    normalize_phone(written)  # accepted as a phone number on import …
    assert redact(f"contact {written} shared") == "contact <phone> shared"  # … so masked


@pytest.mark.parametrize("foreign", ["+376312345", "+1 912 345 678", "+33912345678",
                                     "+8491234567890"])
def test_a_plus_with_another_country_code_is_not_vietnamese(foreign: str):
    with pytest.raises(InvalidPhone):
        normalize_phone(foreign)


def test_vietnamese_international_forms_still_read():
    assert normalize_phone("+84 376 312 345") == "0376312345"
    assert normalize_phone("376312345") == "0376312345"  # Telegram's form without the plus


async def test_a_real_conversation_logs_no_invite_code_and_no_phone(bot: BotHarness):
    person = await bot.services.people.by_phone(STAFF)
    assert person is not None
    code = await bot.services.invites.create(person, timedelta(days=1), AuditContext.cli())
    with ErrorWatch(logging.DEBUG) as watch:
        stranger = bot.user(7801, "Lan")
        await stranger.send("Số của tôi: 84-935-722-539, (+84) 935722539 hoặc 0912/345/678")
        await stranger.expect("chưa được liên kết")
        await stranger.send(f"/start {code}")
        await stranger.expect("Trịnh Minh Khánh")
    logged = "\n".join(watch.messages(logging.DEBUG))
    assert "Số của tôi" in logged  # the update was logged (PTB at DEBUG) …
    assert code not in logged  # … but not the code
    for secret in ("935-722-539", "935722539", "0912/345/678"):
        assert secret not in logged, secret


def test_a_throttled_warning_is_written_once_a_minute_with_a_count():
    from bot.logs import ThrottledLog

    now = [0.0]
    logger = logging.getLogger("tests.throttled")
    with ErrorWatch() as watch:
        throttled = ThrottledLog(logger, interval=60, clock=lambda: now[0])
        for second in range(0, 150):
            now[0] = float(second)
            throttled.warning("forged request from %s", "10.0.0.1")
    lines = watch.messages()
    assert len(lines) == 3  # at 0 s, 60 s and 120 s
    assert lines[1].endswith("(and 59 more like it in the last 60 s)")


async def test_forged_webhook_requests_write_one_warning_not_one_each(tmp_path: Path):
    port = free_port()
    async with BotApiEmulator(token=TOKEN) as emu:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, telegram_bot_token=TOKEN, telegram_api_base_url=emu.base_url,
            telegram_api_file_url=emu.base_file_url, database=tmp_path / "thidua.sqlite3",
            webhook_url=f"http://127.0.0.1:{port}", webhook_listen="127.0.0.1",
            webhook_port=port, webhook_secret="right-secret",
        )
        runtime = BotRuntime(settings)
        await runtime.start(mode="webhook")
        try:
            with ErrorWatch() as watch:
                async with aiohttp.ClientSession() as http:
                    for n in range(200):
                        headers = {"X-Telegram-Bot-Api-Secret-Token": f"guess-{n}"}
                        async with http.post(f"http://127.0.0.1:{port}/telegram", json={},
                                             headers=headers) as response:
                            assert response.status == 403
            forged = [m for m in watch.messages() if "without the secret token" in m]
            assert len(forged) == 1, forged
        finally:
            await runtime.stop()
