"""Messaging channels other than Telegram's (python-telegram-bot covers that one)."""
