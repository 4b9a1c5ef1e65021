"""Invite codes in the chat: /mamoi (/invites) for unit and agency heads (their people's
codes, with the slips to print), and a linked person's code for their other channel."""

from __future__ import annotations

from app.access import HEADS, PERSON, Access
from app.commands import CommandSpec
from app.features import Feature, PickRoute
from app.invites import channels, choices, heads
from locales import N_

HEADS_ONLY = Access(roles=HEADS)

COMMANDS = [
    CommandSpec("invites", N_("Invite codes for your people who are not linked yet"),
                heads.ask, HEADS_ONLY, aliases=("mamoi",), roles=HEADS),
]

FEATURE = Feature(
    name="invites",
    commands=COMMANDS,
    picks=[PickRoute(choices.OWN_PREFIX + ":", channels.own_code, PERSON),
           PickRoute(choices.PREFIX + ":", heads.on_pick, HEADS_ONLY)],
)
