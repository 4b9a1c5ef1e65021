"""The demo data in bot/demo must stay identical to the team's shared reference data."""

from pathlib import Path

import pytest

from tests.harness import DEMO

SHARED = Path(__file__).resolve().parents[2] / "shared" / "formats"


@pytest.mark.parametrize("name", ["sample-roster.csv", "sample-registrations-2024.csv"])
def test_demo_copy_matches_shared_reference(name):
    original = SHARED / name
    if not original.exists():
        pytest.skip("shared reference data is not next to this checkout (clean CI clone)")
    assert (DEMO / name).read_bytes() == original.read_bytes()
