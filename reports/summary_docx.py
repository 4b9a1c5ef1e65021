"""The summary as an official document (DOCX), laid out under Nghị định 30/2020/NĐ-CP.

Always in Vietnamese: A4, Times New Roman 13–14 pt, page numbers centred at the top from the
second page. A bloc's summary is its registration document: the cover letter (the issuing
body top left with "Số: …/KTMTH-TĐKT" and the subject line, the national motto top right
with the place and date line, "Kính gửi", the grounds, the commitments 1–8, the closing
formula, "Nơi nhận" and the signature block), then on a new page the annex: its title,
"(Kèm theo văn bản số …)" and the table. Any other scope gets the table as a document of
its own: letterhead, title, table, "Nơi nhận", signature. The table repeats its header on
every page, numbers one agency's sub-units 1.1, 1.2…, and ends with the totals. Quota
warnings are internal notes and stay out of the document (they are in the chat and XLSX).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from domain.letter import RegistrationLetter, bloc_initials
from domain.models import OrgKind
from domain.summary import SummaryRow, SummaryTotals
from domain.text import strip_invisible
from locales import _, format_datetime, use_locale
from reports.summary_common import (
    SummaryReport,
    agency_title_names,
    agency_title_totals,
    group_name,
    own_kind,
    registration_lines,
    roman,
    subtotal_label,
)

FONT = "Times New Roman"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS = "Nơi nhận:"  # the motto, this label and the date line are fixed formulae of ND 30
# Signature blocks when THIDUA_DOCUMENT_SIGNER is not set, by the kind of the issuing body
# (reports.summary_common.DocumentScope.kind); seed 000 signs "TM. KHỐI THI ĐUA TMTH".
DEFAULT_SIGNERS = {
    "bloc": ("TM. KHỐI THI ĐUA {initials}", "TRƯỞNG KHỐI"),
    "agency": ("THỦ TRƯỞNG CƠ QUAN",),
    "unit": ("TRƯỞNG ĐƠN VỊ",),
    "province": ("TM. HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG", "CHỦ TỊCH"),
}
BLANK = "……"  # what the office fills in by hand: the number, the day and month
TABLE_WIDTHS = (Cm(1.2), Cm(4.8), Cm(4.0), Cm(6.5))  # 16.5 cm: A4 less 3 cm and 1.5 cm margins


@dataclass(frozen=True)
class OfficialHeader:
    """What the document says about who issues and signs it (THIDUA_DOCUMENT_* settings)."""

    issuer: str  # the issuing body, e.g. "Khối Tham mưu Tổng hợp"
    day: date
    authority: str = ""  # the body above it, e.g. "UBND TỈNH LÀO CAI" (optional)
    place: str = ""  # e.g. "Lào Cai"
    signer: tuple[str, ...] = ()  # e.g. ("TM. KHỐI THI ĐUA", "TRƯỞNG KHỐI")
    signer_name: str = ""
    recipients: tuple[str, ...] = ()
    scope_name: str = ""  # the title's "CỦA …", in Vietnamese; empty: the report's scope name
    letter: RegistrationLetter | None = None  # a bloc's cover letter, the table its annex


def default_signer(kind: str, issuer: str) -> tuple[str, ...]:
    initials = bloc_initials(issuer)
    return tuple(line.format(issuer=issuer, initials=initials)
                 for line in DEFAULT_SIGNERS.get(kind, DEFAULT_SIGNERS["agency"]))


def official_date_line(place: str, day: date) -> str:
    """"Lào Cai, ngày 05 tháng 01 năm 2024": days below 10 and months below 3 get a zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    where = place or "…………"
    return f"{where}, ngày {day.day:02d} tháng {month} năm {day.year}"


