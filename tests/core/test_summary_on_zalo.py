"""/tonghop and the summary's own posts, served by the core on a channel without buttons or
attachments of its own (Zalo): the table as text at once, the files when they are built."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from docx import Document as read_docx
from openpyxl import load_workbook

from app.events import Channel, ChatKind, Source
from app.ui import Busy, Document, Photo
from storage.audit import AuditContext
from storage.summary import SummaryStore
from storage.windows import WindowRepository
from tests.core.support import (
    ZALO_GROUP,
    CoreDesk,
    alerts,
    files,
    laters,
    messages,
)
from tests.summary.helpers import (
    SEED_ORDER,
    STAFF,
    UNIT_HEAD,
    counts_in,
    import_sample_registrations,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ZALO_LIMIT = 2000


async def test_tonghop_in_the_zalo_group_says_the_table_then_files_from_the_later(
    desk: CoreDesk,
):
    await import_sample_registrations(desk.db)

    outs = await desk.command(desk.zalo_group(), "/tonghop")

    texts = messages(outs)
    assert texts and texts[0].text.count("TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2024") == 1
    whole = "\n".join(m.text for m in texts)
    for agency in SEED_ORDER:
        assert agency in whole
    assert all(len(m.text) <= ZALO_LIMIT for m in texts)  # cut for Zalo, between rows
    assert not any(m.choices for m in texts)
    assert not files(outs)  # nothing waits for the files: they come later
    assert any(isinstance(o, Busy) for o in outs)
    [later] = laters(outs)
    assert outs.index(later) > outs.index(texts[-1])

    delivered = await later.work()
    chart, xlsx, docx = delivered
    assert isinstance(chart, Photo) and chart.content.startswith(b"\x89PNG")
    assert "Tỷ lệ đăng ký thi đua và cam kết" in chart.caption
    assert isinstance(xlsx, Document) and xlsx.filename == "tong-hop-dang-ky-thi-dua-2024.xlsx"
    listed = list(load_workbook(io.BytesIO(xlsx.content))["Danh sách đăng ký"]
                  .iter_rows(min_row=2, values_only=True))
    assert len(listed) > 50
    assert isinstance(docx, Document) and docx.filename == "tong-hop-dang-ky-thi-dua-2024.docx"
    assert "TỔNG HỢP ĐĂNG KÝ" in "\n".join(p.text for p in read_docx(
        io.BytesIO(docx.content)).paragraphs).upper()


async def test_tonghop_on_zalo_keeps_each_person_to_their_scope(desk: CoreDesk):
    await import_sample_registrations(desk.db)
    thao = await desk.on_zalo(UNIT_HEAD)

    outs = await desk.command(thao, "/summary")
    text = "\n".join(m.text for m in messages(outs))
    assert "Phòng Công tác Quốc hội" in messages(outs)[0].text
    assert counts_in(text) == (1, 4)
    assert not any(name in text for name in SEED_ORDER[1:])
    [later] = laters(outs)
    xlsx = [f for f in await later.work() if f.filename.endswith(".xlsx")]
    assert [f.filename for f in xlsx] == [
        "tong-hop-dang-ky-thi-dua-2024-phong-cong-tac-quoc-hoi.xlsx"]

    # Another agency by name: answered as if it did not exist, and no files.
    outs = await desk.command(thao, "/tonghop Sở Nội vụ")
    [refusal] = messages(outs)
    assert "Không tìm thấy cơ quan, đơn vị nào khớp với “Sở Nội vụ”" in refusal.text
    assert not laters(outs)

    staff = await desk.on_zalo(STAFF)
    outs = await desk.command(staff, "/tonghop")
    assert "dành cho lãnh đạo đơn vị" in messages(outs)[0].text and not laters(outs)

    stranger = Source(Channel.ZALO, "zalo-stranger", "zalo-stranger", ChatKind.PRIVATE)
    outs = await desk.command(stranger, "/tonghop")
    assert any("chưa được liên kết" in a for a in alerts(outs)) and not laters(outs)
    other_group = Source(Channel.ZALO, "zalo-stranger", "another-group", ChatKind.GROUP)
    outs = await desk.command(other_group, "/tonghop")
    assert any("tin nhắn riêng" in a for a in alerts(outs)) and not laters(outs)


async def test_the_final_summary_reaches_the_zalo_group_texts_then_files(desk: CoreDesk):
    repo = WindowRepository(desk.db)
    window = await repo.open_window(2024, None, date(2024, 1, 15), date(2024, 3, 15),
                                    AuditContext.cli())
    await import_sample_registrations(desk.db)
    assert desk.zalo is not None

    assert await desk.run_job("summary-final", datetime(2024, 3, 16, 7, 59, tzinfo=TZ)) is None
    period = await desk.run_job("summary-final", datetime(2024, 3, 16, 8, 0, tzinfo=TZ))
    assert period == f"2024-03-16:{window.id}"

    received = desk.zalo.received[ZALO_GROUP]
    texts = [r for r in received if isinstance(r, str)]
    assert "đã kết thúc ngày 15/03/2024" in received[0]
    assert all(len(t) <= ZALO_LIMIT for t in texts)
    assert [type(r) for r in received[len(texts):]] == [Photo, Document, Document]
    assert received[-1].filename == "tong-hop-dang-ky-thi-dua-2024.docx"
    closed = await repo.window(window.id)
    assert closed is not None and closed.closed_at is not None
    [final] = [d for d in await SummaryStore(desk.db).digests(window.id) if d.kind == "final"]
    assert final.messages == len(texts) + 3
    assert {r["channel"] for r in await desk.queued(batch=f"summary-final:{window.id}:"
                                                          f"{period}")} == {"zalo"}
