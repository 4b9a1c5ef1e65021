"""Buttons of the campaign messages and their callback data (ASCII, far below 64 bytes).

Callback data carries ids and a page number only; everything shown is recomputed from the
database on each tap.

    cp:pg:<campaign>:<page>    reader: show another page (edits the message)
    cp:ack:<campaign>:<page>   reader: "I commit to carry it out"
    cp:open:<campaign>         reader: send the campaign as a new message (from /goals)
    open:goals                 reader: /goals (buttons of reminders)
    cp:view:<campaign>         secretariat: send a preview
    cp:pv:<campaign>:<page>    secretariat: page of a preview
    cp:ask:<campaign>          secretariat: ask to confirm a launch
    cp:go:<campaign>           secretariat: launch
    cp:no:<campaign>           secretariat: do not launch
    cp:pr:<campaign>           secretariat: measured progress
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from locales import _
from reports.campaigns import commit_label
from storage.outbox import Button

PREFIX = "cp"


def parse(data: str | None, action: str, count: int) -> list[int] | None:
    """The `count` numbers after `cp:<action>:`, or None if the data is not that."""
    parts = (data or "").split(":")
    if len(parts) != 2 + count or parts[0] != PREFIX or parts[1] != action:
        return None
    if not all(p.isdigit() and len(p) <= 9 for p in parts[2:]):
        return None
    return [int(p) for p in parts[2:]]


def _page_row(action: str, campaign_id: int, page: int, pages: int) -> list[Button]:
    row = []
    if page > 0:
        row.append(Button("◀ " + _("Previous page"), f"{PREFIX}:{action}:{campaign_id}:{page - 1}"))
    if page < pages - 1:
        row.append(Button(_("Next page") + " ▶", f"{PREFIX}:{action}:{campaign_id}:{page + 1}"))
    return row


def reader_buttons(campaign_id: int, page: int, pages: int,
                   can_commit: bool) -> list[list[Button]]:
    rows = []
    nav = _page_row("pg", campaign_id, page, pages)
    if nav:
        rows.append(nav)
    if can_commit:
        rows.append([Button(commit_label(), f"{PREFIX}:ack:{campaign_id}:{page}")])
    return rows


def preview_buttons(campaign_id: int, page: int, pages: int) -> list[list[Button]]:
    nav = _page_row("pv", campaign_id, page, pages)
    return [nav] if nav else []


def markup(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(b.text, callback_data=b.callback_data, url=b.url) for b in row]
        for row in rows
    ])
