"""The messages and buttons of the registration conversations (HTML, short, phone-sized).

Choice data: `rg:<action>:<draft id>:<version>[:<index>]` (`app.registration.choices`) for
anything that changes a draft, so a button of an older screen is recognised as expired.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from html import escape
from typing import Any

from app.registration.choices import DraftPick
from app.registration.scene import Scene
from app.ui import Choice, Role, Rows, tapped
from domain.drafts import Draft
from domain.records import Registration
from domain.registration import RegistrationReview, expand_implied, explicit_choice
from domain.rules import (
    ChoiceQuestion,
    IntegerQuestion,
    Question,
    RuleSet,
    RuleWarning,
    TextQuestion,
    Title,
    YearsQuestion,
    YesNoQuestion,
)
from locales import _, format_date, format_datetime, format_number, get_locale
from reports.rule_warnings import citation, warning_icon, warning_text

TICKED, UNTICKED = "☑", "☐"
MAX_MESSAGE = 4000
CLIP = 300


def _on(draft: Draft, action: str, arg: int | str | None = None) -> str:
    """The data of a choice acting on `draft` at the version shown."""
    return DraftPick(action, draft.id, draft.version, arg).data


def _button(text: str, data: str, role: Role | None = None) -> Choice:
    return Choice(text, data, role)


def _name(title: Title) -> str:
    return title.name.get(get_locale())


# --- Titles -------------------------------------------------------------------------------


def titles_screen(scene: Scene, draft: Draft, titles: Sequence[Title]
                  ) -> tuple[str, Rows]:
    ruleset = scene.ruleset
    assert scene.window is not None
    implied = expand_implied(ruleset, draft.titles) - draft.titles
    text = "\n".join([
        "<b>" + escape(_("Emulation registration {year}").format(year=draft.year)) + "</b>",
        scene.heading(),
        escape(_("Deadline: {date}").format(date=format_date(scene.window.deadline))),
        "",
        escape(_("Tick the titles and forms of commendation to register (tap again to untick), "
                 "then tap “Continue”.") if tapped() else
               _("Type the numbers of the titles and forms of commendation to register (again "
                 "to untick), then the number of “Continue”.")),
    ])
    rows = []
    index = {t.code: i for i, t in enumerate(ruleset.titles)}
    for title in titles:
        if title.code in draft.titles:
            label = f"{TICKED} {_name(title)}"
        elif title.code in implied:
            label = f"{TICKED} {_name(title)} " + _("(comes with another)")
        else:
            label = f"{UNTICKED} {_name(title)}"
        rows.append([_button(label, _on(draft, "t", index[title.code]))])
    rows.append([
        _button(_("Continue ➡️"), _on(draft, "n")),
        _button(_("⏸ Later"), _on(draft, "x"), Role.CANCEL),
    ])
    return text, tuple(tuple(r) for r in rows)


def chosen_titles_line(ruleset: RuleSet, codes: Iterable[str]) -> str:
    """HTML: the ticked titles, then those that come with them, marked."""
    codes = frozenset(codes)
    everything = expand_implied(ruleset, codes)
    explicit = explicit_choice(ruleset, everything)
    names = [escape(_name(ruleset.title(c))) for c in ruleset.sort_codes(explicit)]
    names += [
        escape(_name(ruleset.title(c))) + " <i>" + escape(_("(comes with another)")) + "</i>"
        for c in ruleset.sort_codes(everything - explicit)
    ]
    return ", ".join(names)


# --- Questions ----------------------------------------------------------------------------


def _hint(question: Question) -> str:
    if isinstance(question, IntegerQuestion):
        if question.min is not None and question.max is not None:
            return _("Type a number from {min} to {max}.").format(
                min=question.min, max=question.max)
        return _("Type a number.")
    if isinstance(question, YearsQuestion):
        return _("Type the years.")
    if isinstance(question, TextQuestion):
        return _("Type your answer (at least {min} characters).").format(
            min=question.min_length)
    return _("Tap an answer.") if tapped() else _("Type the number of your answer.")


def question_screen(
    draft: Draft, question: Question, position: int, total: int, asked_by: Sequence[Title],
    note: str | None = None,
) -> tuple[str, Rows]:
    """`note`: what the bot knows itself (the members' registrations), under the prompt."""
    locale = get_locale()
    header = _("Question {n} of {total}").format(n=position, total=total)
    if asked_by:
        header += " · " + ", ".join(_name(t) for t in asked_by)
    lines = ["<b>" + escape(header) + "</b>", escape(question.prompt.get(locale))]
    if note:
        lines.append("📊 " + escape(note))
    current = draft.answers.get(question.key)
    if current is not None:
        lines.append(_("Current answer: {value}").format(value=format_value(question, current)))
    choosing = isinstance(question, ChoiceQuestion | YesNoQuestion)
    hint = question.hint.get(locale) if question.hint is not None and not choosing \
        else _hint(question)
    lines.append("<i>" + escape(hint) + "</i>")
    rows: list[list[Choice]] = []
    if isinstance(question, ChoiceQuestion):
        rows = [[_button(o.label.get(locale), _on(draft, "a", i))]
                for i, o in enumerate(question.options)]
    elif isinstance(question, YesNoQuestion):
        rows = [[_button(_("Yes"), _on(draft, "a", "y")),
                 _button(_("No"), _on(draft, "a", "n"))]]
    if current is not None:
        rows.append([_button(_("↩️ Keep the current answer"), _on(draft, "k"))])
    return "\n".join(lines), tuple(tuple(r) for r in rows)


def plain_value(question: Question | None, value: Any) -> str:
    """A stored answer as people read it, as plain text."""
    return html.unescape(format_value(question, value))


def format_value(question: Question | None, value: Any) -> str:
    """HTML of a stored answer as people read it."""
    if isinstance(question, ChoiceQuestion):
        option = question.option(value)
        return escape(option.label.get(get_locale())) if option else escape(str(value))
    if isinstance(value, bool):
        return escape(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value))
    if isinstance(value, int):
        unit = getattr(question, "unit", None)
        number = format_number(value)
        if unit is None:
            return escape(number)
        text = unit.get(get_locale())
        return escape(f"{number}{text}" if text == "%" else f"{number} {text}")
    return escape(str(value))


