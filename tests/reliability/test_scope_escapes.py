"""Borrowed scopes: what a secretariat scoped to one agency (THIDUA_SECRETARIAT_SCOPE) could
reach beyond it through files, window buttons and stale previews, tried as an attacker would."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.cli import main
from storage.audit import AuditContext
from storage.db import Database
from storage.windows import WindowRepository
from tests.harness import BLOC, SAMPLE_ROSTER, BotHarness
from tests.reliability.actors import AGENCY_HEAD, SECRETARIAT, STAFF, UNIT_HEAD
from tests.reliability.conftest import SECRETARIAT_SCOPE
from tests.reliability.figures import FIGURES
from tests.reliability.support import data_dump

HEADER, *ROWS = SAMPLE_ROSTER.read_text(encoding="utf-8").splitlines()
MINE = [r for r in ROWS if r.startswith(SECRETARIAT_SCOPE + ",")]  # the scope's 52 rows
OUTSIDER = next(r for r in ROWS if AGENCY_HEAD in r)  # Hầu Tiến Long, another agency's head


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


async def data(db: Database) -> dict[str, object]:
    """The data tables, but the uploads (whose status is what the tests change)."""
    dump = await data_dump(db)
    dump.pop("pending_uploads", None)
    return dump  # type: ignore[return-value]


async def active_people(db: Database) -> dict[str, tuple[int, int]]:
    """phone → (active, org id) of everyone."""
    rows = await db.fetchall("SELECT phone, active, org_id FROM people")
    return {r["phone"]: (r["active"], r["org_id"]) for r in rows}


async def outside_names(bot: BotHarness) -> list[str]:
    """Names of people and orgs outside the secretariat's scope."""
    scope = await bot.services.secretariat_scope_id()
    tree = await bot.services.orgs.tree()
    inside = tree.subtree_ids(scope)
    people = await bot.services.people.all()
    return [p.full_name for p in people if p.org_id not in inside] + \
        [o.name for o in tree.walk() if o.id not in inside and tree.agency_of(o.id) is not None]


# --------------------------------------------------------------------------- roster files


async def test_a_scoped_roster_file_cannot_reach_outside_its_scope(scoped_bot: BotHarness):
    bot = scoped_bot
    chat = bot.secretariat_chat()
    clerk = bot.user(8301, "Hằng")
    before = await data_dump(bot.db)
    forbidden = await outside_names(bot)

    # Its own rows, plus another agency's head moved in as staff of this agency.
    moved = OUTSIDER.replace("Văn phòng Đoàn ĐBQH và HĐND tỉnh,", SECRETARIAT_SCOPE + ",") \
        .replace("agency_head", "staff")
    await chat.send_document(clerk, "ds.csv", csv(*MINE, moved))
    refused = await chat.expect("nằm ngoài phạm vi phụ trách")
    assert f"Dòng {len(MINE) + 2}:" in refused.plain and not refused.buttons
    assert not [name for name in forbidden if name in refused.plain]

    # A one-row file naming another bloc: before, it deactivated that whole bloc.
    await chat.send_document(clerk, "ds.csv", csv(
        "Khối Khác,Sở Mới,,Người Mới,Chuyên viên,không,staff,0912000123",
        header="bloc," + HEADER))
    refused = await chat.expect("Dòng 2: nằm ngoài phạm vi phụ trách")
    assert not refused.buttons
    # … and the same without a bloc column, naming another agency of the same bloc.
    await chat.send_document(clerk, "ds.csv", csv(
        "Sở Nội vụ,Văn phòng Sở,Người Mới,Chuyên viên,không,staff,0912000123"))
    await chat.expect("Dòng 2: nằm ngoài phạm vi phụ trách")
    assert await data_dump(bot.db) == before
    FIGURES["scope_escapes"] += 3


async def test_a_scoped_roster_file_changes_only_its_scope(scoped_bot: BotHarness):
    bot = scoped_bot
    chat = bot.secretariat_chat()
    clerk = bot.user(8302, "Hằng")
    before = await active_people(bot.db)
    scope = await bot.services.secretariat_scope_id()
    tree = await bot.services.orgs.tree()
    inside = tree.subtree_ids(scope)

    # The agency's roster without its last row, one person renamed, one newcomer.
    kept = MINE[:-1]
    left = MINE[-1].rsplit(",", 1)[1]
    kept[1] = kept[1].replace(kept[1].split(",")[2], "Người Đổi Tên")
    newcomer = f"{SECRETARIAT_SCOPE},Phòng Tổng hợp,Người Mới Đến,Chuyên viên,không,staff," \
               "0912000124"
    await chat.send_document(clerk, "ds.csv", csv(*kept, newcomer))
    preview = await chat.expect("Thêm mới: 1 người")
    assert "Ngừng theo dõi (không còn trong tệp): 1 người" in preview.plain
    await chat.tap("✅ Áp dụng", by=clerk, message=preview)
    await chat.expect("Đã nhập danh sách cán bộ")

    after = await active_people(bot.db)
    outside = {phone: state for phone, state in before.items() if state[1] not in inside}
    assert {phone: after[phone] for phone in outside} == outside  # not one changed outside
    assert after[left][0] == 0 and after["0912000124"][0] == 1
    parents = {o.id: o.name for o in tree.walk()}
    assert {o.id: o.name for o in (await bot.services.orgs.tree()).walk()
            if o.id in parents} == parents  # the bloc above the scope is not renamed


