"""The renderers on summaries built in memory: wording rule, message splitting, chart glyphs,
official document details, XLSX figures, request parsing and digest comparison."""

from __future__ import annotations

import io
import warnings
from datetime import date, datetime

import pytest
from PIL import Image

from app.summary.service import outermost
from domain.models import OrgKind, OrgUnit, Person, Role
from domain.org import OrgTree
from domain.records import RegistrationRecord, RegistrationStatus
from domain.rules import SubjectKind, load_ruleset
from domain.summary import build_summary
from domain.summary_digest import compare, take_snapshot
from domain.summary_request import SummaryRequest, find_orgs, parse_summary_args
from locales import use_locale
from reports.messages import MESSAGE_LIMIT, caption, split_blocks
from reports.summary_chart import summary_chart
from reports.summary_common import (
    CampaignLabel,
    SummaryReport,
    agency_level_lines,
    registration_lines,
)
from reports.summary_docx import OfficialHeader, official_date_line, summary_docx
from reports.summary_text import summary_messages, summary_plain
from reports.summary_xlsx import summary_xlsx
from tests.domain.test_summary import Roster, province_ruleset
from tests.summary.helpers import read_docx, read_xlsx

RS = load_ruleset("nd98-2023")
AS_OF = datetime(2024, 3, 15, 17, 0)


@pytest.fixture(scope="module")
def roster() -> Roster:
    return Roster()


def _report(roster: Roster, scope: int = 1, acks: dict | None = None) -> SummaryReport:
    summary = build_summary(RS, roster.orgs, roster.people, roster.registrations(), acks,
                            scope_org_id=scope, year=2024)
    campaigns = tuple(CampaignLabel(k, f"Phong trào {k}") for k in (acks or {}))
    name = roster.org_by_id(scope).name
    return SummaryReport(summary, RS, name, campaigns, AS_OF)


def test_one_wording_rule_for_rows_units_and_totals(roster):
    report = _report(roster)
    rows = report.summary.rows
    with use_locale("vi"):
        lines = [registration_lines(report, row, OrgKind.AGENCY) for row in rows]
        totals = registration_lines(report, report.summary.totals, OrgKind.AGENCY)
    # Seed 000's lines: the agency's own, its individuals, then its units beside it.
    assert lines[0] == [
        "01 tập thể Lao động xuất sắc",
        "04 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
        "01 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc",
    ]
    assert lines[3] == ["09 tập thể Lao động xuất sắc",  # units only: no separate line
                        "05 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh"]
    assert lines[5] == ["Tập thể Lao động xuất sắc"]  # Cục Thống kê: its ministry decides
    assert lines[6] == ["01 tập thể Lao động xuất sắc"]
    # No bracket is added, and the agency's own Cờ thi đua is in its own column only.
    assert not any("(" in line or "Cờ thi đua" in line for row in lines for line in row)
    assert totals == [
        "03 cơ quan đạt danh hiệu Tập thể lao động xuất sắc",
        "16 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
        "28 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc",
    ]
    unit = _report(roster, roster.ids[("Văn phòng Ủy ban nhân dân tỉnh", "Phòng Tổng hợp")])
    with use_locale("vi"):
        assert registration_lines(unit, unit.summary.rows[0], OrgKind.UNIT) == [
            "01 tập thể Lao động xuất sắc",
            "04 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
        ]


def test_an_agencys_own_ttldtt_is_in_the_annex_not_among_its_heads_decisions(roster):
    """The agency's own Tập thể lao động tiên tiến is decided above it: a line of the annex
    when ticked on its own (with Tập thể lao động xuất sắc it goes up with that one)."""
    agency = roster.ids[("Sở Ngoại vụ", "")]
    extra = RegistrationRecord(year=2024, subject_kind=SubjectKind.AGENCY, org_id=agency,
                               titles=frozenset({"CO_TINH", "TTLDTT"}),
                               status=RegistrationStatus.CONFIRMED)
    regs = [r for r in roster.registrations() if r.org_id != agency] + [extra]
    summary = build_summary(RS, roster.orgs, roster.people, regs, scope_org_id=1, year=2024)
    report = SummaryReport(summary, RS, "Khối", (), AS_OF)
    row = summary.rows[2]
    with use_locale("vi"):
        assert registration_lines(report, row, OrgKind.AGENCY) == [
            "01 tập thể Lao động tiên tiến", "03 tập thể Lao động xuất sắc"]
        assert agency_level_lines(report, row, OrgKind.AGENCY) == [
            "03 tập thể Lao động tiên tiến (03 phòng, ban, đơn vị)"]


