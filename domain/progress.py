"""Where a unit stands: who has registered and acknowledged, figures, bars, changes, deadlines.

Pure model: storage loads the open items (registration windows, launched campaigns), who has
done each, and who the bot can reach into a `Board`; digests, reminders and previews are
computed here and rendered in reports/progress.py.
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from domain.models import OrgKind, OrgUnit, Person
from domain.org import OrgTree
from domain.text import vietnamese_sort_key

BAR_WIDTH = 10


class ItemKind(StrEnum):
    REGISTRATION = "registration"  # annual title registration (đăng ký thi đua năm)
    ACKNOWLEDGEMENT = "acknowledgement"  # acknowledging a period campaign (cam kết thực hiện)


class Reach(StrEnum):
    """Whether a reminder can reach a person through the bot."""

    OK = "ok"
    NOT_LINKED = "not_linked"  # never linked their Telegram account
    BLOCKED = "blocked"  # blocked the bot (Telegram answered 403)


@dataclass(frozen=True)
class Item:
    """Something every person in a scope must do before a deadline."""

    key: str  # "reg:<window id>" or "ack:<campaign id>": stable across weeks
    kind: ItemKind
    deadline: date
    scope_org_id: int | None  # None: everybody
    year: int = 0  # registration year, or the campaign's
    campaign_id: int | None = None
    code: str = ""  # campaign code
    name: str = ""  # campaign name
    # Nested scopes covered by a more specific window of the same year (registrations only).
    excluded_scopes: tuple[int, ...] = ()

    def applies_to(self, tree: OrgTree, org_id: int) -> bool:
        if not tree.is_within(org_id, self.scope_org_id):
            return False
        return not any(tree.is_within(org_id, s) for s in self.excluded_scopes)


@dataclass(frozen=True)
class Window:
    id: int
    year: int
    scope_org_id: int | None
    opens_on: date
    deadline: date


@dataclass(frozen=True)
class Campaign:
    id: int
    code: str
    name: str
    scope_org_id: int | None
    ack_deadline: date
    period_start: date
    period_end: date


def registration_items(windows: Iterable[Window], tree: OrgTree) -> list[Item]:
    """One item per window; a person inside two windows of one year belongs to the narrower."""
    windows = list(windows)
    items = []
    for w in windows:
        nested = tuple(
            o.scope_org_id for o in windows
            if o.id != w.id and o.year == w.year and o.scope_org_id is not None
            and o.scope_org_id in tree and o.scope_org_id != w.scope_org_id
            and tree.is_within(o.scope_org_id, w.scope_org_id)
        )
        items.append(Item(key=f"reg:{w.id}", kind=ItemKind.REGISTRATION, deadline=w.deadline,
                          scope_org_id=w.scope_org_id, year=w.year, excluded_scopes=nested))
    return items


def campaign_items(campaigns: Iterable[Campaign]) -> list[Item]:
    return [
        Item(key=f"ack:{c.id}", kind=ItemKind.ACKNOWLEDGEMENT, deadline=c.ack_deadline,
             scope_org_id=c.scope_org_id, year=c.period_start.year, campaign_id=c.id,
             code=c.code, name=c.name)
        for c in campaigns
    ]


# ---------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Tally:
    done: int
    total: int

    @property
    def rate(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def missing(self) -> int:
        return self.total - self.done

    @property
    def complete(self) -> bool:
        return self.done >= self.total


@dataclass(frozen=True)
class Change:
    """Since the previous digest: people who acted, and the rate in percentage points."""

    done: int
    points: float


def change_since(current: Tally, previous: Tally | None) -> Change | None:
    if previous is None:
        return None
    return Change(done=current.done - previous.done,
                  points=round((current.rate - previous.rate) * 100, 1))


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """"███████░░░": full only when everybody is done, never full-looking at 96%."""
    if total <= 0:
        return "░" * width
    filled = min(width, done * width // total)
    return "█" * filled + "░" * (width - filled)


def days_left(today: date, deadline: date) -> int:
    """Days until a deadline that is itself included: 0 on the deadline, negative after."""
    return (deadline - today).days


# ---------------------------------------------------------------------------- periods


def week_period(day: date) -> str:
    """The ISO week a digest belongs to: "2024-W10"."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def parse_week(period: str) -> tuple[int, int]:
    year, week = period.split("-W")
    return int(year), int(week)


