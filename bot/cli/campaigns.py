"""`thidua campaign load FILE [--dry-run] | list | launch CODE | end CODE | progress CODE`.

A launch from the command line queues the messages in the outbox; the running bot sends them
(its sender polls the outbox), exactly as when the secretariat launches from the chat.
"""

from __future__ import annotations

import argparse

from app.campaigns import service
from app.parsing import ParseFailed
from app.settings import Settings
from bot.cli.common import fail, open_services, parse_file, read_input
from locales import _, ngettext
from reports.campaigns import (
    campaign_list_text,
    describe_problems,
    load_preview,
    over_refusal,
    plain,
    progress_text,
)
from storage.audit import AuditContext


def add_commands(sub: argparse._SubParsersAction) -> None:
    campaign = sub.add_parser("campaign", help=_("period campaigns (phong trào thi đua)"))
    actions = campaign.add_subparsers(dest="campaign_command", required=True, metavar="ACTION")
    load = actions.add_parser("load", help=_("load a campaign file (YAML or Markdown)"))
    load.add_argument("file", help=_("campaign file, or - for standard input"))
    load.add_argument("--dry-run", action="store_true", help=_("check and show it, store nothing"))
    load.set_defaults(handler=load_campaign)
    actions.add_parser("list", help=_("list the campaigns")).set_defaults(handler=list_campaigns)
    for name, handler, text in (
        ("launch", launch_campaign, _("send a loaded campaign to everyone in its scope")),
        ("end", end_campaign, _("end a campaign (no more commitments)")),
        ("progress", show_progress, _("commitment and registration rates per agency and unit")),
    ):
        parser = actions.add_parser(name, help=text)
        parser.add_argument("code", help=_("the campaign's code, e.g. vpubnd-2024-q1"))
        parser.set_defaults(handler=handler)


async def load_campaign(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content, name = read_input(args.file)
    except OSError as exc:
        return fail(_("Cannot read {file}: {error}").format(file=args.file, error=exc.strerror))
    if args.file == "-":
        name = "stdin.md" if content.lstrip().startswith(b"---") else "stdin.yaml"
    try:
        parsed = await parse_file(settings, name, content, settings.bloc_name)
    except ParseFailed as failed:
        return fail(failed.message)
    if parsed.campaign is None:
        return fail(_("This is not a campaign file (YAML or Markdown)."))
    async with open_services(settings) as services:
        check = await service.check_parsed(services, parsed.campaign)
        document = check.file.document
        if not check.ok or document is None:
            return fail(describe_problems(check.problems, limit=200))
        print(plain(load_preview(document, check.scope_name, check.in_scope, check.linked,
                                 check.replaces)))
        if args.dry_run:
            print(_("Dry run: nothing was changed."))
            return 0
        check, campaign_id = await service.load_parsed(services, parsed.campaign,
                                                       parsed.source or "", AuditContext.cli())
        if campaign_id is None:
            return fail(describe_problems(check.problems, limit=200))
        print(_("The campaign “{code}” is loaded.").format(code=document.code))
        print(_("Launch it with: thidua campaign launch {code}").format(code=document.code))
    return 0


async def list_campaigns(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        items = await service.listing(services)
        print(plain(campaign_list_text(items, services.now().date())))
    return 0


def _unknown(code: str) -> int:
    return fail(_("No campaign has the code “{code}” (see: thidua campaign list).").format(
        code=code))


async def launch_campaign(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        campaign = await service.by_code(services, args.code)
        if campaign is None:
            return _unknown(args.code)
        plan = await service.plan_launch(services, campaign)
        queued = await service.launch(services, campaign, AuditContext.cli())
        if queued is None:
            return fail(over_refusal(campaign))
        print(ngettext("“{name}” is launched: {n} message is queued; the running bot sends it.",
                       "“{name}” is launched: {n} messages are queued; the running bot sends "
                       "them.", queued).format(name=campaign.name, n=queued))
        if plan.not_linked:
            print(ngettext(
                "{n} person in scope does not use the bot yet: they will receive it "
                "when they link.",
                "{n} people in scope do not use the bot yet: they will receive it "
                "when they link.", plan.not_linked).format(n=plan.not_linked))
    return 0


async def end_campaign(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        campaign = await service.by_code(services, args.code)
        if campaign is None:
            return _unknown(args.code)
        if not await service.end(services, campaign, AuditContext.cli()):
            return fail(_("“{name}” had already ended.").format(name=campaign.name))
        print(_("“{name}” is ended: commitments are closed.").format(name=campaign.name))
    return 0


async def show_progress(args: argparse.Namespace, settings: Settings) -> int:
    async with open_services(settings) as services:
        campaign = await service.by_code(services, args.code)
        if campaign is None:
            return _unknown(args.code)
        progress = await service.progress(services, campaign)
        assert progress is not None
        print(plain(progress_text(progress)))
    return 0
