"""The org tree is kept in memory, yet every change is seen at once, whoever makes it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from domain.roster import parse_roster
from storage.audit import AuditContext
from storage.db import Database
from storage.orgs import OrgRepository
from storage.roster import apply_roster
from tests.harness import BLOC, SAMPLE_ROSTER

UNIT = "Phòng Công tác Quốc hội"


async def _open(path: Path) -> Database:
    db = await Database(path).open()
    roster = parse_roster(SAMPLE_ROSTER.read_bytes(), SAMPLE_ROSTER.name, BLOC)
    await apply_roster(db, roster, AuditContext.cli())
    return db


def _unit(tree, name: str):
    return next(u for u in tree.walk() if u.name == name)


async def test_the_tree_is_built_once_and_rebuilt_after_a_change_by_another_process(
    tmp_path: Path,
):
    db = await _open(tmp_path / "t.sqlite3")
    orgs = OrgRepository(db)
    tree = await orgs.tree()
    assert await orgs.tree() is tree  # nothing changed: the same object
    assert await OrgRepository(db).tree() is tree  # whichever repository asks

    other = sqlite3.connect(tmp_path / "t.sqlite3")  # a CLI command, or plain SQL
    other.execute("UPDATE org_units SET name = 'Phòng Dân nguyện' WHERE name = ?", (UNIT,))
    other.commit()
    renamed = await orgs.tree()
    assert renamed is not tree
    assert _unit(renamed, "Phòng Dân nguyện").id == _unit(tree, UNIT).id

    other.execute("UPDATE org_units SET active = 0 WHERE name = 'Phòng Dân nguyện'")
    other.commit()
    assert "Phòng Dân nguyện" not in {u.name for u in (await orgs.tree()).walk()}
    assert "Phòng Dân nguyện" in {u.name for u in (await orgs.tree(active_only=False)).walk()}
    other.close()
    await db.close()


async def test_a_rolled_back_change_leaves_no_stale_tree(tmp_path: Path):
    db = await _open(tmp_path / "t.sqlite3")
    orgs = OrgRepository(db)
    before = await orgs.tree()
    with pytest.raises(RuntimeError, match="abandon"):
        async with db.transaction() as conn:
            await conn.execute("UPDATE org_units SET name = 'Tạm' WHERE name = ?", (UNIT,))
            assert "Tạm" in {u.name for u in (await orgs.tree()).walk()}  # inside: its own view
            raise RuntimeError("abandon")
    after = await orgs.tree()
    assert UNIT in {u.name for u in after.walk()} and "Tạm" not in {u.name for u in after.walk()}
    assert len(after) == len(before)
    await db.close()