def summary_docx(report: SummaryReport, header: OfficialHeader) -> bytes:
    with use_locale("vi"):
        document = Document()
        _page_and_fonts(document)
        _page_numbers(document)
        if header.letter is not None:
            _letterhead(document, header, header.letter)
            _letter(document, header.letter)
            _closing(document, header)
            document.add_page_break()
            _title(document, report, header)
            _table(document, report)
        else:
            _letterhead(document, header)
            _title(document, report, header)
            _table(document, report)
            _closing(document, header)
        buffer = BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def _page_and_fonts(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT  # type: ignore[attr-defined]
    normal.font.size = Pt(14)  # type: ignore[attr-defined]
    # Word picks the East Asian slot for some Vietnamese letters: name the font there too.
    fonts = normal.element.rPr.rFonts  # type: ignore[attr-defined]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    paragraph = normal.paragraph_format  # type: ignore[attr-defined]
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)


def _write(
    paragraph: Paragraph, text: str, *, size: float = 14, bold: bool = False,
    italic: bool = False, align: WD_ALIGN_PARAGRAPH | None = None,
) -> Paragraph:
    run = paragraph.add_run(strip_invisible(text))  # python-docx refuses control characters
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _line_below(paragraph: Paragraph, indent: float) -> None:
    """The short rule under the motto and the issuer: a bottom border on an indented line."""
    paragraph.paragraph_format.left_indent = Cm(indent)
    paragraph.paragraph_format.right_indent = Cm(indent)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _cell_paragraph(cell: _Cell, first: bool) -> Paragraph:
    return cell.paragraphs[0] if first else cell.add_paragraph()