def test_cli_import_with_a_scope_refuses_rows_outside_it(tmp_path: Path, capsys):  # type: ignore[no-untyped-def]
    database = str(tmp_path / "t.sqlite3")
    assert main(["--database", database, "roster", "import", str(SAMPLE_ROSTER),
                 "--bloc", BLOC]) == 0
    capsys.readouterr()
    other_bloc = tmp_path / "khoi-khac.csv"
    other_bloc.write_bytes(csv("Khối Khác,Sở Mới,,Người Mới,Chuyên viên,không,staff,"
                               "0912000123", header="bloc," + HEADER))
    assert main(["--database", database, "roster", "import", str(other_bloc),
                 "--scope", SECRETARIAT_SCOPE]) == 1
    err = capsys.readouterr().err
    assert "Dòng 2: nằm ngoài phạm vi phụ trách" in err
    mine = tmp_path / "mine.csv"
    mine.write_bytes(csv(*MINE[:-5]))
    assert main(["--database", database, "roster", "import", str(mine),
                 "--scope", SECRETARIAT_SCOPE]) == 0
    out = capsys.readouterr().out
    assert "Ngừng theo dõi (không còn trong tệp): 5 người" in out  # not 248
    FIGURES["scope_escapes"] += 1


# --------------------------------------------------------------------------- registrations


async def test_registrations_import_never_names_who_is_behind_a_number(scoped_bot: BotHarness):
    bot = scoped_bot
    chat = bot.secretariat_chat()
    clerk = bot.user(8303, "Hằng")
    head = await bot.services.people.by_phone(AGENCY_HEAD)  # another agency's head
    secretary = await bot.services.people.by_phone(SECRETARIAT)  # in the scope
    assert head is not None and secretary is not None
    rows = [
        "year,agency,unit,full_name,phone,title",
        f"2024,{SECRETARIAT_SCOPE},Phòng Tổ chức - Hành chính,Tên Sai,{SECRETARIAT},LDTT",
        f"2024,{SECRETARIAT_SCOPE},Phòng Tổ chức - Hành chính,,{AGENCY_HEAD},LDTT",
        f"2024,{SECRETARIAT_SCOPE},Phòng Tổ chức - Hành chính,,0912999888,LDTT",
        "2024,Văn phòng Đoàn ĐBQH và HĐND tỉnh,,,,CO_TINH",
        "2024,Sở Không Có,,,,CO_TINH",
    ]
    await chat.send_document(clerk, "dk.csv", ("\n".join(rows) + "\n").encode())
    problems = await chat.expect("chưa thay đổi dữ liệu nào")
    text = problems.plain
    assert secretary.full_name not in text and head.full_name not in text
    assert "Dòng 2: họ tên và số điện thoại Tên Sai" in text
    # Someone on the roster outside the scope reads exactly like a number nobody has …
    assert f"Dòng 3: không có ai trong danh sách thuộc phạm vi phụ trách có số điện thoại " \
           f"{AGENCY_HEAD}" in text
    assert "Dòng 4: không có ai trong danh sách thuộc phạm vi phụ trách có số điện thoại " \
           "0912999888" in text
    # … and an agency outside the scope like an agency that does not exist.
    assert "Dòng 5: không có cơ quan “Văn phòng Đoàn ĐBQH và HĐND tỉnh” trong danh sách" in text
    assert "Dòng 6: không có cơ quan “Sở Không Có” trong danh sách" in text
    assert not [name for name in await outside_names(bot) if name in text.replace(
        "Văn phòng Đoàn ĐBQH và HĐND tỉnh", "")]  # only the name the file itself wrote
    FIGURES["scope_escapes"] += 3


# --------------------------------------------------------------------------- windows


