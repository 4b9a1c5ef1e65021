"""Another process writing to the database (a CLI import) while people use the bot.

SQLite lets one process write at a time. The bot waits for the lock on the event loop
(storage.db retries BEGIN IMMEDIATE), so users are answered once the lock is free: nobody sees
an error, and nothing is written twice or lost.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from pathlib import Path

import pytest

from tests.harness import SAMPLE_ROSTER, BotHarness
from tests.reliability.actors import AGENCY_HEAD, STAFF, UNIT_HEAD
from tests.reliability.conftest import SECRETARIAT_SCOPE
from tests.reliability.figures import FIGURES
from tests.reliability.process import APOLOGIES, ROOT
from tests.reliability.support import ErrorWatch

CHOOSE = re.compile("Chọn ngôn ngữ|Choose your language")
HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE people SET updated_at = updated_at WHERE id = 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


async def hold_lock(database: Path, seconds: float) -> asyncio.subprocess.Process:
    """A process that takes the write lock and keeps it `seconds` (longer than one busy
    timeout of the bot, so the bot has to wait and retry)."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD, str(database), str(seconds),
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert (await holder.stdout.readline()).strip() == b"locked"
    return holder


async def test_users_are_answered_while_another_process_holds_the_lock(
        scoped_bot: BotHarness, watch: ErrorWatch, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="storage.db")
    bot = scoped_bot
    khanh = await bot.person_user(STAFF)
    await khanh.send("/language")
    await khanh.expect("Chọn ngôn ngữ")
    thao = bot.user(7801, "Thảo", phone=UNIT_HEAD)
    await thao.send("/start")
    await thao.expect("chia sẻ số điện thoại")
    chat = bot.secretariat_chat()
    clerk = bot.user(7802, "Hằng")

    holder = await hold_lock(bot.database, 1.5)
    await khanh.tap("English", timeout=15)  # writes the language choice
    await thao.share_contact()  # writes the link
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    mine = "\n".join([header, *(r for r in rows if r.startswith(SECRETARIAT_SCOPE + ","))])
    await chat.send_document(clerk, "ds.csv", (mine + "\n").encode())  # stores the parse
    await khanh.expect("Language set to English.", timeout=15)
    await thao.expect("Đã liên kết tài khoản", timeout=15)
    await chat.expect("Áp dụng các thay đổi trên?", timeout=15)
    assert await holder.wait() == 0
    assert "database is locked by another process; waiting" in caplog.text  # it had to wait
    FIGURES["busy_writes"] += 3

    assert await bot.services.account_settings.locale(f"telegram:{khanh.id}") == "en"
    assert await bot.services.links.by_account("telegram", thao.id) is not None
    assert watch.errors == []
    assert not any(a in m.plain for u in (khanh, thao, chat) for m in u.messages
                   for a in APOLOGIES)


async def test_a_concurrent_cli_import_reaches_no_user(scoped_bot: BotHarness, watch: ErrorWatch):
    bot = scoped_bot
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    changed = bot.tmp_path / "changed.csv"
    changed.write_text("\n".join(lines).replace("Chuyên viên", "Chuyên viên chính") + "\n",
                       encoding="utf-8")
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

    async def cli_import(path: Path) -> int:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--database", str(bot.database), "roster", "import",
            str(path), cwd=bot.tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        _out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return process.returncode

    async def users_meanwhile() -> int:
        answered = 0
        for round_ in range(3):
            for phone in (STAFF, UNIT_HEAD, AGENCY_HEAD):
                user = await bot.person_user(phone) if round_ == 0 else bot.user(
                    500_000_000 + int(phone[-8:]))
                await user.send("/language")
                await user.expect(CHOOSE, timeout=15)
                await user.tap("English" if round_ % 2 == 0 else "Tiếng Việt", timeout=15)
                await user.expect(timeout=15)
                answered += 1
        return answered

    results = await asyncio.gather(cli_import(changed), users_meanwhile(),
                                   cli_import(SAMPLE_ROSTER))
    FIGURES["busy_writes"] += results[1]
    assert watch.errors == []
    rows = await bot.db.fetchall("SELECT count(*) AS n, count(DISTINCT phone) AS d FROM people")
    assert (rows[0]["n"], rows[0]["d"]) == (300, 300)
    imports = await bot.db.fetchone(
        "SELECT count(*) FROM audit_log WHERE action = 'import' AND entity = 'roster'")
    assert imports[0] == 3  # the harness's import and the two from the command line