def weekly_due(now: datetime, weekday: int, at: time) -> str | None:
    """The week whose digest is due at `now` (local): from its weekday and time onwards."""
    iso = now.isocalendar()
    due_day = date.fromisocalendar(iso.year, iso.week, weekday)
    due = datetime.combine(due_day, at, tzinfo=now.tzinfo)
    return week_period(now.date()) if now >= due else None


def daily_due(now: datetime, at: time) -> str | None:
    return now.date().isoformat() if now.time().replace(tzinfo=None) >= at else None


def reminder_due(item: Item, today: date, days_before: int) -> bool:
    """Automatic reminders: `days_before` days before the deadline, and again the day before."""
    left = days_left(today, item.deadline)
    return left in {days_before, min(days_before, 1)} and left >= 0


# ---------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class Member:
    person: Person
    reach: Reach


@dataclass
class Board:
    """Everything the figures of one moment need, loaded once per digest or reminder."""

    tree: OrgTree
    people: Sequence[Person]  # active people
    items: Sequence[Item]
    done: dict[str, frozenset[int]]  # item key -> people who have done it
    collectives_done: dict[int, frozenset[int]]  # year -> org ids with a collective registration
    reach: dict[int, Reach]  # person id -> reach (absent: not linked)
    # Memos: a digest asks the same scopes over and over (2,000 heads, tens of thousands of
    # people), so people are indexed by org once and each scope's lists are kept. The lists
    # handed out are shared: callers read them, never change them.
    _subtrees: dict[int | None, frozenset[int]] = field(default_factory=dict, repr=False)
    _by_org: dict[int, list[Person]] | None = field(default=None, repr=False)
    _in_scope: dict[int | None, list[Person]] = field(default_factory=dict, repr=False)
    _subjects: dict[tuple[str, int | None], list[Person]] = field(default_factory=dict,
                                                                   repr=False)

    def orgs_in(self, root: int | None) -> frozenset[int]:
        if root not in self._subtrees:
            self._subtrees[root] = frozenset(
                self.tree.subtree_ids(root) if root is None or root in self.tree else ()
            )
        return self._subtrees[root]

    def people_in(self, root: int | None) -> list[Person]:
        """The scope's people, in the board's order."""
        found = self._in_scope.get(root)
        if found is None:
            orgs = self.orgs_in(root)
            if self._by_org is None:
                self._by_org = {}
                for person in self.people:
                    self._by_org.setdefault(person.org_id, []).append(person)
            if len(orgs) * 4 > len(self._by_org):  # most of the board: one pass keeps order
                found = [p for p in self.people if p.org_id in orgs]
            else:
                lists = [self._by_org[o] for o in orgs if o in self._by_org]
                found = lists[0] if len(lists) == 1 else list(heapq.merge(
                    *lists, key=lambda p: self._positions[p.id]))
            self._in_scope[root] = found
        return found

    @functools.cached_property
    def _positions(self) -> dict[int, int]:
        return {p.id: i for i, p in enumerate(self.people)}

    def reach_of(self, person_id: int) -> Reach:
        return self.reach.get(person_id, Reach.NOT_LINKED)

    def subjects(self, item: Item, root: int | None) -> list[Person]:
        found = self._subjects.get((item.key, root))
        if found is None:
            found = [p for p in self.people_in(root) if item.applies_to(self.tree, p.org_id)]
            self._subjects[(item.key, root)] = found
        return found

    def has_done(self, item: Item, person_id: int) -> bool:
        return person_id in self.done.get(item.key, frozenset())

    def tally(self, item: Item, root: int | None) -> Tally:
        subjects = self.subjects(item, root)
        return Tally(sum(1 for p in subjects if self.has_done(item, p.id)), len(subjects))

    def missing(self, item: Item, root: int | None) -> list[Person]:
        return sort_people(p for p in self.subjects(item, root) if not self.has_done(item, p.id))

    def items_in(self, root: int | None) -> list[Item]:
        """Open items that concern at least one person of the scope."""
        return [i for i in self.items if self.subjects(i, root)]

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def collective_missing(self, item: Item, org_id: int) -> bool:
        """A registration item whose window covers `org_id` and no collective registration."""
        if item.kind != ItemKind.REGISTRATION or org_id not in self.tree:
            return False
        if not item.applies_to(self.tree, org_id):
            return False
        return org_id not in self.collectives_done.get(item.year, frozenset())

    def has_left(self, person: Person, items: Sequence[Item]) -> bool:
        """Whether one of `items` concerns the person and is not done yet."""
        return any(item.applies_to(self.tree, person.org_id) and not self.has_done(item, person.id)
                   for item in items)

    def unreachable(self, root: int | None) -> list[Member]:
        """People of the scope with something left to do whom the bot cannot reach: blocked
        first (linked, but the platform refuses), then not linked yet. Someone with nothing
        left (registered on paper by the office, say) is nobody to chase, linked or not."""
        items = self.items_in(root)
        members = [Member(p, self.reach_of(p.id)) for p in self.people_in(root)
                   if self.reach_of(p.id) != Reach.OK and self.has_left(p, items)]
        blocked = [m for m in members if m.reach == Reach.BLOCKED]
        unlinked = [m for m in members if m.reach == Reach.NOT_LINKED]
        return sort_members(blocked) + sort_members(unlinked)


