"""A synthetic province, generated deterministically (seeded) straight into a thidua database.

    python -m bench.province --out /tmp/province.sqlite3 [--people 30000] [--registrations 100000]

One bloc of `agencies` agencies and `units` units; `people` staff spread over them, each
agency with its head, each unit with one or more unit heads (`heads` in all), one secretariat
member; confirmed registrations (persons and collectives, with the implied titles of the rule
set) spread evenly over `years` years ending with the current one, whose window is open; a
launched campaign acknowledged by a share of the people; optionally Telegram links. The
schema comes from the real migrations (Database.open), the rows are inserted with plain SQL:
30,000 people and 100,000 registrations take a few seconds, so nothing is cached.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from domain.campaigns import CampaignDocument, Measure, Paragraph, Section, Target
from domain.registration import expand_implied
from domain.rules import RuleSet, available_rulesets, ruleset_for
from domain.text import fold_key, identity_key
from storage.db import Database, to_db_time, utcnow

BLOC = "Khối thi đua các sở, ban, ngành tỉnh"
TELEGRAM_BASE = 700_000_000  # telegram user id (= private chat id) of person p: BASE + p
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Hữu", "Ngọc", "Thanh", "Quốc", "Kim", "Đức"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Minh", "Nam", "Ngân", "Phương", "Quân", "Sơn", "Thảo",
         "Trang", "Tuấn", "Vân", "Yến"]
AGENCY_KINDS = ["Sở", "Ban", "Văn phòng", "Trung tâm"]
FIELDS = ["Nội vụ", "Tài chính", "Xây dựng", "Y tế", "Giáo dục và Đào tạo", "Công Thương",
          "Tư pháp", "Nông nghiệp và Môi trường", "Văn hóa, Thể thao và Du lịch",
          "Khoa học và Công nghệ", "Dân tộc và Tôn giáo", "Ngoại vụ"]
UNIT_KINDS = ["Phòng", "Trung tâm", "Chi cục", "Ban"]
UNIT_FIELDS = ["Tổ chức cán bộ", "Kế hoạch – Tài chính", "Thanh tra", "Pháp chế",
               "Tổng hợp", "Quản lý chất lượng", "Hành chính – Quản trị", "Nghiệp vụ",
               "Hợp tác quốc tế", "Chuyển đổi số", "Truyền thông", "Kiểm soát"]
# What a person registers (ticked titles), with weights: most only LĐTT.
PERSON_CHOICES = ((("LDTT",), 55), (("CSTDCS",), 25), (("CSTD_TINH",), 6),
                  (("LDTT", "BK_TINH"), 8), (("LDTT", "GK"), 6))


@dataclass(frozen=True)
class ProvinceSpec:
    agencies: int = 60
    units: int = 800
    people: int = 30_000
    heads: int = 0  # unit heads in all (at least one per unit, the rest are deputies); 0: one each
    registrations: int = 100_000  # confirmed, persons and collectives, over `years` years
    years: int = 4  # ending with the current year
    acknowledged: float = 0.7  # share of people who acknowledged the year's campaign
    # Telegram links: none, all, heads, staff (unregistered), secretariat, or several: "a,b"
    linked: str = "none"
    window_days: tuple[int, int] = (-10, 20)  # the current window, from today
    seed: int = 7


@dataclass
class Province:
    """What the benchmarks need to know about the generated data."""

    path: Path
    year: int
    agencies: list[int] = field(default_factory=list)
    units: list[int] = field(default_factory=list)
    staff: list[int] = field(default_factory=list)  # people without any registration this year
    heads: list[int] = field(default_factory=list)  # unit heads (person ids)
    agency_heads: list[int] = field(default_factory=list)
    secretariat: int = 0
    people: int = 0
    registrations: int = 0
    seconds: float = 0.0

    @staticmethod
    def telegram_id(person_id: int) -> int:
        return TELEGRAM_BASE + person_id


def _name(rnd: random.Random) -> str:
    return f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"


def _split(total: int, parts: int) -> list[int]:
    """`total` in `parts` near-equal integers."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _titles(ruleset: RuleSet, ticked: Iterable[str]) -> list[tuple[str, int]]:
    """(code, implied) rows of a registration, as the repository stores them."""
    explicit = frozenset(c for c in ticked if c in {t.code for t in ruleset.titles})
    everything = expand_implied(ruleset, explicit)
    return [(c, 0) for c in sorted(explicit)] + [(c, 1) for c in sorted(everything - explicit)]


