"""Every feature of the bot, served by the core (app/), and the Telegram handlers around it:
chat migrations (a group that becomes a supergroup) and the adapter, which claims every
update the core answers."""

from __future__ import annotations

from telegram.ext import Application

from app import campaigns as campaigns_feature
from app import council as council_feature
from app import help as help_feature
from app import imports as imports_feature
from app import invites as invites_feature
from app import onboarding
from app import progress as progress_feature
from app import registration as registration_feature
from app import results as results_feature
from app import review as review_feature
from app import summary as summary_feature
from app.commands import CommandSpec
from app.core import Core
from app.features import PeriodicJob, Registry
from channels.telegram import adapter, chat_migration
from channels.telegram.context import COMMANDS_KEY


def registry() -> Registry:
    return Registry([onboarding.FEATURE, help_feature.FEATURE, registration_feature.FEATURE,
                     imports_feature.FEATURE, campaigns_feature.FEATURE, summary_feature.FEATURE,
                     progress_feature.FEATURE, invites_feature.FEATURE, results_feature.FEATURE,
                     review_feature.FEATURE, council_feature.FEATURE])


def all_commands() -> list[CommandSpec]:
    return registry().listed_commands()


def periodic_jobs() -> list[PeriodicJob]:
    return registry().jobs()


def register_all(app: Application, core: Core) -> None:
    app.bot_data[COMMANDS_KEY] = core.registry.listed_commands()
    chat_migration.register(app)
    adapter.register(app, core)
