"""Loading rule sets: YAML text (strict, keys unique), packaged files, the set in force."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from domain.rules.ruleset import RuleSet
from domain.rules.schema import QUESTION_TYPES, QUOTA_KINDS


class RuleSetError(ValueError):
    """A rule file that cannot be used; `problems` are "field.path: what is wrong" lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class NoRuleSetInForce(LookupError):
    """No packaged rule set covers the day asked about."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a rule file must not."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_ruleset(text: str, source: str = "<rule set>") -> RuleSet:
    """Parse and validate the YAML text of a rule set."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RuleSetError(source, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise RuleSetError(source, ["the file must be a mapping of rule set fields"])
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RuleSetError(source, _problems(exc)) from None


def load_ruleset_file(path: str | Path) -> RuleSet:
    """A rule file supplied by an operator (same schema as the packaged ones)."""
    path = Path(path)
    return parse_ruleset(path.read_text(encoding="utf-8"), str(path))


def _problems(exc: ValidationError) -> list[str]:
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        loc = _format_loc(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "value_error" and not loc:
            problems.extend(message.splitlines())  # our cross-reference lines carry their path
        elif error["type"] == "extra_forbidden":
            problems.append(f"{loc}: unknown field")
        else:
            problems.append(f"{loc}: {message}" if loc else message)
    return problems


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i > 0 and isinstance(loc[i - 1], int) and part in QUESTION_TYPES | QUOTA_KINDS:
            continue  # the discriminator tag pydantic inserts: not a field of the file
        else:
            out += f".{part}" if out else str(part)
    return out


def _packaged() -> dict[str, Any]:
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in resources.files("domain").joinpath("rulesets").iterdir()
        if entry.name.endswith(".yaml")
    }


@functools.cache
def load_ruleset(ruleset_id: str) -> RuleSet:
    """A packaged rule set by id (its file name without `.yaml`)."""
    entry = _packaged().get(ruleset_id)
    if entry is None:
        raise KeyError(f"no packaged rule set '{ruleset_id}'")
    ruleset = parse_ruleset(entry.read_text(encoding="utf-8"), f"rulesets/{entry.name}")
    if ruleset.id != ruleset_id:
        raise RuleSetError(entry.name, [f"id: '{ruleset.id}' differs from the file name"])
    return ruleset


def available_rulesets() -> list[RuleSet]:
    """Every packaged rule set, oldest first."""
    return sorted((load_ruleset(i) for i in _packaged()), key=lambda r: r.effective_from)


def ruleset_for(day: date, rulesets: Iterable[RuleSet] | None = None) -> RuleSet:
    """The rule set in force on `day`.

    For a registration campaign pass the day its window opens and keep the chosen id with the
    campaign: people answer the questions of the rules in force when they register, and a
    campaign does not change rules half-way (README: "Which rule set applies").
    """
    pool = available_rulesets() if rulesets is None else rulesets
    candidates = [r for r in pool if r.in_force(day)]
    if not candidates:
        raise NoRuleSetInForce(day.isoformat())
    return max(candidates, key=lambda r: r.effective_from)


def ruleset_for_year(year: int, rulesets: Iterable[RuleSet] | None = None) -> RuleSet:
    """The rule set a registration year is judged by: the one in force on 31 December of
    the year, when its titles are considered (bình xét cuối năm).

    A year that straddles a change of the rules (2025: Nghị định 98/2023 until 30 June,
    Nghị định 152/2025 from 1 July) is judged by the rules in force at its end, whenever its
    registration opened; windows, imports and summaries all choose by this, so a year never
    has two rule sets. A year past every set's end takes the latest set started by then.
    """
    pool = list(available_rulesets() if rulesets is None else rulesets)
    end = date(year, 12, 31)
    started = [r for r in pool if r.effective_from <= end]
    if not started:
        raise NoRuleSetInForce(str(year))
    in_force = [r for r in started if r.in_force(end)]
    return max(in_force or started, key=lambda r: r.effective_from)
