"""Data that broke outputs: formulas in names, control and zero-width characters, mathtext,
and one file failing for all."""

from __future__ import annotations

import csv
import io

from app.summary.delivery import render_files
from tests.harness import SAMPLE_ROSTER, BotHarness
from tests.reliability.process import APOLOGIES
from tests.reliability.support import ErrorWatch
from tests.summary.helpers import import_registrations, read_docx, read_xlsx, receive_summary

FORMULA = '=HYPERLINK("http://evil.example/x","Sở A")'
MATH = r"Sở $\frac$ Tổng hợp"


def hostile_roster() -> bytes:
    """The sample roster, plus agencies and people whose names are traps for the files."""
    rows = [
        [FORMULA, "Phòng A", "+Nguyễn Văn Công", "Chuyên viên", "không", "staff",
         "0912000601"],
        [FORMULA, "Phòng A", "@Trần Thị Ô", "Chuyên viên", "không", "staff", "0912000602"],
        ["Sở Tài chính", "Văn phòng Sở", "Lê\x01 Văn Một", "Chuyên viên", "không", "staff",
         "0912000603"],
        ["Sở Tài\u200b chính", "Văn phòng Sở", "Lê Văn Hai\u202e", "Chuyên viên", "không",
         "staff", "0912000604"],
        ["Sở Tài\u2060 chính\ufeff", "Văn phòng\u200d Sở", "Lê Văn Ba", "Chuyên viên", "không",
         "staff", "0912000605"],
        [MATH, "Phòng $x^2$", "Phạm $Văn$ Bốn", "Chuyên viên", "không", "staff",
         "0912000606"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return (SAMPLE_ROSTER.read_text(encoding="utf-8") + buffer.getvalue()).encode()


async def test_names_are_written_literally_in_every_file(bot: BotHarness):
    chat = bot.secretariat_chat()
    clerk = bot.user(8501, "Hằng")
    with ErrorWatch() as watch:
        await chat.send_document(clerk, "ds.csv", hostile_roster())
        preview = await chat.expect("Thêm mới: 6 người")
        assert "Thêm mới cơ quan, đơn vị: 6" in preview.plain  # one "Sở Tài chính", not three
        await chat.tap("✅ Áp dụng", by=clerk, message=preview)
        await chat.expect("Đã nhập danh sách cán bộ")
        tree = await bot.services.orgs.tree()
        agencies = [a.name for a in tree.agencies()]
        assert agencies.count("Sở Tài chính") == 1
        names = {p.full_name for p in await bot.services.people.all()}
        assert {"Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba"} <= names  # no control character left

        registrations = io.StringIO()
        csv.writer(registrations).writerows([
            ["year", "agency", "unit", "full_name", "phone", "title"],
            [2024, FORMULA, "Phòng A", "+Nguyễn Văn Công", "0912000601", "LDTT"],
            [2024, FORMULA, "Phòng A", "@Trần Thị Ô", "0912000602", "LDTT"],
            [2024, MATH, "Phòng $x^2$", "Phạm $Văn$ Bốn", "0912000606", "LDTT"],
        ])
        await import_registrations(bot.db, registrations.getvalue().encode(), "dk.csv")
        await chat.send(clerk, "/tonghop 2024")
        post = await receive_summary(chat)
    assert not any(a in m.plain for m in [*post.texts, post.chart, post.xlsx, post.docx]
                   for a in APOLOGIES)
    assert watch.errors == []

    assert post.xlsx.document is not None
    book = read_xlsx(post.xlsx.document.data)
    formulas = [c.coordinate for sheet in book.worksheets for row in sheet.iter_rows()
                for c in row if c.data_type == "f"]
    assert formulas == []  # nothing in the workbook is a formula …
    cells = {c.value: c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str)}
    for text in (FORMULA, "+Nguyễn Văn Công", "@Trần Thị Ô"):  # agency, people
        assert cells[text].data_type == "s" and cells[text].quotePrefix  # … they are text
    assert MATH in cells
    assert post.docx.document is not None
    document = "\n".join(p.text for p in read_docx(post.docx.document.data).paragraphs) + \
        "\n".join(c.text for t in read_docx(post.docx.document.data).tables
                  for r in t.rows for c in r.cells)
    assert FORMULA in document and MATH in document
    assert post.chart.photo is not None and len(post.chart.photo.data) > 1000


async def test_one_file_that_cannot_be_built_does_not_cost_the_others(bot: BotHarness,
                                                                      monkeypatch):  # type: ignore[no-untyped-def]
    """A renderer that fails (a bug, a name a library refuses): the others are still built."""
    import reports.summary_chart
    from app.summary.service import load_details_from, official_header, resolve
    from domain.summary_request import SummaryRequest

    def broken(report: object) -> bytes:
        raise ValueError("a renderer bug")

    monkeypatch.setattr(reports.summary_chart, "summary_chart", broken)
    services = bot.services
    tree = await services.orgs.tree()
    inputs = await resolve(services, tree, [None], SummaryRequest(year=2024))
    details = await load_details_from(bot.db, inputs)
    files = render_files(inputs, details, None, official_header(services, inputs, None))
    assert files.chart is None and files.failed == (("chart", "ValueError"),)
    assert files.xlsx and files.docx  # built all the same