def sort_people(people: Iterable[Person]) -> list[Person]:
    return sorted(people, key=lambda p: (vietnamese_sort_key(p.full_name), p.id))


def sort_members(members: Iterable[Member]) -> list[Member]:
    return sorted(members, key=lambda m: (vietnamese_sort_key(m.person.full_name), m.person.id))


def normalise_roots(tree: OrgTree, roots: Iterable[int | None]) -> list[int | None]:
    """Drop roots inside another root (an agency head who also heads one of its units)."""
    roots = list(dict.fromkeys(roots))
    if None in roots:
        return [None]
    kept = [r for r in roots if r is not None and r in tree]
    return [r for r in kept
            if not any(o != r and tree.is_within(r, o) for o in kept)]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- digests


@dataclass(frozen=True)
class Breakdown:
    """One line of an agency's (or the secretariat's) view: a unit and its figures."""

    org: OrgUnit | None  # None: the agency's own leadership (people placed on the agency)
    tally: Tally


@dataclass(frozen=True)
class ItemFigures:
    item: Item
    tally: Tally
    change: Change | None
    missing: list[Person]
    breakdown: list[Breakdown]
    collective_missing: list[OrgUnit]  # collectives headed by the reader not registered yet


@dataclass(frozen=True)
class ScopeView:
    root: OrgUnit | None  # None: everything the secretariat oversees
    items: list[ItemFigures]
    unreachable: list[Member]

    def remindable(self, reader: int | None = None, reminded: Collection[int] = ()) -> int:
        """People missing something whom a reminder would reach now: the reader, and those
        `reminded` today already (nobody is reminded twice a day), left out."""
        missing = {p.id for f in self.items for p in f.missing} - self.unreachable_ids
        missing.difference_update(reminded)
        missing.discard(reader)  # type: ignore[arg-type]
        return len(missing)

    @property
    def unreachable_ids(self) -> set[int]:
        return {m.person.id for m in self.unreachable}


def scope_key(root: int | None) -> str:
    return "all" if root is None else f"org:{root}"


def breakdown_children(tree: OrgTree, root: int | None) -> list[OrgUnit]:
    """Rows of a wide view: agencies below the secretariat's scope, units below an agency."""
    if root is None or tree.get(root).kind == OrgKind.BLOC:
        return tree.agencies(root)
    return tree.children(root)


