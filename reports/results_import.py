"""Wording of the results and initiatives imports: problems by line, and the previews."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.results_import import InitiativesPlan, ResultsPlan
from domain.roster import RowProblem
from domain.rules import InitiativeLevel, RuleSet
from domain.subjects import Subject
from locales import N_, _, format_number, get_locale, ngettext
from reports.imports import PROBLEM_TEXTS as TABLE_PROBLEM_TEXTS
from reports.imports import nothing_changed_header, problem_list
from reports.registration_import import PROBLEM_TEXTS as REGISTRATION_PROBLEM_TEXTS

PROBLEM_TEXTS = {
    **REGISTRATION_PROBLEM_TEXTS,
    "year_in_future": N_("the year {value} has not ended yet"),
    "missing_decision": N_("the decision number is empty"),
    "bad_decision_number": N_("“{value}” is not a decision number"),
    "missing_decision_date": N_("the decision date is empty"),
    "bad_decision_date": N_("“{value}” is not a date (use 15/12/2024)"),
    "decision_in_future": N_("the decision date {value} has not come yet"),
    "decision_before_year": N_("the decision date {value} is before the year of the results"),
    "missing_decided_by": N_("who decided is empty"),
    "decided_by_too_long": N_("who decided is too long (at most {value} characters)"),
    "decision_conflict": N_("decision {value} names another decider on line {other_line}"),
    "person_not_found": N_("nobody within your scope has the phone number {value}"),
    "duplicate_result": N_("{value} is already on line {other_line} for this subject and year"),
    "initiative_for_collective": N_("an initiative is an individual's: “{value}”"),
    "unknown_initiative": N_("no initiative “{value}” of this person is on the register"),
    "missing_initiative_title": N_("the title of the initiative is empty"),
    "initiative_title_too_long": N_("the title is too long (at most {value} characters)"),
    "bad_kind": N_("“{value}” is not sáng kiến or đề tài"),
    "bad_level": N_("“{value}” is not a level (cơ sở, tỉnh or toàn quốc)"),
    "missing_authors": N_("the authors' phone numbers are empty"),
    "authors_phones_differ": N_("the authors' names and phone numbers are not as many"),
    "duplicate_initiative": N_("“{value}” of this year is already on line {other_line}"),
}
LEVEL_NAMES = {
    InitiativeLevel.GRASSROOTS: N_("grassroots level"),
    InitiativeLevel.PROVINCE: N_("provincial level"),
    InitiativeLevel.NATIONAL: N_("national level"),
}
KIND_NAMES = {"initiative": N_("initiative"), "research": N_("research topic")}


def level_name(level: InitiativeLevel) -> str:
    return _(LEVEL_NAMES[level])


def kind_name(kind: str) -> str:
    return _(KIND_NAMES.get(kind, kind))


def describe_problem(problem: RowProblem) -> str:
    template = PROBLEM_TEXTS.get(problem.code) or TABLE_PROBLEM_TEXTS.get(problem.code)
    detail = _(template).format(value=problem.value, other_line=problem.other_line) \
        if template else problem.code
    return _("Line {line}: {detail}").format(line=problem.line, detail=detail)


def describe_problems(problems: Sequence[RowProblem], limit: int = 30) -> str:
    return problem_list(nothing_changed_header(len(problems)),
                        [describe_problem(p) for p in problems], limit)


def _title(ruleset: RuleSet, code: str) -> str:
    return ruleset.title(code).name.get(get_locale()) if ruleset.has_title(code) else code


def describe_results_plan(plan: ResultsPlan, ruleset: RuleSet, label: Callable[[Subject], str],
                          *, examples: int = 5) -> str:
    """Plain text: rows, new / corrected / unchanged results, results per title, reuse."""
    years = sorted({p.year for p in plan.planned})
    lines = [
        ngettext("{n} valid row", "{n} valid rows", plan.rows).format(n=format_number(plan.rows)),
        _("Year: {years}").format(years=", ".join(str(y) for y in years)) if years else "",
        _("New results: {n}").format(n=format_number(len(plan.new))),
        _("Results whose decision changes: {n}").format(n=format_number(len(plan.changed))),
        _("Unchanged results: {n}").format(n=format_number(len(plan.unchanged))),
        _("Decisions: {n}").format(n=format_number(len(plan.decisions))),
    ]
    counts = plan.title_counts()
    if counts:
        lines.append(_("Results per title:"))
        lines += [f"• {_title(ruleset, code)}: {format_number(counts[code])}"
                  for code in ruleset.sort_codes(counts)]
    for planned, old in plan.changed[:examples]:
        lines.append("• " + _("{subject}, {title} {year}: decision {before} → {after}").format(
            subject=label(planned.subject), title=_title(ruleset, planned.title),
            year=planned.year, before=old.decision.number, after=planned.decision.number))
    for reuse in plan.reused[:examples]:
        uses = ", ".join(f"{_title(ruleset, code)} {year}" for year, code in reuse.uses)
        lines.append("⚠️ " + _("Line {line}: the initiative “{initiative}” already grounds "
                              "{uses}; an initiative is used once only.").format(
            line=reuse.line, initiative=reuse.initiative, uses=uses))
    lines.append(_("Results not in the file are kept as they are."))
    return "\n".join(line for line in lines if line)


def describe_initiatives_plan(plan: InitiativesPlan) -> str:
    years = sorted({p.year for p in plan.planned})
    lines = [
        ngettext("{n} valid row", "{n} valid rows", plan.rows).format(n=format_number(plan.rows)),
        _("Year: {years}").format(years=", ".join(str(y) for y in years)) if years else "",
        _("New initiatives: {n}").format(n=format_number(len(plan.new))),
        _("Changed initiatives: {n}").format(n=format_number(len(plan.changed))),
        _("Unchanged initiatives: {n}").format(n=format_number(len(plan.unchanged))),
    ]
    levels: dict[InitiativeLevel, int] = {}
    for item in plan.planned:
        levels[item.level] = levels.get(item.level, 0) + 1
    for level in InitiativeLevel:
        if levels.get(level):
            lines.append(f"• {level_name(level)}: {format_number(levels[level])}")
    lines.append(_("Initiatives not in the file are kept as they are."))
    return "\n".join(line for line in lines if line)

