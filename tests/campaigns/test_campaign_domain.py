"""Campaign files, scope matching, the commitment window and phone pages (pure logic)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.campaign_file import parse_campaign_file
from domain.campaigns import (
    AckWindow,
    Campaign,
    CampaignDocument,
    CampaignStatus,
    Measure,
    Paragraph,
    Section,
    ack_window,
    resolve_scope,
)
from domain.models import OrgKind, OrgUnit
from domain.org import OrgTree
from reports.campaigns import PAGE_BUDGET, campaign_page, paginate
from tests.campaigns.helpers import SEED_FILE, campaign_yaml


def _problems(text: str, filename: str = "c.yaml") -> set[tuple[int | None, str, str]]:
    parsed = parse_campaign_file(text.encode(), filename)
    assert parsed.document is None
    return {(p.line, p.field, p.code) for p in parsed.problems}


def test_seed_001_file_reads_as_the_campaign_of_the_seed():
    parsed = parse_campaign_file(SEED_FILE.read_bytes(), SEED_FILE.name)
    assert parsed.ok, parsed.problems
    doc = parsed.document
    assert doc is not None
    assert doc.code == "vpubnd-2024-q1" and doc.year == 2024
    assert (doc.period_start, doc.period_end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert [s.title for s in doc.sections] == [
        "Mục đích", "Yêu cầu", "Đối tượng thi đua", "Nội dung thi đua",
        "Chỉ tiêu thi đua cụ thể", "Thời gian thi đua", "Tổ chức thực hiện"]
    contents = doc.sections[3].paragraphs
    assert [p.text[:2] for p in contents] == ["1.", "2.", "3.", "4.", "5."]
    assert all(p.item for p in contents)
    # PDF line breaks are gone: one paragraph, single spaces.
    assert all("\n" not in p.text and "  " not in p.text for s in doc.sections
               for p in s.paragraphs)
    assert contents[2].text.endswith("kinh tế - xã hội của Tỉnh năm 2024.")
    assert [(t.measure, t.goal) for t in doc.targets] == [
        (None, 1.0), (Measure.REGISTRATION_RATE, 1.0), (None, 1.0)]
    assert doc.targets[1].text == ("100% công chức, viên chức và hợp đồng lao động thực hiện nội "
                                   "dung đăng ký thi đua năm 2024.")
    assert doc.intro[0].text.startswith("Để góp phần thực hiện thắng lợi")
    assert (doc.signer, doc.signer_title) == ("Phan Quốc Nghĩa", "Chánh Văn phòng")


def test_yaml_campaign_with_vietnamese_dates_and_explicit_goals():
    text = campaign_yaml().replace("2024-01-15", "15/01/2024") + (
        "year: 2025\nlanguage: en\n")
    text = text.replace("measure: registration_rate", "measure: registration_rate\n"
                        "        goal: 95%")
    doc = parse_campaign_file(text.encode(), "c.yml").document
    assert doc is not None
    assert doc.ack_deadline == date(2024, 1, 15) and doc.year == 2025 and doc.language == "en"
    assert [(t.measure, t.goal) for t in doc.targets] == [
        (Measure.ACKNOWLEDGEMENT_RATE, 1.0), (Measure.REGISTRATION_RATE, 0.95)]
    assert doc.sections[0].paragraphs == (
        Paragraph(text="Thi đua hoàn thành xuất sắc nhiệm vụ được giao."),)


def test_every_problem_names_its_field_and_line():
    text = """\
code: q1
name: Phong trào
issuer: ""
sope: Sở Nội vụ
period:
  start: 2024-04-01
  end: 2024-03-31
ack_deadline: 2024-13-01
name: Lần hai
sections:
  - title: Mục đích
    text: Thi đua.
    targets: [100% cam kết]
  - Chỉ là chữ
  - title: Chỉ tiêu
    targets:
      - text: Tất cả đăng ký.
        measure: registration_rate
