"""The registration repositories: windows, drafts with versions, confirmation, withdrawal,
records."""

from __future__ import annotations

from datetime import date

import pytest

from app.rulesets import ruleset_of_year
from app.summary.service import fallback_ruleset
from bot.cli import main
from domain.drafts import Draft
from domain.records import RegistrationStatus
from domain.registration import ConfirmedContent, confirmed_content
from domain.rules import load_ruleset
from domain.subjects import Subject
from domain.windows import WindowState, parse_day, relevant_window, windows_for
from storage import audit
from storage.audit import AuditContext
from storage.drafts import DraftRepository
from storage.orgs import OrgRepository
from storage.people import PeopleRepository
from storage.registrations import RegistrationRepository
from storage.windows import WindowError, WindowRepository
from tests.harness import BLOC, SAMPLE_ROSTER

STAFF = "0935722539"  # Trịnh Minh Khánh, Phòng Công tác Quốc hội
RS = load_ruleset("nd98-2023")
WHO = AuditContext(channel="telegram", person_id=1, account="telegram:4242", chat_id=4242)


def content(draft: Draft) -> ConfirmedContent:
    return confirmed_content(RS, draft.titles, draft.answers, draft.subject.kind)


async def test_a_year_straddling_a_change_of_rules_is_judged_by_the_rules_at_its_end(db):
    """2025: Nghị định 98/2023 until 30 June, 152/2025 from 1 July. A 2025 registration
    opened in January asks the criteria its titles will be judged by, at the end of 2025;
    an import of 2025 without a window and the summary's fallback choose the same."""
    repo = WindowRepository(db)
    window = await repo.open_window(2025, None, date(2025, 1, 10), date(2025, 3, 15),
                                    AuditContext.cli())
    assert window.ruleset_id == "nd152-2025"
    assert (await ruleset_of_year(db, 2026)).id == "nd152-2025"  # no window: the same rule
    assert (await ruleset_of_year(db, 2024)).id == "nd98-2023"
    assert fallback_ruleset(2025).id == "nd152-2025"


async def test_windows_open_once_per_scope_and_extend(db):
    repo = WindowRepository(db)
    tree = await OrgRepository(db).tree()
    bloc = tree.roots()[0]
    window = await repo.open_window(2024, bloc.id, date(2024, 1, 15), date(2024, 3, 15),
                                    AuditContext.cli())
    assert window.ruleset_id == "nd98-2023"
    assert window.state(date(2024, 1, 14)) == WindowState.NOT_YET_OPEN
    assert window.is_open(date(2024, 3, 15))  # the deadline is inclusive
    assert window.state(date(2024, 3, 16)) == WindowState.CLOSED

    with pytest.raises(WindowError) as exists:
        await repo.open_window(2024, bloc.id, date(2024, 2, 1), date(2024, 3, 1),
                               AuditContext.cli())
    assert exists.value.code == "exists"
    with pytest.raises(WindowError) as backwards:
        await repo.open_window(2025, None, date(2025, 3, 1), date(2025, 2, 1),
                               AuditContext.cli())
    assert backwards.value.code == "deadline_before_opening"

    extended = await repo.set_deadline(window.id, date(2024, 3, 31), AuditContext.cli())
    assert extended.deadline == date(2024, 3, 31) and extended.opens_on == window.opens_on
    logged = await audit.entries(db, entity="registration_window", entity_id=window.id)
    assert [e.action for e in logged] == ["open", "set_deadline"]
    assert logged[1].details == {"from": "2024-03-15", "to": "2024-03-31"}

    # An agency's own window wins over its bloc's for the agency's people.
    agency = tree.agencies()[0]
    own = await repo.open_window(2024, agency.id, date(2024, 2, 1), date(2024, 2, 20),
                                 AuditContext.cli())
    unit = tree.children(agency.id)[0]
    assert [w.id for w in windows_for(await repo.windows(), tree, unit.id)] == [own.id]
    other_agency = tree.agencies()[1]
    found = relevant_window(await repo.windows(), tree, other_agency.id, date(2024, 3, 20))
    assert found is not None and found.id == window.id


