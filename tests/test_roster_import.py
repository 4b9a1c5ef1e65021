"""Roster import: from the command line and as a file sent to the bot by the secretariat."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.cli import main
from domain.roster import parse_roster
from storage.db import Database
from tests.harness import BLOC, SAMPLE_REGISTRATIONS, SAMPLE_ROSTER, BotHarness

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
    """Issue 16: a partial roster (one agency sending its own people) deactivates only within
    the agencies it names; deactivating beyond needs --deactivate-others, the count shown
    first."""
    db = tmp_path / "t.sqlite3"
    lines = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER)) == 0
    changed = [lines[0], *lines[1:10]]  # 9 of the 22 people of Văn phòng Đoàn ĐBQH
    changed[2] = changed[2].replace("Phó Chánh Văn phòng", "Chánh Văn phòng")  # promoted
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("\n".join(changed) + "\n", encoding="utf-8")
    assert _cli(db, "roster", "import", str(smaller)) == 0
    out = capsys.readouterr().out
    assert "Cập nhật: 1 người" in out
    assert "Ngừng theo dõi (không còn trong tệp): 13 người" in out  # their own agency's only
    assert "Không có trong tệp, thuộc cơ quan, đơn vị tệp không nêu: 278 người (giữ nguyên)" \
        in out
    assert "--deactivate-others" in out
    assert (counts(db))[0] == 287

    assert _cli(db, "roster", "import", str(smaller), "--deactivate-others", "--dry-run") == 0
    assert "Ngừng theo dõi (không còn trong tệp): 278 người" in capsys.readouterr().out
    assert (counts(db))[0] == 287
    assert _cli(db, "roster", "import", str(smaller), "--deactivate-others") == 0
    assert "Ngừng theo dõi (không còn trong tệp): 278 người" in capsys.readouterr().out
    assert (counts(db))[0] == 9
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER)) == 0
    assert "Kích hoạt lại: 291 người" in capsys.readouterr().out
    assert (counts(db))[0] == 300


def test_a_file_of_some_units_deactivates_only_within_those_units(tmp_path, capsys):
    """No row for the agency's own leadership: the file speaks for the units it names."""
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    unit = [r for r in rows if r.startswith("Sở Nội vụ,Văn phòng Sở,")]
    one_unit = tmp_path / "van-phong-so.csv"
    one_unit.write_text("\n".join([header, *unit[:-2]]) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert _cli(db, "roster", "import", str(one_unit)) == 0
    out = capsys.readouterr().out
    assert "Ngừng theo dõi (không còn trong tệp): 2 người" in out
    assert "Ngừng theo dõi cơ quan, đơn vị: 0" in out
    assert (counts(db))[:2] == (298, 51)


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
    assert "cán bộ hoặc nhân viên, trưởng đơn vị, thủ trưởng, thường trực" in err  # issue 16
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


# --- Issue 16: an agency is the same agency whatever file names it --------------------------


async def _orgs(path: Path) -> list[tuple[int, str, str, int]]:
    """(id, kind, name, parent id) of every org, active or not."""
    async with Database(path) as db:
        rows = await db.fetchall("SELECT id, kind, name, coalesce(parent_id, 0) AS parent"
                                 " FROM org_units ORDER BY id")
        return [(r["id"], r["kind"], r["name"], r["parent"]) for r in rows]


def test_reimporting_without_the_bloc_keeps_every_agency_in_its_bloc(tmp_path, capsys):
    """Without --bloc (THIDUA_BLOC_NAME is "Khối thi đua"), the seven agencies stay in their
    bloc: before, they were filed a second time under the default bloc."""
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    orgs = asyncio.run(_orgs(db))
    capsys.readouterr()
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER)) == 0
    out = capsys.readouterr().out
    assert "Không có thay đổi" in out and "Thêm mới cơ quan, đơn vị: 0" in out
    assert "→" not in out  # no "org: Văn phòng Đoàn … → Văn phòng Đoàn …"
    assert asyncio.run(_orgs(db)) == orgs
    assert main(["--database", str(db), "registrations", "import",
                 str(SAMPLE_REGISTRATIONS)]) == 0
    capsys.readouterr()
    assert main(["--database", str(db), "summary", "--year", "2024"]) == 0
    summary = capsys.readouterr().out
    assert "(07 cơ quan)" in summary and "14 cơ quan" not in summary


