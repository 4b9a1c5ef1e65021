"""A file sent to the bot, read once: which kind it is and what it holds.

`parse_upload` is pure and bounded by the readers' own limits (domain.tabular,
domain.campaign_file); app/parsing.py runs it in a worker process with a time and memory
bound. The result is kept, as JSON, with the pending upload (storage.uploads) until the
sender applies it: Apply works from it and never parses the file again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.campaign_file import (
    CampaignFile,
    CampaignProblem,
    is_campaign_filename,
    parse_campaign_file,
)
from domain.campaigns import CampaignDocument
from domain.models import Role
from domain.registration_import import COLUMNS as REGISTRATION_COLUMNS
from domain.registration_import import DETECT as REGISTRATION_DETECT
from domain.registration_import import (
    RegistrationFile,
    RegistrationRow,
    registrations_from_raw,
)
from domain.results_import import (
    INITIATIVE_COLUMNS,
    INITIATIVE_DETECT,
    RESULT_COLUMNS,
    RESULT_DETECT,
)
from domain.roster import COLUMNS as ROSTER_COLUMNS
from domain.roster import RosterFile, RosterRow, RowProblem, roster_from_raw
from domain.tabular import TABLE_SUFFIXES, RawTable, has_columns, is_legacy_xls, read_raw

ROSTER, REGISTRATIONS, CAMPAIGN = "roster", "registrations", "campaign"
RESULTS, INITIATIVES = "results", "initiatives"
ROSTER_DETECT = {"full_name", "phone", "role"}


@dataclass(frozen=True)
class ParsedUpload:
    kind: str | None  # ROSTER, REGISTRATIONS, CAMPAIGN; None: not a file we know
    roster: RosterFile | None = None
    registrations: RegistrationFile | None = None
    campaign: CampaignFile | None = None
    source: str | None = None  # a campaign file's text, stored with the campaign
    # A decision list or an initiatives register: the table as read (its rows are checked
    # against the date of the import, domain.results_import).
    table: RawTable | None = None

    @property
    def rows(self) -> int:
        if self.roster is not None:
            return len(self.roster.rows)
        if self.registrations is not None:
            return len(self.registrations.rows)
        if self.table is not None:
            return max(0, len(self.table.rows) - 1)
        return 0


def parse_upload(filename: str, content: bytes, *, default_bloc: str, bloc_given: bool = False,
                 expect: str | None = None) -> ParsedUpload:
    """Recognise and parse a file; `default_bloc` is the bloc of roster rows without one
    (`bloc_given`: asked for explicitly). `expect`: the kind the caller wants (the command
    line's `roster import`…): a table is read as that kind, so a wrong header is said as
    such rather than "not a roster file"."""
    if is_campaign_filename(filename) and expect in (None, CAMPAIGN):
        campaign = parse_campaign_file(content, filename)
        source = content.decode("utf-8-sig") if campaign.ok else None
        return ParsedUpload(CAMPAIGN, campaign=campaign, source=source)
    if not filename.lower().endswith(TABLE_SUFFIXES) and not is_legacy_xls(filename, content):
        return ParsedUpload(None)
    raw = read_raw(content, filename)

    def roster() -> ParsedUpload:
        return ParsedUpload(ROSTER, roster=roster_from_raw(raw, default_bloc,
                                                           bloc_given=bloc_given))

    if expect == ROSTER:
        return roster()
    if expect == REGISTRATIONS:
        return ParsedUpload(REGISTRATIONS, registrations=registrations_from_raw(raw))
    if expect in (RESULTS, INITIATIVES):
        return ParsedUpload(expect, table=raw)
    if raw.problem is not None:
        # Unreadable as a table (encoding, a broken or oversized workbook, an .xls): said as a
        # roster's problem, the most common file, rather than "unknown file".
        return roster()
    if has_columns(raw, ROSTER_COLUMNS, ROSTER_DETECT):
        return roster()
    # Before the registrations file: a results file also has year, agency and title columns,
    # and is told apart by its decision columns (an initiatives file by its level).
    if has_columns(raw, RESULT_COLUMNS, RESULT_DETECT):
        return ParsedUpload(RESULTS, table=raw)
    if has_columns(raw, INITIATIVE_COLUMNS, INITIATIVE_DETECT):
        return ParsedUpload(INITIATIVES, table=raw)
    if has_columns(raw, REGISTRATION_COLUMNS, REGISTRATION_DETECT):
        return ParsedUpload(REGISTRATIONS, registrations=registrations_from_raw(raw))
    return ParsedUpload(None)


# ---------------------------------------------------------------- stored as JSON


def _problems(problems: list[RowProblem]) -> list[list[Any]]:
    return [[p.line, p.code, p.value, p.other_line] for p in problems]


def _row_problems(items: list[list[Any]]) -> list[RowProblem]:
    return [RowProblem(line, code, value, other) for line, code, value, other in items]


def to_json(parsed: ParsedUpload) -> str:
    data: dict[str, Any] = {"kind": parsed.kind, "source": parsed.source}
    if parsed.roster is not None:
        data["roster"] = {
            "rows": [[r.line, r.bloc, r.agency, r.unit, r.full_name, r.position, r.is_leader,
                      r.role.value, r.phone, r.bloc_given] for r in parsed.roster.rows],
            "problems": _problems(parsed.roster.problems),
        }
    if parsed.registrations is not None:
        data["registrations"] = {
            "rows": [[r.line, r.year, r.agency, r.unit, r.full_name, r.phone, r.title]
                     for r in parsed.registrations.rows],
            "problems": _problems(parsed.registrations.problems),
        }
    if parsed.table is not None:
        data["table"] = [[line, cells] for line, cells in parsed.table.rows]
    if parsed.campaign is not None:
        file = parsed.campaign
        data["campaign"] = {
            "document": file.document.model_dump(mode="json") if file.document else None,
            "problems": [[p.line, p.field, p.code, p.value] for p in file.problems],
            "scope": file.scope, "code": file.code, "field_lines": file.field_lines,
        }
    return json.dumps(data, ensure_ascii=False)


def from_json(text: str) -> ParsedUpload:
    data = json.loads(text)
    roster = registrations = campaign = None
    if "roster" in data:
        roster = RosterFile(
            rows=[RosterRow(line, bloc, agency, unit, name, position, leader, Role(role), phone,
                            *given)  # bloc_given: absent from previews stored before it
                  for line, bloc, agency, unit, name, position, leader, role, phone, *given
                  in data["roster"]["rows"]],
            problems=_row_problems(data["roster"]["problems"]))
    if "registrations" in data:
        registrations = RegistrationFile(
            rows=[RegistrationRow(*row) for row in data["registrations"]["rows"]],
            problems=_row_problems(data["registrations"]["problems"]))
    if "campaign" in data:
        stored = data["campaign"]
        document = stored["document"]
        campaign = CampaignFile(
            document=CampaignDocument.model_validate(document) if document else None,
            problems=[CampaignProblem(*p) for p in stored["problems"]],
            scope=stored["scope"], code=stored["code"], field_lines=stored["field_lines"])
    table = RawTable(rows=[(line, cells) for line, cells in data["table"]]) \
        if "table" in data else None
    return ParsedUpload(data["kind"], roster=roster, registrations=registrations,
                        campaign=campaign, source=data["source"], table=table)
