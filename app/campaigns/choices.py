"""Choices of the campaign screens and their data (ASCII, far below 64 bytes).

Choice data carries ids and a page number only; everything shown is recomputed from the
database on each pick. Packed by `data`, unpacked by `parse`, here only (`app.choicedata`).

    cp:pg:<campaign>:<page>    reader: show another page (replaces the screen)
    cp:ack:<campaign>:<page>   reader: "I commit to carry it out"
    cp:open:<campaign>         reader: send the campaign as a new message (from /goals)
    open:goals                 reader: /goals (choices of reminders: reports.progress)
    cp:view:<campaign>         secretariat: send a preview
    cp:pv:<campaign>:<page>    secretariat: page of a preview
    cp:ask:<campaign>          secretariat: ask to confirm a launch
    cp:go:<campaign>           secretariat: launch
    cp:no:<campaign>           secretariat: do not launch
    cp:pr:<campaign>           secretariat: measured progress

A page number names the pages of the channel the screen was shown on (pages are shorter
where messages are: `reports.campaigns.page_budget`); a choice comes back from that channel.
"""

from __future__ import annotations

from app.choicedata import fields, numbers, pack
from app.ui import Choice, Rows, rows
from locales import _
from reports.campaigns import commit_label
from storage.outbox import Button

PREFIX = "cp"
READER_ACTIONS = ("pg", "ack", "open")
SECRETARIAT_ACTIONS = ("view", "pv", "ask", "go", "no", "pr")
MAX_NUMBER = 999_999_999  # ids and pages: at most 9 digits
# How many numbers follow each action.
ARITY = {"pg": 2, "ack": 2, "open": 1, "view": 1, "pv": 2, "ask": 1, "go": 1, "no": 1, "pr": 1}


def data(action: str, *numbers: int) -> str:
    return pack(PREFIX, action, *numbers)


def parse(data: str | None) -> tuple[str, list[int]] | None:
    """(action, numbers) of `cp:<action>:<n>…`, or None if the data is not one of ours."""
    parts = fields(data, PREFIX)
    if not parts or parts[0] not in ARITY or len(parts) != 1 + ARITY[parts[0]]:
        return None
    values = numbers(parts[1:])
    if values is None or any(n > MAX_NUMBER for n in values):
        return None
    return parts[0], values


def _page_row(action: str, campaign_id: int, page: int, pages: int) -> list[Choice]:
    row = []
    if page > 0:
        row.append(Choice("◀ " + _("Previous page"), data(action, campaign_id, page - 1)))
    if page < pages - 1:
        row.append(Choice(_("Next page") + " ▶", data(action, campaign_id, page + 1)))
    return row


def reader_choices(campaign_id: int, page: int, pages: int, can_commit: bool) -> Rows:
    commit = [Choice(commit_label(), data("ack", campaign_id, page))] if can_commit else []
    return rows(_page_row("pg", campaign_id, page, pages), commit)


def preview_choices(campaign_id: int, page: int, pages: int) -> Rows:
    return rows(_page_row("pv", campaign_id, page, pages))


def buttons(choices: Rows) -> list[list[Button]]:
    """Choices as the outbox stores them (a launch message): each channel's sender shows them
    its own way, and their data comes back as picks the core routes."""
    return [[Button(c.label, c.data) for c in row] for row in choices]
