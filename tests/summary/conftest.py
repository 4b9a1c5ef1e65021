from __future__ import annotations

import pytest

from tests.harness import BotHarness
from tests.summary.helpers import import_sample_registrations


@pytest.fixture
async def seeded(bot: BotHarness) -> BotHarness:
    """The bot with the sample roster and the sample 2024 registrations (seed 000's annex)."""
    await import_sample_registrations(bot.db)
    return bot
