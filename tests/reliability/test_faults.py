"""Telegram misbehaving: 429, 5xx, timeouts and 403 from the Bot API emulator.

Users still get their answers (retried where it is safe), what they did is saved whatever
happens to the reply, messages queued in the outbox are all delivered exactly once, and a
bug reaches the operators' chat as a short alert without personal data or the token.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot import errors
from emulator import Fault
from storage.outbox import NewMessage, OutboxRepository
from tests.harness import TOKEN, BotHarness
from tests.reliability.actors import STAFF, UNIT_HEAD
from tests.reliability.conftest import OPERATORS_CHAT
from tests.reliability.figures import FIGURES
from tests.reliability.support import ErrorWatch

APOLOGY = "Xin lỗi, đã có lỗi xảy ra"


INJECTED: list[Fault] = []


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The same retries as in production, with shorter pauses; counts the faults hit."""
    monkeypatch.setattr("bot.requests.BACKOFF", (0.05, 0.1, 0.2))
    INJECTED.clear()
    yield
    FIGURES["faults"] += sum(f.hits for f in INJECTED)


@pytest.fixture
async def fault_bot(tmp_path: Path, watch: ErrorWatch) -> AsyncIterator[BotHarness]:
    bot = BotHarness(tmp_path, operators_chat_id=OPERATORS_CHAT, telegram_timeout=1.5)
    bot.emu.group(OPERATORS_CHAT, "Vận hành")
    await bot.start()
    try:
        await bot.import_roster()
        yield bot
    finally:
        await bot.close()


def inject(bot: BotHarness, method: str, **fault: object) -> None:
    INJECTED.append(bot.emu.faults.add(method, **fault))  # type: ignore[arg-type]


async def test_replies_survive_429_and_5xx(fault_bot: BotHarness, watch: ErrorWatch):
    bot = fault_bot
    khanh = await bot.person_user(STAFF)

    inject(bot, "sendMessage", status=429, retry_after=1, chat_id=khanh.id)
    await khanh.send("/help")
    await khanh.expect("Các lệnh anh/chị có thể dùng")

    inject(bot, "sendMessage", status=502, times=2, chat_id=khanh.id)
    await khanh.send("/language")
    await khanh.expect("Chọn ngôn ngữ")

    inject(bot, "answerCallbackQuery", status=500, chat_id=None)
    inject(bot, "editMessageText", status=503, chat_id=khanh.id)
    answer = await khanh.tap("English")
    assert not answer.show_alert
    await khanh.expect("Language set to English.")
    assert await bot.services.account_settings.locale(f"telegram:{khanh.id}") == "en"

    failed = [c for c in bot.emu.calls if c.status and c.status >= 429]
    assert len(failed) >= 5  # every injected fault was hit, and each call then succeeded
    assert watch.errors == []
    assert not any(APOLOGY in m.plain for m in khanh.messages)


async def test_updates_keep_coming_while_get_updates_fails(fault_bot: BotHarness,
                                                           watch: ErrorWatch):
    bot = fault_bot
    khanh = bot.user(7602, "Khánh", phone=STAFF)
    inject(bot, "getUpdates", status=502)
    inject(bot, "getUpdates", status=429, retry_after=1)
    await khanh.send("/start")
    await khanh.expect("chia sẻ số điện thoại", timeout=15)
    await khanh.share_contact()
    await khanh.expect("Trịnh Minh Khánh")
    assert watch.errors == []
    assert any("fetching updates failed" in m for m in watch.messages())


async def test_a_reply_lost_to_a_long_outage_loses_no_data(fault_bot: BotHarness,
                                                           watch: ErrorWatch):
    bot = fault_bot
    thao = bot.user(7601, "Thảo", phone=UNIT_HEAD)
    await thao.send("/start")
    await thao.expect("chia sẻ số điện thoại")
    inject(bot, "sendMessage", status=503, times=None, chat_id=thao.id)
    mark = len(bot.emu.calls)
    await thao.share_contact()
    # The greeting, then the apology: four attempts each, all refused.
    await _until(lambda: sum(1 for c in bot.emu.calls[mark:] if c.method == "sendMessage"
                             and c.status == 503) >= 8)
    link = await bot.services.links.by_account("telegram", thao.id)
    assert link is not None  # linked, though the greeting could not be delivered
    await thao.expect_silence(0.3)
    bot.emu.faults.clear()
    await thao.send("/start")
    await thao.expect("Chào mừng Hồ Kim Thảo quay lại")
    assert watch.errors == []
    assert any("unavailable" in m for m in watch.messages())


