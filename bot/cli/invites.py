"""`thidua invites create [PHONE…] [--agency NAME] [--unit NAME] [--format text|csv|docx]`:
one-time codes for people on the roster, to hand out (Zalo has no contact sharing: a code is
how people link there).

People are named by phone, or in bulk by agency and unit (names without diacritics work, and
a unit's "Unit – Agency" label as the bot prints it). By default only people linked on no
channel get a code (`--include-linked` for everyone named); a new code revokes the person's
earlier unused ones, and the output says whose. Text goes to standard output; CSV and DOCX to
a file (`--out`, else a name in the current directory; `--out -` prints the CSV).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from app.invites import batch
from app.services import Services
from app.settings import Settings
from bot.cli.common import fail, open_services
from domain.models import OrgKind, OrgUnit
from domain.org import OrgTree
from domain.phone import InvalidPhone, normalize_phone
from domain.text import fold_key
from locales import _, format_datetime, ngettext
from reports.invite_slips import LinkGuide, Slip, slips_csv, slips_docx
from storage.audit import AuditContext
from storage.invites import Candidate, Issued

FORMATS = ("text", "csv", "docx")
SHOWN_NAMES = 20  # names listed when people are left out; beyond, a count


def add_commands(sub: argparse._SubParsersAction) -> None:
    invites = sub.add_parser("invites", help=_("invite codes to link Zalo or Telegram")
                             ).add_subparsers(dest="invites_command", required=True,
                                              metavar="ACTION")
    parser = invites.add_parser(
        "create", help=_("create invite codes for people on the roster"),
        description=_("Create one-time invite codes: for the people named by phone, or for "
                      "everyone of an agency or unit who is not linked yet. A new code "
                      "revokes the person's earlier unused codes."))
    parser.add_argument("phones", nargs="*", metavar="PHONE",
                        help=_("phone numbers of the people to invite"))
    parser.add_argument("--agency", action="append", default=[], metavar="NAME",
                        help=_("everyone of this agency (diacritics optional; repeatable)"))
    parser.add_argument("--unit", action="append", default=[], metavar="NAME",
                        help=_("everyone of this unit (diacritics optional; with --agency, "
                               "a unit of that agency; repeatable)"))
    parser.add_argument("--include-linked", action="store_true",
                        help=_("also people already linked on Telegram or Zalo"))
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help=_("text (default), csv (name, unit, agency, code, expiry) or "
                               "docx (slips to print and cut)"))
    parser.add_argument("--out", metavar="FILE",
                        help=_("output file ('-' for standard output: text and csv)"))
    parser.add_argument("--days", type=int,
                        help=_("validity in days (THIDUA_INVITE_TTL_DAYS)"))
    parser.add_argument("--bot-username", metavar="NAME",
                        help=_("the Telegram bot's username, for t.me links "
                               "(THIDUA_TELEGRAM_BOT_USERNAME)"))
    parser.set_defaults(handler=create_invites)


class Refused(Exception):
    """A name or phone that names nobody (or several): the message says which."""


def _matching(units: list[OrgUnit], tree: OrgTree, name: str) -> list[OrgUnit]:
    """Exact names (or "Unit – Agency" labels) first, else names containing the words."""
    wanted = fold_key(name)
    exact = [u for u in units if wanted in (fold_key(u.name), fold_key(tree.label(u.id)))]
    return exact or [u for u in units if wanted in fold_key(tree.label(u.id))]


def _one(found: list[OrgUnit], tree: OrgTree, name: str) -> OrgUnit:
    if len(found) == 1:
        return found[0]
    if not found:
        raise Refused(_("No agency or unit matches “{name}”.").format(name=name))
    raise Refused(_("“{name}” matches several: {found}. Please be more precise.").format(
        name=name, found="; ".join(tree.label(u.id) for u in found)))


def resolve_orgs(tree: OrgTree, agencies: list[str], units: list[str]) -> list[OrgUnit]:
    """The org units named by --agency and --unit (a unit within the --agency given)."""
    chosen = [_one(_matching(tree.agencies(), tree, name), tree, name) for name in agencies]
    if not units:
        return chosen
    within: list[int | None] = [a.id for a in chosen] or [None]
    candidates = [u for root in within for u in tree.walk(root) if u.kind == OrgKind.UNIT]
    return [_one(_matching(candidates, tree, name), tree, name) for name in units]


async def _by_phone(services: Services, phones: list[str]) -> list[int]:
    ids = []
    for raw in phones:
        try:
            person = await services.people.by_phone(normalize_phone(raw))
        except InvalidPhone:
            person = None
        if person is None or not person.active:
            raise Refused(_("{phone}: not on the roster").format(phone=raw))
        ids.append(person.id)
    return ids


async def create_invites(args: argparse.Namespace, settings: Settings) -> int:
    days = args.days or settings.invite_ttl_days
    if days <= 0:
        return fail(_("The validity must be at least one day."))
    if not (args.phones or args.agency or args.unit):
        return fail(_("Name the people: phone numbers, --agency NAME or --unit NAME."))
    if args.bot_username:
        settings = settings.model_copy(
            update={"telegram_bot_username": args.bot_username.strip().removeprefix("@")})
    async with open_services(settings) as services:
        tree = await services.orgs.tree()
        try:
            orgs = resolve_orgs(tree, args.agency, args.unit)
            person_ids = await _by_phone(services, args.phones)
        except Refused as refused:
            return fail(str(refused))
        org_ids = batch.subtree_ids(tree, [o.id for o in orgs])
        named = await services.invites.candidates(org_ids, person_ids)
        chosen = [c for c in named if args.include_linked or not c.channels]
        left_out = [c for c in named if c not in chosen]
        if not chosen:
            _say_left_out(left_out, sys.stdout)
            print(_("Nobody to invite: no code was created."))
            return 0
        ordered = [c for g in batch.group(tree, chosen) for c in g.candidates]
        issued = await batch.issue(services, ordered, AuditContext.cli(), days=days, batch={
            "by": "cli", "org_ids": sorted(o.id for o in orgs), "phones": len(args.phones)})
        slips = batch.slips(tree, issued, settings)
        guide = batch.link_guide(settings)
        today = services.now().date()
    if args.format == "docx":
        content = slips_docx(slips, guide)
    elif args.format == "csv":
        content = slips_csv(slips)
    else:
        content = "".join(line + "\n" for line in _text_lines(slips, guide)).encode("utf-8")
    out = args.out or ("-" if args.format == "text" else
                       f"{_default_name(orgs, today)}.{args.format}")
    if out == "-":
        if args.format == "docx":
            return fail(_("A {format} file cannot go to standard output: give --out FILE.")
                        .format(format="DOCX"))
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        # The list may be piped into a file: what was done goes beside it, not into it.
        _report(issued, slips, left_out, sys.stdout if args.format == "text" else sys.stderr)
        return 0
    try:
        await asyncio.to_thread(Path(out).write_bytes, content)
    except OSError as exc:
        return fail(_("Cannot write {file}: {error}").format(file=out, error=exc.strerror))
    _report(issued, slips, left_out, sys.stdout)
    print(_("Written: {file}").format(file=out))
    return 0


def _text_lines(slips: list[Slip], guide: LinkGuide) -> list[str]:
    lines = []
    for slip in slips:
        where = f"{slip.unit} – {slip.agency}" if slip.unit else slip.agency
        link = guide.telegram_link(slip.code)
        code = f"{slip.code} {link}" if link else slip.code
        lines.append(_("{name} ({unit}): {code} (valid until {expires})").format(
            name=slip.name, unit=where, code=code, expires=format_datetime(slip.expires_at)))
    return lines


def _report(issued: list[Issued], slips: list[Slip], left_out: list[Candidate],
            stream: TextIO) -> None:
    """How many codes, until when, whose earlier codes were revoked, who was left out."""
    stream.flush()
    print(ngettext("{count} invite code created, valid once until {expires}.",
                   "{count} invite codes created, valid once until {expires}.",
                   len(issued)).format(count=len(issued),
                                       expires=format_datetime(slips[0].expires_at)),
          file=stream)
    replaced = [i.person.full_name for i in issued if i.revoked]
    if replaced:
        print(ngettext("The earlier unused code of {count} person was revoked (it no longer "
                       "works): {names}.",
                       "The earlier unused codes of {count} people were revoked (they no "
                       "longer work): {names}.", len(replaced)).format(
            count=len(replaced), names=_names(replaced)), file=stream)
    _say_left_out(left_out, stream)


def _say_left_out(left_out: list[Candidate], stream: TextIO) -> None:
    if not left_out:
        return
    print(ngettext("Left out, already linked: {count} person ({names}). Add --include-linked "
                   "to give them a code anyway.",
                   "Left out, already linked: {count} people ({names}). Add --include-linked "
                   "to give them a code anyway.", len(left_out)).format(
        count=len(left_out), names=_names([c.person.full_name for c in left_out])),
        file=stream)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    if len(names) > SHOWN_NAMES:
        shown += ", " + _("and {count} more").format(count=len(names) - SHOWN_NAMES)
    return shown


def _default_name(orgs: list[OrgUnit], today: date) -> str:
    """ma-moi-<agency or unit>-<date>, or ma-moi-<date> for people named otherwise."""
    parts = ["ma-moi"]
    if len(orgs) == 1:
        parts += "".join(c if c.isalnum() else " " for c in fold_key(orgs[0].name)).split()
    return "-".join([*parts, f"{today:%Y%m%d}"])