async def test_plus_seven_days_only_on_ones_own_windows_confirmed_and_announced(
        scoped_bot: BotHarness):
    bot = scoped_bot
    repo = WindowRepository(bot.db)
    today = bot.services.now().date()
    scope = await bot.services.secretariat_scope_id()
    province = await repo.open_window(today.year, None, today, today + timedelta(days=10),
                                      AuditContext.cli())
    own = await repo.open_window(today.year, scope, today, today + timedelta(days=20),
                                 AuditContext.cli())
    inside = await bot.person_user(SECRETARIAT)  # registers under the agency's own window
    outside = await bot.person_user(STAFF)  # under the province's
    head = await bot.person_user(UNIT_HEAD)  # idem
    chat = bot.secretariat_chat()
    clerk = bot.user(8304, "Hằng")

    await chat.send(clerk, "/dotdangky")
    listing = await chat.expect("Các đợt đăng ký thi đua")
    assert len(listing.button_texts()) == 1  # its own window's button only
    for action in ("x", "y"):  # forged buttons for the province's window
        data = f"win:{action}:{province.id}:{province.deadline:%Y%m%d}"
        answer = await chat.tap_data(listing, data, by=clerk)
        assert "hết hiệu lực" in answer.text
    assert (await repo.window(province.id)).deadline == province.deadline  # type: ignore[union-attr]
    FIGURES["scope_escapes"] += 2

    await chat.tap(listing.button_texts()[0], by=clerk, message=listing)
    question = await chat.expect("?")
    assert "1 người liên quan" in question.plain  # the one linked person of the scope
    assert (await repo.window(own.id)).deadline == own.deadline  # type: ignore[union-attr]
    later = own.deadline + timedelta(days=7)
    await chat.tap(f"✅ Gia hạn đến {later:%d/%m/%Y}", by=clerk, message=question)
    notice = await inside.expect("Hạn đăng ký thi đua năm")
    assert f"hết ngày {later:%d/%m/%Y}" in notice.plain
    assert (await repo.window(own.id)).deadline == later  # type: ignore[union-attr]
    await outside.expect_silence(0.5)
    await head.expect_silence(0.1)


# --------------------------------------------------------------------------- stale previews


async def test_a_preview_applies_only_the_plan_it_showed_and_only_in_time(
        scoped_bot: BotHarness, tmp_path: Path):
    bot = scoped_bot
    chat = bot.secretariat_chat()
    clerk = bot.user(8305, "Hằng")
    await chat.send_document(clerk, "ds.csv", csv(*MINE))
    stale = await chat.expect("Áp dụng các thay đổi trên?")
    assert "Ngừng theo dõi (không còn trong tệp): 0 người" in stale.plain

    # Meanwhile another import adds people to the agency: the preview's plan (deactivate
    # nobody) is not what applying the file would do now.
    newcomers = tmp_path / "newcomers.csv"
    newcomers.write_bytes(csv(*MINE, *(
        f"{SECRETARIAT_SCOPE},Phòng Tổng hợp,Người Mới {n},Chuyên viên,không,staff,"
        f"09120002{n:02d}" for n in range(10))))
    assert await asyncio.to_thread(main, ["--database", str(bot.database), "roster", "import",
                                          str(newcomers), "--scope", SECRETARIAT_SCOPE]) == 0
    before = await data(bot.db)
    await chat.tap("✅ Áp dụng", by=clerk, message=stale)
    changed = await chat.expect("Dữ liệu đã thay đổi")
    assert "chưa thay đổi dữ liệu nào" in changed.plain
    assert await data(bot.db) == before

    # A preview tapped after its time (THIDUA_UPLOAD_TTL_HOURS, 24 h) has expired.
    await chat.send_document(clerk, "ds.csv", csv(*MINE))
    late = await chat.expect("Áp dụng các thay đổi trên?")
    now = bot.services.now()
    bot.services.clock = lambda: now + timedelta(hours=25)
    await chat.tap("✅ Áp dụng", by=clerk, message=late)
    await chat.expect("đã hết hạn")
    assert await data(bot.db) == before
    FIGURES["scope_escapes"] += 2


async def test_uploaded_files_are_wiped_once_applied_cancelled_or_expired(
        scoped_bot: BotHarness):
    from storage.uploads import UploadRepository

    bot = scoped_bot
    chat = bot.secretariat_chat()
    clerk = bot.user(8306, "Hằng")
    uploads = UploadRepository(bot.db)
    for decision in ("✅ Áp dụng", "✖ Huỷ", None):
        await chat.send_document(clerk, "ds.csv", csv(*MINE))
        preview = await chat.expect("Áp dụng các thay đổi trên?")
        assert await uploads.holding_data() == 1  # kept while the preview waits
        if decision is not None:
            await chat.tap(decision, by=clerk, message=preview)
            await chat.expect("")
            assert await uploads.holding_data() == 0
    assert bot.services.scheduler is not None
    await bot.services.scheduler.tick(bot.services.now() + timedelta(days=2))  # hourly cleanup
    assert await uploads.holding_data() == 0
    raw = await bot.db.fetchall("SELECT status, length(content), parsed FROM pending_uploads")
    assert sorted(r[0] for r in raw) == ["applied", "cancelled", "expired"]
    assert all(r[1] == 0 and r[2] is None for r in raw)

