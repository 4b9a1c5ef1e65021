"""The secretariat's summary: `/summary` (`/tonghop`), its files, and the posts it makes itself.

Modules: `service` (resolve a request within the actor's scope, load, build), `command` (the
use case), `delivery` (the files and the outputs that show them), `workers` (the processes
building the files), `jobs` (daily digest, final summary), `export` (one format, for the CLI).
Wording lives in `reports/summary_*.py`; see docs/summary.md.

No conversation: each /summary is answered from its arguments and the database.
"""

from __future__ import annotations

from app.access import ANYONE
from app.commands import CommandSpec
from app.features import Feature
from app.summary.command import summary_command
from app.summary.jobs import PERIODIC_JOBS
from app.summary.workers import shutdown, start
from domain.models import Role
from locales import N_

COMMANDS = [
    CommandSpec(
        "summary",
        N_("Registration summary: table, chart, XLSX and DOCX files"),
        # Open to anyone: the use case tells a group to go private, a stranger to link, and
        # someone with nothing to see why not.
        run=summary_command,
        access=ANYONE,
        aliases=("tonghop",),
        roles=frozenset({Role.UNIT_HEAD, Role.AGENCY_HEAD, Role.SECRETARIAT}),
        secretariat_chat=True,
    ),
]

FEATURE = Feature(
    name="summary",
    commands=COMMANDS,
    jobs=PERIODIC_JOBS,
    on_start=start,  # the processes building summary files may be started (again)
    on_stop=shutdown,  # the processes building summary files
)

__all__ = ["COMMANDS", "FEATURE", "PERIODIC_JOBS"]
