"""Annual title registration: /dangky (individual), /tapthe (collective), /cuatoi (status),
/huy (pause), and /dotdangky (the secretariat's registration windows)."""

from __future__ import annotations

from app.access import HEADS, PERSON, SECRETARIAT_ONLY, Access
from app.commands import CommandSpec
from app.features import Feature, PickRoute, TextFlow
from app.registration import buttons, choices, flow, status, typed, windows
from domain.models import Role
from locales import N_
from storage.drafts import SESSION_FLOW

COMMANDS = [
    CommandSpec("register", N_("Register your emulation titles for the year"),
                flow.start_individual, PERSON, aliases=("dangky",)),
    CommandSpec("collective", N_("Register the collective titles of your unit or agency"),
                flow.start_collective, PERSON, aliases=("tapthe",), roles=HEADS),
    CommandSpec("status", N_("See your registration and its status"), status.show_status,
                PERSON, aliases=("cuatoi",)),
    CommandSpec("cancel", N_("Pause what you are doing (your answers are kept)"), flow.pause,
                Access(), aliases=("huy",), listed=False),
    CommandSpec("window", N_("Registration windows: open, extend, list"),
                windows.window_command, SECRETARIAT_ONLY, aliases=("dotdangky",),
                roles=frozenset({Role.SECRETARIAT}), secretariat_chat=True),
]

FEATURE = Feature(
    name="registration",
    commands=COMMANDS,
    picks=[PickRoute(choices.PREFIX + ":", buttons.on_pick, PERSON),
           PickRoute(choices.OPEN_REGISTER, flow.open_choice, PERSON),
           PickRoute(choices.OPEN_COLLECTIVE, flow.open_choice, PERSON),
           PickRoute(choices.WINDOWS_PREFIX + ":", windows.on_pick, SECRETARIAT_ONLY)],
    texts=[TextFlow(SESSION_FLOW, typed.on_text, PERSON)],
)
