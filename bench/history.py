"""History at province scale: /lichsu searches and histories for 30,000 people with ten years
of results, through the real bot.

    .venv/bin/python -m bench.history [--people 30000] [--years 10] [--searches 40]

A generated province (bench/province.py: 30,000 people in 60 agencies and 800 units) gets
ten years of results on record, written with plain SQL as an import would leave them: every
year a decision per agency (LĐTT for ~65% of the people, CSTĐCS for ~15%, the units'
TTLĐTT and TTLĐXS) and the province's decisions (CSTĐ tỉnh, Bằng khen), about 250,000
results. thidua runs exactly as `thidua run` starts it, in a subprocess; the province's
secretariat member, in a private chat, sends `/lichsu <a name without diacritics>` (names
drawn from the roster; a common full name matches several people, as in life) and times the
list of matches, then taps the first match and times that person's history. The floor is the
plain SQL of a search (the LIKE scan of the people's search keys), run on the same file. Last,
`/ketqua` of the year before (registrations and results of the whole province) is timed to
its text and its files.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import BotProcess, latency_ms, machine, quiet_emulator, run
from bench.province import Province, ProvinceSpec, generate
from domain.text import fold_key
from emulator import BotApiEmulator, EmuUser
from storage.db import to_db_time, utcnow

TOKEN = "123456:BENCH-TOKEN"
TIMEOUT = 30.0


def add_results(path: Path, province: Province, years: int, seed: int = 11) -> int:
    """Ten (`years`) years of results before the current one, as decision lists leave them."""
    rnd = random.Random(seed)
    conn = sqlite3.connect(path)
    now = to_db_time(utcnow())
    people = conn.execute("SELECT id, org_id FROM people WHERE active = 1").fetchall()
    units = conn.execute("SELECT id, parent_id FROM org_units WHERE kind = 'unit'").fetchall()
    agency_of = {u: a for u, a in units}
    agency_of.update({a: a for a in province.agencies})
    decisions: list[tuple] = []
    results: list[tuple] = []

    def decision(number: str, day: date, by: str) -> int:
        decisions.append((len(decisions) + 1, number, fold_key(number).replace(" ", ""),
                          day.isoformat(), by, now, now))
        return len(decisions)

    first = province.year - years
    for year in range(first, province.year):
        signed = date(year, 12, 20)
        own = {a: decision(f"{year % 100}{a}/QĐ-CQ", signed, "Thủ trưởng cơ quan")
               for a in province.agencies}
        province_titles = decision(f"{3000 + year % 100}/QĐ-UBND", date(year, 12, 28),
                                   "Chủ tịch UBND tỉnh")
        for pid, org in people:
            draw = rnd.random()
            if draw < 0.65:
                results.append((year, "person", pid, org, "LDTT", own[agency_of[org]]))
            if draw < 0.15:
                results.append((year, "person", pid, org, "CSTDCS", own[agency_of[org]]))
            if draw < 0.012:
                results.append((year, "person", pid, org, "CSTD_TINH", province_titles))
            elif 0.9 < draw < 0.93:
                results.append((year, "person", pid, org, "BK_TINH", province_titles))
        for unit, agency in units:
            if rnd.random() < 0.6:
                results.append((year, "unit", None, unit, "TTLDTT", own[agency]))
            if rnd.random() < 0.25:
                results.append((year, "unit", None, unit, "TTLDXS", province_titles))
    conn.executemany(
        "INSERT INTO decisions (id, number, number_key, signed_on, decided_by, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", decisions)
    conn.executemany(
        "INSERT INTO results (year, subject_kind, person_id, org_id, title, decision_id,"
        " source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'import', ?, ?)",
        [(*r, now, now) for r in results])
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return len(results)


def search_floor(path: Path, names: list[str]) -> float:
    """Best time of the plain SQL a search cannot do without (the key scan), per name."""
    conn = sqlite3.connect(path)
    times = []
    for name in names:
        started = time.perf_counter()
        conn.execute("SELECT id FROM people WHERE active = 1 AND search_key LIKE ? LIMIT 51",
                     (f"%{fold_key(name)}%",)).fetchall()
        times.append(time.perf_counter() - started)
    conn.close()
    return statistics.median(times)


async def one_search(member: EmuUser, name: str) -> tuple[float, float]:
    """Seconds from `/lichsu <name>` to the list of matches (or the history when one
    matches), then from tapping the first match to its history (0 when none was needed)."""
    member.drain()
    started = time.monotonic()
    await member.send(f"/lichsu {fold_key(name)}")
    listing = await member.receive(TIMEOUT)
    if listing is None:
        raise TimeoutError(f"/lichsu {name}: no answer")
    searched = time.monotonic() - started
    if "Lịch sử thi đua" in listing.plain or not listing.buttons:
        return searched, 0.0
    started = time.monotonic()
    await member.tap_data(listing, listing.buttons[0][0].callback_data or "")
    history = await member.receive(TIMEOUT)
    if history is None or "Lịch sử thi đua" not in history.plain:
        raise AssertionError(f"no history after tapping {listing.buttons[0][0].text!r}")
    return searched, time.monotonic() - started


async def one_comparison(member: EmuUser, year: int) -> dict[str, float]:
    """Seconds from `/ketqua <year>` (the whole province) to its last text, its XLSX and
    its DOCX (built in a worker process)."""
    member.drain()
    started = time.monotonic()
    await member.send(f"/ketqua {year}")
    arrived: dict[str, float] = {}
    last_text = 0.0
    while "docx" not in arrived:
        event = await member.receive(120.0)
        if event is None:
            raise TimeoutError(f"/ketqua: nothing more after {sorted(arrived)}")
        now = time.monotonic() - started
        if event.document is None:
            last_text = now
            continue
        arrived.setdefault("text", last_text)
        arrived[event.document.filename.rsplit(".", 1)[1]] = now
    return arrived


async def main(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="thidua-history-") as folder:
        workdir = Path(folder)
        province = await generate(workdir / "thidua.sqlite3", ProvinceSpec(
            agencies=args.agencies, units=args.units, people=args.people, heads=args.heads,
            registrations=args.registrations, linked="secretariat"))
        started = time.perf_counter()
        results = add_results(province.path, province, args.years)
        print(f"province: {province.people} people, {len(province.agencies)} agencies, "
              f"{len(province.units)} units; {results} results over {args.years} years "
              f"(written in {time.perf_counter() - started:.1f} s)")
        conn = sqlite3.connect(province.path)
        rnd = random.Random(5)
        names = [r[0] for r in conn.execute("SELECT full_name FROM people ORDER BY id")]
        conn.close()
        wanted = rnd.sample(names, args.searches)
        floor = search_floor(province.path, wanted)
        figures: dict[str, object] = {
            "bench": "history", "people": province.people, "results": results,
            "years": args.years, "searches": args.searches,
            "search_floor_ms": round(floor * 1000, 2),
        }
        async with quiet_emulator(BotApiEmulator(token=TOKEN)) as emu:
            bot = BotProcess.thidua(emu, province.path, workdir, digest_weekday=7,
                                    digest_time="23:59", daily_digest_time="23:59",
                                    reminder_time="23:59")
            await bot.start()
            member = emu.user(Province.telegram_id(province.secretariat), "Hằng")
            await member.send("/help")
            if await member.receive(30.0) is None:
                raise TimeoutError("the bot did not start")
            await one_search(member, wanted[0])  # the first one warms the caches
            searches, histories = [], []
            for name in wanted:
                searched, shown = await one_search(member, name)
                searches.append(searched)
                if shown:
                    histories.append(shown)
            compared = [await one_comparison(member, province.year - 1) for _ in range(2)]
            await bot.stop()
        figures["compare_s"] = {k: round(v, 2) for k, v in compared[-1].items()}
        figures["search_ms"] = latency_ms(searches)
        figures["search_max_ms"] = round(max(searches) * 1000, 1)
        figures["history_ms"] = latency_ms(histories)
        figures["history_max_ms"] = round(max(histories, default=0) * 1000, 1)
        figures["under_1s"] = max(searches + histories) < 1.0
        figures["machine"] = machine()
    _report(figures)
    return figures


def _report(f: dict) -> None:
    print(f"plain SQL search floor: {f['search_floor_ms']} ms (median)")
    print(f"/lichsu <name> → list: p50/p95/p99 {f['search_ms']['p50']}/{f['search_ms']['p95']}/"
          f"{f['search_ms']['p99']} ms, max {f['search_max_ms']} ms")
    print(f"tap → history: p50/p95/p99 {f['history_ms']['p50']}/{f['history_ms']['p95']}/"
          f"{f['history_ms']['p99']} ms, max {f['history_max_ms']} ms")
    print("every answer under 1 s:", "yes" if f["under_1s"] else "NO")
    c = f["compare_s"]
    print(f"/ketqua (registered vs achieved, the whole province, warm): text {c['text']} s, "
          f"XLSX {c['xlsx']} s, DOCX {c['docx']} s")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--units", type=int, default=800)
    parser.add_argument("--heads", type=int, default=2_000)
    parser.add_argument("--registrations", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10, help="years of results on record")
    parser.add_argument("--searches", type=int, default=40, help="names looked up")
    run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