"""
    assert _problems(text) == {
        (9, "name", "duplicate_field"),
        (3, "issuer", "missing"),
        (4, "sope", "unknown_field"),
        (1, "scope", "missing"),
        (7, "period.end", "period_order"),
        (8, "ack_deadline", "bad_date"),
        (11, "sections[1]", "text_and_targets"),
        (14, "sections[2]", "bad_section"),
        (17, "sections[3].targets[1].goal", "missing_goal"),
    }
    unknown = parse_campaign_file(text.encode(), "c.yaml").problems
    assert next(p for p in unknown if p.code == "unknown_field").value == "scope"


@pytest.mark.parametrize(("text", "filename", "expected"), [
    ("code: [unclosed\n", "c.yaml", {(1, "", "yaml_syntax")}),
    ("- a\n- b\n", "c.yaml", {(1, "", "not_a_mapping")}),
    ("# Tiêu đề\nNội dung\n", "c.md", {(1, "", "no_front_matter")}),
    ("---\ncode: x1\n", "c.md", {(1, "", "front_matter_unclosed")}),
])
def test_files_that_are_not_campaigns(text, filename, expected):
    assert _problems(text, filename) == expected


def test_bad_encoding_names_the_line():
    parsed = parse_campaign_file(b"code: q1\nname: Ph\xff\n", "c.yaml")
    assert [(p.line, p.code) for p in parsed.problems] == [(2, "bad_encoding")]


def test_markdown_structure_problems():
    front = SEED_FILE.read_text(encoding="utf-8").split("---\n\n", 1)[0] + "---\n"
    assert _problems(front, "c.md") == {(16, "sections", "no_sections")}
    two = front + "\n## Chỉ tiêu\n- 100% cam kết\n\n## Chỉ tiêu khác\n- 100% đăng ký\n"
    assert _problems(two, "c.md") == {(20, "sections", "two_target_sections")}
    moved = front.replace("signer: Phan", "sections: []\nsigner: Phan") + "\n## Mục đích\nA.\n"
    assert _problems(moved, "c.md") == {(13, "sections", "body_in_front_matter")}
    tags = front + "\n## Chỉ tiêu\n1. 100% cam kết {measure: rate}\n2. Tốt {goal: 1}\n"
    assert _problems(tags, "c.md") == {(18, "targets[1].measure", "unknown_measure")}


def _tree() -> OrgTree:
    units = [
        OrgUnit(id=1, parent_id=None, kind=OrgKind.BLOC, name="Khối Tham mưu Tổng hợp"),
        OrgUnit(id=2, parent_id=1, kind=OrgKind.AGENCY, name="Văn phòng Ủy ban nhân dân tỉnh"),
        OrgUnit(id=3, parent_id=2, kind=OrgKind.UNIT, name="Văn phòng"),
        OrgUnit(id=4, parent_id=1, kind=OrgKind.AGENCY, name="Sở Nội vụ"),
        OrgUnit(id=5, parent_id=4, kind=OrgKind.UNIT, name="Văn phòng"),
    ]
    return OrgTree(units)


def test_scope_names_match_without_diacritics_and_with_official_abbreviations():
    tree = _tree()
    assert resolve_scope("Văn phòng UBND tỉnh", tree).org.id == 2
    assert resolve_scope("VAN PHONG UY BAN NHAN DAN TINH", tree).org.id == 2
    assert resolve_scope("sở nội vụ", tree).org.id == 4
    assert resolve_scope("Khối tham mưu tổng hợp", tree).org.id == 1
    ambiguous = resolve_scope("Văn phòng", tree)
    assert ambiguous.ambiguous and {u.id for u in ambiguous.candidates} == {3, 5}
    assert resolve_scope("Văn phòng – Sở Nội vụ", tree).org.id == 5
    assert resolve_scope("Văn phòng - Sở Nội vụ", tree).org.id == 5
    assert resolve_scope("Sở Tư pháp", tree).org is None
    assert not resolve_scope("Sở Tư pháp", tree).ambiguous


def _campaign(doc: CampaignDocument, status: CampaignStatus = CampaignStatus.LAUNCHED,
              ended_on: date | None = None) -> Campaign:
    return Campaign(id=1, code=doc.code, name=doc.name, issuer=doc.issuer, scope_org_id=2,
                    period_start=doc.period_start, period_end=doc.period_end,
                    ack_deadline=doc.ack_deadline, status=status, ended_on=ended_on,
                    document=doc)


def test_commitment_window_follows_the_dates():
    doc = parse_campaign_file(SEED_FILE.read_bytes(), SEED_FILE.name).document
    assert doc is not None
    launched = _campaign(doc)
    assert ack_window(launched, date(2023, 12, 28)) == AckWindow.OPEN  # launched early
    assert ack_window(launched, date(2024, 1, 15)) == AckWindow.OPEN
    assert ack_window(launched, date(2024, 1, 16)) == AckWindow.LATE
    assert ack_window(launched, date(2024, 3, 31)) == AckWindow.LATE
    assert ack_window(launched, date(2024, 4, 1)) == AckWindow.CLOSED
    assert ack_window(_campaign(doc, CampaignStatus.LOADED), date(2024, 1, 2)) == \
        AckWindow.NOT_LAUNCHED
    ended = _campaign(doc, CampaignStatus.ENDED, ended_on=date(2024, 2, 20))
    assert ack_window(ended, date(2024, 2, 21)) == AckWindow.CLOSED
    assert ended.closed_on() == date(2024, 2, 20)
    assert _campaign(doc, CampaignStatus.ENDED, date(2024, 4, 3)).closed_on() == date(2024, 3, 31)


def test_seed_pages_keep_sections_whole_and_stay_under_the_limit():
    doc = parse_campaign_file(SEED_FILE.read_bytes(), SEED_FILE.name).document
    assert doc is not None
    pages = paginate(doc)
    assert len(pages) == 2
    assert pages[1].startswith("<b>Chỉ tiêu thi đua cụ thể</b>")
    for index in range(len(pages)):
        text, shown, count = campaign_page(_campaign(doc), index, "status")
        assert shown == index and count == 2 and len(text) <= 4096
    assert campaign_page(_campaign(doc), 7)[1] == 1  # a page beyond the end shows the last


def _document(paragraphs: list[str]) -> CampaignDocument:
    return CampaignDocument(
        code="x1", name="N", issuer="I", scope="S", period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31), ack_deadline=date(2024, 1, 15), year=2024,
        sections=(Section(title="Nội dung", paragraphs=tuple(Paragraph(text=p)
                                                                for p in paragraphs)),),
    )


_WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ.,;&<>", min_size=1, max_size=14)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=900).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=12))
def test_any_text_splits_into_pages_under_the_budget_without_losing_a_word(paragraphs):
    pages = paginate(_document(paragraphs))
    assert all(len(page) <= PAGE_BUDGET for page in pages)
    words = re.sub(r"<[^>]+>", " ", " ".join(pages)).split()
    escaped = " ".join(paragraphs).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    expected = ["Nội", "dung", *escaped.split()]
    assert words == expected


@pytest.mark.parametrize(("heading", "is_targets"), [
    ("## Chỉ tiêu thi đua cụ thể", True), ("### IV. Chỉ tiêu", True), ("## 2) CHỈ TIÊU", True),
    ("## Targets", True), ("## Nội dung thi đua", False), ("## Việc của chỉ tiêu", False),
])
def test_the_targets_section_is_recognised_by_its_heading(heading, is_targets):
    front = SEED_FILE.read_text(encoding="utf-8").split("---\n\n", 1)[0] + "---\n"
    doc = parse_campaign_file((front + f"\n{heading}\n1. 100% cam kết.\n").encode(),
                              "c.md").document
    assert doc is not None
    assert (doc.sections[0].targets is not None) == is_targets
