"""Imports: the files the secretariat sends to the bot (roster, registrations, results,
initiatives register, campaign file), previewed and applied on a choice (`flow`), with the
same kinds (`catalog`) the command line imports through (bot/cli)."""

from __future__ import annotations

from app.access import SECRETARIAT_ONLY
from app.features import Feature, PickRoute
from app.imports import choices, flow

FEATURE = Feature(
    name="imports",
    picks=[PickRoute(choices.PREFIX + ":", flow.on_pick, SECRETARIAT_ONLY)],
    jobs=[flow.EXPIRE_UPLOADS],
    on_file=flow.on_file,
)
