"""Weekly progress to unit heads, and reminders that reach the people who have not acted.

| module | job |
|---|---|
| `service.py` | build and queue digests and reminders (shared with the jobs and the CLI) |
| `digest.py` | /progress, and the "Remind" button of a digest |
| `remind.py` | the secretariat's /remind: scope, what, preview, send |
| `jobs.py` | the weekly digest and the automatic reminders before deadlines |

Who the bot can reach (blocked, unblocked, back in touch) is the core's: `Presence` events
and `Core._touch` (app.core).
"""

from __future__ import annotations

from app.access import ANYONE, HEADS, SECRETARIAT_ONLY
from app.commands import CommandSpec
from app.features import Feature, PickRoute
from app.progress import choices, digest, remind
from app.progress.jobs import DEADLINE_REMINDERS, WEEKLY_DIGEST
from domain.models import Role
from locales import N_

COMMANDS = [
    # /progress is open to anyone: the use case shows the secretariat its overview and a head
    # their units, and refuses everyone else as the heads' access would.
    CommandSpec("progress", N_("Registration and commitment progress of your units"),
                run=digest.show_progress, access=ANYONE,
                aliases=("tiendo",), roles=HEADS | {Role.SECRETARIAT}, secretariat_chat=True),
    CommandSpec("remind", N_("Remind the people who have not registered or committed"),
                run=remind.start_remind, access=SECRETARIAT_ONLY,
                aliases=("nhacnho",), roles=frozenset({Role.SECRETARIAT}),
                secretariat_chat=True),
]
PERIODIC_JOBS = [WEEKLY_DIGEST, DEADLINE_REMINDERS]

FEATURE = Feature(
    name="progress",
    commands=COMMANDS,
    picks=[PickRoute(choices.DIGEST_PREFIX + ":", digest.remind_from_digest,
                     digest.HEAD_ACCESS),
           PickRoute(choices.PREFIX + ":", remind.on_pick, SECRETARIAT_ONLY)],
    jobs=PERIODIC_JOBS,
)

__all__ = ["COMMANDS", "FEATURE", "PERIODIC_JOBS"]
