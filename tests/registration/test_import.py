"""Registrations bulk import: validation with line numbers, all-or-nothing, dry run, re-import."""

from __future__ import annotations

import asyncio
import io
import unicodedata
from pathlib import Path

from openpyxl import Workbook

from app.imports.registrations import apply_import, preview_import
from bot.cli import main
from domain.models import OrgKind, OrgUnit
from domain.org import OrgTree
from domain.registration import expand_implied
from domain.registration_import import parse_registration_file, plan_import
from domain.rules import load_ruleset
from domain.summary import build_summary
from locales import use_locale
from reports.registration_import import describe_problem
from storage import audit
from storage.audit import AuditContext
from storage.db import Database
from storage.orgs import OrgRepository
from storage.people import PeopleRepository
from storage.registrations import RegistrationRepository
from tests.harness import BLOC, SAMPLE_REGISTRATIONS, SAMPLE_ROSTER

HEADER = "year,agency,unit,full_name,phone,title\n"
SAMPLE_ROWS = len(SAMPLE_REGISTRATIONS.read_text(encoding="utf-8").splitlines()) - 1


def _cli(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


async def _count(path: Path) -> tuple[int, int]:
    async with Database(path) as db:
        regs = await db.fetchone("SELECT count(*) FROM registrations")
        titles = await db.fetchone("SELECT count(*) FROM registration_titles WHERE implied = 0")
        return regs[0], titles[0]


def counts(path: Path) -> tuple[int, int]:
    return asyncio.run(_count(path))


def test_cli_imports_exactly_the_sample_rows_once(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    capsys.readouterr()

    assert _cli(db, "registrations", "import", str(SAMPLE_REGISTRATIONS), "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"{SAMPLE_ROWS} dòng hợp lệ" in out
    assert "Đăng ký mới: 51 (16 cá nhân, 35 tập thể)" in out
    assert "Chạy thử" in out
    assert counts(db) == (0, 0)

    assert _cli(db, "registrations", "import", str(SAMPLE_REGISTRATIONS)) == 0
    assert "Đã nhập các đăng ký thi đua" in capsys.readouterr().out
    # 51 subjects; 58 rows, of which the 4 CO_TINH rows next to a CO_CP are implied titles.
    assert counts(db) == (51, SAMPLE_ROWS - 4)

    assert _cli(db, "registration", "import", str(SAMPLE_REGISTRATIONS)) == 0
    out = capsys.readouterr().out
    assert "Không đổi: 51" in out and "Không có thay đổi" in out
    assert counts(db) == (51, SAMPLE_ROWS - 4)


async def test_imported_sample_reproduces_the_annex(db):
    file = parse_registration_file(SAMPLE_REGISTRATIONS.read_bytes(), "sample.csv")
    assert file.ok, file.problems
    plan = await apply_import(db, file, AuditContext.cli())
    assert len(plan.new) == 51 and sum(len(p.lines) for p in plan.new) == SAMPLE_ROWS
    # Exactly the file's titles per subject (CO_TINH next to CO_CP, TTLDTT under TTLDXS implied).
    stored = {r.subject.key: r for r in await RegistrationRepository(db).registrations(2024)}
    written = {}
    for row in file.rows:
        planned = next(p for p in plan.new if row.line in p.lines)
        written.setdefault(planned.subject.key, set()).add(row.title)
    rs = load_ruleset("nd98-2023")
    assert {k: r.all_titles for k, r in stored.items()} == \
        {k: expand_implied(rs, codes) for k, codes in written.items()}

    repo = RegistrationRepository(db)
    tree = await OrgRepository(db).tree()
    bloc = next(u for u in tree.roots())
    records = await repo.records(2024, bloc.id)
    assert len(records) == 51 and all(r.counts for r in records)
    assert len({r.reference for r in records}) == 51
    assert sorted(r.reference for r in records)[0] == "2024-000001"
    summary = build_summary(load_ruleset("nd98-2023"), tree, await PeopleRepository(db).all(),
                            records, scope_org_id=bloc.id, year=2024)
    assert [c.total for c in (r.collective["TTLDXS"] for r in summary.rows)] == \
        [2, 6, 3, 9, 9, 1, 1]
    assert [r.individual["CSTD_TINH"] for r in summary.rows] == [4, 5, 0, 5, 2, 0, 0]
    assert summary.totals.agency_titles == {"CO_CP": 4, "CO_TINH": 7}

    agency = tree.agencies()[3]  # Sở Kế hoạch và Đầu tư
    assert len(await repo.records(2024, agency.id)) == 1 + 9 + 5
    logged = await audit.entries(db, entity="registration")
    assert len(logged) == 51 and {e.channel for e in logged} == {"cli"}


def test_malformed_file_is_refused_with_line_numbers_and_changes_nothing(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "2024,Sở Nội vụ,,,,CO_TINH\n"  # fine
        + "20x4,Sở Nội vụ,,,,CO_CP\n"
        + "2024,Sở Không Có,,,,CO_TINH\n"
        + "2024,Sở Nội vụ,Phòng Ma,,,TTLDXS\n"
        + "2024,Sở Nội vụ,Văn phòng Sở,Người Lạ,0912000999,CSTD_TINH\n"
        + "2024,Sở Nội vụ,Văn phòng Sở,Nguyễn Sai Tên,0909893580,CSTD_TINH\n"
        + "2024,Sở Nội vụ,,,,LDT\n"
        + "2024,Sở Nội vụ,,,,CSTDCS\n"
        + "2024,Sở Nội vụ,,,,Cờ thi đua của UBND tỉnh\n"
        + "2024,Sở Nội vụ,Văn phòng Sở,Đỗ Đức Thắng,12345,CSTD_TINH\n",
        encoding="utf-8",
    )
    assert _cli(db, "registrations", "import", str(bad)) == 1
    err = capsys.readouterr().err
    assert "Dòng 3: “20x4” không phải là năm" in err
    assert "Dòng 4: không có cơ quan “Sở Không Có” trong danh sách thuộc phạm vi phụ trách" in err
    assert "Dòng 5: không có đơn vị “Phòng Ma – Sở Nội vụ” trong danh sách" in err
    assert "Dòng 6: không có ai trong danh sách thuộc phạm vi phụ trách có số điện thoại " \
           "0912000999" in err
    assert "Dòng 7: họ tên và số điện thoại Nguyễn Sai Tên (0909893580) không khớp với danh " \
           "sách" in err
    assert "Đỗ Đức Thắng" not in err  # the name behind the number is never shown
    assert "Dòng 8: không có danh hiệu “LDT”" in err
    assert "Dòng 9: CSTDCS không phải là danh hiệu cho tập thể cơ quan" in err
    assert "Dòng 10: CO_TINH đã được đăng ký cho đối tượng này ở dòng 2" in err
    assert "Dòng 11: “12345” không phải số điện thoại di động" in err
    assert counts(db) == (0, 0)


async def test_xlsx_with_vietnamese_headers_names_and_nfd_text(db):
    book = Workbook()
    sheet = book.active
    sheet.append(["Năm", "Cơ quan", "Đơn vị", "Họ và tên", "Số điện thoại", "Danh hiệu"])
    sheet.append([2024, unicodedata.normalize("NFD", "Sở Nội vụ"), "", "", "",
                  unicodedata.normalize("NFD", "Cờ thi đua của Chính phủ")])
    sheet.append([2024, "Sở Nội vụ", "Văn phòng Sở", "Đỗ Đức Thắng", "+84 909 893 580",
                  "chien si thi dua co so"])
    buffer = io.BytesIO()
    book.save(buffer)
    file = parse_registration_file(buffer.getvalue(), "dang-ky.xlsx")
    assert file.ok, file.problems
    plan = await apply_import(db, file, AuditContext.cli())
    assert [sorted(p.titles) for p in plan.new] == [["CO_CP", "CO_TINH"], ["CSTDCS", "LDTT"]]
    person = await PeopleRepository(db).by_phone("0909893580")
    mine = [r for r in await RegistrationRepository(db).registrations(2024)
            if r.subject.person_id == person.id]
    assert mine[0].titles == {"CSTDCS"} and mine[0].implied == {"LDTT"}
    assert mine[0].source == "import"


async def test_reimport_changes_titles_keeps_the_reference_and_the_rest(db):
    sample = parse_registration_file(SAMPLE_REGISTRATIONS.read_bytes(), "sample.csv")
    await apply_import(db, sample, AuditContext.cli())
    repo = RegistrationRepository(db)
    before = {r.subject.key: r for r in await repo.registrations(2024)}

    change = parse_registration_file(
        (HEADER + "2024,Ban Dân tộc,Thanh tra Ban,,,TTLDXS\n2024,Cục Thống kê,,,,CO_TINH\n")
        .encode(), "x.csv"
    )
    plan = await preview_import(db, change)
    assert (len(plan.new), len(plan.changed), len(plan.unchanged)) == (1, 1, 0)
    await apply_import(db, change, AuditContext.cli())
    after = {r.subject.key: r for r in await repo.registrations(2024)}
    assert len(after) == 52
    statistics = next(k for k, r in before.items() if r.titles == {"CO_TINH", "TTLDXS"})
    assert after[statistics].titles == {"CO_TINH"}
    assert after[statistics].reference == before[statistics].reference
    assert after[statistics].revision == 2
    assert {k: r.titles for k, r in after.items() if k != statistics and k in before} == \
        {k: r.titles for k, r in before.items() if k != statistics}


async def test_scope_limits_what_an_import_may_touch(db):
    tree = await OrgRepository(db).tree()
    home_affairs = next(a for a in tree.agencies() if a.name == "Sở Nội vụ")
    file = parse_registration_file(SAMPLE_REGISTRATIONS.read_bytes(), "sample.csv")
    plan = await preview_import(db, file, scope_org_id=home_affairs.id)
    assert not plan.ok
    # Outside the scope reads as absent: the same problem as an agency that does not exist.
    assert {p.code for p in plan.problems} == {"unknown_agency"}
    assert len(plan.problems) == SAMPLE_ROWS - 13  # Sở Nội vụ has 13 rows


def test_the_flags_are_refused_for_a_unit_and_for_an_agency_outside_any_bloc():
    """Cờ thi đua của UBND tỉnh goes to the agencies that are bloc members: a unit, or an
    agency outside every bloc, is refused with the line and the reason."""
    tree = OrgTree([
        OrgUnit(id=1, parent_id=None, kind=OrgKind.BLOC, name="Khối Tham mưu Tổng hợp"),
        OrgUnit(id=2, parent_id=1, kind=OrgKind.AGENCY, name="Sở Nội vụ"),
        OrgUnit(id=3, parent_id=2, kind=OrgKind.UNIT, name="Văn phòng Sở"),
        OrgUnit(id=4, parent_id=None, kind=OrgKind.AGENCY, name="Ban Quản lý dự án"),
    ])
    file = parse_registration_file((HEADER + "2024,Sở Nội vụ,Văn phòng Sở,,,CO_TINH\n"
                                    "2024,Ban Quản lý dự án,,,,CO_TINH\n"
                                    "2024,Sở Nội vụ,,,,CO_TINH\n").encode(), "flags.csv")
    plan = plan_import(file, tree, [], [], lambda year: load_ruleset("nd98-2023"))
    assert [(p.line, p.code) for p in plan.problems] == [
        (2, "title_not_for_unit"), (3, "title_for_bloc_members")]
    with use_locale("vi"):
        assert describe_problem(plan.problems[1]) == \
            "Dòng 3: CO_TINH chỉ dành cho cơ quan là thành viên khối thi đua"
