"""The year-end review: /danhgia (/review: self-assessment; the secretariat opens and closes
it) and /denghi (/proposals: each collective's draft proposal list). See docs/results.md."""

from __future__ import annotations

from app.access import ANYONE, PERSON
from app.commands import CommandSpec
from app.features import Feature, PickRoute, TextFlow
from app.review import assess, choices, proposals
from domain.models import Role
from locales import N_

COMMANDS = [
    # Open to anyone: the use cases tell a group to go private and a stranger to link.
    CommandSpec("review", N_("Year-end self-assessment: your rating and initiatives"),
                assess.review_command, ANYONE, aliases=("danhgia",), secretariat_chat=True),
    CommandSpec("proposals", N_("The proposal lists of the year-end review"),
                proposals.proposals_command, ANYONE, aliases=("denghi",),
                roles=frozenset({Role.UNIT_HEAD, Role.AGENCY_HEAD, Role.SECRETARIAT}),
                secretariat_chat=True),
]

FEATURE = Feature(
    name="review",
    commands=COMMANDS,
    picks=[PickRoute(choices.PREFIX + ":", assess.on_pick, ANYONE),
           PickRoute(choices.LISTS_PREFIX + ":", proposals.on_pick, PERSON),
           PickRoute(choices.OPEN_REVIEW, assess.open_choice, PERSON)],
    texts=[TextFlow(assess.FLOW, assess.on_text, PERSON)],
)
