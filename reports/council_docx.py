"""The council's documents, always in Vietnamese, laid out under Nghị định 30/2020/NĐ-CP
(A4, Times New Roman 13–14 pt, letterhead and national motto, place and date line, signature
blocks) with the official table helpers of reports/summary_docx:

* the minutes (biên bản họp Hội đồng Thi đua – Khen thưởng): who the council is and who took
  part, the quorum, each proposal's votes (those written by absent members marked as such),
  the share of all members and the outcome, the conclusion;
* the cover letter (tờ trình) with its list: one letter per level the proposals go to (the
  agency's own titles to its head, the others to the province's chairman), the list grouped
  by title with each proposal's share of agreeing votes;
* a passed candidate's achievement report (báo cáo thành tích), in the sections of the
  appendix's forms: I. the person (or the collective), II. the achievements (duties, what
  was achieved, the year's rating and initiatives), III. the titles and forms of commendation
  on record with their decisions; the signatures of the one reporting and of the head who
  confirms it. What the record cannot say and the candidate has not completed is left as
  dotted lines, to fill in by hand.
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
from docx.shared import Cm, Pt

from locales import format_datetime, use_locale
from reports import summary_docx as official
from reports.council import Line, SessionData, percent, position_label
from reports.summary_common import roman

DOTS = "……………………………………………"
COUNCIL = "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"


@dataclass(frozen=True)
class History:
    year: int
    name: str
    decision: str  # "Quyết định số … ngày …, …"


@dataclass(frozen=True)
class ReportData:
    """What a passed candidate's achievement report says (built by app/council/documents)."""

    agency: str
    authority: str
    place: str
    day: date
    year: int
    title_name: str
    is_person: bool
    name: str
    position: str  # a person's post; "" for a collective
    unit: str  # a person's unit and agency; a collective's agency
    members: int  # a collective's people (0 for a person)
    qualification: str | None
    duties: str | None
    achievements: str | None
    rating: str | None
    initiatives: tuple[str, ...]
    titles: tuple[History, ...]
    forms: tuple[History, ...]
    letter_authority: str = ""  # the letterhead: the body above the issuer (the agency)
    letter_issuer: str = ""  # the person's unit, the collective itself


# --- Shared pieces ---------------------------------------------------------------------------


def _document() -> DocumentObject:
    document = Document()
    official._page_and_fonts(document)
    official._page_numbers(document)
    return document


def _save(document: DocumentObject) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _letterhead(document: DocumentObject, authority: str, issuer: str, day: date, place: str,
                number: str | None = None) -> None:
    header = official.OfficialHeader(issuer=issuer, day=day, authority=authority, place=place)
    official._letterhead(document, header)
    if number is not None:  # "Số: …/TTr-…" under the issuer
        cell = document.tables[-1].rows[0].cells[0]
        paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        official._write(paragraph, number, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)


