"""Every feature of the bot, registered in order; the fallback always comes last."""

from __future__ import annotations

from types import ModuleType

from telegram.ext import Application

from bot.schedule import PeriodicJob
from handlers import (
    campaigns,
    chat_migration,
    fallback,
    help,
    identity,
    onboarding,
    progress,
    registration,
    roster_upload,
    summary,
    uploads,
)
from handlers.commands import CommandSpec
from handlers.context import COMMANDS_KEY, LINK_HOOKS_KEY

# Order matters within handler group 0: the first matching handler wins.
FEATURES: list[ModuleType] = [
    onboarding,
    help,
    uploads,
    roster_upload,
    registration,
    campaigns,
    summary,
    progress,
]


def periodic_jobs() -> list[PeriodicJob]:
    """Jobs declared by features as `PERIODIC_JOBS` (see bot.schedule)."""
    return [job for feature in FEATURES for job in getattr(feature, "PERIODIC_JOBS", [])]


def all_commands() -> list[CommandSpec]:
    return [spec for feature in FEATURES for spec in getattr(feature, "COMMANDS", [])]


def register_all(app: Application) -> None:
    app.bot_data[COMMANDS_KEY] = all_commands()
    app.bot_data[LINK_HOOKS_KEY] = [feature.on_person_linked for feature in FEATURES
                                    if hasattr(feature, "on_person_linked")]
    identity.register(app)
    chat_migration.register(app)
    for feature in FEATURES:
        feature.register(app)
    fallback.register(app)


async def start_features(app: Application) -> None:
    """Start each feature's background work (jobs, senders) once the bot is running."""
    for feature in FEATURES:
        starter = getattr(feature, "on_start", None)
        if starter is not None:
            await starter(app)


async def stop_features(app: Application) -> None:
    for feature in reversed(FEATURES):
        stopper = getattr(feature, "on_stop", None)
        if stopper is not None:
            await stopper(app)