async def test_draft_versions_refuse_stale_writes_and_confirm_allocates_references(db):
    repo, drafts = RegistrationRepository(db), DraftRepository(db)
    person = await PeopleRepository(db).by_phone(STAFF)
    subject = Subject.of_person(person)
    draft = await drafts.start_draft(2024, subject, person.id, WHO, titles={"CSTDCS"})
    assert draft.version == 1 and draft.step == "titles"
    assert await drafts.start_draft(2024, subject, person.id, WHO) == draft  # never overwritten
    session = await drafts.session("telegram:4242")
    assert (session.draft_id, session.version) == (draft.id, 1)

    answered = await drafts.update_draft(
        draft.id, 1, WHO, answers={"cstdcs_ground": "initiative"}, step="q:initiative_title"
    )
    assert answered is not None and answered.version == 2
    assert await drafts.update_draft(draft.id, 1, WHO, answers={}) is None  # stale
    assert (await drafts.draft_by_id(draft.id)).answers == {"cstdcs_ground": "initiative"}
    assert (await drafts.session("telegram:4242")).version == 2

    answers = {
        "cstdcs_ground": "initiative",
        "initiative_title": "Số hoá hồ sơ kỳ họp",
        "service_months": 60,
        "expected_rating": "excellent",
        "research_title": "not needed any more",
    }
    done = await drafts.update_draft(draft.id, 2, WHO, answers=answers, step="review")
    assert await repo.confirm(answered, content(done), WHO) is None  # stale: nothing happens
    registration = await repo.confirm(done, content(done), WHO)
    assert registration.reference == "2024-000001" and registration.revision == 1
    assert registration.titles == {"CSTDCS"} and registration.implied == {"LDTT"}
    assert "research_title" not in registration.answers  # not asked by the chosen ground
    assert await drafts.draft(2024, subject) is None
    assert await drafts.session("telegram:4242") is None

    # Editing works on a new draft; the confirmed registration stays as it was meanwhile.
    edit = await drafts.start_draft(2024, subject, person.id, WHO, titles=registration.titles,
                                    answers=registration.answers, step="review")
    await drafts.update_draft(edit.id, edit.version, WHO, titles={"LDTT"})
    assert (await repo.current(2024, subject)).titles == {"CSTDCS"}
    assert await drafts.discard_draft(edit.id, WHO)
    assert (await repo.current(2024, subject)).titles == {"CSTDCS"}

    withdrawn = await repo.withdraw(registration.id, 1, WHO)
    assert withdrawn.status == RegistrationStatus.WITHDRAWN and withdrawn.revision == 2
    assert await repo.withdraw(registration.id, 1, WHO) is None
    records = await repo.records(2024)
    assert len(records) == 1 and not records[0].counts

    again = await drafts.start_draft(2024, subject, person.id, WHO, titles={"LDTT"},
                                     answers={"service_months": 60, "expected_rating": "good"},
                                     step="review")
    confirmed = await repo.confirm(again, content(again), WHO)
    assert confirmed.reference == "2024-000001" and confirmed.revision == 3
    assert confirmed.is_confirmed and confirmed.titles == {"LDTT"}
    actions = [e.action for e in await audit.entries(db, entity="registration")]
    assert actions == ["confirm", "withdraw", "reconfirm"]


async def test_records_follow_the_scope_and_drafts_are_listed_apart(db):
    repo, drafts = RegistrationRepository(db), DraftRepository(db)
    tree = await OrgRepository(db).tree()
    first, second = tree.agencies()[:2]
    for agency in (first, second):
        draft = await drafts.start_draft(2024, Subject.of_org(agency), 1, WHO,
                                         titles={"CO_TINH"})
        await repo.confirm(draft, content(draft), WHO)
    unit = tree.children(second.id)[0]
    await drafts.start_draft(2024, Subject.of_org(unit), 1, WHO, titles={"TTLDXS"})
    assert len(await repo.records(2024)) == 2
    assert [r.org_id for r in await repo.records(2024, first.id)] == [first.id]
    assert [r.reference for r in await repo.records(2024)] == ["2024-000001", "2024-000002"]
    listed = await drafts.records(2024, second.id)
    assert [(d.org_id, d.status) for d in listed] == [(unit.id, RegistrationStatus.DRAFT)]
    assert await repo.records(2025) == []


def test_cli_opens_extends_and_lists_windows(tmp_path, capsys):
    path = tmp_path / "t.sqlite3"

    def cli(*args: str) -> int:
        return main(["--database", str(path), *args])

    assert cli("roster", "import", str(SAMPLE_ROSTER), "--bloc", BLOC) == 0
    capsys.readouterr()
    assert cli("registration", "open", "--year", "2024", "--deadline", "2024-03-15",
               "--opens", "15/01/2024", "--scope", "khoi tham muu tong hop") == 0
    out = capsys.readouterr().out
    assert "Đã mở đăng ký thi đua: Năm 2024 · Khối Tham mưu Tổng hợp" in out
    assert "từ 15/01/2024 đến hết ngày 15/03/2024 (đã hết hạn)" in out
    assert "Nghị định 98/2023/NĐ-CP" in out
    assert cli("registration", "open", "--year", "2024", "--deadline", "2024-03-15",
               "--opens", "2024-01-15", "--scope", "Khối Tham mưu Tổng hợp") == 1
    assert "đã được mở" in capsys.readouterr().err
    assert cli("registration", "extend", "--year", "2024", "--deadline", "31/03/2024",
               "--scope", "Khối Tham mưu Tổng hợp") == 0
    assert "đến hết ngày 31/03/2024" in capsys.readouterr().out
    assert cli("registration", "extend", "--year", "2025", "--deadline", "31/03/2025") == 1
    assert "Chưa mở đăng ký thi đua năm 2025" in capsys.readouterr().err
    assert cli("registration", "open", "--year", "2024", "--deadline", "2024-03-15",
               "--scope", "Sở Không Có") == 1
    assert "Không có khối hoặc cơ quan nào" in capsys.readouterr().err
    assert cli("registration", "open", "--year", "20244", "--deadline", "2024-03-15") == 1
    assert "20244 không phải là năm đăng ký hợp lệ" in capsys.readouterr().err
    assert cli("registration", "list") == 0
    assert "Năm 2024 · Khối Tham mưu Tổng hợp" in capsys.readouterr().out


def test_dates_are_read_as_people_type_them():
    assert parse_day("15/03/2024") == date(2024, 3, 15)
    assert parse_day("5-3-2024") == date(2024, 3, 5)
    assert parse_day("2024-03-15") == date(2024, 3, 15)
    assert parse_day("31/02/2024") is None
    assert parse_day("ngày mai") is None
