"""Decision lists into the record: the results file and the initiatives register, sent to the
bot or given to the CLI; all or nothing, previewed, idempotent, within the uploader's scope,
every problem with its line and never a name from outside that scope."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from openpyxl import Workbook

from bot.cli import main
from storage import audit
from storage.results import ResultsRepository
from tests.harness import BLOC, SAMPLE_ROSTER, BotHarness
from tests.results.helpers import INITIATIVES, OUTSIDER, RESULTS, STAFF

HEADER = "year,agency,unit,full_name,phone,title,decision_number,decision_date,decided_by\n"
QH = "Văn phòng Đoàn ĐBQH và HĐND tỉnh,Phòng Công tác Quốc hội"


def _cli(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_the_cli_imports_the_register_then_the_decision_lists_once(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    assert _cli(db, "roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    # Results naming initiatives need the register first: nothing is applied.
    assert _cli(db, "results", "import", str(RESULTS)) == 1
    err = capsys.readouterr().err
    assert "chưa thay đổi" in err
    assert "sổ theo dõi không có sáng kiến “Sổ tay điện tử phục vụ đại biểu HĐND tỉnh”" in err

    assert _cli(db, "initiatives", "import", str(INITIATIVES), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Sáng kiến, đề tài mới: 4" in out and "Chạy thử" in out
    assert _cli(db, "initiatives", "import", str(INITIATIVES)) == 0
    assert "Đã ghi nhận sáng kiến, đề tài." in capsys.readouterr().out
    assert _cli(db, "results", "import", str(RESULTS)) == 0
    out = capsys.readouterr().out
    assert "Kết quả mới: 170" in out and "• Chiến sĩ thi đua cơ sở: 64" in out
    assert "Đã ghi nhận kết quả." in out
    assert _cli(db, "results", "import", str(RESULTS)) == 0
    out = capsys.readouterr().out
    assert "Kết quả không đổi: 170" in out and "Không có thay đổi" in out

    assert _cli(db, "results", "history", "--search", "trinh minh khanh") == 0
    out = capsys.readouterr().out
    assert "Cá nhân: Trịnh Minh Khánh" in out and "Chiến sĩ thi đua cấp tỉnh" in out


async def test_the_secretariat_sends_a_results_file_previews_and_applies_it(bot: BotHarness):
    chat = bot.secretariat_chat()
    clerk = bot.user(8301, "Hằng")
    await chat.send_document(clerk, INITIATIVES.name, INITIATIVES.read_bytes())
    await chat.expect("Sổ theo dõi sáng kiến, đề tài: sample-initiatives.csv")
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã ghi nhận sáng kiến, đề tài.")

    await chat.send_document(clerk, "ket-qua.csv", RESULTS.read_bytes())
    preview = await chat.expect("Kết quả thi đua, khen thưởng: ket-qua.csv")
    assert "Kết quả mới: 170" in preview.plain
    assert "• Chiến sĩ thi đua cấp tỉnh: 14" in preview.plain
    assert await ResultsRepository(bot.db).of_years([2024]) == []  # a preview changes nothing
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã ghi nhận kết quả.")
    assert len(await ResultsRepository(bot.db).of_years([2021, 2022, 2023, 2024])) == 170
    entries = await audit.entries(bot.db, entity="result")
    assert len(entries) == 170 and {e.action for e in entries} == {"import_result"}

    # The same file again changes nothing; a corrected decision is a change.
    corrected = RESULTS.read_text(encoding="utf-8").replace("3152/QĐ-UBND", "3152a/QĐ-UBND")
    await chat.send_document(clerk, "ket-qua.csv", corrected.encode())
    preview = await chat.expect("Kết quả đổi quyết định: 1")
    assert "Cờ thi đua của UBND tỉnh năm 2024: quyết định 3152/QĐ-UBND → 3152a/QĐ-UBND" \
        in preview.plain
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã ghi nhận kết quả.")

    # XLSX, Vietnamese headers, dates as the spreadsheet keeps them.
    book = Workbook()
    sheet = book.active
    sheet.append(["Năm", "Cơ quan", "Đơn vị", "Họ và tên", "Số điện thoại", "Danh hiệu",
                  "Số quyết định", "Ngày quyết định", "Cấp quyết định"])
    from datetime import datetime

    sheet.append([2020, "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Phòng Công tác Quốc hội",
                  "Trịnh Minh Khánh", STAFF, "Lao động tiên tiến", "28/QĐ-VPĐĐBQH",
                  datetime(2020, 12, 18), "Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh"])
    buffer = io.BytesIO()
    book.save(buffer)
    await chat.send_document(clerk, "2020.xlsx", buffer.getvalue())
    await chat.expect("Kết quả mới: 1")
    await chat.tap("✅ Áp dụng", by=clerk)
    await chat.expect("Đã ghi nhận kết quả.")
    person = await bot.services.people.by_phone(STAFF)
    years = {r.year for r in await ResultsRepository(bot.db).of_people([person.id])}
    assert years == {2020, 2021, 2022, 2023, 2024}


async def test_a_bad_file_is_refused_by_line_and_names_nobody_outside_the_scope(
        tmp_path: Path):
    bot = BotHarness(tmp_path, secretariat_scope="Văn phòng Đoàn ĐBQH và HĐND tỉnh")
    await bot.start()
    try:
        await bot.import_roster()
        chat = bot.secretariat_chat()
        clerk = bot.user(8302, "Hằng")
        rows = [
            f"2024,{QH},Trịnh Minh Khánh,{STAFF},CSTDCS,51/QĐ-VPĐĐBQH,19/12/2024,Chánh Văn phòng",
            f"2024,{QH},Đỗ Đức Thắng,{OUTSIDER},CSTDCS,51/QĐ-VPĐĐBQH,19/12/2024,Chánh Văn phòng",
            "2024,Sở Nội vụ,Văn phòng Sở,,,TTLDXS,3151/QĐ-UBND,27/12/2024,Chủ tịch UBND tỉnh",
            f"2024,{QH},Trịnh Minh Khánh,{STAFF},CSTDCS,52/QĐ-VPĐĐBQH,19/12/2024,Chánh Văn phòng",
            f"2099,{QH},,,TTLDXS,1/QĐ,01/01/2024,Chủ tịch UBND tỉnh",
            f"2024,{QH},,,TTLDXS,,31/02/2024,",
            f"2024,{QH},,,Chiến sĩ thi đua cơ sở,3/QĐ,01/01/2024,Chủ tịch UBND tỉnh",
            f"2024,{QH},,,TTLDXS,51/QĐ-VPĐĐBQH,19/12/2024,Giám đốc",
        ]
        await chat.send_document(clerk, "x.csv", (HEADER + "\n".join(rows) + "\n").encode())
        problems = await chat.expect("chưa thay đổi")
        text = problems.plain
        assert not problems.buttons
        assert "Dòng 3: không có ai trong phạm vi của anh/chị có số điện thoại 0909893580" \
            in text
        assert "Dòng 4: nằm ngoài phạm vi phụ trách" in text
        assert "Dòng 5: CSTDCS của đối tượng và năm này đã có ở dòng 2" in text
        assert "Dòng 6: năm 2099 chưa kết thúc" in text
        assert "Dòng 7: thiếu số quyết định" in text and "Dòng 7: thiếu cấp quyết định" in text
        assert "Dòng 7: “31/02/2024” không phải ngày" in text
        assert "Dòng 8: CSTDCS không phải là danh hiệu cho tập thể phòng, ban, đơn vị" in text
        assert "Dòng 9: quyết định 51/QĐ-VPĐĐBQH ghi cấp quyết định khác ở dòng 2" in text
        assert "Đỗ Đức Thắng" not in text.replace("Đỗ Đức Thắng,0909893580", "")
        assert await ResultsRepository(bot.db).of_years([2024]) == []
    finally:
        await bot.close()


async def test_a_stale_results_or_initiatives_preview_is_refused(bot: BotHarness):
    """Issue 13: the decision lists' previews carry a plan digest like every upload's: what
    the preview showed is what Apply applies, or nothing."""
    chat = bot.secretariat_chat()
    clerk = bot.user(8303, "Hằng")
    await chat.send_document(clerk, INITIATIVES.name, INITIATIVES.read_bytes())
    stale_register = await chat.expect("Sáng kiến, đề tài mới: 4")
    # Meanwhile the register is imported from the command line: the preview's plan (four new
    # initiatives) is not what its file would do now.
    assert await asyncio.to_thread(_cli, bot.database, "initiatives", "import",
                                   str(INITIATIVES)) == 0
    await chat.tap("✅ Áp dụng", by=clerk, message=stale_register)
    changed = await chat.expect("Dữ liệu đã thay đổi")
    assert "chưa thay đổi dữ liệu nào" in changed.plain

    await chat.send_document(clerk, "ket-qua.csv", RESULTS.read_bytes())
    stale_results = await chat.expect("Kết quả mới: 170")
    assert await asyncio.to_thread(_cli, bot.database, "results", "import", str(RESULTS)) == 0
    before = await audit.entries(bot.db, entity="result")
    await chat.tap("✅ Áp dụng", by=clerk, message=stale_results)
    await chat.expect("Dữ liệu đã thay đổi")
    assert await audit.entries(bot.db, entity="result") == before
