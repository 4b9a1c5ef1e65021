"""Registered vs achieved: the bloc's table produced from the files (the roster, the
registrations, the decision lists), in chat (Telegram, Zalo), XLSX and DOCX, and who
registered a title without achieving it."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

from app.registration import flow  # noqa: F401 - the registration feature is loaded
from bot.cli import main
from tests.harness import BLOC, SAMPLE_REGISTRATIONS, SAMPLE_ROSTER, BotHarness
from tests.results.helpers import AGENCY_HEAD, INITIATIVES, RESULTS, STAFF


def _cli(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_the_bloc_table_is_produced_from_the_files(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    for args in (("roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC),
                 ("registrations", "import", str(SAMPLE_REGISTRATIONS)),
                 ("initiatives", "import", str(INITIATIVES)),
                 ("results", "import", str(RESULTS))):
        assert _cli(db, *args) == 0
    capsys.readouterr()

    assert _cli(db, "results", "compare", "--year", "2024") == 0
    text = capsys.readouterr().out
    assert text.startswith("ĐĂNG KÝ VÀ KẾT QUẢ THI ĐUA NĂM 2024\nKhối Tham mưu Tổng hợp")
    # Văn phòng Đoàn ĐBQH và HĐND tỉnh: 4 CSTĐ tỉnh registered, 3 achieved.
    row = text.split("1. Văn phòng Đoàn ĐBQH và HĐND tỉnh")[1].split("2. Văn phòng")[0]
    assert "Cơ quan đăng ký: Cờ thi đua của Chính phủ; Cờ thi đua của UBND tỉnh · đạt: " \
        "không có" in row
    registered, achieved = row.split("Đạt:")
    assert "• 04 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in registered
    assert "• 03 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in achieved
    assert "Đăng ký nhưng không đạt: 02 tập thể, cá nhân" in achieved
    # Văn phòng UBND tỉnh holds the bloc's one provincial flag.
    assert "Cơ quan đăng ký: Cờ thi đua của Chính phủ; Cờ thi đua của UBND tỉnh · đạt: Cờ thi " \
        "đua của UBND tỉnh" in text
    totals = text.split("Tổng cộng (07 cơ quan)")[1]
    assert "• 16 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in totals
    assert "• 14 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in totals
    assert "Đạt: 01 cơ quan đạt Cờ thi đua của UBND tỉnh" in totals
    assert "Đăng ký nhưng không đạt (12)" in text
    assert "• Bùi Thúy Hà – Phòng Công tác Quốc hội – Văn phòng Đoàn ĐBQH và HĐND tỉnh: Chiến " \
        "sĩ thi đua cấp tỉnh (đạt: Chiến sĩ thi đua cơ sở)" in text
    assert "• Phòng Lãnh sự – Sở Ngoại vụ: Tập thể lao động xuất sắc" in text

    xlsx, docx = tmp_path / "kq.xlsx", tmp_path / "kq.docx"
    assert _cli(db, "results", "compare", "--year", "2024", "--format", "xlsx",
                "--out", str(xlsx)) == 0
    assert _cli(db, "results", "compare", "--year", "2024", "--format", "docx",
                "--out", str(docx)) == 0
    book = load_workbook(io.BytesIO(xlsx.read_bytes()))
    table, missed = book.worksheets
    header = [c.value for c in table[4]]
    assert header[:7] == ["STT", "Tên cơ quan, đơn vị", "Cơ quan đăng ký", "Cơ quan đạt",
                          "Tập thể, cá nhân đăng ký", "Tập thể, cá nhân đạt", "Không đạt"]
    first = [c.value for c in table[5]]
    column = header.index("Chiến sĩ thi đua cấp tỉnh: đăng ký")
    assert first[1] == "Văn phòng Đoàn ĐBQH và HĐND tỉnh" and first[6] == 2
    assert first[column:column + 2] == [4, 3]
    assert missed.max_row == 13  # the header and the twelve
    document = Document(io.BytesIO(docx.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert "BẢNG TỔNG HỢP ĐĂNG KÝ VÀ KẾT QUẢ THI ĐUA CỦA KHỐI THAM MƯU TỔNG HỢP NĂM 2024" in texts
    assert "Danh sách đăng ký nhưng không đạt:" in texts
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in c.text
               for t in document.tables for row in t.rows for c in row.cells)


async def _registrations(bot: BotHarness) -> None:
    from app.imports.registrations import apply_import
    from domain.registration_import import parse_registration_file
    from storage.audit import AuditContext

    file = parse_registration_file(SAMPLE_REGISTRATIONS.read_bytes(), "dk.csv")
    await apply_import(bot.db, file, AuditContext.cli())


async def test_the_secretariat_gets_the_table_and_its_files_on_telegram(rbot: BotHarness):
    await _registrations(rbot)
    chat = rbot.secretariat_chat()
    clerk = rbot.user(8501, "Hằng")
    await chat.send(clerk, "/ketqua 2024")
    table = await chat.expect("ĐĂNG KÝ VÀ KẾT QUẢ THI ĐUA NĂM 2024")
    assert "7. Ban Dân tộc" in table.plain
    messages = [table]
    while True:
        message = await chat.expect(timeout=30)
        if message.document is not None:
            break
        messages.append(message)
    assert any("Đăng ký nhưng không đạt (12)" in m.plain for m in messages)
    assert message.document.filename == "dang-ky-va-ket-qua-thi-dua-2024.xlsx"
    docx = await chat.expect(timeout=30)
    assert docx.document.filename == "dang-ky-va-ket-qua-thi-dua-2024.docx"

    # No result of another year: said plainly.
    await chat.send(clerk, "/ketqua 2019")
    await chat.expect("Chưa có kết quả năm 2019 nào được ghi nhận")


async def test_an_agency_head_gets_their_agency_on_zalo_and_staff_nothing(rbot: BotHarness):
    await _registrations(rbot)
    head = await rbot.zalo_person(AGENCY_HEAD)
    await head.send("ket qua 2024")
    table = await head.expect("ĐĂNG KÝ VÀ KẾT QUẢ THI ĐUA NĂM 2024")
    assert "Văn phòng Đoàn ĐBQH và HĐND tỉnh" in table.plain
    assert "Sở Nội vụ" not in table.plain
    rest = [await head.expect(timeout=30)]
    while rest[-1].plain.count("http") == 0 or len([m for m in rest if "http" in m.plain]) < 2:
        rest.append(await head.expect(timeout=30))
    text = "\n".join(m.plain for m in [table, *rest])
    assert "Bùi Thúy Hà" in text and "Lương Thu Thảo" not in text  # another agency's
    links = [line for m in rest for line in m.plain.splitlines() if line.startswith("http")]
    assert any(u.endswith(".xlsx") for u in links) and any(u.endswith(".docx") for u in links)

    khanh = await rbot.zalo_person(STAFF)
    await khanh.send("/ketqua")
    refusal = await khanh.expect()
    assert "lãnh đạo đơn vị" in refusal.plain and "http" not in refusal.plain


OTHER_BLOC = "Khối Văn hóa – Xã hội"
OTHER_ROSTER = """agency,unit,full_name,position,is_leader,role,phone
Sở Y tế,,Lê Thị Hoa,Giám đốc,có,agency_head,0912000002
Sở Y tế,Phòng Nghiệp vụ Y,Nguyễn Văn Bình,Trưởng phòng,có,unit_head,0912000001
Sở Y tế,Phòng Nghiệp vụ Y,Đào Thu Hà,Chuyên viên,không,staff,0912000003
Sở Văn hóa và Thể thao,,Vũ Quốc Anh,Giám đốc,có,agency_head,0912000004
"""
OTHER_REGISTRATIONS = """year,agency,unit,full_name,phone,title
2024,Sở Y tế,,,,CO_TINH
2024,Sở Y tế,Phòng Nghiệp vụ Y,,,TTLDXS
2024,Sở Y tế,Phòng Nghiệp vụ Y,Đào Thu Hà,0912000003,CSTD_TINH
"""
OTHER_RESULTS = """year,agency,unit,full_name,phone,title,decision_number,decision_date,decided_by
2024,Sở Y tế,,,,CO_TINH,3153/QĐ-UBND,27/12/2024,Chủ tịch UBND tỉnh
2024,Sở Y tế,Phòng Nghiệp vụ Y,,,TTLDXS,3151/QĐ-UBND,27/12/2024,Chủ tịch UBND tỉnh
2024,Sở Y tế,Phòng Nghiệp vụ Y,Đào Thu Hà,0912000003,CSTDCS,80/QĐ-SYT,20/12/2024,Giám đốc Sở Y tế
"""


def test_a_province_of_two_blocs_keeps_each_blocs_table(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    files = {name: tmp_path / name for name in ("r.csv", "d.csv", "k.csv")}
    files["r.csv"].write_text(OTHER_ROSTER, encoding="utf-8")
    files["d.csv"].write_text(OTHER_REGISTRATIONS, encoding="utf-8")
    files["k.csv"].write_text(OTHER_RESULTS, encoding="utf-8")
    for args in (("roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC),
                 ("roster", "import", str(files["r.csv"]), "--bloc", OTHER_BLOC),
                 ("registrations", "import", str(SAMPLE_REGISTRATIONS)),
                 ("registrations", "import", str(files["d.csv"])),
                 ("initiatives", "import", str(INITIATIVES)),
                 ("results", "import", str(RESULTS)),
                 ("results", "import", str(files["k.csv"]))):
        assert _cli(db, *args) == 0, args
    capsys.readouterr()
    assert _cli(db, "results", "compare", "--year", "2024") == 0
    text = capsys.readouterr().out
    first, second = text.split("II. KHỐI VĂN HÓA – XÃ HỘI", 1)
    assert "I. KHỐI THAM MƯU TỔNG HỢP\n\n1. Văn phòng Đoàn ĐBQH và HĐND tỉnh" in first
    assert "Cộng Khối Tham mưu Tổng hợp (07 cơ quan)" in first
    assert "1. Sở Y tế\nCơ quan đăng ký: Cờ thi đua của UBND tỉnh · đạt: Cờ thi đua của UBND " \
        "tỉnh" in second
    subtotal = second.split("Cộng Khối Văn hóa – Xã hội (02 cơ quan)", 1)[1]
    assert "Đạt: 01 cơ quan đạt Cờ thi đua của UBND tỉnh" in subtotal
    grand = second.split("Tổng cộng (09 cơ quan)", 1)[1]
    assert "• 17 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in grand
    assert "Đạt: 02 cơ quan đạt Cờ thi đua của UBND tỉnh" in grand
    assert "Đăng ký nhưng không đạt (13)" in text
    assert "• Đào Thu Hà – Phòng Nghiệp vụ Y – Sở Y tế: Chiến sĩ thi đua cấp tỉnh (đạt: Chiến " \
        "sĩ thi đua cơ sở)" in text
