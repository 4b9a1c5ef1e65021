"""Imported first by the workers' fork server (app.workers.PRELOAD): it and every process it
forks die with their parent.

The server asks for SIGKILL when the bot dies; every process it forks asks for SIGKILL when
the server dies, right after the fork (an at-fork hook), before it even reads what it is to
run: a worker forked while the bot was being killed used to wait forever for its orders.

Nothing happens when any other process imports it: the fork server is recognised by the
bot's pid, which the bot leaves in the environment before starting it.
"""

from __future__ import annotations

import os

from app.workers import GUARD_VARIABLE, die_with_parent

if os.environ.get(GUARD_VARIABLE) == str(os.getppid()):
    die_with_parent()
    _server = os.getpid()
    os.register_at_fork(after_in_child=lambda: die_with_parent(expected=_server))