async def test_the_roster_sent_in_the_chat_keeps_every_agency_in_its_bloc(tmp_path):
    harness = BotHarness(tmp_path, bloc_name="Khối thi đua")  # the default setting
    await harness.start()
    try:
        await harness.import_roster()  # with its bloc, as the demo does
        orgs = await _orgs(harness.database)
        chat = harness.secretariat_chat()
        clerk = harness.user(8011, "Hằng")
        await chat.send_document(clerk, "danh-sach.csv", SAMPLE_ROSTER.read_bytes())
        preview = await chat.expect("Áp dụng các thay đổi trên?")
        assert "Không thay đổi: 300 người" in preview.plain
        assert "Thêm mới cơ quan, đơn vị: 0" in preview.plain and "→" not in preview.plain
        await chat.tap("✅ Áp dụng", by=clerk, message=preview)
        await chat.expect("Không có thay đổi")
        assert await _orgs(harness.database) == orgs
    finally:
        await harness.close()


def test_a_real_change_of_bloc_is_shown_and_done_only_when_confirmed(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    before = asyncio.run(_orgs(db))
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    other = "Khối Văn hóa – Xã hội"
    moved = tmp_path / "ban-dan-toc.csv"
    moved.write_text("\n".join(["bloc," + header, *(f"{other},{r}" for r in rows
                                                     if r.startswith("Ban Dân tộc,"))]) + "\n",
                     encoding="utf-8")
    capsys.readouterr()
    assert _cli(db, "roster", "import", str(moved)) == 1  # shown, not done
    captured = capsys.readouterr()
    assert f"• Ban Dân tộc: {BLOC} → {other}" in captured.out
    assert "--move-blocs" in captured.err
    assert asyncio.run(_orgs(db)) == before

    assert _cli(db, "roster", "import", str(moved), "--move-blocs") == 0
    out = capsys.readouterr().out
    assert "Chuyển sang khối thi đua khác: 1 cơ quan" in out
    assert "Ngừng theo dõi (không còn trong tệp): 0 người" in out
    after = asyncio.run(_orgs(db))
    agency = next(o for o in before if o[2] == "Ban Dân tộc")
    bloc = next(o for o in after if o[2] == other)
    assert [o for o in after if o[2] == "Ban Dân tộc"] == [(agency[0], "agency", "Ban Dân tộc",
                                                            bloc[0])]  # the same agency, moved
    assert len(after) == len(before) + 1  # the new bloc, nothing else
    assert counts(db)[0] == 300
    # Sent again without a bloc column, the agency stays where it now is.
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER)) == 0
    assert asyncio.run(_orgs(db)) == after


# --- Issue 16: files as offices have them -----------------------------------------------------


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an Excel 97–2003 workbook's start


def test_a_legacy_xls_file_gets_a_clear_message(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    legacy = tmp_path / "danh-sach.xls"
    legacy.write_bytes(OLE2)
    assert _cli(db, "roster", "import", str(legacy)) == 1
    err = capsys.readouterr().err
    assert "Excel 97–2003 (.xls)" in err and "Excel Workbook (.xlsx)" in err
    assert "UTF-8 text" not in err and "không phải văn bản UTF-8" not in err
    assert counts(db) == (0, 0, 0)


async def test_a_legacy_xls_sent_in_the_chat_gets_a_clear_message(harness: BotHarness):
    chat = harness.secretariat_chat()
    clerk = harness.user(8012, "Hằng")
    await chat.send_document(clerk, "danh-sach.xls", OLE2)
    answer = await chat.expect("Excel 97–2003 (.xls)")
    assert "Không nhận dạng được" not in answer.plain and not answer.buttons


def test_a_header_below_a_title_and_vietnamese_headers_are_accepted(tmp_path, capsys):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC SỞ NỘI VỤ"])
    sheet.append(["(Kèm theo Công văn số 15/SNV-VP)"])
    sheet.append([])
    sheet.append(["Cơ quan", "Đơn vị", "Họ tên", "Chức vụ", "Lãnh đạo", "Vai trò", "SĐT"])
    sheet.append(["Sở Nội vụ", "", "Lê Thị Hoà", "Giám đốc", "Có", "thủ trưởng", "0912000010"])
    sheet.append(["Sở Nội vụ", "Văn phòng Sở", "Trần Văn Nam", "Chuyên viên", "Không",
                  "cán bộ", "0912000011"])
    buffer = io.BytesIO()
    book.save(buffer)
    titled = tmp_path / "ds.xlsx"
    titled.write_bytes(buffer.getvalue())
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(titled), "--bloc", BLOC) == 0
    assert "Thêm mới: 2 người" in capsys.readouterr().out
    assert counts(db) == (2, 3, 1)

    # No row names the columns: the message names them in Vietnamese and says where.
    headless = tmp_path / "headless.csv"
    headless.write_text("Sở Nội vụ,,Lê Thị Hoà,Giám đốc,có,thủ trưởng,0912000010\n",
                        encoding="utf-8")
    assert _cli(db, "roster", "import", str(headless)) == 1
    err = capsys.readouterr().err
    assert "Dòng 1: thiếu cột: Cơ quan (agency), Đơn vị (unit), Họ và tên (full_name)" in err
    assert "10 dòng đầu" in err


