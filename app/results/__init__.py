"""The year's results: /lichsu (history), /ghinhan (record or correct a result),
/sangkien (the initiatives register), /ketqua (registered vs achieved).

Results come from the decision lists the secretariat imports (a file sent to the bot, or
`thidua results import`: app/results/imports.py) and from /ghinhan; see docs/results.md.
"""

from __future__ import annotations

from app.access import ANYONE, Access
from app.commands import CommandSpec
from app.features import Feature, PickRoute, TextFlow
from app.results import choices, compare, entry, history, initiatives
from domain.models import Role
from locales import N_

SECRETARIAT_IN_PRIVATE = Access(roles=frozenset({Role.SECRETARIAT}))

COMMANDS = [
    # Open to anyone: the use case tells a group to go private and a stranger to link.
    CommandSpec("history", N_("Titles and commendations on record, year by year"),
                history.history_command, ANYONE, aliases=("lichsu",), secretariat_chat=True),
    CommandSpec("initiatives", N_("The initiatives register: yours, or search it"),
                initiatives.initiatives_command, ANYONE, aliases=("sangkien",),
                secretariat_chat=True),
    CommandSpec("results", N_("Registered vs achieved: table, XLSX and DOCX files"),
                compare.results_command, ANYONE, aliases=("ketqua",),
                roles=frozenset({Role.UNIT_HEAD, Role.AGENCY_HEAD, Role.SECRETARIAT}),
                secretariat_chat=True),
    CommandSpec("record", N_("Record or correct a result (title, decision)"),
                entry.record_command, SECRETARIAT_IN_PRIVATE, aliases=("ghinhan",),
                roles=frozenset({Role.SECRETARIAT})),
]

FEATURE = Feature(
    name="results",
    commands=COMMANDS,
    picks=[PickRoute(choices.HISTORY_PREFIX + ":", history.on_pick, ANYONE),
           PickRoute(choices.PREFIX + ":", entry.on_pick, SECRETARIAT_IN_PRIVATE)],
    texts=[TextFlow(entry.FLOW, entry.on_text, SECRETARIAT_IN_PRIVATE)],
)
