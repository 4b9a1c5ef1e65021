from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.harness import BotHarness
from tests.reliability.support import ErrorWatch, Probe

OPERATORS_CHAT = -1002000000009
# The secretariat of the matrix and fuzz tests sees one agency, so that "another scope"
# exists for it too.
SECRETARIAT_SCOPE = "Văn phòng Ủy ban nhân dân tỉnh"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`thidua --database DATABASE ARGS…` in a thread: (exit code, what it printed)."""

    async def run(database: Path, *args: str) -> tuple[int, str]:
        code = await asyncio.to_thread(main, ["--database", str(database), *args])
        printed = capsys.readouterr()
        return code, printed.out + printed.err

    return run


@pytest.fixture
def watch() -> Iterator[ErrorWatch]:
    with ErrorWatch() as errors:
        yield errors


@pytest.fixture
async def scoped_bot(tmp_path: Path, watch: ErrorWatch) -> AsyncIterator[BotHarness]:
    """The sample roster, a secretariat scoped to one agency, an operators' chat, no pacing
    (hundreds of replies to one group), and a probe on every update (`bot.probe`).

    Periodic jobs are stopped: they act on the real clock (digests, reminders, the end of a
    campaign) and their own tests cover them; here every change must come from an update."""
    bot = BotHarness(tmp_path, rate_limiter=False, secretariat_scope=SECRETARIAT_SCOPE,
                     operators_chat_id=OPERATORS_CHAT, max_upload_bytes=50_000)
    bot.emu.group(OPERATORS_CHAT, "Vận hành")
    await bot.start()
    try:
        for job in bot.runtime.app.job_queue.jobs():  # type: ignore[union-attr]
            job.schedule_removal()
        await bot.import_roster()
        bot.probe = Probe(bot).install()  # type: ignore[attr-defined]
        yield bot
    finally:
        await bot.close()


@pytest.fixture
async def zalo_bot(tmp_path: Path, watch: ErrorWatch) -> AsyncIterator[BotHarness]:
    """The bot on Zalo alone, the sample roster, a secretariat scoped to one agency, the seed
    001 campaign launched (the clock stays on 3 January 2024), and a probe on every Zalo
    update (`bot.probe`, a ZaloProbe)."""
    from tests.reliability.zalo_support import ZaloProbe, seed_campaign, start_zalo_bot

    bot = await start_zalo_bot(tmp_path, secretariat_scope=SECRETARIAT_SCOPE)
    try:
        await bot.import_roster()
        await seed_campaign(bot)
        bot.probe = ZaloProbe(bot).install()  # type: ignore[attr-defined]
        yield bot
    finally:
        await bot.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.reliability.figures import FIGURES, table

    if FIGURES:
        terminalreporter.write_sep("-", "Reliability figures")
        terminalreporter.write_line(table())