async def test_a_roster_whose_header_is_below_a_title_is_recognised_in_the_chat(
        harness: BotHarness):
    chat = harness.secretariat_chat()
    clerk = harness.user(8013, "Hằng")
    content = ("DANH SÁCH CÁN BỘ\n\nCơ quan,Đơn vị,Họ và tên,Chức vụ,Lãnh đạo,Vai trò,"
               "Số điện thoại\nSở Nội vụ,,Lê Thị Hoà,Giám đốc,có,thủ trưởng,0912000010\n")
    await chat.send_document(clerk, "ds.csv", content.encode())
    preview = await chat.expect("Thêm mới: 1 người")
    assert preview.has_button("✅ Áp dụng")


# --- Issue 16, in the secretariat's chat (through the emulator) -------------------------------


async def test_an_agency_sending_its_own_list_in_the_chat_changes_only_that_agency(
        bot: BotHarness):
    """Sở Nội vụ sends its 72 people less the 2 who left: the other 228 of the bloc stay;
    deactivating them too is a separate choice that shows their count first."""
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    mine = [r for r in rows if r.startswith("Sở Nội vụ,")]
    assert len(mine) == 72
    gone = [r.rsplit(",", 1)[1] for r in mine[-2:]]
    content = ("\n".join([header, *mine[:-2]]) + "\n").encode()
    chat = bot.secretariat_chat()
    clerk = bot.user(8014, "Hằng")
    await chat.send_document(clerk, "so-noi-vu.csv", content)
    preview = await chat.expect("Áp dụng các thay đổi trên?")
    assert "Ngừng theo dõi (không còn trong tệp): 2 người" in preview.plain
    assert "thuộc cơ quan, đơn vị tệp không nêu: 228 người (giữ nguyên)" in preview.plain
    assert preview.has_button("⚠️ Áp dụng, ngừng theo dõi cả 228 người còn lại")
    await chat.tap("✅ Áp dụng", by=clerk, message=preview)
    await chat.expect("Đã nhập danh sách cán bộ")
    assert len(await bot.services.people.all()) == 298
    for phone in gone:
        person = await bot.services.people.by_phone(phone)
        assert person is not None and not person.active

    # The same list as the whole roster of the bloc, asked for by its own choice.
    await chat.send_document(clerk, "so-noi-vu.csv", content)
    preview = await chat.expect("Áp dụng các thay đổi trên?")
    assert "Ngừng theo dõi (không còn trong tệp): 0 người" in preview.plain
    await chat.tap("ngừng theo dõi cả 228 người còn lại", by=clerk, message=preview)
    done = await chat.expect("Đã nhập danh sách cán bộ")
    assert "Ngừng theo dõi (không còn trong tệp): 228 người" in done.plain
    assert len(await bot.services.people.all()) == 70