def _heading(document: DocumentObject, lines: Sequence[str], *, before: float = 18) -> None:
    for i, text in enumerate(lines):
        paragraph = document.add_paragraph()
        if i == 0:
            paragraph.paragraph_format.space_before = Pt(before)
        official._write(paragraph, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    document.paragraphs[-1].paragraph_format.space_after = Pt(12)


def _text(document: DocumentObject, text: str, *, bold: bool = False, italic: bool = False,
          indent: bool = True) -> None:
    paragraph = official._write(document.add_paragraph(), text, bold=bold, italic=italic,
                                align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_after = Pt(6)


def _table(document: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    center = WD_ALIGN_PARAGRAPH.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        official._fill(cell, [text], bold=True, align=center)
    official._repeat_as_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            official._fill(cell, value.split("\n"), align=center if i == 0 else None)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _signatures(document: DocumentObject, left: Sequence[str], right: Sequence[str],
                left_name: str = "", right_name: str = "") -> None:
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(12)
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    cells = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    for cell, lines, name in ((cells[0], left, left_name), (cells[1], right, right_name)):
        cell.width = Cm(8.25)
        for i, line in enumerate(lines):
            italic = line.startswith("(")
            official._write(official._cell_paragraph(cell, i == 0), line, size=13 if italic
                            else 14, bold=not italic, italic=italic, align=center)
        for _blank in range(4):
            cell.add_paragraph()
        if name:
            official._write(cell.add_paragraph(), name, bold=True, align=center)


def _group_by_title(lines: Sequence[Line]) -> list[tuple[str, list[Line]]]:
    groups: list[tuple[str, list[Line]]] = []
    for line in lines:
        if not groups or groups[-1][0] != line.title_name:
            groups.append((line.title_name, []))
        groups[-1][1].append(line)
    return groups


# --- The minutes -------------------------------------------------------------------------------


def minutes_docx(data: SessionData) -> bytes:
    with use_locale("vi"):
        document = _document()
        day = (data.closed or data.deadline).date()
        # Nghị định 30/2020, Phụ lục III: a minutes' number symbol is "BB".
        _letterhead(document, data.agency.upper(), COUNCIL, day, data.place,
                    f"Số: {official.BLANK}/BB-HĐTĐKT")
        _heading(document, ["BIÊN BẢN", "Họp Hội đồng Thi đua – Khen thưởng xét đề nghị danh "
                            f"hiệu thi đua, hình thức khen thưởng năm {data.year}"])
        closed = format_datetime(data.closed) if data.closed else DOTS
        _text(document, f"Thời gian: từ {format_datetime(data.opened)} đến {closed}.")
        how = ("Hình thức: họp trực tiếp, bỏ phiếu kín bằng phiếu giấy; Thư ký Hội đồng nhập "
               "kết quả kiểm phiếu vào trợ lý thi đua – khen thưởng." if data.paper else
               "Hình thức: bỏ phiếu kín trên trợ lý thi đua – khen thưởng (Telegram, Zalo); "
               "hệ thống không lưu thông tin cho biết thành viên nào bỏ phiếu thế nào.")
        _text(document, how)
        _text(document, "I. THÀNH PHẦN", bold=True, indent=False)
        _attendance(document, data)
        _text(document, "II. NỘI DUNG", bold=True, indent=False)
        quorum = "đạt" if data.quorum_met else "không đạt"
        _text(document, f"1. Số thành viên tham gia bỏ phiếu: {data.participants}/{data.members}"
              f" ({percent(data.participants / data.members if data.members else 0)}), "
              f"{quorum} yêu cầu {data.quorum_rule} tổng số thành viên Hội đồng "
              f"(tối thiểu {data.quorum_needed} thành viên; căn cứ {data.quorum_ref}).")
        _text(document, "2. Kết quả bỏ phiếu đối với từng đề nghị (tỷ lệ tính trên tổng số "
              f"{data.members} thành viên Hội đồng; phiếu lấy ý kiến bằng văn bản của thành "
              "viên vắng mặt ghi riêng trong ngoặc):")
        headers = ["STT", "Họ và tên / Tên tập thể", "Danh hiệu, hình thức đề nghị",
                   "Đồng ý", "Không đồng ý", "Tỷ lệ đồng ý", "Kết quả"]
        rows = []
        for line in data.lines:
            agree = str(line.yes) + (f"\n({line.written_yes} bằng văn bản)"
                                     if line.written_yes else "")
            disagree = str(line.no) + (f"\n({line.written_no} bằng văn bản)"
                                       if line.written_no else "")
            if data.abstain and line.abstain:
                disagree += f"\nKhông biểu quyết: {line.abstain}"
            verdict = ("Đạt" if line.passed else "Không đạt") + f"\n(cần {line.rule}: " \
                f"{line.needed}/{data.members})"
            rows.append([str(line.position + 1), line.label, line.title_name, agree, disagree,
                         percent(line.share), verdict])
        _table(document, headers, rows, (1.0, 4.2, 3.3, 1.8, 1.8, 1.6, 2.8))
        _text(document, "3. Kết luận:", indent=False)
        passed = data.passed
        if not passed:
            _text(document, "Không có đề nghị nào đạt tỷ lệ phiếu đồng ý theo quy định.")
        for title, group in _group_by_title(passed):
            persons = sum(1 for x in group if x.is_person)
            collectives = len(group) - persons
            who = ", ".join(p for p in (f"{persons:02d} cá nhân" if persons else "",
                                        f"{collectives:02d} tập thể" if collectives else "") if p)
            _text(document, f"Hội đồng thống nhất đề nghị {title}: {who} ("
                  + "; ".join(x.name for x in group) + ").")
        _text(document, "Biên bản được lập từ kết quả bỏ phiếu và được gửi Thường trực Hội đồng "
              "Thi đua – Khen thưởng làm hồ sơ đề nghị khen thưởng.")
        chair = data.attendee_named("chair")
        secretary = data.attendee_named("secretary")
        _signatures(document, ["THƯ KÝ"], ["CHỦ TỊCH HỘI ĐỒNG"],
                    secretary.name if secretary else "", chair.name if chair else "")
        return _save(document)


def _attendance(document: DocumentObject, data: SessionData) -> None:
    chair = data.attendee_named("chair")
    secretary = data.attendee_named("secretary")
    _text(document, f"- Tổng số thành viên Hội đồng: {data.members}.")
    if chair is not None:
        _text(document, f"- Chủ trì: {chair.name}, Chủ tịch Hội đồng.")
    if secretary is not None:
        _text(document, f"- Thư ký: {secretary.name}.")
    groups: tuple[tuple[str, str], ...] = (("voted", "Thành viên tham gia bỏ phiếu"),
              ("written", "Thành viên vắng mặt, có ý kiến bằng văn bản"),
              ("pending", "Thành viên vắng mặt, không có ý kiến"))
    if data.paper:
        _text(document, f"- Số thành viên có mặt và bỏ phiếu: {data.participants}.")
        groups = groups[1:2]
    for state, label in groups:
        names = [f"{a.name} ({position_label(a.position)})" for a in data.attendees
                 if a.state == state]
        if names or state == "voted":
            _text(document, f"- {label}: {len(names)}" + (": " + "; ".join(names) if names
                                                          else "") + ".")


# --- The cover letter (tờ trình) with its list ---------------------------------------------


def cover_letter_docx(data: SessionData) -> bytes:
    """One letter per level the passed proposals go to, each with its list."""
    with use_locale("vi"):
        document = _document()
        day = (data.closed or data.deadline).date()
        levels = [("agency", [x for x in data.passed if x.level == "agency"]),
                  ("above", [x for x in data.passed if x.level != "agency"])]
        first = True
        for level, lines in levels:
            if not lines:
                continue
            if not first:
                document.add_page_break()
            first = False
            _letter(document, data, level, lines, day)
        return _save(document)


def _letter(document: DocumentObject, data: SessionData, level: str, lines: Sequence[Line],
            day: date) -> None:
    own = level == "agency"
    if own:  # the council proposes the agency's own titles to its head
        _letterhead(document, data.agency.upper(), COUNCIL, day, data.place,
                    f"Số: {official.BLANK}/TTr-HĐTĐKT")
        to = data.head_title or f"Thủ trưởng {data.agency}"
    else:  # the agency proposes the others to the province
        _letterhead(document, data.authority.upper(), data.agency.upper(), day, data.place,
                    f"Số: {official.BLANK}/TTr")
        to = "Chủ tịch Ủy ban nhân dân tỉnh"
    _heading(document, ["TỜ TRÌNH", "Về việc đề nghị xét tặng danh hiệu thi đua, hình thức "
                        f"khen thưởng năm {data.year}"])
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(12)
    official._write(paragraph, f"Kính gửi: {to}.", align=WD_ALIGN_PARAGRAPH.CENTER)
    _text(document, "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022; Nghị định số "
          "152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, phân "
          "quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành "
          "một số điều của Luật Thi đua, khen thưởng;")
    closed = format_datetime(data.closed) if data.closed else DOTS
    _text(document, f"Căn cứ Biên bản họp Hội đồng Thi đua – Khen thưởng {data.agency} "
          f"(kết thúc bỏ phiếu lúc {closed}) và kết quả bỏ phiếu kín;")
    persons = sum(1 for x in lines if x.is_person)
    collectives = len(lines) - persons
    who = " và ".join(p for p in (f"{collectives:02d} tập thể" if collectives else "",
                                  f"{persons:02d} cá nhân" if persons else "") if p)
    sender = f"Hội đồng Thi đua – Khen thưởng {data.agency}" if own else data.agency
    _text(document, f"{sender} kính đề nghị {to} xem xét, tặng danh hiệu thi đua, hình thức "
          f"khen thưởng năm {data.year} cho {who} có thành tích xuất sắc (có danh sách kèm "
          "theo).")
    _text(document, "Hồ sơ gồm: Tờ trình kèm danh sách; Biên bản họp và kết quả bỏ phiếu kín "
          "của Hội đồng; Báo cáo thành tích của các tập thể, cá nhân được đề nghị.")
    _text(document, f"Kính trình {to} xem xét, quyết định./.")
    chair = data.attendee_named("chair")
    recipients = list(data.recipients) if not own else [f"Thường trực Hội đồng Thi đua – Khen "
                                                        f"thưởng {data.agency}", "Lưu: VT"]
    header = official.OfficialHeader(
        issuer=data.agency, day=day, recipients=tuple(recipients or ("Như trên", "Lưu: VT")),
        signer=("TM. HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG", "CHỦ TỊCH") if own
        else ((data.head_position or "THỦ TRƯỞNG CƠ QUAN"),),
        signer_name=(chair.name if own and chair is not None else data.head_name))
    official._closing(document, header)
    document.add_page_break()
    _heading(document, ["DANH SÁCH", f"Đề nghị xét tặng danh hiệu thi đua, hình thức khen "
                        f"thưởng năm {data.year}"], before=0)
    caption = document.add_paragraph()
    caption.paragraph_format.space_after = Pt(12)
    official._write(caption, f"(Kèm theo Tờ trình số {official.BLANK} ngày {official.BLANK} "
                    f"tháng {official.BLANK} năm {day.year})", size=13, italic=True,
                    align=WD_ALIGN_PARAGRAPH.CENTER)
    rows: list[list[str]] = []
    for number, (title, group) in enumerate(_group_by_title(lines), start=1):
        rows.append([roman(number),
                     f"Danh hiệu “{title}”" if group[0].title_kind == "title" else title,
                     "", ""])
        for n, line in enumerate(group, start=1):
            rows.append([str(n), line.name, line.place,
                         f"{line.yes}/{data.members} ({percent(line.share)})"])
    _table(document, ["STT", "Họ và tên / Tên tập thể", "Chức vụ, đơn vị công tác",
                      "Số phiếu đồng ý/tổng số thành viên Hội đồng"], rows,
           (1.2, 5.3, 5.5, 4.5))


# --- A passed candidate's achievement report ------------------------------------------------


def report_docx(data: ReportData) -> bytes:
    with use_locale("vi"):
        document = _document()
        _letterhead(document, data.letter_authority.upper(),
                    (data.letter_issuer or data.agency).upper(), data.day, data.place)
        kind = "DANH HIỆU" if not data.title_name.startswith("Bằng khen") else ""
        subject = f"“{data.title_name.upper()}”" if kind else data.title_name.upper()
        _heading(document, ["BÁO CÁO THÀNH TÍCH",
                            f"ĐỀ NGHỊ TẶNG {kind + ' ' if kind else ''}{subject} NĂM {data.year}"])
        if data.is_person:
            _person(document, data)
        else:
            _collective(document, data)
        _achievements(document, data)
        _history(document, data)
        if data.is_person:
            _signatures(document, ["THỦ TRƯỞNG ĐƠN VỊ", "XÁC NHẬN, ĐỀ NGHỊ", "(Ký, đóng dấu)"],
                        ["NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ và tên)"],
                        right_name=data.name)
        else:
            _signatures(document, ["THỦ TRƯỞNG ĐƠN VỊ CẤP TRÊN", "TRỰC TIẾP XÁC NHẬN, ĐỀ NGHỊ",
                                   "(Ký, đóng dấu)"],
                        ["THỦ TRƯỞNG ĐƠN VỊ", "(Ký, đóng dấu)"])
        return _save(document)


def _person(document: DocumentObject, data: ReportData) -> None:
    _text(document, "I. SƠ LƯỢC LÝ LỊCH", bold=True, indent=False)
    for label, value in (
            ("Họ và tên", data.name),
            ("Sinh ngày, tháng, năm", None),
            ("Giới tính", None),
            ("Quê quán", None),
            ("Trú quán", None),
            ("Đơn vị công tác", data.unit),
            ("Chức vụ (Đảng, chính quyền, đoàn thể)", data.position or None),
            ("Trình độ chuyên môn, nghiệp vụ", data.qualification),
            ("Học hàm, học vị, danh hiệu, giải thưởng", None)):
        _text(document, f"- {label}: {value or DOTS}", indent=False)


def _collective(document: DocumentObject, data: ReportData) -> None:
    _text(document, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", bold=True, indent=False)
    _text(document, f"- Tên tập thể: {data.name}.", indent=False)
    _text(document, f"- Đơn vị cấp trên trực tiếp: {data.unit or DOTS}.", indent=False)
    _text(document, f"- Số cán bộ, công chức, viên chức, người lao động: {data.members}.",
          indent=False)


def _achievements(document: DocumentObject, data: ReportData) -> None:
    _text(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True, indent=False)
    label = "1. Quyền hạn, nhiệm vụ được giao:" if data.is_person else \
        "1. Chức năng, nhiệm vụ được giao:"
    _text(document, label, indent=False)
    _paragraphs(document, data.duties)
    _text(document, "2. Thành tích đạt được:", indent=False)
    _paragraphs(document, data.achievements)
    rated = data.rating or DOTS
    _text(document, f"- Kết quả đánh giá, xếp loại chất lượng năm {data.year}: {rated}.")
    if data.initiatives:
        _text(document, "- Sáng kiến, đề tài khoa học đã được công nhận:")
        for item in data.initiatives:
            _text(document, f"+ {item}")


def _paragraphs(document: DocumentObject, text: str | None) -> None:
    for part in (text or DOTS).splitlines():
        if part.strip():
            _text(document, part.strip())


def _history(document: DocumentObject, data: ReportData) -> None:
    _text(document, "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", bold=True, indent=False)
    for number, (label, column, items) in enumerate((
            ("Danh hiệu thi đua", "Số, ngày, tháng, năm của quyết định công nhận danh hiệu thi "
             "đua; cơ quan ban hành quyết định", data.titles),
            ("Hình thức khen thưởng", "Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan "
             "ban hành quyết định", data.forms)), start=1):
        _text(document, f"{number}. {label}:", indent=False)
        rows = [[str(h.year), h.name, h.decision] for h in items] or [["", "Chưa có", ""]]
        _table(document, ["Năm", label, column], rows, (1.8, 6.0, 8.7))
