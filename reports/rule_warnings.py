"""The words of the rule set's warnings, wherever they are shown (a registration's review,
a summary, a digest, the XLSX): one wording per code, and its citation.

A check, a reuse check or a decider rule brings its wording from the rule file
(`RuleWarning.message`); the others (quotas, an answer the members' registrations
contradict) are worded here, through gettext. A citation names the article the way a
Vietnamese text does ("điểm a khoản 1 Điều 24 Luật Thi đua, khen thưởng"), so an officer can
look it up.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.figures import MemberFigures
from domain.rules import LegalRef, RuleSet, RuleWarning
from locales import _, format_percent, get_locale, ngettext


def citation(ruleset: RuleSet, ref: LegalRef | None) -> str:
    """"khoản 1 Điều 28 Luật Thi đua, khen thưởng"; "" without a reference."""
    if ref is None:
        return ""
    doc = next((d for d in ruleset.legal_docs if d.code == ref.doc), None)
    name = doc.cited(get_locale()) if doc is not None else ref.doc
    return f"{ref.article} {name}" if ref.article else name


def _percent(value: object) -> str:
    return format_percent(float(value), 0) if isinstance(value, int | float) else str(value)


def _names(names: Sequence[str], limit: int = 10) -> str:
    """At most `limit` names: a bloc of a hundred agencies must not make a page-long line."""
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        rest = len(names) - limit
        shown += " " + ngettext("and {n} more", "and {n} more", rest).format(n=rest)
    return shown


def _title_name(ruleset: RuleSet, code: object) -> str:
    code = str(code)
    return ruleset.title(code).name.get(get_locale()) if ruleset.has_title(code) else code


def figures_note(figure: str, figures: MemberFigures) -> str | None:
    """What the members' registrations say, shown on a question naming `figure`."""
    if not figures.members:
        return None
    if figure == "members_ldtt_percent":
        return _("Registered so far by the members: {count}/{members} people ({share}) "
                 "for Advanced Worker (implied titles included).").format(
            count=figures.ldtt, members=figures.members,
            share=_percent((figures.ldtt_percent or 0) / 100))  # as the checks count it
    if figure == "has_cstdcs_member":
        return ngettext(
            "Registered so far by the members: {count} person for Grassroots Emulation "
            "Fighter.",
            "Registered so far by the members: {count} people for Grassroots Emulation "
            "Fighter.",
            figures.cstdcs,
        ).format(count=figures.cstdcs)
    return None


def _contradiction(warning: RuleWarning) -> str:
    p = warning.params
    if p.get("figure") == "members_ldtt_percent":
        return _("The answer says {answer}% of the members will be Advanced Workers, but their "
                 "registrations show {actual}% ({count}/{members} people) so far.").format(
            answer=p.get("answer"), actual=p.get("actual"), count=p.get("ldtt", 0),
            members=p.get("members", 0))
    if p.get("answer"):
        return _("The answer says a member registers for Grassroots Emulation Fighter, but no "
                 "member has registered for it so far.")
    return ngettext(
        "The answer says no member registers for Grassroots Emulation Fighter, but {count} "
        "member has registered for it.",
        "The answer says no member registers for Grassroots Emulation Fighter, but {count} "
        "members have registered for it.",
        int(p.get("cstdcs", 0)),
    ).format(count=p.get("cstdcs", 0))


def warning_text(ruleset: RuleSet, warning: RuleWarning) -> str:
    """One warning in the current language, without its citation."""
    if warning.message is not None:
        text = warning.message.get(get_locale())
        items = warning.params.get("items")
        uses = warning.params.get("uses")
        if items and uses:  # an initiative already used on record: for what
            grounds = ", ".join(f"{_title_name(ruleset, code)} {year}" for year, code in uses)
            text += " " + _("({items}: {uses})").format(
                items=_names([str(i) for i in items], 3), uses=grounds)
        elif items:  # a reuse check: which initiative or achievement
            text += " " + _("({items})").format(items=_names([str(i) for i in items], 3))
        return text
    if warning.code == "figure_contradiction":
        return _contradiction(warning)
    if warning.code == "record_contradiction":
        years = ", ".join(str(y) for y in warning.params.get("years", []))
        return ngettext(
            "The results on record do not show {title} in {years}, which the answer gives.",
            "The results on record do not show {title} in {years}, which the answer gives.",
            len(warning.params.get("years", []))).format(
            title=_title_name(ruleset, warning.params.get("title", "")), years=years)
    p = warning.params
    values = {
        "org": p.get("org_name", ""),
        "count": p.get("count", 0),
        "max": p.get("max", 0),
        "holders": _names(p.get("holders", [])),
        "share": _percent(p.get("share", 0)),
        "min_share": _percent(p.get("min_share", 0)),
        "max_share": _percent(p.get("max_share", 0)),
        "non_leaders": p.get("non_leaders", 0),
        "total": p.get("total", 0),
        "of_count": p.get("of_count", 0),
        "collectives": p.get("collectives", 0),
        "title": _title_name(ruleset, p.get("title", "")),
        "of_title": _title_name(ruleset, p.get("of_title", "")),
    }
    templates = {
        "bloc_title_limit": _(
            "{org}: {count} collectives registered {title}; a bloc may have at most {max} "
            "({holders})."
        ),
        "non_leader_share_low": _(
            "{org}: proposals for people without a leadership post are {share} "
            "({non_leaders}/{total}), below the target of {min_share}."
        ),
        "non_leader_share": _(
            "{org}: proposals for people without a leadership post are {share} "
            "({non_leaders}/{total}), meeting the target of at least {min_share}."
        ),
        "title_share_high": _(
            "{org}: {count} {title} for {of_count} {of_title} ({share}), above the share "
            "of {max_share}."
        ),
        "collective_share_high": _(
            "{org}: {count} of {collectives} collectives registered {title} ({share}), "
            "above the share of {max_share}."
        ),
    }
    template = templates.get(warning.code)
    return template.format(**values) if template is not None else warning.code


def warning_with_citation(ruleset: RuleSet, warning: RuleWarning) -> str:
    """The warning and, when it has one, "(căn cứ: khoản 1 Điều 28 Luật …)"."""
    text = warning_text(ruleset, warning)
    cited = citation(ruleset, warning.legal_ref)
    return f"{text} " + _("(under {reference})").format(reference=cited) if cited else text


def warning_icon(warning: RuleWarning) -> str:
    return "ℹ️" if warning.severity == "info" else "⚠️"
