"""`thidua invites create PHONE…`: one-time codes and deep links for people on the roster."""

from __future__ import annotations

import argparse
from datetime import timedelta

from app.settings import Settings
from bot.cli.common import fail, open_services
from domain.phone import InvalidPhone, normalize_phone
from locales import _, format_datetime
from storage.audit import AuditContext
from storage.db import utcnow


def add_commands(sub: argparse._SubParsersAction) -> None:
    invites = sub.add_parser("invites", help="invite codes").add_subparsers(
        dest="invites_command", required=True, metavar="ACTION"
    )
    parser = invites.add_parser("create", help="create invite codes for people on the roster")
    parser.add_argument("phones", nargs="+", help="phone numbers of the people to invite")
    parser.add_argument("--days", type=int, help="validity in days (THIDUA_INVITE_TTL_DAYS)")
    parser.add_argument("--bot-username", help="bot username, to print t.me deep links")
    parser.set_defaults(handler=create_invites)


async def create_invites(args: argparse.Namespace, settings: Settings) -> int:
    days = args.days or settings.invite_ttl_days
    if days <= 0:
        return fail(_("The validity must be at least one day."))
    status = 0
    async with open_services(settings) as services:
        for raw in args.phones:
            try:
                person = await services.people.by_phone(normalize_phone(raw))
            except InvalidPhone:
                person = None
            if person is None or not person.active:
                status = fail(_("{phone}: not on the roster").format(phone=raw))
                continue
            code = await services.invites.create(person, timedelta(days=days), AuditContext.cli())
            expires = format_datetime((utcnow() + timedelta(days=days)).astimezone(settings.tz))
            link = f"https://t.me/{args.bot_username}?start={code}" if args.bot_username else code
            print(_("{name}: {link} (valid until {expires})").format(
                name=person.full_name, link=link, expires=expires))
    return status