def _page_numbers(document: DocumentObject) -> None:
    """ND 30: the page number centred at the top, from the second page (a PAGE field)."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.name, run.font.size = FONT, Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _letterhead(document: DocumentObject, header: OfficialHeader,
                letter: RegistrationLetter | None = None) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    center = WD_ALIGN_PARAGRAPH.CENTER
    first = True
    if header.authority:
        _write(_cell_paragraph(left, first), header.authority.upper(), size=13, align=center)
        first = False
    issuer = _write(_cell_paragraph(left, first), header.issuer.upper(), size=13, bold=True,
                    align=center)
    _line_below(issuer, 1.6)
    if letter is not None:  # a công văn: its number, then its subject line
        number = left.add_paragraph()
        number.paragraph_format.space_before = Pt(6)
        _write(number, f"Số: {BLANK}/{letter.number_symbol}", size=13, align=center)
        _write(left.add_paragraph(), letter.subject, size=12, align=center)
    _write(right.paragraphs[0], NATIONAL_NAME, size=12, bold=True, align=center)
    motto = _write(right.add_paragraph(), MOTTO, size=13, bold=True, align=center)
    _line_below(motto, 2.2)
    date_line = right.add_paragraph()
    date_line.paragraph_format.space_before = Pt(6)
    _write(date_line, official_date_line(header.place, header.day), size=14, italic=True,
           align=center)


def _paragraph(document: DocumentObject, text: str) -> Paragraph:
    """A paragraph of the letter's body: justified, first line indented, 6 pt after."""
    paragraph = _write(document.add_paragraph(), text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_after = Pt(6)
    return paragraph


def _letter(document: DocumentObject, letter: RegistrationLetter) -> None:
    to = document.add_paragraph()
    to.paragraph_format.space_before = Pt(12)
    to.paragraph_format.space_after = Pt(12)
    _write(to, f"Kính gửi: {letter.to.rstrip('.')}.", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, letter.grounds)
    for number, commitment in enumerate(letter.commitments, start=1):
        _paragraph(document, f"{number}. {commitment}")
    _paragraph(document, letter.closing)


def _title(document: DocumentObject, report: SummaryReport, header: OfficialHeader) -> None:
    title = document.add_paragraph()
    title.paragraph_format.space_before = Pt(18)
    _write(title, _("SUMMARY OF EMULATION TITLE REGISTRATIONS").upper(), bold=True,
           align=WD_ALIGN_PARAGRAPH.CENTER)
    name = header.scope_name or report.scope_name
    scope = _("OF {scope} FOR {year}").format(scope=name.upper(), year=report.summary.year)
    _write(document.add_paragraph(), scope, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if header.letter is not None:  # the annex of the letter: "(Kèm theo văn bản số …)"
        caption = document.add_paragraph()
        caption.paragraph_format.space_after = Pt(12)
        _write(caption, f"(Kèm theo văn bản số {BLANK}/{header.letter.number_symbol} ngày "
               f"{BLANK} tháng {BLANK} năm {report.summary.year} của {name})", size=13,
               italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    elif report.as_of is not None:
        note = document.add_paragraph()
        note.paragraph_format.space_after = Pt(12)
        _write(note, _("(As of {time})").format(time=format_datetime(report.as_of)), size=13,
               italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _fill(cell: _Cell, lines: Sequence[str], *, bold: bool = False,
          align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    for i, line in enumerate(lines or [""]):
        _write(_cell_paragraph(cell, i == 0), line, size=13, bold=bold, align=align)


def _repeat_as_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _table(document: DocumentObject, report: SummaryReport) -> None:
    summary = report.summary
    headers = [
        _("No."),
        _("Agency or unit"),
        _("Emulation registration of the agency"),
        _("Emulation registration of collectives and individuals"),
    ]
    table = document.add_table(rows=1, cols=4)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    center = WD_ALIGN_PARAGRAPH.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _fill(cell, [text], bold=True, align=center)
    _repeat_as_header(table.rows[0])
    kind = OrgKind.AGENCY if report.rows_are_agencies else OrgKind.UNIT

    def add_totals(label: str, totals: SummaryTotals) -> None:
        cells = table.add_row().cells
        _fill(cells[1], [label], bold=True)
        _fill(cells[2], agency_title_totals(report, totals), bold=True)
        _fill(cells[3], registration_lines(report, totals, kind), bold=True)

    def add_rows(rows: Sequence[SummaryRow]) -> None:
        for row in rows:
            cells = table.add_row().cells
            _fill(cells[0], [str(row.stt)], align=center)
            _fill(cells[1], [row.agency.name])
            _fill(cells[2], agency_title_names(report, row))
            _fill(cells[3], registration_lines(report, row, own_kind(row)))

    if summary.groups:  # several blocs: "I. KHỐI …" across the table, its rows, its subtotal
        for index, group in enumerate(summary.groups, start=1):
            cells = table.add_row().cells
            _fill(cells[0], [roman(index)], bold=True, align=center)
            merged = cells[1].merge(cells[3])
            _fill(merged, [group_name(group).upper()], bold=True)
            add_rows(group.rows)
            if len(group.rows) > 1:
                add_totals(subtotal_label(group), group.totals)
    else:
        add_rows(summary.rows)
    if len(summary.rows) == 1:  # one agency or unit: its sub-units beneath it, as 1.1, 1.2…
        for unit in summary.unit_rows:
            cells = table.add_row().cells
            _fill(cells[0], [f"{summary.rows[0].stt}.{unit.stt}"], align=center)
            _fill(cells[1], [unit.agency.name])
            _fill(cells[2], agency_title_names(report, unit))
            _fill(cells[3], registration_lines(report, unit, own_kind(unit)))
    if len(summary.rows) > 1:
        add_totals(_("Total"), summary.totals)
    for row in table.rows:
        for cell, width in zip(row.cells, TABLE_WIDTHS, strict=True):
            cell.width = width


def _closing(document: DocumentObject, header: OfficialHeader) -> None:
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(12)
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    _write(left.paragraphs[0], RECIPIENTS, size=12, bold=True, italic=True)
    recipients = list(header.recipients)
    for i, name in enumerate(recipients):
        end = "." if i == len(recipients) - 1 else ";"
        _write(left.add_paragraph(), f"- {name.rstrip(';.')}{end}", size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(header.signer):
        _write(_cell_paragraph(right, i == 0), line.upper(), size=14, bold=True, align=center)
    for _blank in range(4):  # room for the signature and the seal
        right.add_paragraph()
    position = header.letter.signer_position if header.letter is not None else ""
    if position:  # seed 000: "CHÁNH VĂN PHÒNG UBND TỈNH" above the name
        _write(right.add_paragraph(), position.upper(), size=14, align=center)
    if header.signer_name:
        _write(right.add_paragraph(), header.signer_name, size=14, bold=True, align=center)
