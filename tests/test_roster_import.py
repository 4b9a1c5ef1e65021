"""Roster import: from the command line and as a file sent to the bot by the secretariat."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.cli import main
from domain.roster import parse_roster
from storage.db import Database
from tests.harness import BLOC, SAMPLE_ROSTER, BotHarness

HEADER = "agency,unit,full_name,position,is_leader,role,phone\n"


async def _counts(path: Path) -> tuple[int, int, int]:
    async with Database(path) as db:
        people = await db.fetchone("SELECT count(*) FROM people WHERE active = 1")
        orgs = await db.fetchone("SELECT count(*) FROM org_units WHERE active = 1")
        heads = await db.fetchone("SELECT count(*) FROM headships")
        return people[0], orgs[0], heads[0]


async def _phones(path: Path) -> dict[str, int]:
    async with Database(path) as db:
        rows = await db.fetchall("SELECT phone, count(*) AS n FROM people GROUP BY phone")
        return {r["phone"]: r["n"] for r in rows}


def counts(path: Path) -> tuple[int, int, int]:
    return asyncio.run(_counts(path))


def _cli(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_importing_the_sample_twice_keeps_one_record_per_person(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    first = counts(db)
    assert first == (300, 1 + 7 + 43, 50)
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    assert counts(db) == first
    out = capsys.readouterr().out
    assert "Không có thay đổi" in out
    rows = asyncio.run(_phones(db))
    assert all(n == 1 for n in rows.values()) and len(rows) == 300


def test_dry_run_changes_nothing(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--dry-run") == 0
    assert "Thêm mới: 300 người" in capsys.readouterr().out
    assert counts(db) == (0, 0, 0)


def test_reimport_updates_deactivates_and_reactivates(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER)) == 0
    changed = [lines[0], *lines[1:10]]
    changed[2] = changed[2].replace("Phó Chánh Văn phòng", "Chánh Văn phòng")  # promoted
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("\n".join(changed) + "\n", encoding="utf-8")
    assert _cli(db, "roster", "import", str(smaller)) == 0
    out = capsys.readouterr().out
    assert "Cập nhật: 1 người" in out
    assert "Ngừng theo dõi (không còn trong tệp): 291 người" in out
    assert (counts(db))[0] == 9
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER)) == 0
    assert "Kích hoạt lại: 291 người" in capsys.readouterr().out
    assert (counts(db))[0] == 300


def test_malformed_roster_is_rejected_with_line_numbers_and_changes_nothing(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER)) == 0
    before = counts(db)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "Sở Nội vụ,Văn phòng Sở,Nguyễn Văn A,Chuyên viên,không,manager,0912000001\n"
        + ",Văn phòng Sở,Nguyễn Văn B,Chuyên viên,không,staff,0912000002\n"
        + "Sở Nội vụ,Văn phòng Sở,Nguyễn Văn C,Chuyên viên,không,staff,0912000003\n"
        + "Sở Nội vụ,Văn phòng Sở,Nguyễn Văn D,Chuyên viên,không,staff,0912 000 003\n",
        encoding="utf-8",
    )
    assert _cli(db, "roster", "import", str(bad)) == 1
    err = capsys.readouterr().err
    assert "Dòng 2: vai trò “manager” không hợp lệ" in err
    assert "Dòng 3: chưa ghi cơ quan" in err
    assert "Dòng 5: số điện thoại 0912000003 đã dùng ở dòng 4" in err
    assert counts(db) == before

    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes((HEADER + "Sở Nội vụ,,Nguyễn Văn E,CV,không,staff,0912000009\n")
                      .encode("utf-16"))
    assert _cli(db, "roster", "import", str(utf16)) == 1
    assert "UTF-8" in capsys.readouterr().err
    assert counts(db) == before


def test_vietnamese_headers_xlsx_and_nfd_text_are_accepted(tmp_path):
    import io
    import unicodedata

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Cơ quan", "Đơn vị", "Họ và tên", "Chức vụ", "Lãnh đạo", "Vai trò",
                  "Số điện thoại"])
    sheet.append([unicodedata.normalize("NFD", "Sở Nội vụ"), "Văn phòng Sở",
                  unicodedata.normalize("NFD", "Lê Thị Hoà"), "Chuyên viên", "Không", "staff",
                  912000010])
    buffer = io.BytesIO()
    book.save(buffer)
    roster = parse_roster(buffer.getvalue(), "ds.xlsx", BLOC)
    assert roster.ok, roster.problems
    row = roster.rows[0]
    assert row.agency == "Sở Nội vụ" and row.full_name == "Lê Thị Hoà"
    assert row.phone == "0912000010" and row.is_leader is False


async def test_secretariat_sends_the_roster_file_and_confirms_the_preview(harness: BotHarness):
    chat = harness.secretariat_chat()
    clerk = harness.user(8001, "Hằng")
    await chat.send_document(clerk, "danh-sach.csv", SAMPLE_ROSTER.read_bytes())
    preview = await chat.expect("Thêm mới: 300 người")
    assert preview.has_button("✅ Áp dụng")
    assert await harness.services.people.by_phone("0906483756") is None

    other = harness.user(8002, "Other")
    answer = await chat.tap("✅ Áp dụng", by=other)
    assert "người đã gửi tệp" in answer.text
    assert await harness.services.people.by_phone("0906483756") is None

    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã nhập danh sách cán bộ")
    assert await harness.services.people.by_phone("0906483756") is not None

    again = await chat.tap("✅ Áp dụng", by=clerk, message=preview)
    assert again.text == "Tệp này đã được áp dụng."


async def test_a_roster_file_from_a_staff_member_is_refused(bot: BotHarness):
    khanh = await bot.person_user("0935722539")
    await khanh.send_document("ds.csv", SAMPLE_ROSTER.read_bytes())
    await khanh.expect("Thường trực Hội đồng Thi đua")


async def test_an_oversized_or_broken_file_is_refused(tmp_path):
    harness = BotHarness(tmp_path, max_upload_bytes=1000)
    await harness.start()
    try:
        chat = harness.secretariat_chat()
        clerk = harness.user(8001, "Hằng")
        await chat.send_document(clerk, "danh-sach.csv", SAMPLE_ROSTER.read_bytes())
        await chat.expect("quá lớn")
        await chat.send_document(clerk, "x.csv", HEADER.encode() + b"A,,B,C,maybe,staff,1\n")
        problems = await chat.expect("Dòng 2")
        assert "chưa thay đổi" in problems.plain
        await chat.send_document(clerk, "anh.png", b"\x89PNG\r\n")
        await chat.expect("Không nhận dạng được")
    finally:
        await harness.close()