# --- Review -------------------------------------------------------------------------------


def warning_line(warning: RuleWarning, ruleset: RuleSet) -> str:
    """HTML: one warning (reports.rule_warnings words it) with its legal basis."""
    legal = citation(ruleset, warning.legal_ref)
    suffix = f" <i>({escape(legal)})</i>" if legal else ""
    return warning_icon(warning) + " " + escape(warning_text(ruleset, warning)) + suffix


def _answer_lines(ruleset: RuleSet, review: RegistrationReview, clip: int | None,
                  recorded: Collection[str] = ()) -> list[str]:
    lines = []
    for n, answer in enumerate(review.answers, start=1):
        value = format_value(ruleset.question(answer.key), answer.value)
        if clip is not None and len(value) > clip:
            raw = str(answer.value)
            value = escape(raw[:clip]) + "…"
        if answer.key in recorded:
            value += " <i>" + escape(_("(from the results on record)")) + "</i>"
        lines.append(f"{n}. <i>{escape(answer.prompt.get(get_locale()))}</i>\n   → {value}")
    return lines


def recorded_lines(ruleset: RuleSet, draft: Draft, recorded: Collection[str]) -> list[str]:
    """HTML: the answers the results on record gave (shown, not asked)."""
    return ["📋 " + escape(_("From the results on record, not asked: {prompt} → {value}").format(
        prompt=ruleset.question(q.key).prompt.get(get_locale()),
        value=", ".join(str(y) for y in draft.answers[q.key])))
        for q in ruleset.questions if q.key in recorded and q.key in draft.answers]


def review_screen(
    scene: Scene,
    draft: Draft,
    review: RegistrationReview,
    warnings: Sequence[RuleWarning],
    editing: Registration | None,
    *,
    recorded: Collection[str] = (),
) -> tuple[str, Rows]:
    """`recorded`: answers the results on record gave: marked, and not offered to edit."""
    ruleset = scene.ruleset
    for clip in (None, CLIP, 80):
        text = _review_text(scene, draft, review, warnings, editing, clip, recorded)
        if len(text) <= MAX_MESSAGE:
            break
    q_index = {q.key: i for i, q in enumerate(ruleset.questions)}
    edits = [
        _button(_("✏️ Answer {n}").format(n=n), _on(draft, "e",
                                                   q_index[a.key]))
        for n, a in enumerate(review.answers, start=1) if a.key not in recorded
    ]
    rows = [[_button(_("✅ Confirm"), _on(draft, "ok"))]]
    rows += [edits[i:i + 3] for i in range(0, len(edits), 3)]
    rows.append([_button(_("✏️ Titles"), _on(draft, "et"))])
    rows.append([
        _button(_("⏸ Later"), _on(draft, "x")),
        _button(_("🗑 Discard changes") if editing else _("🗑 Discard draft"),
                _on(draft, "d")),
    ])
    return text, tuple(tuple(r) for r in rows)