async def generate(path: Path, spec: ProvinceSpec, today: date | None = None) -> Province:
    """Create the database at `path` (which must not exist) and fill it (blocking: setup)."""
    started = time.perf_counter()
    today = today or date.today()
    await _migrate(path)
    rnd = random.Random(spec.seed)
    now = to_db_time(utcnow())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    province = Province(path, today.year)
    orgs: list[tuple[int, int | None, str, str]] = [(1, None, "bloc", BLOC)]
    agency_units: dict[int, list[int]] = {}
    for a, count in enumerate(_split(spec.units, spec.agencies)):
        agency = len(orgs) + 1
        name = f"{AGENCY_KINDS[a % len(AGENCY_KINDS)]} {FIELDS[a % len(FIELDS)]} số {a + 1}"
        orgs.append((agency, 1, "agency", name))
        province.agencies.append(agency)
        agency_units[agency] = []
        for u in range(count):
            unit = len(orgs) + 1
            unit_name = (f"{UNIT_KINDS[u % len(UNIT_KINDS)]} "
                         f"{UNIT_FIELDS[u % len(UNIT_FIELDS)]} {u + 1}")
            orgs.append((unit, agency, "unit", unit_name))
            agency_units[agency].append(unit)
            province.units.append(unit)
    conn.executemany(
        "INSERT INTO org_units (id, parent_id, kind, name, name_key, search_key, sort_order,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, p, k, n, identity_key(n), fold_key(n), i, now, now) for i, p, k, n in orgs],
    )

    # People: the leaders first (agency heads, unit heads), then the staff.
    people: list[tuple] = []
    headships: list[tuple[int, int]] = []

    def add(name: str, position: str, leader: bool, role: str, org_id: int) -> int:
        pid = len(people) + 1
        people.append((pid, f"09{pid:08d}", name, fold_key(name), position, int(leader), role,
                       org_id, now, now))
        return pid

    for agency in province.agencies:
        pid = add(_name(rnd), "Giám đốc", True, "agency_head", agency)
        headships.append((pid, agency))
        province.agency_heads.append(pid)
    heads_per_unit = _split(max(spec.heads, len(province.units)), len(province.units))
    for unit, count in zip(province.units, heads_per_unit, strict=True):
        for h in range(count):
            pid = add(_name(rnd), "Trưởng phòng" if h == 0 else "Phó Trưởng phòng", True,
                      "unit_head", unit)
            headships.append((pid, unit))
            province.heads.append(pid)
    province.secretariat = add(_name(rnd), "Chuyên viên thi đua – khen thưởng", False,
                               "secretariat", province.agencies[0])
    places = province.units + province.agencies  # most people in units, some at the agency
    while len(people) < spec.people:
        org_id = rnd.choice(places) if rnd.random() < 0.1 else rnd.choice(province.units)
        add(_name(rnd), "Chuyên viên", rnd.random() < 0.08, "staff", org_id)
    conn.executemany(
        "INSERT INTO people (id, phone, full_name, search_key, position, is_leader, role,"
        " org_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", people)
    conn.executemany("INSERT INTO headships (person_id, org_id) VALUES (?, ?)", headships)
    province.people = len(people)

    # The current year's window (open today), then the registrations.
    opens, deadline = (today + timedelta(days=d) for d in spec.window_days)
    ruleset = ruleset_for(opens)
    conn.execute(
        "INSERT INTO registration_windows (year, scope_org_id, opens_on, deadline, ruleset_id,"
        " created_at, updated_at) VALUES (?, NULL, ?, ?, ?, ?, ?)",
        (today.year, opens.isoformat(), deadline.isoformat(), ruleset.id, now, now))
    registered_now = _registrations(conn, rnd, spec, province, people, orgs, now)
    province.staff = [p[0] for p in people
                      if p[0] not in registered_now and p[6] == "staff"]

    # A launched campaign of the current year, acknowledged by a share of the people; its
    # document is a real one (whoever links now receives it, as from a loaded file).
    campaign = _campaign(today, opens)
    conn.execute(
        "INSERT INTO campaigns (id, code, name, issuer, period_start, period_end, ack_deadline,"
        " document, source, status, launched_at, created_at, updated_at) VALUES (1, ?, ?, ?,"
        " ?, ?, ?, ?, '', 'launched', ?, ?, ?)",
        (campaign.code, campaign.name, campaign.issuer, campaign.period_start.isoformat(),
         campaign.period_end.isoformat(), campaign.ack_deadline.isoformat(),
         campaign.model_dump_json(), now, now, now))
    conn.executemany(
        "INSERT INTO acknowledgements (campaign_id, person_id, at, channel) VALUES (1, ?, ?,"
        " 'telegram')",
        [(p[0], now) for p in people if rnd.random() < spec.acknowledged])
    groups = {"none": [], "all": [p[0] for p in people], "staff": province.staff,
              "heads": province.heads + province.agency_heads,
              "secretariat": [province.secretariat]}
    linked = [pid for name in spec.linked.split(",") for pid in groups[name]]
    conn.executemany(
        "INSERT INTO links (channel, person_id, user_id, chat_id, method, linked_at)"
        " VALUES ('telegram', ?, ?, ?, 'contact', ?)",
        [(pid, str(Province.telegram_id(pid)), str(Province.telegram_id(pid)), now)
         for pid in linked])
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    province.seconds = time.perf_counter() - started
    return province


