"""/ketqua (/results): registered vs achieved for a year whose results are on record.

Who sees what, as /tonghop: the secretariat its scope (a bloc, or a province's blocs, each
with its subtotal), an agency head the agency, a unit head the units headed; `/ketqua
<name> <year>` narrows to an agency or unit within it. The table is said at once (the
annex's lines of both sides, per agency), then who registered but did not achieve; the XLSX
and DOCX are built in a worker process and said later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from app.access import not_linked_text
from app.context import Ctx
from app.rulesets import ruleset_of_year
from app.services import Services
from app.settings import Settings
from app.summary.command import refusal_text
from app.summary.service import Refusal, fallback_ruleset, outermost, pick_target
from app.summary.workers import run_in_worker
from app.ui import Document, Out
from domain.access import scope_roots
from domain.achievement import compare, misses
from domain.org import OrgTree
from domain.summary_request import SummaryRequest, parse_summary_args
from domain.tally import count_people
from domain.text import fold_key
from locales import _, get_locale, use_locale
from reports.achievement import ComparisonReport, comparison_messages
from reports.messages import caption
from reports.summary_common import document_scope
from storage.achievement import AchievementStore
from storage.summary import SummaryStore

if TYPE_CHECKING:
    from reports.summary_docx import OfficialHeader

FILE_PREFIX = "dang-ky-va-ket-qua-thi-dua"


@dataclass(frozen=True)
class ComparisonFiles:
    name: str
    scope_name: str
    year: int
    xlsx: bytes
    docx: bytes


async def comparisons(services: Services, tree: OrgTree, roots: Sequence[int | None],
                      request: SummaryRequest, *, now: datetime | None = None
                      ) -> list[ComparisonReport]:
    """One report per target within the roots (raises Refusal, or LookupError when the year
    has no result on record in scope)."""
    roots = outermost(tree, roots)
    if not roots:
        raise Refusal("no_scope")
    targets: tuple[int | None, ...] = tuple(roots)
    if request.agency:
        targets = (pick_target(tree, roots, request.agency),)
    store = AchievementStore(services.db)
    year = request.year or await store.latest_year() or services.now().year
    ruleset = await ruleset_of_year(services.db, year) or fallback_ruleset(year)
    org_ids = None
    if None not in targets:
        org_ids = frozenset().union(*(tree.subtree_ids(t) for t in targets))
    achieved_collectives = await store.collectives(year, org_ids)
    achieved_people = count_people(ruleset, await store.people_rows(year, org_ids))
    if not achieved_collectives and not any(o.titles for o in achieved_people.orgs.values()):
        raise LookupError(year)
    summaries = SummaryStore(services.db)
    registered_people = count_people(ruleset, await summaries.people_rows(year, org_ids))
    registered_collectives = await summaries.records(year, org_ids, collectives_only=True)
    missed = misses(ruleset, await store.registered(tree, year, org_ids),
                    await store.achieved(tree, year, org_ids))
    as_of = now or services.now()
    return [
        ComparisonReport(
            compare(ruleset, tree, year, registered_people, registered_collectives,
                    achieved_people, achieved_collectives, missed, scope_org_id=target),
            ruleset, tree, document_scope(tree, target).name, as_of)
        for target in targets
    ]


def no_results_text(year: int) -> str:
    return _("No result of {year} is on record within what you may see: the secretariat "
             "imports the decision lists first.").format(year=year)


async def results_command(ctx: Ctx, args: tuple[str, ...] = ()) -> None:
    actor = ctx.actor
    if not actor.is_private and not actor.in_secretariat_chat:
        ctx.alert(_("Please use this command in a private chat with me."))
        return
    if actor.is_private and actor.person is None:
        ctx.alert(not_linked_text())
        return
    tree = await ctx.services.orgs.tree()
    request = parse_summary_args(list(args))
    try:
        reports = await comparisons(ctx.services, tree, scope_roots(actor, tree), request)
    except Refusal as refusal:
        ctx.say(escape(refusal_text(refusal)))
        return
    except LookupError as missing:
        ctx.say(escape(no_results_text(int(missing.args[0]))))
        return
    for report in reports:
        for text in comparison_messages(report, limit=ctx.caps.max_text):
            ctx.say(text)
    ctx.busy("upload_document")
    settings = ctx.services.settings

    async def files(later: Ctx) -> None:
        for report in reports:
            built = await run_in_worker(render_files, report, official_header(settings, report),
                                        get_locale())
            later.out.extend(file_outputs(built))

    ctx.later(files, name=f"results-files-{ctx.source.chat_id}")


def _lines(setting: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in setting.split("|") if line.strip())


def official_header(settings: Settings, report: ComparisonReport) -> OfficialHeader:
    """Who issues and signs the DOCX (THIDUA_DOCUMENT_* settings, else by the scope)."""
    from reports.summary_docx import OfficialHeader, default_signer  # python-docx: lazily

    with use_locale("vi"):
        scope = document_scope(report.tree, _target(report))
    return OfficialHeader(
        issuer=scope.issuer,
        day=(report.as_of or datetime.now()).date(),
        authority=settings.document_authority,
        place=settings.document_place,
        signer=_lines(settings.document_signer) or default_signer(scope.kind, scope.issuer),
        signer_name=settings.document_signer_name,
        recipients=_lines(settings.document_recipients),
        scope_name=scope.name,
    )


def _target(report: ComparisonReport) -> int | None:
    scope = report.comparison.registered.scope
    if scope is not None:
        return scope.id
    rows = report.comparison.registered.rows
    blocs = {report.tree.bloc_of(r.agency.id) for r in rows}
    if len(blocs) == 1 and None not in blocs:
        bloc = next(iter(blocs))
        assert bloc is not None
        return bloc.id
    return None


def file_name(report: ComparisonReport) -> str:
    name = f"{FILE_PREFIX}-{report.year}"
    scope = report.comparison.registered.scope
    if scope is not None and scope.kind.value != "bloc":
        slug = re.sub(r"[^a-z0-9]+", "-", fold_key(scope.name)).strip("-")
        name += f"-{slug[:60].strip('-')}"
    return name


def render_files(report: ComparisonReport, header: OfficialHeader, locale: str
                 ) -> ComparisonFiles:
    """In a worker process: the XLSX and the DOCX."""
    from reports.achievement_files import comparison_docx, comparison_xlsx

    with use_locale(locale):
        return ComparisonFiles(file_name(report), report.scope_name, report.year,
                               comparison_xlsx(report), comparison_docx(report, header))


def file_outputs(files: ComparisonFiles) -> list[Out]:
    scope = escape(files.scope_name)
    return [
        Document(f"{files.name}.xlsx", files.xlsx, caption(escape(_(
            "Registered and achieved (XLSX): the table and who did not achieve")) + f" – {scope}")),
        Document(f"{files.name}.docx", files.docx, caption(escape(_(
            "Registered and achieved (DOCX, Decree 30/2020/ND-CP), ready to sign"))
            + f" – {scope}")),
    ]
