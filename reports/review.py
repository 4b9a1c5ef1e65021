"""Words of the year-end review: ratings, the criteria met, assessments and proposal lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.rules import RuleSet
from locales import _, get_locale
from reports.summary_common import title_name


def rating_name(ruleset: RuleSet, code: str | None) -> str:
    if code is None or ruleset.review is None:
        return _("not confirmed")
    option = ruleset.review.rating(code)
    return option.label.get(get_locale()) if option is not None else code


def reason_text(ruleset: RuleSet, reason: Mapping[str, Any]) -> str:
    """One criterion met, as the proposal list explains it."""
    kind, detail = reason.get("kind", ""), str(reason.get("detail", ""))
    if kind == "rating":
        return _("rated: {rating}").format(rating=rating_name(ruleset, detail))
    if kind == "eligible":
        return _("meets {title}").format(title=title_name(ruleset, detail))
    if kind == "initiative":
        return _("initiative: {title}").format(title=detail)
    if kind == "declared_initiative":
        return _("initiative declared, not on the register yet: {title}").format(title=detail)
    if kind == "record":
        return _("years running: {years}").format(years=detail)
    if kind == "no_discipline":
        return _("nobody disciplined")
    if kind == "members_share":
        return _("members: {share}").format(share=detail)
    if kind == "members_count":
        return _("members qualifying: {count}").format(count=detail)
    return kind


def reasons_line(ruleset: RuleSet, reasons: Iterable[Mapping[str, Any]]) -> str:
    return "; ".join(reason_text(ruleset, r) for r in reasons if r.get("met"))