def test_a_collective_form_reads_as_registered(roster):
    unit = roster.ids[("Sở Nội vụ", "Văn phòng Sở")]
    agency = roster.ids[("Sở Nội vụ", "")]
    extra = [RegistrationRecord(year=2024, subject_kind=SubjectKind.UNIT, org_id=unit,
                                titles=frozenset({"TTLDXS", "BK_TINH"}),
                                status=RegistrationStatus.CONFIRMED),
             RegistrationRecord(year=2024, subject_kind=SubjectKind.AGENCY, org_id=agency,
                                titles=frozenset({"CO_TINH", "TTLDXS"}),
                                status=RegistrationStatus.CONFIRMED)]
    regs = [r for r in roster.registrations() if r.org_id not in (unit, agency)] + extra
    summary = build_summary(RS, roster.orgs, roster.people, regs, scope_org_id=1, year=2024)
    report = SummaryReport(summary, RS, "Khối", (), AS_OF)
    with use_locale("vi"):
        lines = registration_lines(report, summary.rows[4], OrgKind.AGENCY)
    assert lines == [
        "01 tập thể Lao động xuất sắc",
        "01 tập thể tặng Bằng khen của Chủ tịch UBND tỉnh",
        "02 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
        "09 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc",
    ]


def _big_bloc(agencies: int) -> tuple[list[OrgUnit], list[Person], list[RegistrationRecord]]:
    orgs = [OrgUnit(id=1, parent_id=None, kind=OrgKind.BLOC, name="Khối thi đua các sở")]
    people, regs = [], []
    for a in range(agencies):
        agency_id = len(orgs) + 1
        orgs.append(OrgUnit(id=agency_id, parent_id=1, kind=OrgKind.AGENCY,
                            name=f"Sở Văn hóa, Thể thao và Du lịch số {a + 1}", sort_order=a))
        unit_id = len(orgs) + 1
        orgs.append(OrgUnit(id=unit_id, parent_id=agency_id, kind=OrgKind.UNIT,
                            name="Phòng Quản lý văn hóa"))
        pid = len(people) + 1
        people.append(Person(id=pid, full_name=f"Nguyễn Văn {pid}", phone=f"09{pid:08d}",
                             position="Chuyên viên", is_leader=False, role=Role.STAFF,
                             org_id=unit_id))
        regs += [
            RegistrationRecord(year=2024, subject_kind=SubjectKind.AGENCY, org_id=agency_id,
                               titles=frozenset({"TTLDXS", "CO_TINH"}),
                               status=RegistrationStatus.CONFIRMED),
            RegistrationRecord(year=2024, subject_kind=SubjectKind.PERSON, person_id=pid,
                               titles=frozenset({"CSTD_TINH"}),
                               status=RegistrationStatus.CONFIRMED),
        ]
    return orgs, people, regs


def test_a_long_summary_is_split_between_rows_within_telegrams_limit():
    orgs, people, regs = _big_bloc(120)
    summary = build_summary(RS, orgs, people, regs, scope_org_id=1, year=2024)
    report = SummaryReport(summary, RS, "Khối thi đua các sở", (), AS_OF)
    with use_locale("vi"):
        messages = summary_messages(report)
        plain = summary_plain(report)
    assert len(messages) > 5
    assert all(len(m) <= MESSAGE_LIMIT for m in messages)
    assert all(m.startswith("<b>") for m in messages)  # each starts with a row (or the header)
    joined = "\n\n".join(messages)
    for row in summary.rows:  # no row is cut in two
        block = next(m for m in messages if f"<b>{row.stt}. " in m)
        assert "Đã đăng ký: 1/1 người" in block.split(f"<b>{row.stt}. ", 1)[1]
    assert joined.count("Tổng cộng (120 cơ quan)") == 1
    assert "120 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh" in plain


def test_splitting_cuts_an_oversized_block_between_lines_and_a_huge_line_safely():
    block = "\n".join(f"<b>dòng {i}</b> " + "x" * 90 for i in range(100))
    parts = split_blocks(["<b>đầu</b>", block], limit=1000)
    assert all(len(p) <= 1000 for p in parts)
    assert all(p.count("<b>") == p.count("</b>") for p in parts)
    huge = split_blocks(["<i>" + "&amp;" * 3000 + "</i>"], limit=1000)
    assert len(huge) == 1 and len(huge[0]) <= 1000 and huge[0].endswith("…")
    assert "<i>" not in huge[0]
    assert caption("a\n" * 700).endswith("…") and len(caption("a\n" * 700)) <= 1024


def test_the_chart_renders_vietnamese_without_missing_glyphs(roster):
    acks = {"q1-2024": {p.id for p in roster.people[::2]}}
    report = _report(roster, acks=acks)
    odd = report.summary.rows[0].agency.model_copy(
        update={"name": "Ban Quản lý dự án ĐTXD – Ỷ Ỹ Ữ Ự Ẵ Ẫ đặc biệt"})
    rows = (report.summary.rows[0].model_copy(update={"agency": odd}), *report.summary.rows[1:])
    report = SummaryReport(report.summary.model_copy(update={"rows": rows}), RS,
                           "Khối Tham mưu Tổng hợp", report.campaigns, AS_OF)
    with warnings.catch_warnings(record=True) as caught, use_locale("vi"):
        warnings.simplefilter("always")
        png = summary_chart(report)
    assert not [w for w in caught if "glyph" in str(w.message).lower()
                or "missing from" in str(w.message).lower()], [str(w.message) for w in caught]
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] == 1000 and image.size[1] > 400


