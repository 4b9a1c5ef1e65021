"""Files that froze or killed the bot, sent by anyone who can write in the secretariat's group:
each is answered with a clear message, changes nothing, and never stalls other people."""

from __future__ import annotations

import asyncio
import csv
import io
import random

import pytest

from emulator import BotApiEmulator, EmuUser
from tests.harness import SECRETARIAT_CHAT, TOKEN, BotHarness
from tests.reliability.actors import STAFF
from tests.reliability.figures import FIGURES, FULL
from tests.reliability.hostile import HOSTILE, ROSTER_HEADER, workbook_bytes
from tests.reliability.process import APOLOGIES, BotProcess, expect_eventually
from tests.reliability.support import ErrorWatch, data_dump
from tests.reliability.test_operations import import_sample

# What each hostile file must be answered (Vietnamese), whatever else the answer says.
ANSWERS = {
    "xlsx_dimension_bomb": "quá nhiều dòng",
    "xlsx_wide_row": "Áp dụng các thay đổi trên?",  # read as the one-row roster it is
    "xlsx_far_row": "quá nhiều dòng",
    "xlsx_hidden_sheet": "Không nhận dạng được tệp này",  # the sheet shown is no roster
    "xlsx_opens_on_hidden_sheet": "trang tính bị ẩn",
    "xlsx_shared_strings_bomb": "quá nhiều dòng",
    "not_a_zip_xlsx": "không phải bảng tính XLSX",
    "csv_giant_cell": "Dòng 2: có ô dài quá",
    "csv_long_name": "Dòng 2: họ và tên dài quá 120 ký tự",
    "csv_nul_bytes": "Áp dụng các thay đổi trên?",  # the NULs dropped
    "csv_sniffer_trap": "Dòng 2:",
    "yaml_alias_bomb": "không được dùng neo và bí danh YAML",
    "yaml_deep_nesting": "YAML lồng quá sâu",
    "markdown_heading_backtracking": "Áp dụng các thay đổi trên?",  # a sound campaign
    "markdown_target_tag_backtracking": "Dòng",
    "markdown_long_line": "dòng quá dài",
}


async def _answered_meanwhile(emu: BotApiEmulator, user: EmuUser, mark: int) -> None:
    """Once the bot has fetched the file (it is reading it now), another user is answered,
    again and again. (Against a bot in another process: in-process, a blocked event loop
    would block the test's clock too.)"""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while not any(c.method == "getFile" for c in emu.calls[mark:]):
        assert loop.time() < deadline, "the bot never fetched the file"
        await asyncio.sleep(0.01)
    for _ in range(3):
        await user.send("/help")
        await expect_eventually(user, "Các lệnh", timeout=5)


async def test_no_file_stalls_the_bot_for_anyone_else(tmp_path):  # type: ignore[no-untyped-def]
    """Every hostile file, to a real `thidua run`, while a linked user keeps asking."""
    await import_sample(tmp_path / "thidua.sqlite3")
    async with BotApiEmulator(token=TOKEN) as emu, BotProcess(emu, tmp_path) as process:
        khanh = emu.user(8410, "Khánh", phone=STAFF)
        await khanh.send("/start")
        await expect_eventually(khanh, "chia sẻ số điện thoại")
        await khanh.share_contact()
        await expect_eventually(khanh, "Đã liên kết tài khoản")
        chat = emu.group(SECRETARIAT_CHAT, "Thường trực TĐKT")
        clerk = emu.user(8411, "Hằng")
        for name in sorted(HOSTILE):
            filename, content = HOSTILE[name]()
            mark = len(emu.calls)
            await chat.send_document(clerk, filename, content)
            await _answered_meanwhile(emu, khanh, mark)
            await expect_eventually(chat, ANSWERS[name], timeout=60)
    assert "Traceback" not in process.log_text()


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_a_hostile_file_is_refused_clearly_and_changes_nothing(bot: BotHarness,
                                                                    name: str):
    chat = bot.secretariat_chat()
    clerk = bot.user(8401, "Hằng")
    before = await data_dump(bot.db)
    filename, content = HOSTILE[name]()
    with ErrorWatch() as watch:
        await chat.send_document(clerk, filename, content)
        answer = await expect_eventually(chat, ANSWERS[name], timeout=60)
    assert not any(a in answer.plain for a in APOLOGIES)
    assert "Traceback" not in answer.plain
    assert watch.errors == []
    after = await data_dump(bot.db)
    after.pop("pending_uploads"), before.pop("pending_uploads")  # a preview keeps the parse
    assert after == before
    FIGURES["hostile_files"] += 1


