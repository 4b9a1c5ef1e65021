"""Human wording for import previews and import problems (roster, registrations, …)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.roster import RosterPlan, RowProblem
from locales import N_, _, format_number, ngettext

PROBLEM_TEXTS = {
    "bad_encoding": N_("the file is not UTF-8 text (save it as “CSV UTF-8”)"),
    "bad_xlsx": N_("the file is not a readable XLSX workbook"),
    "empty": N_("the file has no rows"),
    "missing_columns": N_("missing columns: {value} (the row of column names must be one of "
                          "the first 10 rows of the sheet)"),
    "legacy_xls": N_("this is an Excel 97–2003 workbook (.xls), which cannot be read: open it "
                     "and save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”, then send that "
                     "file"),
    "too_many_rows": N_("too many rows (at most {value})"),
    "too_many_columns": N_("the sheet declares too many columns (at most {value}); delete the "
                           "empty columns on the right"),
    "cell_too_long": N_("a cell is longer than {value} characters"),
    "bad_csv": N_("the line cannot be read as CSV (save the file again as “CSV UTF-8”)"),
    "hidden_sheet": N_("the workbook opens on a hidden sheet; show it, or save the roster "
                       "alone in a new workbook"),
    "too_long_name": N_("the full name is longer than {value} characters"),
    "too_long_position": N_("the position is longer than {value} characters"),
    "too_long_org": N_("a bloc, agency or unit name is longer than {value} characters"),
    "too_long_value": N_("a value is longer than {value} characters"),
    "out_of_scope": N_("outside your scope: only people and units of your scope can be "
                       "imported"),
    "missing_agency": N_("the agency is empty"),
    "missing_name": N_("the full name is empty"),
    "bad_is_leader": N_("“{value}” is not có/không (yes/no) in the leader column"),
    "unknown_role": N_(
        "unknown role “{value}” (expected staff, unit_head, agency_head or secretariat; in "
        "Vietnamese: cán bộ or nhân viên, trưởng đơn vị, thủ trưởng, thường trực)"
    ),
    "unit_head_without_unit": N_("a unit head needs a unit"),
    "bad_phone": N_("“{value}” is not a Vietnamese mobile number"),
    "duplicate_phone": N_("phone {value} is already used on line {other_line}"),
}


def describe_problem(problem: RowProblem) -> str:
    template = PROBLEM_TEXTS.get(problem.code, problem.code)
    detail = _(template).format(value=problem.value, other_line=problem.other_line)
    return _("Line {line}: {detail}").format(line=problem.line, detail=detail)


def problem_list(header: str, descriptions: Sequence[str], limit: int = 30) -> str:
    """A header and the first `limit` problems of a file, one a line, then how many more."""
    lines = list(descriptions[:limit])
    if len(descriptions) > limit:
        rest = len(descriptions) - limit
        lines.append(ngettext("… and {n} more problem", "… and {n} more problems", rest)
                     .format(n=rest))
    return "\n".join([header, *lines])


def nothing_changed_header(count: int) -> str:
    return ngettext(
        "The file has {n} problem; nothing was changed:",
        "The file has {n} problems; nothing was changed:",
        count,
    ).format(n=count)


def describe_problems(problems: Sequence[RowProblem], limit: int = 30) -> str:
    return problem_list(nothing_changed_header(len(problems)),
                        [describe_problem(p) for p in problems], limit)


def describe_roster_plan(plan: RosterPlan, rows: int) -> str:
    def count(n: int) -> str:
        return format_number(n)

    lines = [
        ngettext("{n} valid row", "{n} valid rows", rows).format(n=count(rows)),
        _("New people: {n}").format(n=count(len(plan.new_people))),
        _("Updated people: {n}").format(n=count(len(plan.changed_people))),
        _("Reactivated people: {n}").format(n=count(len(plan.reactivated_people))),
        _("Deactivated (missing from the file): {n}").format(n=count(len(plan.deactivated_people))),
        _("Unchanged people: {n}").format(n=count(plan.unchanged_people)),
        _("New agencies and units: {n}").format(n=count(len(plan.new_orgs))),
        _("Deactivated agencies and units: {n}").format(n=count(len(plan.deactivated_orgs))),
    ]
    if plan.absent_elsewhere:
        lines.append(ngettext(
            "Missing from the file in agencies or units it does not name: {n} person, kept",
            "Missing from the file in agencies or units it does not name: {n} people, kept",
            plan.absent_elsewhere).format(n=count(plan.absent_elsewhere)))
    if plan.moved_agencies:
        lines.append(_("Agencies moved to another bloc: {n}").format(
            n=count(len(plan.moved_agencies))))
        lines.extend(f"• {m.agency}: {m.from_bloc} → {m.to_bloc}" for m in plan.moved_agencies)
    examples = _change_examples(plan)
    if examples:
        lines.append(_("Changes, for example:"))
        lines.extend(examples)
    return "\n".join(lines)


def _change_examples(plan: RosterPlan, limit: int = 5) -> Iterable[str]:
    shown = []
    for change in plan.changed_people[:limit]:
        fields = ", ".join(f"{k}: {old} → {new}" for k, (old, new) in change.fields.items())
        shown.append(f"• {change.person.full_name}: {fields}")
    for person in plan.deactivated_people[: max(0, limit - len(shown))]:
        shown.append("• " + _("{name}: deactivated").format(name=person.full_name))
    return shown


def parse_failure_text(reason: str) -> str:
    """Why a file could not be read within the bounds of app/parsing.py."""
    if reason == "busy":
        return _("Many files are being read right now. Please send this one again in a "
                 "minute.")
    return _("I could not read this file within the limits: it is too large or too complex. "
             "Nothing was changed. Save it again (only the table, in a new file) and send "
             "it again.")
