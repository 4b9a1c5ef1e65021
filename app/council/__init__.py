"""The council meeting (issue 18): the Hội đồng Thi đua – Khen thưởng of each agency votes
by secret ballot on the submitted proposal lists, in the chat (or on paper, its totals
entered), its results and minutes go to the secretariat, and the passed candidates complete
their achievement reports. See docs/council.md (with the ballot's threat model)."""

from __future__ import annotations

from app.access import PERSON, SECRETARIAT_ONLY
from app.commands import CommandSpec
from app.council import ballot, choices, closing, dossier, secretariat
from app.features import Feature, PickRoute, TextFlow
from domain.models import Role
from locales import N_

COMMANDS = [
    CommandSpec("council", N_("The council meeting: open a session, follow it, its results "
                              "and documents"),
                secretariat.council_command, SECRETARIAT_ONLY, aliases=("hoidong",),
                roles=frozenset({Role.SECRETARIAT}), secretariat_chat=True),
    CommandSpec("vote", N_("Your secret ballot as a council member"), ballot.vote_command,
                PERSON, aliases=("bophieu",)),
    CommandSpec("achievements", N_("Complete the achievement report of a proposal the council "
                                   "passed"), dossier.achievements_command, PERSON,
                aliases=("thanhtich",)),
]

FEATURE = Feature(
    name="council",
    commands=COMMANDS,
    picks=[PickRoute(choices.SECRETARIAT_PREFIX + ":", secretariat.on_pick, SECRETARIAT_ONLY),
           PickRoute(choices.BALLOT_PREFIX + ":", ballot.on_pick, PERSON),
           PickRoute(choices.REPORT_PREFIX + ":", dossier.on_pick, PERSON)],
    texts=[TextFlow(secretariat.FLOW, secretariat.on_text, SECRETARIAT_ONLY),
           TextFlow(dossier.FLOW, dossier.on_text, PERSON)],
    jobs=closing.JOBS,
)
