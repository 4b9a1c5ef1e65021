"""Wording of registration windows, shared by the bot and the command line (plain text)."""

from __future__ import annotations

from datetime import date
from html import escape

from domain.org import OrgTree
from domain.windows import RegistrationWindow, WindowState
from locales import _, format_date, ngettext, use_locale


def scope_name(window: RegistrationWindow, tree: OrgTree) -> str:
    if window.scope_org_id is None:
        return _("all agencies")
    org = tree.find(window.scope_org_id)
    return org.name if org is not None else "?"


def window_dates(window: RegistrationWindow) -> str:
    return _("from {opens} to {deadline} inclusive").format(
        opens=format_date(window.opens_on), deadline=format_date(window.deadline)
    )


def window_state(window: RegistrationWindow, today: date) -> str:
    state = window.state(today)
    if state == WindowState.NOT_YET_OPEN:
        return _("not open yet")
    if state == WindowState.CLOSED:
        return _("past the deadline")
    left = (window.deadline - today).days
    if left == 0:
        return _("open, last day today")
    return ngettext("open, {n} day left", "open, {n} days left", left).format(n=left)


def describe_window(window: RegistrationWindow, tree: OrgTree, today: date) -> str:
    """"2024 · Khối Tham mưu Tổng hợp: from 15/01/2024 to 15/03/2024 inclusive (open, …)"."""
    return _("{year} · {scope}: {dates} ({state})").format(
        year=window.year,
        scope=scope_name(window, tree),
        dates=window_dates(window),
        state=window_state(window, today),
    )


def deadline_notice(window: RegistrationWindow, before: date, tree: OrgTree, locale: str) -> str:
    """The message (HTML) telling a person concerned that a deadline changed."""
    with use_locale(locale):
        text = _("📅 The deadline of the {year} emulation registration ({scope}) is now "
                 "{deadline} inclusive (it was {before}). Register, or review your "
                 "registration, with /dangky before then.").format(
            year=window.year, scope=scope_name(window, tree),
            deadline=format_date(window.deadline), before=format_date(before))
    return escape(text, quote=False)


def window_error(code: str, params: dict) -> str:
    if code == "exists":
        existing: RegistrationWindow = params["window"]
        return _(
            "The registration of {year} is already open for this scope ({dates}). "
            "Change its deadline instead."
        ).format(year=existing.year, dates=window_dates(existing))
    if code == "deadline_before_opening":
        return _("The deadline {deadline} is before the opening day {opens}.").format(
            deadline=format_date(params["deadline"]), opens=format_date(params["opens_on"]))
    if code == "no_ruleset":
        return _("No rule set is in force on {day}.").format(day=format_date(params["day"]))
    if code == "bad_year":
        return _("{year} is not a registration year.").format(year=params["year"])
    if code == "changed":
        return _("The deadline was changed meanwhile: look at the windows again.")
    if code == "not_found":
        return _("There is no such registration window.")
    return _("Unknown scope.")
