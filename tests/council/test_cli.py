"""`thidua council …`: the council's members, a session, the written votes of absent members,
its close and its files, from the command line (the same use cases as /hoidong). Nothing of
the votes is shown before the session closes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from docx import Document

from app.services import Services
from app.settings import load_settings
from bot.cli import main
from domain.council import blank, new_salt
from storage.audit import AuditContext
from storage.council import CouncilRepository
from storage.db import Database
from tests.council.helpers import CHAIR, COUNCIL, SECRETARY, set_up_proposals
from tests.harness import BLOC, SAMPLE_ROSTER


async def _proposals(database: Path, year: int) -> None:
    db = await Database(database).open()
    try:
        await set_up_proposals(Services.create(load_settings(database=str(database)), db), year)
    finally:
        await db.close()


async def _vote(database: Path, session_id: int, phones: list[str]) -> None:
    """Members casting ballots that agree with everything (as the chat would)."""
    db = await Database(database).open()
    try:
        services = Services.create(load_settings(database=str(database)), db)
        repo = CouncilRepository(db)
        for phone in phones:
            person = await services.people.by_phone(phone)
            draft = await repo.start_draft(session_id, person.id, blank(12), new_salt())
            draft = await repo.mark(draft, "y" * 12)
            await repo.cast(session_id, person.id, draft.version, services.now(),
                            AuditContext.cli())
    finally:
        await db.close()


def test_the_council_from_the_command_line(tmp_path: Path, capsys):
    db = tmp_path / "t.sqlite3"

    def cli(*args: str) -> int:
        return main(["--database", str(db), "council", *args])

    assert main(["--database", str(db), "roster", "import", str(SAMPLE_ROSTER), "--bloc",
                 BLOC]) == 0
    year = datetime.now().year
    asyncio.run(_proposals(db, year))
    capsys.readouterr()

    assert cli("members", "add", "--agency", "so noi vu", "--position", "chair", CHAIR) == 0
    assert cli("members", "add", "--agency", "Sở Nội vụ", "--position", "secretary",
               SECRETARY) == 0
    assert cli("members", "add", "--agency", "Sở Nội vụ", *COUNCIL[2:]) == 0
    assert cli("members", "add", "--agency", "Sở Nội vụ", "0999999999") == 1
    out = capsys.readouterr()
    assert "Không có ai trong danh sách cán bộ có số điện thoại 0999999999." in out.err
    assert "Hội đồng Thi đua – Khen thưởng Sở Nội vụ: 9 thành viên" in out.out
    assert "Đinh Hữu Dũng (0931723003): Chủ tịch Hội đồng" in out.out
    assert "Đặng Quốc Khánh (0974554718): Ủy viên, Thư ký" in out.out

    deadline = (datetime.now() + timedelta(days=2)).strftime("%d/%m/%Y")
    assert cli("open", "--agency", "Sở Nội vụ", "--year", str(year), "--deadline", deadline,
               "--time", "17:00") == 0
    assert "Đã mở phiên 1: Sở Nội vụ năm" in capsys.readouterr().out
    assert cli("open", "--agency", "Sở Nội vụ", "--year", str(year), "--deadline",
               deadline) == 1
    assert "đang có phiên bỏ phiếu mở" in capsys.readouterr().err

    asyncio.run(_vote(db, 1, COUNCIL[:8]))
    assert cli("status") == 0
    assert "đã bỏ phiếu 8/9, bằng văn bản 0" in capsys.readouterr().out
    assert cli("results", "--session", "1") == 1  # nothing before the close
    assert "Kết quả chỉ được công bố khi phiên bỏ phiếu kết thúc." in capsys.readouterr().err

    # The absent member wrote: he agrees, except on the last two proposals.
    assert cli("written", "--session", "1", "--members", COUNCIL[8],
               "--yes", "1 1 1 1 1 1 1 1 1 1 0 0") == 0
    assert "Đã lưu phiếu bằng văn bản của 1 thành viên vắng mặt." in capsys.readouterr().out
    assert cli("written", "--session", "1", "--members", COUNCIL[0], "--yes", "1 " * 12) == 1
    assert "có thành viên đã bỏ phiếu" in capsys.readouterr().err
    assert cli("paper", "--session", "1", "--present", "9", "--yes", "9 " * 12) == 1
    capsys.readouterr()

    assert cli("close", "--session", "1") == 0
    assert "Phiên 1 đã kết thúc" in capsys.readouterr().out
    assert cli("results", "--session", "1") == 0
    out = capsys.readouterr().out
    assert "<b>" not in out
    assert "Thành viên tham gia bỏ phiếu: 8/9; 1 thành viên vắng mặt có ý kiến bằng văn bản" \
        in out
    assert "9 đồng ý (1 bằng văn bản), 0 không đồng ý · 100%" in out
    assert "8 đồng ý, 1 không đồng ý (1 bằng văn bản) · 88,9%" in out

    folder = tmp_path / "ho-so"
    assert cli("dossier", "--session", "1", "--out", str(folder)) == 0
    written = sorted(p.name for p in folder.iterdir())
    assert written[0] == f"bao-cao-thanh-tich-{year}-1.docx" and len(written) == 2 + 12
    minutes = Document(str(folder / f"bien-ban-hop-hoi-dong-{year}-1.docx"))
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert "Thành viên vắng mặt, có ý kiến bằng văn bản: 1: Lê Xuân Tuấn" in text
    # Laid out under Nghị định 30/2020: A4, margins, Times New Roman, the letterhead with the
    # issuer, the number (BB), the national name and motto, the place and date line.
    section = minutes.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(section.left_margin.cm, 1), round(section.right_margin.cm, 1)) == (3.0, 1.5)
    assert 2.0 <= section.top_margin.cm <= 2.5 and 2.0 <= section.bottom_margin.cm <= 2.5
    assert minutes.styles["Normal"].font.name == "Times New Roman"
    head = "\n".join(c.text for c in minutes.tables[0].rows[0].cells)
    assert "SỞ NỘI VỤ\nHỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in head
    assert "Số: ……/BB-HĐTĐKT" in head
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head and "Độc lập - Tự do - Hạnh phúc" in head
    assert ", ngày " in head and f"năm {year}" in head
    signatures = "\n".join(c.text for c in minutes.tables[-1].rows[0].cells)
    assert "THƯ KÝ" in signatures and "CHỦ TỊCH HỘI ĐỒNG" in signatures
    assert "Đặng Quốc Khánh" in signatures and "Đinh Hữu Dũng" in signatures
