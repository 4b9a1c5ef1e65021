"""Wording of the registrations import: problems with their line numbers, and the preview."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.registration_import import ImportPlan
from domain.roster import RowProblem
from domain.rules import RuleSet
from domain.subjects import Subject
from locales import N_, _, format_number, get_locale, ngettext
from reports.imports import PROBLEM_TEXTS as TABLE_PROBLEM_TEXTS
from reports.imports import nothing_changed_header, problem_list

PROBLEM_TEXTS = {
    "bad_year": N_("“{value}” is not a year"),
    "missing_title": N_("the title is empty"),
    "name_without_phone": N_("{value} has no phone number (a person is found by phone)"),
    "unknown_agency": N_("no agency “{value}” on the roster you manage"),
    "ambiguous_agency": N_("several agencies are named “{value}”"),
    "unknown_unit": N_("no unit “{value}” on the roster you manage"),
    "unknown_person": N_("nobody on the roster you manage has the phone number {value}"),
    "name_mismatch": N_("the name and phone number {value} do not match the roster"),
    "person_elsewhere": N_("the roster puts the person with this phone number in {value}"),
    "no_ruleset": N_("no rule set covers the year {value}"),
    "unknown_title": N_("unknown title “{value}”"),
    "title_not_for_person": N_("{value} is not a title for a person"),
    "title_not_for_unit": N_("{value} is not a title for a unit"),
    "title_not_for_agency": N_("{value} is not a title for an agency"),
    "title_for_bloc_members": N_("{value} is for agencies that are members of a bloc"),
    "duplicate_row": N_("{value} is already registered for this subject on line {other_line}"),
}


def describe_problem(problem: RowProblem) -> str:
    template = PROBLEM_TEXTS.get(problem.code) or TABLE_PROBLEM_TEXTS.get(problem.code)
    detail = _(template).format(value=problem.value, other_line=problem.other_line) if template \
        else problem.code
    return _("Line {line}: {detail}").format(line=problem.line, detail=detail)


def describe_problems(problems: Sequence[RowProblem], limit: int = 30) -> str:
    return problem_list(nothing_changed_header(len(problems)),
                        [describe_problem(p) for p in problems], limit)


def describe_plan(
    plan: ImportPlan,
    ruleset: RuleSet | None,
    label: Callable[[Subject], str],
    *,
    examples: int = 5,
) -> str:
    """Plain text: rows, new / changed / unchanged registrations, subjects per title."""
    new_people = sum(1 for p in plan.new if p.subject.is_person)
    years = sorted({p.year for p in plan.planned})
    lines = [
        ngettext("{n} valid row", "{n} valid rows", plan.rows).format(n=format_number(plan.rows)),
        _("Year: {years}").format(years=", ".join(str(y) for y in years)) if years else "",
        _("New registrations: {n} ({people} individual, {collectives} collective)").format(
            n=format_number(len(plan.new)), people=format_number(new_people),
            collectives=format_number(len(plan.new) - new_people)),
        _("Changed registrations: {n}").format(n=format_number(len(plan.changed))),
        _("Unchanged registrations: {n}").format(n=format_number(len(plan.unchanged))),
    ]
    counts = plan.title_counts()
    if counts:
        lines.append(_("Subjects per title (titles that come with another included):"))
        order = ruleset.sort_codes(counts) if ruleset else tuple(sorted(counts))
        for code in order:
            name = ruleset.title(code).name.get(get_locale()) if ruleset else code
            lines.append(f"• {name}: {format_number(counts[code])}")
    for planned, old in plan.changed[:examples]:
        before = ", ".join(sorted(old.titles)) or "—"
        after = ", ".join(sorted(planned.ticked))
        status = "" if old.counts else " " + _("(was withdrawn)")
        lines.append(f"• {label(planned.subject)}: {before} → {after}{status}")
    lines.append(_("Registrations of subjects not in the file are kept as they are."))
    return "\n".join(line for line in lines if line)

