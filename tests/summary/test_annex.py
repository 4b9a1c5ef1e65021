"""The secretariat asks for the summary and gets seed 000's annex: as text, XLSX, DOCX, chart.

The sample roster and bot/demo/sample-registrations-2024.csv go through the real importers;
the files the bot sends are read back with openpyxl and python-docx.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.harness import BLOC, BotHarness
from tests.summary.helpers import (
    MOTTO,
    SECRETARIAT,
    SEED_CSTD_TINH,
    SEED_FLAGS,
    SEED_LINES,
    SEED_ORDER,
    SEED_TTLDXS,
    counts_in,
    read_docx,
    read_xlsx,
    receive_summary,
    without_units,
)

SHARED = Path(os.environ.get("THIDUA_SHARED", Path(__file__).resolve().parents[3] / "shared"))
SEED = SHARED / "seeds" / "000_235d60349dcbaed8.txt"


def annex_lines(block: str, heading: str = "Đăng ký của các tập thể, cá nhân:") -> list[str]:
    """The bullet lines after `heading` in a summary text block."""
    after = block.split(heading + "\n", 1)[1]
    lines = []
    for line in after.splitlines():
        if not line.startswith("• "):
            break
        lines.append(line[2:])
    return lines


def seed_annex() -> list[str]:
    """Seed 000's annex column "Đăng ký thi đua của các tập thể, cá nhân", per row, with
    the official spelling of the names it abbreviates."""
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 4 and cells[0].isdigit():
            rows.append(cells[3])
    spelling = [("Chiến sỹ", "Chiến sĩ"), ("Danh hiệu", "danh hiệu"), ("lao động xs",
                "lao động xuất sắc"), ("phòng chuyên môn", "phòng, ban, đơn vị"),
                ("danh hiệu tập thể", "danh hiệu Tập thể")]
    for old, new in spelling:
        rows = [row.replace(old, new) for row in rows]
    return rows


def test_the_reference_lines_are_seed_000s_annex():
    """SEED_LINES, the bot's lines, are the seed's annex word for word (official names)."""
    if not SEED.exists():
        pytest.skip("shared/seeds is not next to this checkout")
    assert seed_annex() == [" ".join(lines) for lines in SEED_LINES]


async def test_secretariat_chat_gets_the_annex_as_text_and_files(seeded: BotHarness):
    chat = seeded.secretariat_chat()
    clerk = seeded.user(8001, "Hằng")
    await chat.send(clerk, "/summary")
    post = await receive_summary(chat)
    text = post.text

    assert "TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2024" in text and BLOC in text
    blocks = [text.split(f"{i}. {name}\n", 1)[1].split("\n\n", 1)[0]
              for i, name in enumerate(SEED_ORDER, start=1)]
    for block, flags, ttldxs, cstd, lines in zip(blocks, SEED_FLAGS, SEED_TTLDXS,
                                                 SEED_CSTD_TINH, SEED_LINES, strict=True):
        assert f"Đăng ký thi đua của cơ quan: {'; '.join(flags)}" in block
        assert counts_in(block) == (ttldxs, cstd)
        # The annex line for line: in its order, its wording, without added brackets.
        assert annex_lines(block) == lines
    assert "Đã đăng ký: 4/22 người (18%)" in blocks[0]
    assert "Tổng cộng (07 cơ quan)" in text
    assert "04 cơ quan đăng ký Cờ thi đua của Chính phủ; 07 cơ quan đăng ký Cờ thi đua của " \
           "UBND tỉnh" in text
    total = text.split("Tổng cộng (07 cơ quan)\n", 1)[1]
    assert annex_lines(total, heading="UBND tỉnh") == [
        "03 cơ quan đạt danh hiệu Tập thể lao động xuất sắc",
        "16 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
        "28 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc",
    ]
    # Seven agencies registering the provincial flag is no breach: every member competes,
    # the bloc proposes one at the year's end. The 40% share stays, with its source.
    assert "tối đa 1" not in text and "⚠️" not in text
    assert "không giữ chức vụ lãnh đạo, quản lý đạt 100% (16/16), đáp ứng mục tiêu từ 40%" in text
    assert "(căn cứ: mục 3 bản đăng ký thi đua của khối)" in text
    assert all(len(m.text) <= 4096 for m in post.texts)

    assert post.xlsx.document.filename == "tong-hop-dang-ky-thi-dua-2024.xlsx"
    assert post.docx.document.filename == "tong-hop-dang-ky-thi-dua-2024.docx"
    assert len(post.chart.plain) <= 1024 and "Tỷ lệ đăng ký thi đua và cam kết" in post.chart.plain
    image = Image.open(io.BytesIO(post.chart.photo.data))
    image.verify()
    assert image.format == "PNG"

    book = read_xlsx(post.xlsx.document.data)
    table = book["Tổng hợp"]
    assert table["A1"].value == ("BẢNG TỔNG HỢP ĐĂNG KÝ DANH HIỆU THI ĐUA CỦA KHỐI THAM MƯU "
                                 "TỔNG HỢP NĂM 2024")
    assert table.freeze_panes == "C5"
    headers = [c.value for c in table[4]]
    assert headers[:4] == ["STT", "Tên cơ quan, đơn vị", "Đăng ký thi đua của cơ quan",
                           "Đăng ký thi đua của các tập thể, cá nhân"]
    rows = [r for r in table.iter_rows(min_row=5, values_only=True) if r[1]]
    assert [r[1] for r in rows] == [*SEED_ORDER, "Tổng cộng"]
    column = {name: i for i, name in enumerate(headers)}
    for row, flags, ttldxs, cstd in zip(rows, SEED_FLAGS, SEED_TTLDXS, SEED_CSTD_TINH,
                                        strict=False):
        assert row[2].split("\n") == flags
        assert counts_in(row[3]) == (ttldxs, cstd)
        assert row[3].split("\n") == SEED_LINES[rows.index(row)]
        assert row[column["Tập thể lao động xuất sắc (số tập thể)"]] == ttldxs
        assert row[column["Chiến sĩ thi đua cấp tỉnh (số cá nhân)"]] == cstd
        assert row[column["Cờ thi đua của Chính phủ (cơ quan)"]] == int(len(flags) == 2)
    assert table["D5"].border.left.style == "thin"
    assert table.column_dimensions["D"].width == 60
    details = book["Danh sách đăng ký"]
    assert details.freeze_panes == "A2"
    listed = list(details.iter_rows(min_row=2, values_only=True))
    assert len(listed) == 7 + 28 + 16  # the agencies themselves, their units, the people
    assert listed[2][3] == "Phạm Ngọc Anh" and listed[2][7] == "Chiến sĩ thi đua cấp tỉnh"
    assert book["Cảnh báo"].max_row == 1 + 1  # the 40% share, met

    # The DOCX is the bloc's registration document: the cover letter, then its annex.
    document = read_docx(post.docx.document.data)
    head, closing, table = document.tables
    letterhead = head.rows[0].cells
    assert [p.text for p in letterhead[0].paragraphs] == [
        BLOC.upper(), "Số: ……/KTMTH-TĐKT", "V/v đăng ký thi đua năm 2024"]
    assert letterhead[1].paragraphs[0].text == MOTTO[0]
    assert letterhead[1].paragraphs[1].text == MOTTO[1]
    assert ", ngày " in letterhead[1].paragraphs[2].text
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[0] == "Kính gửi: Thường trực Hội đồng Thi đua – Khen thưởng tỉnh."
    assert paragraphs[1].startswith("Hưởng ứng phong trào thi đua năm 2024") and \
        paragraphs[1].endswith(f"{BLOC} đăng ký thi đua năm 2024 với những nội dung sau:")
    assert [p.split(". ", 1)[0] for p in paragraphs[2:10]] == [str(n) for n in range(1, 9)]
    assert paragraphs[9] == "8. Đăng ký các danh hiệu thi đua: (Có Bảng đăng ký kèm theo)."
    assert paragraphs[10].startswith(f"Trên đây là đăng ký thi đua năm 2024 của {BLOC}")
    names, signature = closing.rows[0].cells
    assert [p.text for p in names.paragraphs] == [
        "Nơi nhận:", "- Như trên;", "- Các cơ quan trong Khối;", "- Lưu: VT."]
    assert [p.text for p in signature.paragraphs][:2] == ["TM. KHỐI THI ĐUA TMTH", "TRƯỞNG KHỐI"]
    # The annex on its own page, captioned with the letter's number.
    assert any('w:br w:type="page"' in p._p.xml for p in document.paragraphs)
    assert paragraphs[11:14] == [
        "BẢNG TỔNG HỢP ĐĂNG KÝ DANH HIỆU THI ĐUA", "CỦA KHỐI THAM MƯU TỔNG HỢP NĂM 2024",
        "(Kèm theo văn bản số ……/KTMTH-TĐKT ngày …… tháng …… năm 2024 của Khối Tham mưu "
        "Tổng hợp)"]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["STT", "Tên cơ quan, đơn vị", "Đăng ký thi đua của cơ quan",
                        "Đăng ký thi đua của các tập thể, cá nhân"]
    assert [r[1] for r in cells[1:]] == [*SEED_ORDER, "Tổng cộng"]
    for row, flags, ttldxs, cstd in zip(cells[1:], SEED_FLAGS, SEED_TTLDXS, SEED_CSTD_TINH,
                                        strict=False):
        assert row[2].split("\n") == flags
        assert counts_in(row[3]) == (ttldxs, cstd)
        assert row[3].split("\n") == SEED_LINES[cells.index(row) - 1]
    # Page numbers: a PAGE field centred at the top, not on the first page (ND 30/2020).
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header.paragraphs[0]._p.xml
    runs = [r for p in document.paragraphs for r in p.runs if r.text]
    assert runs and all(r.font.name == "Times New Roman" and 12 <= r.font.size.pt <= 14
                        for r in runs)


async def test_a_secretariat_member_in_private_and_the_alias(seeded: BotHarness):
    hang = await seeded.person_user(SECRETARIAT)
    await hang.send("/tonghop sở nội vụ 2024")
    post = await receive_summary(hang)
    assert "Sở Nội vụ" in post.texts[0].plain
    assert counts_in(without_units(post.text)) == (9, 2)
    assert "Theo phòng, ban, đơn vị" in post.text
    assert post.xlsx.document.filename == "tong-hop-dang-ky-thi-dua-2024-so-noi-vu.xlsx"
    units = read_xlsx(post.xlsx.document.data)["Theo đơn vị"]
    names = [r[1] for r in units.iter_rows(min_row=5, values_only=True)]
    assert names[0] == "Văn phòng Sở" and len(names) == 10
    document = read_docx(post.docx.document.data)
    rows = [[c.text for c in r.cells] for r in document.tables[1].rows]
    assert rows[1][1] == "Sở Nội vụ" and rows[2][0] == "1.1" and rows[2][1] == "Văn phòng Sở"


async def test_an_english_reader_gets_english_text_and_vietnamese_official_files(
    seeded: BotHarness,
):
    hang = await seeded.person_user(SECRETARIAT)
    await hang.send("/language")
    await hang.expect()
    await hang.tap("English")
    await hang.expect("English")
    await hang.send("/summary")
    post = await receive_summary(hang, "REGISTRATION SUMMARY 2024")
    assert "01 collective: Excellent Labour Collective\n• 04 individuals for the title " \
        "Provincial Emulation Fighter\n• 01 office or unit for the title Excellent Labour " \
        "Collective" in post.text
    document = read_docx(post.docx.document.data)
    annex = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert annex.rows[1].cells[1].text == SEED_ORDER[0]
    assert "Kính gửi: Thường trực Hội đồng Thi đua – Khen thưởng tỉnh." in \
        [p.text for p in document.paragraphs]
    assert "Bảng" not in post.chart.plain and "rates" in post.chart.plain
