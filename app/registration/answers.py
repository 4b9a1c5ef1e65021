"""Why a typed answer was not accepted, in words (domain.registration.AnswerError codes)."""

from __future__ import annotations

from html import escape

from domain.registration import AnswerError
from domain.rules import ChoiceQuestion, Question, YearsQuestion
from locales import _, get_locale, tapped


def answer_error(question: Question, error: AnswerError) -> str:
    """HTML: what is wrong and how to answer; nothing was saved."""
    p = error.params
    if error.code == "too_short":
        text = _("The answer is too short: at least {min} characters, please.").format(
            min=p["min"])
    elif error.code == "too_long":
        text = _("The answer is too long: at most {max} characters ({length} sent).").format(
            max=p["max"], length=p["length"])
    elif error.code == "unknown_option":
        if isinstance(question, ChoiceQuestion):
            options = ", ".join(f"“{o.label.get(get_locale())}”" for o in question.options)
            text = (_("Please tap one of the answers: {options}.") if tapped() else
                    _("Please type the number of one of the answers: {options}.")).format(
                options=options)
        else:
            text = _("Please answer yes or no (có / không), or tap a button.") if tapped() \
                else _("Please answer yes or no (có / không), or type the number of a choice.")
    elif error.code == "not_a_number":
        text = _("Please type a number, for example 24.")
    elif error.code == "out_of_range":
        text = _("Please type a number from {min} to {max}.").format(
            min="…" if p["min"] is None else p["min"], max="…" if p["max"] is None else p["max"])
    elif error.code == "years_too_late":
        text = _("A year after {latest} has not happened yet: give years up to {latest}.").format(
            latest=p["latest"])
    else:
        example = ""
        if isinstance(question, YearsQuestion):
            example = " " + _("For example: 2021-2023 or 2021, 2022, 2023.")
        text = _("I could not read these years.") + example
    return escape(text) + "\n" + escape(_("Nothing was saved; please answer again."))
