"""Every feature of the bot: those served by the core (app/), and the Telegram handlers not
moved to it yet, registered in order; the fallback always comes last."""

from __future__ import annotations

from types import ModuleType

from telegram.ext import Application

from app import campaigns as campaigns_feature
from app import council as council_feature
from app import help as help_feature
from app import invites as invites_feature
from app import onboarding
from app import progress as progress_feature
from app import registration as registration_feature
from app import results as results_feature
from app import review as review_feature
from app import summary as summary_feature
from app.core import Core
from app.features import Feature, Registry
from bot.schedule import AnyJob
from channels.telegram import (
    adapter,
    campaigns,
    chat_migration,
    fallback,
    identity,
    registration,
    results_upload,
    roster_upload,
    uploads,
)
from channels.telegram.context import COMMANDS_KEY

# Telegram handlers not moved to the core yet. Order matters within handler group 0 (and
# for the upload kinds: roster, initiatives and results, registrations, then campaign files).
LEGACY: list[ModuleType] = [
    uploads,
    roster_upload,
    results_upload,  # the decision lists (uploads are Telegram and CLI only)
    registration,
    campaigns,  # the campaign file upload only
]


def _legacy(module: ModuleType) -> Feature:
    return Feature(name=module.__name__, commands=getattr(module, "COMMANDS", []),
                   on_linked=getattr(module, "on_person_linked", None))


def registry() -> Registry:
    features = [onboarding.FEATURE, help_feature.FEATURE, registration_feature.FEATURE,
                *(_legacy(m) for m in LEGACY), campaigns_feature.FEATURE,
                summary_feature.FEATURE, progress_feature.FEATURE, invites_feature.FEATURE,
                results_feature.FEATURE, review_feature.FEATURE, council_feature.FEATURE]
    return Registry(features, complete=False)


def all_commands() -> list:
    return registry().listed_commands()


def periodic_jobs() -> list[AnyJob]:
    """Jobs of the core's features, then those of Telegram handlers not moved yet
    (`PERIODIC_JOBS`, see bot.schedule)."""
    legacy = [job for feature in LEGACY for job in getattr(feature, "PERIODIC_JOBS", [])]
    return [*registry().jobs(), *legacy]


def register_all(app: Application, core: Core) -> None:
    app.bot_data[COMMANDS_KEY] = core.registry.listed_commands()
    identity.register(app)
    chat_migration.register(app)
    adapter.register(app, core)
    for feature in LEGACY:
        feature.register(app)
    fallback.register(app)


async def start_features(app: Application) -> None:
    """Start each feature's background work (jobs, senders) once the bot is running."""
    for feature in LEGACY:
        starter = getattr(feature, "on_start", None)
        if starter is not None:
            await starter(app)


async def stop_features(app: Application) -> None:
    for feature in reversed(LEGACY):
        stopper = getattr(feature, "on_stop", None)
        if stopper is not None:
            await stopper(app)