async def test_a_file_beyond_the_time_or_memory_bound_is_stopped(tmp_path):  # type: ignore[no-untyped-def]
    bot = BotHarness(tmp_path, parse_seconds=0.2, parse_memory_mb=64)
    await bot.start()
    try:
        await bot.import_roster()
        chat = bot.secretariat_chat()
        clerk = bot.user(8402, "Hằng")
        with ErrorWatch() as watch:
            await chat.send_document(clerk, "ds.csv", big_roster_csv(15_000))
            answer = await expect_eventually(chat, "Không đọc được tệp này trong giới hạn",
                                             timeout=60)
        assert "Chưa thay đổi dữ liệu nào" in answer.plain
        assert [m for m in watch.messages() if "stopped" in m or "refused" in m]
        assert watch.errors == []
    finally:
        await bot.close()


async def test_an_upload_is_parsed_once_and_applied_from_what_was_parsed(bot: BotHarness,
                                                                         monkeypatch):  # type: ignore[no-untyped-def]
    import app.imports.flow

    calls = []
    original = app.imports.flow.parse_in_worker

    async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        return await original(*args, **kwargs)

    monkeypatch.setattr(app.imports.flow, "parse_in_worker", counting)
    chat = bot.secretariat_chat()
    clerk = bot.user(8403, "Hằng")
    newcomer = ",".join(["Sở Nội vụ", "Văn phòng Sở", "Người Mới", "Chuyên viên", "không",
                         "staff", "0912000555"])
    content = (bot_roster_text() + newcomer + "\n").encode()
    await chat.send_document(clerk, "ds.csv", content)
    preview = await chat.expect("Thêm mới: 1 người")
    stored = await bot.db.fetchone("SELECT length(content), parsed FROM pending_uploads")
    assert stored[0] == 0 and "0912000555" in stored[1]  # the parse is kept, not the file
    await chat.tap("✅ Áp dụng", by=clerk, message=preview)
    await chat.expect("Đã nhập danh sách cán bộ")
    assert calls == ["ds.csv"]  # once: recognising, previewing and applying included
    assert await bot.services.people.by_phone("0912000555") is not None


async def test_the_largest_accepted_upload_is_read_within_the_bounds(tmp_path):  # type: ignore[no-untyped-def]
    """A roster workbook just under THIDUA_MAX_UPLOAD_BYTES, for the README's figures."""
    import app.parsing

    # At the limit for the figures; an eighth of it in the default run (the same path, read
    # by the same bounded worker, in a fraction of the time).
    content, rows = largest_workbook(2_000_000 if FULL else 250_000)
    harness = BotHarness(tmp_path)
    await harness.start()
    try:
        chat = harness.secretariat_chat()
        clerk = harness.user(8404, "Hằng")
        await chat.send_document(clerk, "ds.xlsx", content)
        await expect_eventually(chat, "Áp dụng các thay đổi trên?", timeout=120)
    finally:
        await harness.close()
    stats = app.parsing.last_stats()
    assert stats is not None
    FIGURES["largest_upload_bytes"] = len(content)
    FIGURES["largest_upload_rows"] = rows
    FIGURES["largest_upload_parse_ms"] = int(stats.seconds * 1000)
    FIGURES["largest_upload_peak_mb"] = stats.peak_bytes >> 20


# --------------------------------------------------------------------------- files


def bot_roster_text() -> str:
    from tests.harness import SAMPLE_ROSTER

    return SAMPLE_ROSTER.read_text(encoding="utf-8")


def _people(count: int, seed: int = 12) -> list[list[str]]:
    rnd = random.Random(seed)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    middles = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh"]
    givens = ["An", "Bình", "Châu", "Dũng", "Hà", "Hòa", "Khánh", "Lan", "Long", "Nga"]
    return [[f"Sở số {n % 40}", f"Phòng {n % 300}",
             f"{rnd.choice(families)} {rnd.choice(middles)} {rnd.choice(givens)}",
             "Chuyên viên", "không", "staff", f"0913{n:06d}"] for n in range(count)]


def big_roster_csv(count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ROSTER_HEADER)
    writer.writerows(_people(count))
    return buffer.getvalue().encode()


def largest_workbook(limit: int) -> tuple[bytes, int]:
    """The roster workbook with about the most rows that stays under `limit` bytes."""
    rows = 40_000
    while True:
        content = workbook_bytes([ROSTER_HEADER, *_people(rows)])
        if 0.97 * limit <= len(content) <= limit:
            return content, rows
        rows = int(rows * limit / len(content) * 0.985)
