"""Helpers of the Telegram handlers not moved to the core yet (windows, upload)."""

from __future__ import annotations

from datetime import date

from telegram import Update

from channels.telegram.context import BotContext, audit_context
from storage.audit import AuditContext
from storage.windows import WindowRepository


def window_repo(context: BotContext) -> WindowRepository:
    return WindowRepository(context.services.db)


def who(update: Update, context: BotContext) -> AuditContext:
    person = context.actor.person
    return audit_context(update, person.id if person else None)


def today(context: BotContext) -> date:
    return context.services.now().date()