def _review_text(
    scene: Scene,
    draft: Draft,
    review: RegistrationReview,
    warnings: Sequence[RuleWarning],
    editing: Registration | None,
    clip: int | None,
    recorded: Collection[str] = (),
) -> str:
    ruleset = scene.ruleset
    lines = [
        "<b>" + escape(_("Review: emulation registration {year}").format(year=draft.year))
        + "</b>",
        scene.heading(),
    ]
    if editing is not None and editing.is_confirmed:
        lines.append("<i>" + escape(_(
            "You are editing registration {reference}; it stays as confirmed until you "
            "confirm the new version.").format(reference=editing.reference)) + "</i>")
    lines += ["", "<b>" + escape(_("Titles and forms of commendation")) + "</b>"]
    for title in review.titles:
        mark = " <i>" + escape(_("(comes with another)")) + "</i>" if title.implied else ""
        lines.append("• " + escape(title.name.get(get_locale())) + mark)
    if review.answers:
        lines += ["", "<b>" + escape(_("Answers")) + "</b>"]
        lines += _answer_lines(ruleset, review, clip, recorded)
    if warnings:
        lines += ["", "<b>" + escape(_("Please note (this does not prevent registering)"))
                  + "</b>"]
        lines += [warning_line(w, ruleset) for w in warnings]
    lines += ["", escape(_("Check, then type the number of “✅ Confirm” to save. You can "
                           "change any answer with the other numbers.")) if not tapped() else
              escape(_("Check, then tap “✅ Confirm” to save. You can change any answer "
                           "with the buttons below."))]
    return "\n".join(lines)


# --- After confirming, and /status ----------------------------------------------------------


def local(value: datetime | None, tz: Any) -> str:
    return format_datetime(value.astimezone(tz)) if value else ""


def confirmation_text(scene: Scene, registration: Registration, tz: Any, updated: bool) -> str:
    assert scene.window is not None
    ruleset = scene.ruleset
    saved = (_("Saved the changes to the emulation registration {year} at {time}.") if updated
             else _("Saved the emulation registration {year} at {time}.")).format(
        year=registration.year, time=local(registration.confirmed_at, tz))
    return "\n".join([
        "✅ <b>" + escape(saved) + "</b>",
        escape(_("Reference number: {reference}.").format(reference=registration.reference)),
        scene.heading(),
        escape(_("Titles:")) + " " + chosen_titles_line(ruleset, registration.all_titles),
        "",
        escape(_("See it again with /cuatoi. You can edit or withdraw it until {deadline} "
                 "inclusive.").format(deadline=format_date(scene.window.deadline))),
    ])


def registration_block(ruleset: RuleSet, registration: Registration, tz: Any) -> list[str]:
    """HTML lines of a stored registration: status, reference, titles, answers."""
    if registration.is_confirmed:
        status = _("✅ Confirmed at {time} · reference {reference}").format(
            time=local(registration.confirmed_at, tz), reference=registration.reference)
    else:
        status = _("↩️ Withdrawn at {time} · reference {reference}").format(
            time=local(registration.withdrawn_at, tz), reference=registration.reference)
    if registration.source == "import":
        status += " · " + _("entered by the emulation and commendation office")
    lines = [escape(status),
             escape(_("Titles:")) + " " + chosen_titles_line(ruleset, registration.all_titles)]
    keys = [q for q in ruleset.questions if q.key in registration.answers]
    for question in keys:
        lines.append(f"• <i>{escape(question.prompt.get(get_locale()))}</i> → "
                     f"{format_value(question, registration.answers[question.key])}")
    return lines


def draft_line(ruleset: RuleSet, draft: Draft, tz: Any) -> str:
    titles = chosen_titles_line(ruleset, draft.titles) if draft.titles else "—"
    return escape(_("📝 Not confirmed yet (last change {time}):").format(
        time=local(draft.updated_at, tz))) + " " + titles