async def test_a_read_timeout_is_not_answered_twice(tmp_path: Path, watch: ErrorWatch):
    bot = BotHarness(tmp_path, telegram_timeout=0.5)
    await bot.start()
    try:
        await bot.import_roster()
        khanh = await bot.person_user(STAFF)
        inject(bot, "sendMessage", delay=1.0, chat_id=khanh.id)  # slower than the timeout
        await khanh.send("/help")
        await khanh.expect("Các lệnh anh/chị có thể dùng", timeout=5)
        await khanh.expect_silence(0.7)  # neither sent again nor an apology
        assert watch.errors == []
    finally:
        await bot.close()


async def test_a_user_who_blocked_the_bot_is_marked_unreachable_then_back(
        fault_bot: BotHarness, watch: ErrorWatch):
    bot = fault_bot
    khanh = await bot.person_user(STAFF)
    person = await bot.services.people.by_phone(STAFF)
    inject(bot, "sendMessage", status=403, chat_id=khanh.id)
    await khanh.send("/help")
    await _until(lambda: any(c.status == 403 for c in bot.emu.calls))
    await _until_async(lambda: _unreachable(bot, person.id))
    await khanh.expect_silence(0.3)  # no apology into a blocked chat
    await khanh.send("/help")  # unblocked and writing again
    await khanh.expect("Các lệnh anh/chị có thể dùng")
    assert not await _unreachable(bot, person.id)
    assert watch.errors == []


async def test_the_outbox_delivers_every_message_once_through_faults(fault_bot: BotHarness,
                                                                     watch: ErrorWatch):
    bot = fault_bot
    users = [bot.user(7700 + i, f"U{i}") for i in range(12)]
    blocked, flaky, throttled = users[0], users[1], users[2]
    inject(bot, "sendMessage", status=403, chat_id=blocked.id, times=None)
    inject(bot, "sendMessage", status=502, chat_id=flaky.id, times=2)
    inject(bot, "sendMessage", status=429, retry_after=1, chat_id=throttled.id)
    repo = OutboxRepository(bot.db)
    await repo.enqueue(
        NewMessage("faults", "test", u.id, f"Thông báo số {i}", dedupe_key=f"faults:{u.id}")
        for i, u in enumerate(users)
    )
    await repo.enqueue([NewMessage("faults", "test", users[3].id, "trùng",
                                   dedupe_key=f"faults:{users[3].id}")])  # deduplicated
    bot.services.wake_sender()
    await _until_async(lambda: _done(repo), seconds=30)
    status = await repo.batch_status("faults")
    assert (status.sent, status.unreachable, status.failed) == (11, 1, 0)
    for index, user in enumerate(users[1:], start=1):
        assert [m.plain for m in user.messages] == [f"Thông báo số {index}"]
    assert watch.errors == []


async def test_a_bug_alerts_the_operators_once_without_personal_data(
        fault_bot: BotHarness, watch: ErrorWatch):
    bot = fault_bot
    errors.THROTTLE.last.clear()

    async def broken(update: Update, context: object) -> None:
        raise RuntimeError(f"cannot reach 0912 345 678 with {TOKEN}")

    bot.runtime.app.add_handler(CommandHandler("help", broken), group=7)  # type: ignore[union-attr]
    operators = bot.emu.group(OPERATORS_CHAT, "Vận hành")
    khanh = await bot.person_user(STAFF)
    await khanh.send("/help")
    await khanh.expect("Các lệnh anh/chị có thể dùng")
    await khanh.expect(APOLOGY)
    alert = await operators.expect("RuntimeError")
    assert "test_faults.py" in alert.plain and f"user={khanh.id}" in alert.plain
    assert "0912" not in alert.plain and TOKEN not in alert.plain
    assert "<phone>" in alert.plain and "<secret>" in alert.plain
    await khanh.send("/help")
    await khanh.expect("Các lệnh anh/chị có thể dùng")
    await khanh.expect(APOLOGY)
    await operators.expect_silence(0.3)  # the same error again: no second alert
    thao = await bot.person_user(UNIT_HEAD)  # the apology speaks the user's language
    await thao.send("/language")
    await thao.expect("Chọn ngôn ngữ")
    await thao.tap("English")
    await thao.expect("Language set to English.")
    await thao.send("/help")
    await thao.expect("Commands you can use")
    await thao.expect("Sorry, something went wrong. Please try again.")
    assert len(watch.errors) == 3  # logged with the traceback, through the redacting filter
    logged = "\n".join(watch.errors)
    assert "RuntimeError" in logged and "0912 345 678" not in logged and TOKEN not in logged


async def _unreachable(bot: BotHarness, person_id: int) -> bool:
    link = await bot.services.links.for_person(person_id)
    return link is not None and link.unreachable_at is not None


async def _done(repo: OutboxRepository) -> bool:
    return (await repo.batch_status("faults")).done


async def _until(condition, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls the emulator's state
            await asyncio.sleep(0.02)


async def _until_async(condition, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(seconds):
        while not await condition():  # noqa: ASYNC110 - polls the database
            await asyncio.sleep(0.05)
