"""The fast path (figures aggregated by SQLite) and the full path (every person and
registration, as the files need them) give the same summary, for every kind of scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.services import Services
from app.settings import Settings
from app.summary.service import load_details, report_for, resolve
from domain.roster import parse_roster
from domain.summary_request import SummaryRequest
from storage.audit import AuditContext
from storage.db import Database
from storage.roster import apply_roster
from tests.harness import BLOC, SAMPLE_ROSTER
from tests.summary.helpers import import_sample_registrations

NOW = "2024-02-01T00:00:00+00:00"


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    db = Database(tmp_path / "t.sqlite3")
    await db.open()
    roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
    await apply_roster(db, roster, AuditContext.cli())
    await import_sample_registrations(db)
    # A launched campaign acknowledged by every third person, and a registered person who
    # has left (deactivated): neither path may count her.
    await db.execute(
        "INSERT INTO campaigns (id, code, name, issuer, period_start, period_end, ack_deadline,"
        " document, source, status, created_at, updated_at) VALUES (1, 'vpubnd-2024-q1',"
        " 'Thi đua đợt I năm 2024', 'VP UBND tỉnh', '2024-01-01', '2024-03-31', '2024-01-15',"
        " '{}', '', 'launched', ?, ?)", (NOW, NOW))
    await db.execute(
        "INSERT INTO acknowledgements (campaign_id, person_id, at, channel)"
        " SELECT 1, id, ?, 'telegram' FROM people WHERE id % 3 = 0", (NOW,))
    await db.execute("UPDATE people SET active = 0 WHERE phone = '0936294284'")
    try:
        yield Services.create(Settings(_env_file=None, database=db.path), db)  # type: ignore[call-arg]
    finally:
        await db.close()


async def test_aggregated_and_full_summaries_agree_for_every_scope(services: Services):
    tree = await services.orgs.tree()
    scopes = [None, tree.roots()[0].id]
    scopes += [a.id for a in tree.agencies()][:3]
    scopes += [u.id for u in tree.walk() if u.kind == "unit"][:5]
    for scope in scopes:
        inputs = await resolve(services, tree, [scope], SummaryRequest(year=2024))
        fast = report_for(inputs, scope).summary
        full = report_for(inputs, scope, await load_details(services, inputs)).summary
        assert fast.model_dump(exclude={"detail_rows"}) == \
            full.model_dump(exclude={"detail_rows"}), scope
        assert not fast.detail_rows
    inputs = await resolve(services, tree, [None], SummaryRequest())
    assert len(report_for(inputs, None, await load_details(services, inputs))
               .summary.detail_rows) == 51 - 1
    bloc = report_for(inputs, None).summary
    assert bloc.totals.acknowledged == {"vpubnd-2024-q1": 100}
    assert bloc.totals.registered_people == 15 and bloc.totals.active_people == 299
    assert bloc.totals.individual["CSTD_TINH"] == 15
