"""The figures of a digest and the plan of a reminder, without any I/O."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.models import OrgKind, OrgUnit, Person, Role
from domain.org import OrgTree
from domain.progress import (
    Board,
    Campaign,
    Change,
    ItemKind,
    Reach,
    Tally,
    Window,
    campaign_items,
    change_since,
    daily_due,
    days_left,
    normalise_roots,
    plan_reminders,
    progress_bar,
    registration_items,
    reminder_due,
    scope_view,
    week_period,
    weekly_due,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

TREE = OrgTree([
    OrgUnit(id=1, parent_id=None, kind=OrgKind.BLOC, name="Khối"),
    OrgUnit(id=10, parent_id=1, kind=OrgKind.AGENCY, name="Sở A"),
    OrgUnit(id=11, parent_id=10, kind=OrgKind.UNIT, name="Phòng A1"),
    OrgUnit(id=12, parent_id=10, kind=OrgKind.UNIT, name="Phòng A2"),
    OrgUnit(id=20, parent_id=1, kind=OrgKind.AGENCY, name="Sở B"),
    OrgUnit(id=21, parent_id=20, kind=OrgKind.UNIT, name="Phòng B1"),
])


def _person(pid: int, name: str, org: int, role: Role = Role.STAFF) -> Person:
    return Person(id=pid, full_name=name, phone=f"09{pid:08d}", position="", is_leader=False,
                  role=role, org_id=org)


PEOPLE = [
    _person(1, "Nguyễn Văn An", 10, Role.AGENCY_HEAD),
    _person(2, "Trần Thị Bình", 11, Role.UNIT_HEAD),
    _person(3, "Lê Văn Cường", 11),
    _person(4, "Phạm Thị Dung", 11),
    _person(5, "Hoàng Văn Em", 12, Role.UNIT_HEAD),
    _person(6, "Đỗ Thị Giang", 12),
    _person(7, "Vũ Văn Hải", 21, Role.UNIT_HEAD),
    _person(8, "Bùi Thị Lan", 21),
]
HEADSHIPS = {1: [10], 2: [11], 5: [12], 7: [21]}


def _board(done: set[int], acked: set[int] = frozenset(), *, reach: dict[int, Reach] | None = None,
           collectives: frozenset[int] = frozenset()) -> Board:
    items = registration_items([Window(1, 2024, None, date(2024, 1, 2), date(2024, 3, 31))],
                               TREE)
    items += campaign_items([Campaign(3, "q1", "Quý I", 10, date(2024, 3, 15),
                                      date(2024, 1, 1), date(2024, 3, 31))])
    return Board(
        tree=TREE, people=PEOPLE, items=items,
        done={"reg:1": frozenset(done), "ack:3": frozenset(acked)},
        collectives_done={2024: collectives},
        reach=reach if reach is not None else {p.id: Reach.OK for p in PEOPLE},
    )


def test_progress_bar_is_full_only_when_everybody_is_done():
    assert progress_bar(0, 10) == "░" * 10
    assert progress_bar(10, 10) == "█" * 10
    assert progress_bar(96, 100) == "█" * 9 + "░"
    assert progress_bar(1, 100) == "░" * 10
    assert progress_bar(2, 6) == "███░░░░░░░"
    assert progress_bar(0, 0) == "░" * 10


def test_tallies_changes_and_days_left():
    assert Tally(3, 4).rate == 0.75 and Tally(0, 0).rate == 0.0 and Tally(4, 4).complete
    assert change_since(Tally(5, 10), Tally(3, 10)) == Change(done=2, points=20.0)
    assert change_since(Tally(5, 10), None) is None
    assert days_left(date(2024, 3, 11), date(2024, 3, 31)) == 20
    assert days_left(date(2024, 3, 31), date(2024, 3, 31)) == 0
    assert days_left(date(2024, 4, 1), date(2024, 3, 31)) == -1


def test_weekly_and_daily_periods():
    assert week_period(date(2024, 3, 11)) == "2024-W11"
    assert week_period(date(2024, 12, 30)) == "2025-W01"  # ISO weeks, as digests are
    monday = datetime(2024, 3, 11, 7, 59, tzinfo=TZ)
    assert weekly_due(monday, 1, time(8, 0)) is None
    assert weekly_due(monday.replace(hour=8, minute=0), 1, time(8, 0)) == "2024-W11"
    assert weekly_due(datetime(2024, 3, 17, 23, 0, tzinfo=TZ), 1, time(8, 0)) == "2024-W11"
    # A Friday 16:00 digest: not due on Thursday, due from Friday afternoon.
    assert weekly_due(datetime(2024, 3, 14, 18, 0, tzinfo=TZ), 5, time(16, 0)) is None
    assert weekly_due(datetime(2024, 3, 15, 16, 0, tzinfo=TZ), 5, time(16, 0)) == "2024-W11"
    assert daily_due(datetime(2024, 3, 11, 8, 59, tzinfo=TZ), time(9, 0)) is None
    assert daily_due(datetime(2024, 3, 11, 9, 0, tzinfo=TZ), time(9, 0)) == "2024-03-11"


def test_automatic_reminders_fall_a_few_days_before_and_on_the_eve():
    [item] = campaign_items([Campaign(3, "q1", "Quý I", None, date(2024, 3, 15),
                                      date(2024, 1, 1), date(2024, 3, 31))])
    due = {d for d in range(0, 8) if reminder_due(item, date(2024, 3, 15 - d), 3)}
    assert due == {3, 1}
    assert {d for d in range(0, 8) if reminder_due(item, date(2024, 3, 15 - d), 0)} == {0}
    assert {d for d in range(0, 8) if reminder_due(item, date(2024, 3, 15 - d), 1)} == {1}


def test_a_person_in_two_windows_of_a_year_belongs_to_the_narrower():
    wide = Window(1, 2024, None, date(2024, 1, 2), date(2024, 3, 31))
    narrow = Window(2, 2024, 20, date(2024, 1, 15), date(2024, 3, 15))
    other_year = Window(3, 2025, 20, date(2025, 1, 2), date(2025, 3, 31))
    items = {i.key: i for i in registration_items([wide, narrow, other_year], TREE)}
    assert items["reg:1"].applies_to(TREE, 11) and not items["reg:1"].applies_to(TREE, 21)
    assert items["reg:2"].applies_to(TREE, 21) and not items["reg:2"].applies_to(TREE, 11)
    assert items["reg:3"].applies_to(TREE, 21)


def test_scope_views_count_only_their_own_people():
    board = _board(done={2, 3, 6}, acked={3})
    unit = scope_view(board, 11, {}, wide=True)
    [registration, campaign] = unit.items
    assert registration.tally == Tally(2, 3)
    assert [p.full_name for p in registration.missing] == ["Phạm Thị Dung"]
    assert campaign.tally == Tally(1, 3) and campaign.item.kind == ItemKind.ACKNOWLEDGEMENT
    agency = scope_view(board, 10, {("org:10", "reg:1"): Tally(1, 6)}, wide=True)
    registration = agency.items[0]
    assert registration.tally == Tally(3, 6)
    assert registration.change == Change(done=2, points=33.3)
    assert [(r.org.name if r.org else None, r.tally) for r in registration.breakdown] == [
        (None, Tally(0, 1)), ("Phòng A1", Tally(2, 3)), ("Phòng A2", Tally(1, 2))]
    # Sở B is outside the campaign's scope: only the registration concerns it.
    assert [f.item.key for f in scope_view(board, 20, {}, wide=True).items] == ["reg:1"]


def test_names_are_in_the_order_of_official_lists():
    board = _board(done=set())
    names = [p.full_name for p in board.missing(board.items[0], 10)]
    assert names == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung",
                     "Hoàng Văn Em", "Đỗ Thị Giang"]


def test_a_reminder_plan_skips_the_unreachable_the_reminded_and_the_asker():
    reach = {p.id: Reach.OK for p in PEOPLE}
    reach[4] = Reach.BLOCKED
    del reach[6]
    board = _board(done={1, 2}, acked={1, 2, 3}, reach=reach)
    plan = plan_reminders(board, [10], None, reminded_today={5}, headships=HEADSHIPS,
                          exclude={2})
    # An has done everything himself, but his agency's collective is not registered.
    assert [r.person.full_name for r in plan.send] == ["Nguyễn Văn An", "Lê Văn Cường"]
    assert [i.key for i in plan.send[1].items] == ["reg:1"]
    assert plan.send[0].items == [] and [o.name for o in plan.send[0].collectives] == ["Sở A"]
    assert [p.full_name for p in plan.already] == ["Hoàng Văn Em"]
    assert [(m.person.full_name, m.reach) for m in plan.unreachable] == [
        ("Phạm Thị Dung", Reach.BLOCKED), ("Đỗ Thị Giang", Reach.NOT_LINKED)]
    registered = _board(done={1, 2}, collectives=frozenset({10, 11}))
    plan_after = plan_reminders(registered, [10], ["reg:1"], set(), HEADSHIPS)
    assert all(r.person.id != 1 for r in plan_after.send)
    # Only the chosen item: the campaign reminder never mentions the registration.
    campaign_plan = plan_reminders(board, [None], ["ack:3"], set(), HEADSHIPS)
    assert {i.key for r in campaign_plan.send for i in r.items} == {"ack:3"}
    assert all(r.person.org_id in {10, 11, 12} for r in campaign_plan.send)


def test_nested_roots_collapse():
    assert normalise_roots(TREE, [10, 11, 21]) == [10, 21]
    assert normalise_roots(TREE, [11, None]) == [None]
    assert normalise_roots(TREE, [999]) == []
