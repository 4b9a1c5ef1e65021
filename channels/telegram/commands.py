"""Command declarations of the handlers not moved to the core yet (see app.commands)."""

from app.access import ALL_ROLES, HEADS
from app.commands import CommandSpec

__all__ = ["ALL_ROLES", "HEADS", "CommandSpec"]
