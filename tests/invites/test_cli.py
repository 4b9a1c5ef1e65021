"""`thidua invites create` for the office: codes for a whole agency or unit, as CSV or as slips
to print; only people not linked yet by default; a new code revokes the earlier ones (said);
Vietnamese help and output."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
from docx import Document

from bot.cli import main
from storage.audit import AuditContext
from storage.db import Database
from storage.links import LinkRepository
from storage.people import PeopleRepository
from tests.harness import BLOC, SAMPLE_ROSTER
from tests.invites.helpers import CODE, STAFF, UNIT_HEAD, UNIT_PEOPLE

OTHER_UNIT_NAME = "Đinh Thúy Huyền"  # Phòng Công tác HĐND, same agency


@pytest.fixture
def database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "t.sqlite3"
    assert main(["--database", str(db), "roster", "import", str(SAMPLE_ROSTER), "--bloc",
                 BLOC]) == 0
    capsys.readouterr()
    return db


def link_on_telegram(db: Path, phone: str, user_id: int) -> None:
    async def run() -> None:
        database = await Database(db).open()
        try:
            person = await PeopleRepository(database).by_phone(phone)
            assert person is not None
            await LinkRepository(database).link(person, "telegram", user_id, user_id, "contact",
                                                AuditContext.cli())
        finally:
            await database.close()

    asyncio.run(run())


def invites(db: Path, *args: str) -> int:
    return main(["--database", str(db), "invites", "create", *args])


def test_a_unit_as_csv_leaves_out_whoever_is_linked(database, tmp_path, capsys):
    link_on_telegram(database, STAFF, 7601)
    out = tmp_path / "ma.csv"
    assert invites(database, "--unit", "phong cong tac quoc hoi", "--format", "csv",
                   "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert "Đã tạo 5 mã mời" in said
    assert "Bỏ qua 1 người đã liên kết (Trịnh Minh Khánh)" in said and "--include-linked" in said
    assert f"Đã ghi: {out}" in said

    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["Họ và tên", "Đơn vị", "Cơ quan", "Mã mời", "Hiệu lực đến"]
    names = [r[0] for r in rows[1:]]
    assert sorted(names) == sorted(n for n in UNIT_PEOPLE if n != "Trịnh Minh Khánh")
    for row in rows[1:]:
        assert row[1] == "Phòng Công tác Quốc hội"
        assert row[2] == "Văn phòng Đoàn ĐBQH và HĐND tỉnh"
        assert CODE.fullmatch(row[3]) and row[4]


def test_an_agency_as_slips_and_new_codes_revoke_the_earlier_ones(database, tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invites(database, "--agency", "VAN PHONG DOAN DBQH", "--format", "docx",
                   "--bot-username", "@thidua_bot") == 0
    said = capsys.readouterr().out
    (written,) = list(tmp_path.glob("ma-moi-van-phong-doan-dbqh-va-hdnd-tinh-*.docx"))
    assert f"Đã ghi: {written.name}" in said
    document = Document(io.BytesIO(written.read_bytes()))
    (table,) = document.tables
    slips = [row.cells[0].text for row in table.rows]
    assert len(slips) == 22  # the agency's whole roster, nobody linked yet
    khanh = next(s for s in slips if "Trịnh Minh Khánh" in s)
    code = CODE.search(khanh).group()
    assert f"https://t.me/thidua_bot?start={code}" in khanh and "Zalo" in khanh

    # Asked again for one person: the slip printed above stops working, and the office is told.
    assert invites(database, STAFF, UNIT_HEAD) == 0
    said = capsys.readouterr().out
    assert said.startswith("Trịnh Minh Khánh (Phòng Công tác Quốc hội – Văn phòng Đoàn ĐBQH")
    assert "Mã cũ chưa dùng của 2 người đã bị huỷ" in said and "Trịnh Minh Khánh" in said


def test_names_that_match_nothing_or_several_are_refused(database, capsys):
    assert invites(database, "--unit", "phong khong ton tai") == 1
    assert "Không có cơ quan, đơn vị nào khớp với “phong khong ton tai”" in \
        capsys.readouterr().err
    assert invites(database, "--unit", "Văn phòng") == 1
    assert "khớp với nhiều cơ quan, đơn vị" in capsys.readouterr().err
    assert invites(database) == 1
    assert "--agency" in capsys.readouterr().err


def test_everyone_linked_gives_no_code_unless_asked(database, capsys):
    link_on_telegram(database, STAFF, 7602)
    assert invites(database, STAFF) == 0
    said = capsys.readouterr().out
    assert "Không có ai cần cấp mã" in said and "Trịnh Minh Khánh" in said
    assert invites(database, STAFF, "--include-linked", "--format", "csv", "--out", "-") == 0
    captured = capsys.readouterr()
    assert "Trịnh Minh Khánh" in captured.out and CODE.search(captured.out)
    assert "Đã tạo 1 mã mời" in captured.err  # beside the CSV, not in it


def test_help_is_in_vietnamese(capsys):
    with pytest.raises(SystemExit):
        main(["invites", "create", "--help"])
    help_text = capsys.readouterr().out
    assert "mọi người của cơ quan này" in help_text
    assert "phiếu để in và cắt" in help_text