def scope_view(
    board: Board,
    root: int | None,
    previous: dict[tuple[str, str], Tally],
    *,
    wide: bool,
    collectives: Sequence[int] = (),
) -> ScopeView:
    """The figures of one scope; `wide` adds a line per child unit (or per agency)."""
    tree = board.tree
    figures = []
    for item in board.items_in(root):
        tally = board.tally(item, root)
        rows: list[Breakdown] = []
        if wide:
            for child in breakdown_children(tree, root):
                child_tally = board.tally(item, child.id)
                if child_tally.total:
                    rows.append(Breakdown(child, child_tally))
            if root is not None and tree.get(root).kind == OrgKind.AGENCY:
                own = [p for p in board.subjects(item, root) if p.org_id == root]
                if own:
                    done = sum(1 for p in own if board.has_done(item, p.id))
                    rows.insert(0, Breakdown(None, Tally(done, len(own))))
        missing_collectives = [tree.get(o) for o in collectives
                               if board.collective_missing(item, o)]
        figures.append(ItemFigures(
            item=item, tally=tally, change=change_since(tally, previous.get((scope_key(root),
                                                                              item.key))),
            missing=board.missing(item, root), breakdown=rows,
            collective_missing=missing_collectives,
        ))
    return ScopeView(root=tree.find(root), items=figures, unreachable=board.unreachable(root))


# ---------------------------------------------------------------------------- reminders


@dataclass(frozen=True)
class Reminder:
    person: Person
    items: list[Item]  # what the person has not done, soonest deadline first
    collectives: list[OrgUnit]  # collectives this head has not registered


@dataclass(frozen=True)
class ReminderPlan:
    items: list[Item]
    send: list[Reminder]
    already: list[Person]  # missing, but already reminded today
    unreachable: list[Member]  # missing, and the bot cannot reach them

    @property
    def missing_count(self) -> int:
        return len(self.send) + len(self.already) + len(self.unreachable)


def plan_reminders(
    board: Board,
    roots: Iterable[int | None],
    item_keys: Iterable[str] | None,
    reminded_today: set[int],
    headships: dict[int, list[int]] | None = None,
    exclude: Iterable[int] = (),
) -> ReminderPlan:
    """Who to remind of what: people of the scope missing one of the items.

    `item_keys` None means every open item. Heads (`headships`: person id -> org ids) whose
    collective in the scope has no registration are reminded of it when a registration item
    is chosen. `exclude`: people never reminded (the head who asks).
    """
    wanted = None if item_keys is None else set(item_keys)
    items = [i for i in board.items if wanted is None or i.key in wanted]
    roots = normalise_roots(board.tree, roots)
    skip = set(exclude)
    pending: dict[int, tuple[Person, list[Item], list[OrgUnit]]] = {}

    def entry(person: Person) -> tuple[Person, list[Item], list[OrgUnit]]:
        return pending.setdefault(person.id, (person, [], []))

    for root in roots:
        for item in items:
            for person in board.missing(item, root):
                if person.id not in skip and item not in entry(person)[1]:
                    entry(person)[1].append(item)
    people = {p.id: p for p in board.people}
    scope = {o for root in roots for o in board.orgs_in(root)}
    for head_id, org_ids in (headships or {}).items():
        head = people.get(head_id)
        if head is None or head_id in skip:
            continue
        for org_id in org_ids:
            if org_id in scope and any(board.collective_missing(i, org_id) for i in items):
                collectives = entry(head)[2]
                if all(o.id != org_id for o in collectives):
                    collectives.append(board.tree.get(org_id))
    send, already, unreachable = [], [], []
    for person, person_items, collectives in pending.values():
        reach = board.reach_of(person.id)
        if reach != Reach.OK:
            unreachable.append(Member(person, reach))
        elif person.id in reminded_today:
            already.append(person)
        else:
            person_items.sort(key=lambda i: (i.deadline, i.key))
            send.append(Reminder(person, person_items, collectives))
    send.sort(key=lambda r: (vietnamese_sort_key(r.person.full_name), r.person.id))
    return ReminderPlan(items=items, send=send, already=sort_people(already),
                        unreachable=sort_members(unreachable))
