"""`thidua summary`: the same summary from the command line, as text or as a file."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from tests.harness import BLOC, DEMO, SAMPLE_REGISTRATIONS, SAMPLE_ROSTER
from tests.summary.helpers import (
    MOTTO,
    SEED_CSTD_TINH,
    SEED_ORDER,
    SEED_TTLDXS,
    counts_in,
    read_docx,
    read_xlsx,
)


@pytest.fixture
def database(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert main(["--database", str(db), "roster", "import", str(SAMPLE_ROSTER), "--bloc",
                 BLOC]) == 0
    assert main(["--database", str(db), "registrations", "import",
                 str(SAMPLE_REGISTRATIONS)]) == 0
    capsys.readouterr()
    return db


def _cli(db, *args: str) -> int:
    return main(["--database", str(db), "summary", *args])


def test_text_on_standard_output(database, capsys):
    assert _cli(database) == 0
    out = capsys.readouterr().out
    assert out.startswith("TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2024\nKhối Tham mưu Tổng hợp")
    assert "<b>" not in out
    for i, (name, ttldxs, cstd) in enumerate(zip(SEED_ORDER, SEED_TTLDXS, SEED_CSTD_TINH,
                                                 strict=True), start=1):
        block = out.split(f"{i}. {name}\n", 1)[1].split("\n\n", 1)[0]
        assert counts_in(block) == (ttldxs, cstd)


def test_files_for_the_bloc_and_for_one_agency(database, tmp_path, capsys):
    xlsx, docx, png = tmp_path / "a.xlsx", tmp_path / "a.docx", tmp_path / "a.png"
    assert _cli(database, "--format", "xlsx", "--out", str(xlsx), "--year", "2024") == 0
    assert f"Đã ghi: {xlsx}" in capsys.readouterr().out
    rows = [r for r in read_xlsx(xlsx.read_bytes())["Tổng hợp"].iter_rows(min_row=5,
                                                                          values_only=True)]
    assert [r[1] for r in rows] == [*SEED_ORDER, "Tổng cộng"]

    assert _cli(database, "--format", "docx", "--out", str(docx), "--agency", "so ke hoach") == 0
    document = read_docx(docx.read_bytes())
    assert [p.text for p in document.tables[0].rows[0].cells[1].paragraphs][:2] == list(MOTTO)
    assert document.tables[1].rows[1].cells[1].text == "Sở Kế hoạch và Đầu tư"
    assert counts_in(document.tables[1].rows[1].cells[3].text) == (9, 5)

    assert _cli(database, "--format", "png", "--out", str(png)) == 0
    assert Image.open(io.BytesIO(png.read_bytes())).format == "PNG"


def test_default_file_name_and_refusals(database, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _cli(database, "--format", "docx", "--agency", "Sở Nội vụ") == 0
    assert (tmp_path / "tong-hop-dang-ky-thi-dua-2024-so-noi-vu.docx").exists()
    capsys.readouterr()
    assert _cli(database, "--format", "xlsx", "--out", "-") == 1
    assert "--out" in capsys.readouterr().err
    assert _cli(database, "--agency", "Sở Tài chính") == 1
    assert "Không tìm thấy cơ quan, đơn vị nào khớp với “Sở Tài chính”" in capsys.readouterr().err


SEED = Path(os.environ.get("THIDUA_SHARED", Path(__file__).resolve().parents[3] / "shared")) \
    / "seeds" / "000_235d60349dcbaed8.txt"


def _seed_letter() -> list[str]:
    """Seed 000's letter, paragraph by paragraph, in the bot's one dash and number style."""
    body = SEED.read_text(encoding="utf-8").split("**Nơi nhận:**", 1)[0]
    body = body.replace("các\n\ngương", "các gương").replace("*", "")
    body = re.sub(r"(\d{4}) - (\d{4})", r"\1–\2", body).replace(" - ", " – ")
    body = body.replace("hân đấu", "hấn đấu")  # the seed's typo (items 3 and 7)
    return [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]


def test_the_blocs_registration_document_is_seed_000s(database, tmp_path, monkeypatch, capsys):
    """With the bloc's letter (THIDUA_REGISTRATION_LETTER), `thidua summary --format docx`
    writes seed 000 whole: the cover letter as the bloc wrote it, then its annex."""
    monkeypatch.setenv("THIDUA_REGISTRATION_LETTER", str(DEMO / "dang-ky-thi-dua-2024.yaml"))
    monkeypatch.setenv("THIDUA_DOCUMENT_PLACE", "Lào Cai")
    docx = tmp_path / "dang-ky.docx"
    assert _cli(database, "--format", "docx", "--out", str(docx), "--year", "2024") == 0
    document = read_docx(docx.read_bytes())
    paragraphs = [p.text for p in document.paragraphs if p.text]
    letter = paragraphs[:paragraphs.index("BẢNG TỔNG HỢP ĐĂNG KÝ DANH HIỆU THI ĐUA")]
    if SEED.exists():
        assert letter == _seed_letter()
    assert letter[0] == "Kính gửi: Thường trực Hội đồng Thi đua – Khen thưởng tỉnh."
    assert len(letter) == 1 + 1 + 8 + 1  # Kính gửi, the grounds, 1–8, the closing
    names, signature = document.tables[1].rows[0].cells
    assert [p.text for p in names.paragraphs] == [
        "Nơi nhận:", "- Như trên;", "- Ban TĐKT tỉnh;", "- Các cơ quan trong Khối TMTH;",
        "- Lãnh đạo Văn phòng;", "- Lưu: VT, TCHC2."]
    assert [p.text for p in signature.paragraphs if p.text] == [
        "TM. KHỐI THI ĐUA TMTH", "TRƯỞNG KHỐI", "CHÁNH VĂN PHÒNG UBND TỈNH", "Phan Quốc Nghĩa"]
    assert document.tables[0].rows[0].cells[1].paragraphs[2].text.startswith("Lào Cai, ngày ")


def test_a_letter_file_that_cannot_be_read_stops_the_command(database, tmp_path, monkeypatch,
                                                              capsys):
    broken = tmp_path / "thu.yaml"
    broken.write_text("grounds: [not, a, text]\n", encoding="utf-8")
    monkeypatch.setenv("THIDUA_REGISTRATION_LETTER", str(broken))
    assert _cli(database, "--format", "docx", "--out", str(tmp_path / "x.docx")) != 0
    assert "THIDUA_REGISTRATION_LETTER" in capsys.readouterr().err


def test_the_format_follows_the_file_name_and_never_contradicts_it(database, tmp_path,
                                                                    capsys):
    wrong = tmp_path / "x.xlsx"
    assert _cli(database, "--format", "docx", "--out", str(wrong)) == 1
    err = capsys.readouterr().err
    assert f"Tệp {wrong} có đuôi .xlsx, không phải tệp DOCX" in err
    assert not wrong.exists()

    # Without --format, the extension decides.
    docx, png, xlsx = tmp_path / "y.docx", tmp_path / "y.PNG", tmp_path / "y.xlsx"
    assert _cli(database, "--out", str(docx)) == 0
    assert read_docx(docx.read_bytes()).paragraphs
    assert _cli(database, "--out", str(png)) == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert _cli(database, "--out", str(xlsx), "--format", "xlsx") == 0
    assert "Tổng hợp" in read_xlsx(xlsx.read_bytes()).sheetnames
    text = tmp_path / "y.txt"
    assert _cli(database, "--out", str(text)) == 0
    assert text.read_text(encoding="utf-8").startswith("TỔNG HỢP ĐĂNG KÝ THI ĐUA")
