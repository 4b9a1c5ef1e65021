"""Imported first by the workers' fork server (bot.workers.PRELOAD): makes it die with the bot.

Nothing happens when any other process imports it: the fork server is recognised by the
bot's pid, which the bot leaves in the environment before starting it.
"""

from __future__ import annotations

import os

from bot.workers import GUARD_VARIABLE, die_with_parent

if os.environ.get(GUARD_VARIABLE) == str(os.getppid()):
    die_with_parent()
