"""Digest and reminder texts: in one message whatever the size of the unit, and escaped."""

from __future__ import annotations

from datetime import date

from domain.models import OrgKind, OrgUnit, Person, Role
from domain.org import OrgTree
from domain.progress import (
    Board,
    Reach,
    Window,
    plan_reminders,
    registration_items,
    scope_view,
)
from locales import use_locale
from reports.progress import (
    plan_preview,
    plan_result,
    reminder_buttons,
    reminder_text,
    render_digest,
)

TREE = OrgTree([
    OrgUnit(id=1, parent_id=None, kind=OrgKind.AGENCY, name="Sở <Lớn> & Đông người"),
    *[OrgUnit(id=10 + u, parent_id=1, kind=OrgKind.UNIT, name=f"Phòng chuyên môn số {u}")
      for u in range(20)],
])


def _people(count: int) -> list[Person]:
    return [Person(id=i, full_name=f"Nguyễn Thị Phương Thảo {i:04d}", phone=f"09{i:08d}",
                   position="Chuyên viên", is_leader=False, role=Role.STAFF,
                   org_id=10 + i % 20) for i in range(1, count + 1)]


def _board(people: list[Person]) -> Board:
    items = registration_items([Window(1, 2024, None, date(2024, 1, 2), date(2024, 3, 31))],
                               TREE)
    return Board(tree=TREE, people=people, items=items, done={"reg:1": frozenset()},
                 collectives_done={}, reach={p.id: Reach.OK for p in people[::2]})


def test_a_digest_of_a_thousand_people_shortens_its_lists_to_fit_one_message():
    board = _board(_people(1000))
    view = scope_view(board, 1, {}, wide=True)
    with use_locale("vi"):
        text = render_digest("2024-W11", [view], TREE, date(2024, 3, 11))
    assert len(text) <= 4096
    assert "Chưa đăng ký (1000):" in text and "người khác" in text
    assert "• Phòng chuyên môn số 19: 0/50 (0%)" in text  # every unit's line is kept
    assert "Sở &lt;Lớn&gt; &amp; Đông người" in text


def test_a_reminder_names_what_is_missing_and_escapes_names():
    people = _people(1)
    people = [people[0].model_copy(update={"full_name": "Lê <b>Văn</b> An"})]
    board = _board(people)
    board.reach[1] = Reach.OK
    plan = plan_reminders(board, [1], None, set())
    [reminder] = plan.send
    with use_locale("en"):
        text = reminder_text(reminder, date(2024, 3, 31), sender=None, registration=None)
        buttons = reminder_buttons(reminder)
    assert "Dear <b>Lê &lt;b&gt;Văn&lt;/b&gt; An</b>," in text
    assert "Emulation registration 2024 – deadline Mar 31, 2024 (today is the last day)" in text
    assert "Automatic reminder" in text
    assert buttons == [[("📝 Register titles", "open:register")]]


def test_previews_and_results_fit_one_message_for_a_whole_province():
    people = _people(3000)
    board = _board(people)
    plan = plan_reminders(board, [None], None, set())
    with use_locale("vi"):
        preview = plan_preview(plan, "Tỉnh", date(2024, 3, 11), TREE, reserve=40)
        result = plan_result(plan, len(plan.send))
        everything = plan_preview(plan, "Tỉnh", date(2024, 3, 11), TREE, fit=False)
    assert len(preview) + 40 <= 4096 and len(result) <= 4096
    assert "Chưa thực hiện: 3000 người" in preview
    assert "sẽ nhắc việc: 1500 người" in preview
    assert "Nguyễn Thị Phương Thảo 3000" in everything  # the command line lists everyone
