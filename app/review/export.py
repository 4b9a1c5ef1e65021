"""The proposal lists of a scope as an XLSX workbook (always in Vietnamese), for the
secretariat: every entry of every stored list, included or not, with the criteria met.
`render_proposals` runs in a worker process (app/summary/workers.run_in_worker) and reads the
database itself."""

from __future__ import annotations

import asyncio
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domain.models import OrgKind
from domain.results import catalog_for_year
from domain.rules import load_ruleset
from domain.text import vietnamese_sort_key
from locales import _, use_locale
from reports.history import title_name
from reports.review import reasons_line
from reports.summary_xlsx import BORDER, FONT, HEADER_FILL
from storage.db import Database
from storage.orgs import OrgRepository
from storage.people import PeopleRepository
from storage.reviews import ReviewRepository


def render_proposals(database: str, scope: int | None, year: int, locale: str) -> bytes:
    return asyncio.run(proposals_xlsx(database, scope, year, locale))


async def proposals_xlsx(database: str, scope: int | None, year: int, locale: str) -> bytes:
    db = await Database(database).open(migrate=False)
    try:
        tree = await OrgRepository(db).tree()
        repo = ReviewRepository(db)
        org_ids = tree.subtree_ids(scope) if scope is not None else None
        lists = await repo.lists_in(year, org_ids)
        reviews = {r.id: r for r in await repo.reviews(year)}
        people = {p.id: p for p in await PeopleRepository(db).all(active_only=False)}
    finally:
        await db.close()
    order = {u.id: i for i, u in enumerate(tree.walk())}
    with use_locale("vi"):
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("Proposal lists")[:31]
        headers = [_("No."), _("Agency"), _("Unit"), _("Individual or collective"),
                   _("Title or form of commendation"), _("Included"), _("Origin"),
                   _("List"), _("Criteria met")]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(name=FONT, bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
        n = 0
        for stored in sorted(lists, key=lambda x: order.get(x.org_id, 0)):
            review = reviews.get(stored.review_id)
            ruleset = load_ruleset(review.ruleset_id) if review else catalog_for_year(year)
            org = tree.find(stored.org_id)
            agency = tree.agency_of(stored.org_id) if org is not None else None
            rank = {t.code: i for i, t in enumerate(ruleset.titles)}
            for entry in sorted(stored.entries, key=lambda e: (
                    rank.get(e.title, 99), e.subject.person_id is not None,
                    vietnamese_sort_key(people[e.subject.person_id].full_name)
                    if e.subject.person_id in people else ())):
                n += 1
                who = people[entry.subject.person_id].full_name \
                    if entry.subject.person_id in people else _("the collective itself")
                sheet.append([
                    n, agency.name if agency else "",
                    org.name if org is not None and org.kind == OrgKind.UNIT else "", who,
                    title_name(entry.title, year), _("yes") if entry.included else _("no"),
                    _("computed") if entry.origin == "computed" else _("added by hand"),
                    _("submitted") if stored.submitted else _("draft"),
                    reasons_line(ruleset, entry.reasons),
                ])
        for col, width in enumerate([6, 34, 30, 28, 34, 10, 14, 12, 70], start=1):
            sheet.column_dimensions[get_column_letter(col)].width = width
        sheet.freeze_panes = "A2"
        buffer = BytesIO()
        book.save(buffer)
        return buffer.getvalue()
