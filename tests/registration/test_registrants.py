"""Who may register what (domain.registrants) and which window applies (domain.windows)."""

from __future__ import annotations

from datetime import date

from domain.access import Actor
from domain.models import OrgKind, OrgUnit, Person, Role
from domain.org import OrgTree
from domain.registrants import may_register, registrable_titles
from domain.rules import load_ruleset
from domain.subjects import Subject
from domain.windows import RegistrationWindow, WindowState, relevant_window

RS = load_ruleset("nd98-2023")
TREE = OrgTree([
    OrgUnit(id=1, parent_id=None, kind=OrgKind.BLOC, name="Khối"),
    OrgUnit(id=2, parent_id=1, kind=OrgKind.AGENCY, name="Sở Nội vụ"),
    OrgUnit(id=3, parent_id=2, kind=OrgKind.UNIT, name="Văn phòng Sở"),
    OrgUnit(id=4, parent_id=2, kind=OrgKind.UNIT, name="Thanh tra Sở"),
    OrgUnit(id=5, parent_id=1, kind=OrgKind.AGENCY, name="Sở Ngoại vụ"),
    OrgUnit(id=6, parent_id=None, kind=OrgKind.AGENCY, name="Ban Quản lý dự án"),  # no bloc
])


def actor(role: Role, org_id: int, headed: tuple[int, ...] = (), person_id: int = 7) -> Actor:
    person = Person(id=person_id, full_name="Lê Văn A", phone="0912000001", position="",
                    is_leader=role != Role.STAFF, role=role, org_id=org_id)
    return Actor(1, 1, "private", "vi", person=person, headed_org_ids=headed)


def codes(titles) -> list[str]:
    return [t.code for t in titles]


def test_staff_register_their_own_individual_titles_only():
    staff = actor(Role.STAFF, 3)
    assert not may_register(staff, TREE, Subject.of_org(TREE.get(3)))  # her unit
    own = Subject.of_person(staff.person)
    assert codes(registrable_titles(RS, staff, TREE, own)) == [
        "LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ", "GK", "BK_TINH", "BK_TTCP"]
    other = Subject.of_person(actor(Role.STAFF, 3, person_id=8).person)
    assert registrable_titles(RS, staff, TREE, other) == []


def test_the_flags_are_for_agencies_that_are_bloc_members():
    """Cờ thi đua goes to the collective leading a bloc: an agency outside every bloc is
    not offered it (seed 000: every member agency registered it)."""
    member = registrable_titles(RS, actor(Role.AGENCY_HEAD, 2, headed=(2,)), TREE,
                                Subject.of_org(TREE.get(2)))
    outside = registrable_titles(RS, actor(Role.AGENCY_HEAD, 6, headed=(6,)), TREE,
                                 Subject.of_org(TREE.get(6)))
    assert {"CO_TINH", "CO_CP"} <= set(codes(member))
    assert codes(outside) == [c for c in codes(member) if c not in {"CO_TINH", "CO_CP"}]


def test_heads_register_the_collectives_they_head():
    head = actor(Role.UNIT_HEAD, 3, headed=(3,))
    unit = Subject.of_org(TREE.get(3))
    assert codes(registrable_titles(RS, head, TREE, unit)) == [
        "TTLDTT", "TTLDXS", "GK", "BK_TINH", "BK_TTCP"]
    assert not may_register(head, TREE, Subject.of_org(TREE.get(4)))
    assert not may_register(head, TREE, Subject.of_org(TREE.get(2)))

    director = actor(Role.AGENCY_HEAD, 2, headed=(2, 4))
    agency = Subject.of_org(TREE.get(2))
    assert "CO_CP" in codes(registrable_titles(RS, director, TREE, agency))
    # The agency head also heads Thanh tra Sở: registers it as its head.
    assert codes(registrable_titles(RS, director, TREE, Subject.of_org(TREE.get(4))))[:2] == \
        ["TTLDTT", "TTLDXS"]
    assert not may_register(director, TREE, Subject.of_org(TREE.get(3)))
    assert not may_register(director, TREE, Subject.of_org(TREE.get(5)))


def window(window_id: int, scope: int | None, opens: date, deadline: date,
           year: int = 2024) -> RegistrationWindow:
    return RegistrationWindow(id=window_id, year=year, scope_org_id=scope, opens_on=opens,
                              deadline=deadline, ruleset_id="nd98-2023")


def test_the_most_specific_window_applies_and_refusals_can_name_dates():
    bloc = window(1, 1, date(2024, 1, 15), date(2024, 3, 15))
    agency = window(2, 2, date(2024, 2, 1), date(2024, 2, 20))
    windows = [bloc, agency]
    assert relevant_window(windows, TREE, 3, date(2024, 2, 10)) == agency
    assert relevant_window(windows, TREE, 5, date(2024, 2, 10)) == bloc
    # After its own deadline an agency's people are told its own (closed) window.
    closed = relevant_window(windows, TREE, 3, date(2024, 3, 1))
    assert closed == agency and closed.state(date(2024, 3, 1)) == WindowState.CLOSED
    next_year = window(3, None, date(2025, 1, 10), date(2025, 3, 1), year=2025)
    assert relevant_window([*windows, next_year], TREE, 5, date(2024, 12, 1)) == next_year
    assert relevant_window([], TREE, 5, date(2024, 12, 1)) is None