def _campaign(today: date, opens: date) -> CampaignDocument:
    return CampaignDocument(
        code=f"bench-{today.year}", name="Phong trào thi đua chuyển đổi số", issuer=BLOC,
        scope=BLOC, period_start=date(today.year, 1, 1), period_end=date(today.year, 12, 31),
        ack_deadline=opens, year=today.year,
        intro=(Paragraph(text="Toàn thể cán bộ, công chức, viên chức thi đua chuyển đổi số."),),
        sections=(Section(title="Chỉ tiêu thi đua", targets=(
            Target(text="100% cán bộ, công chức, viên chức cam kết thực hiện.",
                   measure=Measure.ACKNOWLEDGEMENT_RATE),)),))


def _registrations(conn: sqlite3.Connection, rnd: random.Random, spec: ProvinceSpec,
                   province: Province, people: list[tuple], orgs: list[tuple], now: str
                   ) -> set[int]:
    """Confirmed registrations, `spec.registrations` in all over the years; returns the people
    registered in the current year."""
    registrations: list[tuple] = []
    titles: list[tuple[int, str, int]] = []
    collectives = [(o[0], o[2]) for o in orgs[1:]]
    registered_now: set[int] = set()
    person_ids = [p[0] for p in people]
    org_of = {p[0]: p[7] for p in people}
    weights = [w for _c, w in PERSON_CHOICES]
    choices = [c for c, _w in PERSON_CHOICES]
    years = range(province.year - spec.years + 1, province.year + 1)
    for year, count in zip(years, _split(spec.registrations, spec.years), strict=True):
        ruleset = _ruleset(date(year, 12, 31) if year < province.year else date.today())
        reference = 0

        def store(kind: str, person_id: int | None, org_id: int, ticked: Iterable[str],
                  year: int = year, ruleset: RuleSet = ruleset) -> None:
            nonlocal reference
            reference += 1
            rid = len(registrations) + 1
            registrations.append((rid, year, kind, person_id, org_id,
                                  f"{year}-{reference:06d}", now, now, now))
            titles.extend((rid, code, implied) for code, implied in _titles(ruleset, ticked))

        for org_id, kind in collectives[:count]:
            flag = ("CO_TINH",) if kind == "agency" and rnd.random() < 0.15 else ()
            store(kind, None, org_id,
                  (("TTLDXS",) if rnd.random() < 0.35 else ("TTLDTT",)) + flag)
        chosen = rnd.sample(person_ids, min(len(person_ids), max(0, count - len(collectives))))
        for pid in sorted(chosen):
            store("person", pid, org_of[pid], rnd.choices(choices, weights)[0])
            if year == province.year:
                registered_now.add(pid)
    conn.executemany(
        "INSERT INTO registrations (id, year, subject_kind, person_id, org_id, status,"
        " reference, source, created_at, updated_at, confirmed_at) VALUES (?, ?, ?, ?, ?,"
        " 'confirmed', ?, 'telegram', ?, ?, ?)", registrations)
    conn.executemany(
        "INSERT INTO registration_titles (registration_id, title, implied) VALUES (?, ?, ?)",
        titles)
    province.registrations = len(registrations)
    return registered_now


def _ruleset(day: date) -> RuleSet:
    """The rule set in force on `day`, or the oldest one for earlier days (imported history)."""
    try:
        return ruleset_for(day)
    except LookupError:
        return min(available_rulesets(), key=lambda r: r.effective_from)


async def _migrate(path: Path) -> None:
    if await asyncio.to_thread(path.exists):
        raise FileExistsError(path)
    db = Database(path)
    await db.open()
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--units", type=int, default=800)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--heads", type=int, default=2_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--linked", default="none",
                        help="none, all, heads, staff, secretariat, or several: staff,heads")
    args = parser.parse_args()
    spec = ProvinceSpec(agencies=args.agencies, units=args.units, people=args.people,
                        heads=args.heads, registrations=args.registrations, linked=args.linked)
    province = asyncio.run(generate(args.out, spec))
    print(f"{args.out}: {province.people} people, {len(province.agencies)} agencies, "
          f"{len(province.units)} units, {len(province.heads)} unit heads, "
          f"{province.registrations} registrations in {province.seconds:.1f} s")


if __name__ == "__main__":
    main()
