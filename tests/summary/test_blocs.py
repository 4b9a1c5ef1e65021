"""A TĐKT office over several blocs: the summary keeps each bloc's annex (I, II, … numbered
from 1, with its subtotal), then the grand total, in the chat and in both files."""

from __future__ import annotations

from domain.roster import parse_roster
from storage.audit import AuditContext
from storage.roster import apply_roster
from tests.harness import BLOC, BotHarness
from tests.summary.helpers import import_registrations, read_docx, read_xlsx, receive_summary

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


async def _second_bloc(bot: BotHarness) -> None:
    roster = parse_roster(OTHER_ROSTER.encode(), "van-hoa-xa-hoi.csv", OTHER_BLOC)
    await apply_roster(bot.db, roster, AuditContext.cli())
    await import_registrations(bot.db, OTHER_REGISTRATIONS.encode(), "dk.csv")


async def test_a_summary_over_two_blocs_keeps_each_blocs_annex(seeded: BotHarness):
    await _second_bloc(seeded)
    chat = seeded.secretariat_chat()
    clerk = seeded.user(8001, "Hằng")
    await chat.send(clerk, "/tonghop")
    post = await receive_summary(chat)
    text = post.text

    first, second = text.split("II. KHỐI VĂN HÓA – XÃ HỘI", 1)
    assert "I. KHỐI THAM MƯU TỔNG HỢP\n\n1. Văn phòng Đoàn ĐBQH và HĐND tỉnh" in first
    assert "7. Ban Dân tộc" in first
    assert "Cộng Khối Tham mưu Tổng hợp (07 cơ quan)" in first
    assert "• 03 cơ quan đạt danh hiệu Tập thể lao động xuất sắc\n" \
        "• 16 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh\n" \
        "• 28 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc" in first
    # The second bloc is numbered from 1 again, with its own subtotal.
    assert "1. Sở Y tế\nĐăng ký thi đua của cơ quan: Cờ thi đua của UBND tỉnh" in second
    assert "• 01 tập thể Lao động xuất sắc\n• 01 cá nhân tặng danh hiệu" in second
    assert "2. Sở Văn hóa và Thể thao" in second
    subtotal = second.split("Cộng Khối Văn hóa – Xã hội (02 cơ quan)", 1)[1]
    assert "01 cơ quan đăng ký Cờ thi đua của UBND tỉnh" in subtotal
    assert "Đã đăng ký: 1/4 người (25%)" in subtotal
    grand = second.split("Tổng cộng (09 cơ quan)", 1)[1]
    assert "04 cơ quan đăng ký Cờ thi đua của Chính phủ; 08 cơ quan đăng ký Cờ thi đua của " \
           "UBND tỉnh" in grand
    assert "• 03 cơ quan đạt danh hiệu Tập thể lao động xuất sắc\n" \
        "• 17 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh\n" \
        "• 29 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc" in grand
    # Registering the flag is no breach, in either bloc: the limit is the year-end proposal.
    assert "tối đa" not in text
    assert all(len(m.text) <= 4096 for m in post.texts)

    sheet = read_xlsx(post.xlsx.document.data).worksheets[0]
    table = [[c for c in row[:4]] for row in sheet.iter_rows(min_row=5, values_only=True)]
    names = [row[1] for row in table]
    assert names[0] == "KHỐI THAM MƯU TỔNG HỢP" and table[0][0] == "I"
    assert any(r.min_row == 5 and r.min_col == 2 for r in sheet.merged_cells.ranges)
    assert names[8] == "Cộng Khối Tham mưu Tổng hợp"
    assert names[9:12] == ["KHỐI VĂN HÓA – XÃ HỘI", "Sở Y tế", "Sở Văn hóa và Thể thao"]
    assert [table[10][0], table[11][0]] == [1, 2]
    assert names[12:] == ["Cộng Khối Văn hóa – Xã hội", "Tổng cộng"]
    assert table[13][3].startswith("03 cơ quan đạt danh hiệu Tập thể lao động xuất sắc")

    # The province's office: its council issues the table, never "all agencies".
    assert text.startswith("TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2024\nCác khối thi đua\n")
    document = read_docx(post.docx.document.data)
    letterhead = document.tables[0].rows[0].cells[0]
    assert letterhead.paragraphs[0].text == "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG TỈNH"
    titles = [p.text for p in document.paragraphs if p.text]
    assert titles[:2] == ["BẢNG TỔNG HỢP ĐĂNG KÝ DANH HIỆU THI ĐUA",
                          "CỦA CÁC KHỐI THI ĐUA NĂM 2024"]
    assert "TẤT CẢ" not in document.tables[0].rows[0].cells[0].text
    annex = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    first_cells = [row.cells[0].text for row in annex.rows]
    second_cells = [row.cells[1].text for row in annex.rows]
    assert first_cells[1] == "I" and second_cells[1] == "KHỐI THAM MƯU TỔNG HỢP"
    assert "II" in first_cells and "Cộng Khối Văn hóa – Xã hội" in second_cells
    assert second_cells[-1] == "Tổng cộng"
    assert BLOC in text


async def test_a_province_gets_each_blocs_figures_in_chat_and_every_agency_in_files(
        seeded: BotHarness):
    lines = ["agency,unit,full_name,position,is_leader,role,phone"]
    for n in range(1, 16):  # 7 agencies of seed 000's bloc + 15 here: over the chat's 20
        lines.append(f"Sở Thử nghiệm {n:02d},,Người Thứ {n:02d},Giám đốc,có,agency_head,"
                     f"09130000{n:02d}")
    roster = parse_roster("\n".join(lines).encode(), "vhxh.csv", OTHER_BLOC)
    await apply_roster(seeded.db, roster, AuditContext.cli())

    chat = seeded.secretariat_chat()
    clerk = seeded.user(8001, "Hằng")
    await chat.send(clerk, "/tonghop")
    post = await receive_summary(chat)
    text = post.text
    assert "22 cơ quan thuộc 2 khối thi đua" in text
    assert "I. KHỐI THAM MƯU TỔNG HỢP\nCộng Khối Tham mưu Tổng hợp (07 cơ quan)" in text
    assert "II. KHỐI VĂN HÓA – XÃ HỘI\nCộng Khối Văn hóa – Xã hội (15 cơ quan)" in text
    assert "Tổng cộng (22 cơ quan)" in text
    assert "Sở Thử nghiệm 01" not in text and "1. Văn phòng Đoàn ĐBQH" not in text
    assert len(post.texts) == 1
    names = [row[1] for row in read_xlsx(post.xlsx.document.data).worksheets[0]
             .iter_rows(min_row=5, values_only=True)]
    assert "Sở Thử nghiệm 15" in names and "Văn phòng Đoàn ĐBQH và HĐND tỉnh" in names

    # One bloc's annex, agency by agency, is a name away.
    await chat.send(clerk, f"/tonghop {OTHER_BLOC}")
    bloc = await receive_summary(chat)
    assert "1. Sở Thử nghiệm 01" in bloc.text and "15. Sở Thử nghiệm 15" in bloc.text
    assert "Tổng cộng (15 cơ quan)" in bloc.text
