"""Time the summary on a large synthetic database, against a plain SQL aggregate.

    python -m bench.summary_load [--people 30000] [--years 4] [--db /tmp/bench.sqlite3]

Builds (once) a bloc of 60 agencies and 960 units, N people, and for each year a confirmed
registration for 80% of them plus every collective (about 100,000 registrations over four
years), and a campaign acknowledged by 70%. Then times, for the latest year:
- the plain aggregate: one GROUP BY of confirmed registrations per agency and title;
- the text summary as /summary builds it (load + build, no detail list);
- the files' summary (with the detail list) and each file.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from pathlib import Path

from bot.services import Services
from bot.settings import Settings
from domain.summary_request import SummaryRequest
from domain.text import fold_key, identity_key
from handlers.summary.service import load_details, official_header, report_for, resolve
from locales import use_locale
from reports.summary_chart import summary_chart
from reports.summary_docx import summary_docx
from reports.summary_text import summary_messages
from reports.summary_xlsx import summary_xlsx
from storage.db import Database

NOW = "2024-03-01T00:00:00+00:00"
PERSON_TITLES = (("LDTT",), ("CSTDCS",), ("CSTD_TINH",), ("LDTT", "BK_TINH"))


def populate(path: Path, people: int, years: int) -> None:
    rnd = random.Random(7)
    conn = sqlite3.connect(path)
    orgs = [(1, None, "bloc", "Khối thi đua tổng hợp")]
    units: list[int] = []
    for a in range(60):
        agency = len(orgs) + 1
        orgs.append((agency, 1, "agency", f"Sở số {a + 1}"))
        for u in range(16):
            orgs.append((len(orgs) + 1, agency, "unit", f"Phòng {u + 1}"))
            units.append(len(orgs))
    conn.executemany(
        "INSERT INTO org_units (id, parent_id, kind, name, name_key, search_key, sort_order,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, p, k, n, identity_key(n), fold_key(n), i, NOW, NOW) for i, p, k, n in orgs],
    )
    given = ["An", "Bình", "Chi", "Dũng", "Hà", "Hương", "Lan", "Minh", "Nam", "Thảo", "Yến"]
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    rows = []
    for pid in range(1, people + 1):
        name = f"{rnd.choice(family)} {rnd.choice(['Văn', 'Thị', 'Minh', 'Thu'])} " \
               f"{rnd.choice(given)}"
        rows.append((pid, f"09{pid:08d}", name, fold_key(name), "Chuyên viên",
                     int(rnd.random() < 0.2), "staff", rnd.choice(units), NOW, NOW))
    conn.executemany(
        "INSERT INTO people (id, phone, full_name, search_key, position, is_leader, role,"
        " org_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    org_of = {r[0]: r[7] for r in rows}
    reg_id = 0
    registrations, titles = [], []
    for year in range(2025 - years, 2025):
        for pid in range(1, int(people * 0.8) + 1):
            reg_id += 1
            registrations.append((reg_id, year, "person", pid, org_of[pid],
                                  f"{year}-{reg_id:06d}"))
            titles += [(reg_id, code) for code in rnd.choice(PERSON_TITLES)]
        for org_id, _parent, kind, _name in orgs[1:]:
            reg_id += 1
            registrations.append((reg_id, year, kind, None, org_id, f"{year}-{reg_id:06d}"))
            titles.append((reg_id, "TTLDXS" if rnd.random() < 0.4 else "TTLDTT"))
    conn.executemany(
        "INSERT INTO registrations (id, year, subject_kind, person_id, org_id, status,"
        " reference, created_at, updated_at, confirmed_at) VALUES (?, ?, ?, ?, ?, 'confirmed',"
        " ?, '" + NOW + "', '" + NOW + "', '" + NOW + "')", registrations)
    conn.executemany("INSERT INTO registration_titles (registration_id, title) VALUES (?, ?)",
                     titles)
    conn.execute(
        "INSERT INTO campaigns (id, code, name, issuer, period_start, period_end, ack_deadline,"
        " document, source, status, created_at, updated_at) VALUES (1, 'q1-2024', 'Đợt I',"
        " 'Khối', '2024-01-01', '2024-03-31', '2024-01-15', '{}', '', 'launched', ?, ?)",
        (NOW, NOW))
    conn.executemany(
        "INSERT INTO acknowledgements (campaign_id, person_id, at, channel) VALUES (1, ?, ?,"
        " 'telegram')", [(pid, NOW) for pid in range(1, people + 1) if rnd.random() < 0.7])
    conn.commit()
    conn.close()


def best(times: list[float]) -> str:
    return f"{min(times) * 1000:.0f} ms"


async def run(path: Path, people: int, years: int, repeat: int) -> None:
    fresh = not await asyncio.to_thread(path.exists)
    db = Database(path)
    await db.open()
    if fresh:
        await db.close()
        started = time.perf_counter()
        populate(path, people, years)
        print(f"populated {path} in {time.perf_counter() - started:.1f} s")
        await db.open()
    count = await db.fetchone("SELECT count(*), max(year) FROM registrations")
    print(f"{count[0]} registrations, latest year {count[1]}")
    services = Services.create(Settings(_env_file=None, database=path), db)  # type: ignore[call-arg]

    aggregate, text, files = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        await db.fetchall(
            "SELECT u.parent_id AS agency, t.title, count(*) FROM registrations r"
            " JOIN registration_titles t ON t.registration_id = r.id"
            " LEFT JOIN people p ON p.id = r.person_id"
            " JOIN org_units u ON u.id = coalesce(p.org_id, r.org_id)"
            " WHERE r.year = ? AND r.status = 'confirmed' GROUP BY 1, 2", (count[1],))
        aggregate.append(time.perf_counter() - started)

        started = time.perf_counter()
        tree = await services.orgs.tree()
        inputs = await resolve(services, tree, [None], SummaryRequest())
        with use_locale("vi"):
            summary_messages(report_for(inputs, None))
        text.append(time.perf_counter() - started)

        started = time.perf_counter()
        detailed = report_for(inputs, None, await load_details(services, inputs))
        files.append(time.perf_counter() - started)
    print(f"plain SQL aggregate:            {best(aggregate)}")
    print(f"/summary text (load + build):   {best(text)}  "
          f"({min(text) / min(aggregate):.1f}× the aggregate)")
    print(f"files' summary (load + detail): {best(files)} "
          f"({len(detailed.summary.detail_rows)} rows)")
    for name, render in (
        ("PNG chart", lambda: summary_chart(detailed)),
        ("DOCX", lambda: summary_docx(detailed, official_header(services, inputs, None))),
        ("XLSX", lambda: summary_xlsx(detailed)),
    ):
        started = time.perf_counter()
        with use_locale("vi"):
            size = len(render())
        print(f"{name + ':':32}{(time.perf_counter() - started) * 1000:.0f} ms, {size} bytes")
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, default=Path("/tmp/thidua-summary-bench.sqlite3"))
    args = parser.parse_args()
    asyncio.run(run(args.db, args.people, args.years, args.repeat))


if __name__ == "__main__":
    main()