async def test_a_change_of_bloc_sent_in_the_chat_is_shown_and_moves_the_same_agency(
        bot: BotHarness):
    header, *rows = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
    other = "Khối Văn hóa – Xã hội"
    content = "\n".join(["bloc," + header, *(f"{other},{r}" for r in rows
                                             if r.startswith("Ban Dân tộc,"))]) + "\n"
    before = await _orgs(bot.database)
    chat = bot.secretariat_chat()
    clerk = bot.user(8015, "Hằng")
    await chat.send_document(clerk, "ban-dan-toc.csv", content.encode())
    preview = await chat.expect("Áp dụng các thay đổi trên?")
    assert "Chuyển sang khối thi đua khác: 1 cơ quan" in preview.plain
    assert f"• Ban Dân tộc: {BLOC} → {other}" in preview.plain
    assert "Ngừng theo dõi (không còn trong tệp): 0 người" in preview.plain
    assert await _orgs(bot.database) == before  # shown, not done
    await chat.tap("✅ Áp dụng", by=clerk, message=preview)
    await chat.expect("Đã nhập danh sách cán bộ")
    after = await _orgs(bot.database)
    agency = next(o for o in before if o[2] == "Ban Dân tộc")
    bloc = next(o for o in after if o[2] == other)
    assert [o for o in after if o[2] == "Ban Dân tộc"] == [(agency[0], "agency", "Ban Dân tộc",
                                                            bloc[0])]
    assert len(after) == len(before) + 1  # the new bloc, no copy of the agency
    assert len(await bot.services.people.all()) == 300


async def test_a_file_problem_in_the_chat_says_the_vietnamese_values_and_where_the_header_is(
        harness: BotHarness):
    chat = harness.secretariat_chat()
    clerk = harness.user(8016, "Hằng")
    bad_role = ("Cơ quan,Đơn vị,Họ và tên,Chức vụ,Lãnh đạo,Vai trò,Số điện thoại\n"
                "Sở Nội vụ,Văn phòng Sở,Lê Thị Hoà,Chuyên viên,không,quản lý,0912000010\n")
    await chat.send_document(clerk, "ds.csv", bad_role.encode())
    problems = await chat.expect("Dòng 2")
    assert "vai trò “quản lý” không hợp lệ" in problems.plain
    assert "cán bộ hoặc nhân viên, trưởng đơn vị, thủ trưởng, thường trực" in problems.plain
    assert not problems.buttons

    # A header the bot cannot find: it says which columns, in Vietnamese, and where.
    misnamed = ("DANH SÁCH CÁN BỘ\n"
                "Cơ quan,Đơn vị,Họ và tên,Chức danh,Lãnh đạo,Vai trò,Số điện thoại\n"
                "Sở Nội vụ,Văn phòng Sở,Lê Thị Hoà,Chuyên viên,không,cán bộ,0912000010\n")
    await chat.send_document(clerk, "ds.csv", misnamed.encode())
    problems = await chat.expect("thiếu cột")
    assert "Dòng 2: thiếu cột: Chức vụ (position)" in problems.plain
    assert "dòng tên cột phải nằm trong 10 dòng đầu" in problems.plain
    assert await harness.services.people.all() == []


async def test_a_new_agency_sent_without_a_bloc_joins_the_only_bloc(tmp_path):
    """THIDUA_BLOC_NAME left as "Khối thi đua": a new agency goes to the roster's one bloc,
    not to a second bloc named after the setting."""
    harness = BotHarness(tmp_path, bloc_name="Khối thi đua")
    await harness.start()
    try:
        await harness.import_roster()
        header = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()[0]
        newcomer = "Sở Tư pháp,Văn phòng Sở,Người Mới,Chuyên viên,không,staff,0912000777"
        chat = harness.secretariat_chat()
        clerk = harness.user(8017, "Hằng")
        await chat.send_document(clerk, "so-tu-phap.csv", f"{header}\n{newcomer}\n".encode())
        preview = await chat.expect("Thêm mới: 1 người")
        assert "Thêm mới cơ quan, đơn vị: 2" in preview.plain and "→" not in preview.plain
        await chat.tap("✅ Áp dụng", by=clerk, message=preview)
        await chat.expect("Đã nhập danh sách cán bộ")
        orgs = await _orgs(harness.database)
        blocs = [o for o in orgs if o[1] == "bloc"]
        assert [b[2] for b in blocs] == [BLOC]
        agency = next(o for o in orgs if o[2] == "Sở Tư pháp")
        assert agency[3] == blocs[0][0]
        assert len(await harness.services.people.all()) == 301
    finally:
        await harness.close()