def test_the_official_document_details(roster):
    header = OfficialHeader(issuer="Khối Tham mưu Tổng hợp", day=date(2024, 3, 5),
                            authority="UBND tỉnh Lào Cai", place="Lào Cai",
                            signer=("TM. Khối thi đua", "Trưởng khối"),
                            signer_name="Phan Quốc Nghĩa", recipients=("Như trên", "Lưu: VT"))
    with use_locale("en"):  # the official document is Vietnamese whatever the reader's locale
        document = read_docx(summary_docx(_report(roster), header))
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["UBND TỈNH LÀO CAI", "KHỐI THAM MƯU TỔNG HỢP"]
    assert right.paragraphs[2].text == "Lào Cai, ngày 05 tháng 3 năm 2024"
    assert right.paragraphs[2].runs[0].italic
    assert document.tables[1].rows[0].cells[0].text == "STT"
    names, signature = document.tables[2].rows[0].cells
    assert [p.text for p in names.paragraphs] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert signature.paragraphs[0].text == "TM. KHỐI THI ĐUA"
    assert signature.paragraphs[-1].text == "Phan Quốc Nghĩa"
    style = document.styles["Normal"]
    assert style.font.name == "Times New Roman" and style.font.size.pt == 14
    section = document.sections[0]
    assert round(section.page_width.cm) == 21 and round(section.left_margin.cm) == 3
    assert official_date_line("Hà Nội", date(2025, 1, 9)) == "Hà Nội, ngày 09 tháng 01 năm 2025"
    assert official_date_line("", date(2025, 12, 31)).endswith("ngày 31 tháng 12 năm 2025")


def test_the_xlsx_gives_acknowledgement_figures_per_campaign(roster):
    acks = {"q1-2024": {p.id for p in roster.people[:11]}}
    with use_locale("en"):
        book = read_xlsx(summary_xlsx(_report(roster, acks=acks)))
    table = book["Tổng hợp"]
    headers = [c.value for c in table[4]]
    ack = headers.index("Đã cam kết q1-2024")
    rate = headers.index("Tỷ lệ cam kết q1-2024")
    first = [c for c in table[5]]
    assert first[ack].value == 11 and first[rate].value == pytest.approx(0.5)
    assert first[rate].number_format == "0.0%"
    assert table.print_title_rows == "$4:$4"


def test_summary_arguments_in_any_order():
    codes = ["vpubnd-2024-q1"]
    assert parse_summary_args([], codes) == SummaryRequest()
    assert parse_summary_args(["2024"], codes) == SummaryRequest(year=2024)
    assert parse_summary_args(["Sở", "Nội", "vụ", "năm", "2024"], codes) == \
        SummaryRequest(agency="Sở Nội vụ", year=2024)
    assert parse_summary_args(["VPUBND-2024-Q1", "so", "noi", "vu"], codes) == \
        SummaryRequest(agency="so noi vu", campaign="vpubnd-2024-q1")
    assert parse_summary_args(["Hội", "Việt", "Nam", "2024"], codes) == \
        SummaryRequest(agency="Hội Việt Nam", year=2024)
    assert parse_summary_args(["1999"], codes) == SummaryRequest(year=1999)


def test_names_are_found_without_diacritics_and_with_abbreviations(roster):
    tree = OrgTree(roster.orgs)
    assert [u.name for u in find_orgs(tree, "so noi vu")][:1] == ["Sở Nội vụ"]
    assert [u.name for u in find_orgs(tree, "VP UBND tỉnh")] == ["Văn phòng Ủy ban nhân dân tỉnh"]
    assert find_orgs(tree, "   ") == []


def test_digest_comparison_reports_changes_and_warnings_that_come_and_go(roster):
    regs = roster.registrations()
    province = province_ruleset()  # with a province's own quotas, which the sample exceeds
    before = take_snapshot(build_summary(province, roster.orgs, roster.people, regs[:5],
                                         scope_org_id=1, year=2024))
    after = take_snapshot(build_summary(province, roster.orgs, roster.people, regs,
                                        scope_org_id=1, year=2024))
    changes = compare(before, after)
    assert not changes.first and changes.total_before == before.total.registered_people == 3
    assert changes.total_after == 16
    assert changes.rows[0].name == "Văn phòng Đoàn ĐBQH và HĐND tỉnh"
    assert {w.code for w in changes.new_warnings} >= {"collective_share_high"}
    back = compare(after, before)
    assert {w.code for w in back.resolved_warnings} >= {"collective_share_high"}
    assert compare(after, after).empty


def test_only_the_outermost_existing_roots_are_summarised(roster):
    tree = OrgTree(roster.orgs)
    agency = roster.ids[("Sở Nội vụ", "")]
    unit = roster.ids[("Sở Nội vụ", "Văn phòng Sở")]
    other = roster.ids[("Sở Ngoại vụ", "Văn phòng Sở")]
    assert outermost(tree, [agency, unit, other, unit]) == [agency, other]
    assert outermost(tree, [unit, None]) == [None]
    assert outermost(tree, [-1]) == []  # a mistyped THIDUA_SECRETARIAT_SCOPE: nothing
