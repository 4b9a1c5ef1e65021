"""Running the bot: logs without personal data, backups and restores, webhook mode with its
health check and secret, and one bot per database."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import sys
from pathlib import Path

import aiohttp

from app.settings import Settings
from bot.runlock import AlreadyRunning, running_pid
from bot.runtime import BotRuntime
from domain.roster import parse_roster
from emulator import BotApiEmulator
from storage.audit import AuditContext
from storage.db import Database
from storage.inbox import UpdateInbox
from storage.roster import apply_roster
from tests.harness import BLOC, SAMPLE_ROSTER, TOKEN, BotHarness
from tests.reliability.actors import STAFF, UNIT_HEAD
from tests.reliability.process import ROOT, BotProcess, expect_eventually, no_secrets_in
from tests.reliability.support import ErrorWatch


async def import_sample(database: Path) -> None:
    async with Database(database) as db:
        roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
        await apply_roster(db, roster, AuditContext.cli())


def people_count(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM people").fetchone()[0]


async def test_a_debug_log_of_a_real_process_has_no_phone_and_no_token(tmp_path: Path):
    await import_sample(tmp_path / "thidua.sqlite3")
    async with BotApiEmulator(token=TOKEN) as emu:
        async with BotProcess(emu, tmp_path, THIDUA_LOG_LEVEL="DEBUG"):
            khanh = emu.user(7901, "Khánh", phone=STAFF)
            await khanh.send("/start")
            await expect_eventually(khanh, "chia sẻ số điện thoại")
            await khanh.share_contact()  # the update carries her phone number
            await expect_eventually(khanh, "Đã liên kết tài khoản")
            thao = emu.user(7902, "Thảo", phone="+84 939 363 303")
            await thao.send("/start")
            await expect_eventually(thao, "chia sẻ số điện thoại")
            await thao.share_contact()
            await expect_eventually(thao, "Hồ Kim Thảo")
        log = (tmp_path / "bot.log").read_text(encoding="utf-8")
    assert "HTTP Request: POST" in log and "/bot<secret>/" in log  # httpx URLs, masked
    assert "<phone>" in log  # the contacts were logged, masked
    assert no_secrets_in(log, [STAFF, UNIT_HEAD, "939 363 303", "84939363303"]) == []
    assert "TEST-TOKEN" not in log


async def test_backup_while_running_then_restore(tmp_path: Path, watch: ErrorWatch, cli):  # type: ignore[no-untyped-def]
    bot = BotHarness(tmp_path)
    database, copy = bot.database, tmp_path / "backups" / "thidua-2024-03-15.sqlite3"
    copy.parent.mkdir()
    await bot.start()
    try:
        await bot.import_roster()
        khanh = await bot.person_user(STAFF)

        async def busy() -> None:  # people keep using the bot during the backup
            for _ in range(6):
                await khanh.send("/help")
                await khanh.expect("Các lệnh")

        _, (code, out) = await asyncio.gather(busy(), cli(database, "backup", str(copy)))
        assert code == 0 and "Đã sao lưu vào" in out and "300 người" in out, out
        code, out = await cli(database, "backup", str(copy))
        assert code == 1 and "--force" in out  # an existing backup is not overwritten

        code, out = await cli(database, "restore", str(copy), "--force")
        assert code == 1 and "Bot đang chạy" in out, out  # never under a running bot
        thao = await bot.person_user(UNIT_HEAD)  # linked after the backup
        assert thao is not None
    finally:
        await bot.stop()

    code, out = await cli(database, "restore", str(copy))
    assert code == 1 and "--force" in out, out
    code, out = await cli(database, "restore", str(copy), "--force")
    assert code == 0 and "Đã khôi phục" in out and "được giữ lại thành" in out, out
    kept = [p for p in os.listdir(tmp_path) if p.startswith("thidua.sqlite3.before-restore-")]
    assert len(kept) == 1 and people_count(tmp_path / kept[0]) == 300

    await bot.start()  # the restored database: Khánh's link is there, Thảo's is not
    try:
        await khanh.send("/start")
        await khanh.expect("Chào mừng Trịnh Minh Khánh quay lại")
        await thao.send("/help")
        await thao.expect("chưa được liên kết")
    finally:
        await bot.close()
    assert watch.errors == []


async def test_restore_refuses_files_that_are_not_a_sound_thidua_database(tmp_path: Path, cli):  # type: ignore[no-untyped-def]
    database = tmp_path / "thidua.sqlite3"
    await import_sample(database)
    good = tmp_path / "good.sqlite3"
    assert (await cli(database, "backup", str(good)))[0] == 0

    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES ('9999_future.sql', '2030-01-01')")
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(good.read_bytes())
    data[4096 * 3: 4096 * 3 + 2048] = b"\xff" * 2048  # a page of the people table scrambled
    damaged.write_bytes(bytes(data))

    cases = {
        SAMPLE_ROSTER: "không phải là cơ sở dữ liệu SQLite",
        foreign: "không phải là cơ sở dữ liệu của thidua",
        newer: "phiên bản thidua mới hơn",
        damaged: "bị hỏng",
        tmp_path / "missing.sqlite3": "Không tìm thấy tệp",
    }
    before = database.read_bytes()
    for path, message in cases.items():
        code, out = await cli(database, "restore", str(path), "--force")
        assert code == 1 and message in out, (path.name, out)
    assert database.read_bytes() == before
    assert not [p for p in os.listdir(tmp_path) if ".before-restore-" in p]


async def test_a_restore_does_not_replay_updates_caught_in_the_backup(tmp_path: Path, cli):  # type: ignore[no-untyped-def]
    database = tmp_path / "thidua.sqlite3"
    await import_sample(database)
    async with Database(database) as db:  # an update was being processed at backup time
        assert await UpdateInbox(db).receive(41, '{"update_id": 41}')
    copy = tmp_path / "copy.sqlite3"
    assert (await cli(database, "backup", str(copy)))[0] == 0
    assert (await cli(database, "restore", str(copy), "--force"))[0] == 0
    async with Database(database) as db:
        assert await UpdateInbox(db).counts() == (0, 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_webhook_mode_checks_the_secret_and_reports_health(tmp_path: Path,
                                                                 watch: ErrorWatch):
    secret = "s3cret-Webhook_token"
    async with BotApiEmulator(token=TOKEN) as emu:
        for configured in (secret, None):
            port = free_port()
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, telegram_bot_token=TOKEN,
                telegram_api_base_url=emu.base_url, telegram_api_file_url=emu.base_file_url,
                database=tmp_path / "thidua.sqlite3", webhook_url=f"http://127.0.0.1:{port}",
                webhook_listen="127.0.0.1", webhook_port=port, webhook_secret=configured,
            )
            runtime = BotRuntime(settings)
            await runtime.start(mode="webhook")
            base = f"http://127.0.0.1:{port}"
            try:
                user = emu.user(7950, "Lan")
                await user.send("/help")  # delivered by Telegram through the webhook
                await user.expect("chưa được liên kết")
                assert emu.webhook.secret_token  # a secret even when none is configured
                async with aiohttp.ClientSession() as http:
                    async with http.get(f"{base}/health") as response:
                        assert response.status == 200
                        assert (await response.json())["status"] == "ok"
                    update = {"update_id": 10_000, "message": {
                        "message_id": 1, "date": 0, "text": "/help",
                        "chat": {"id": 7951, "type": "private", "first_name": "X"},
                        "from": {"id": 7951, "is_bot": False, "first_name": "X"},
                        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
                    for header in (None, "wrong", "s3cret-Webhook_token2", "sécret"):
                        headers = {} if header is None else {
                            "X-Telegram-Bot-Api-Secret-Token": header}
                        async with http.post(f"{base}/telegram", json=update,
                                             headers=headers) as response:
                            assert response.status == 403, header
                    right = {"X-Telegram-Bot-Api-Secret-Token": emu.webhook.secret_token}
                    async with http.post(f"{base}/telegram", data=b"{not json",
                                         headers=right) as response:
                        assert response.status == 400
            finally:
                await runtime.stop()
            async with aiohttp.ClientSession() as http:
                try:
                    async with http.get(f"{base}/health") as response:
                        raise AssertionError(f"still serving: {response.status}")
                except aiohttp.ClientConnectionError:
                    pass
    assert watch.errors == []
    assert not any(secret in m for m in watch.messages())


async def test_one_bot_per_database(tmp_path: Path):
    bot = BotHarness(tmp_path)
    await bot.start()
    try:
        assert running_pid(bot.database) is not None
        second = BotRuntime(bot.settings())
        try:
            await second.start()
            raise AssertionError("a second bot started on the same database")
        except AlreadyRunning:
            pass
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": TOKEN,
                 "TELEGRAM_API_BASE_URL": bot.emu.base_url, "THIDUA_DATABASE": str(bot.database)},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await process.communicate()
        assert process.returncode == 1 and "đang chạy trên cơ sở dữ liệu này" in out.decode()
        await bot.user(7960, "Lan").send("/help")  # the first bot is unharmed
        await bot.user(7960, "Lan").expect("chưa được liên kết")
    finally:
        await bot.close()
    assert running_pid(bot.database) is None


async def test_a_rejected_token_is_not_printed(tmp_path: Path):
    """PTB's InvalidToken quotes the token: `thidua run` used to print it in the traceback."""
    secret = "654321:AAE-not-the-emulator-token_xyz0123456789"
    async with BotApiEmulator(token=TOKEN) as emu:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                 "TELEGRAM_BOT_TOKEN": secret, "TELEGRAM_API_BASE_URL": emu.base_url,
                 "THIDUA_DATABASE": str(tmp_path / "thidua.sqlite3")},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        out = (await process.communicate())[0].decode()
    assert process.returncode == 2 and "TELEGRAM_BOT_TOKEN was rejected by Telegram" in out
    assert secret.split(":")[1] not in out, out
