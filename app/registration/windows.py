"""/window (/dotdangky) for the secretariat: list, open and extend registration windows, and
the same use cases for `thidua registration open|extend|list`.

    /dotdangky                                  windows of the secretariat's scope, "+7 days"
    /dotdangky mo <year> <deadline> [<opening>] open (the opening day defaults to today)
    /dotdangky giahan <year> <deadline>         set a new deadline

English verbs (open, extend) work too; dates are typed 15/03/2026 or 2026-03-15. The scope is
the secretariat's (THIDUA_SECRETARIAT_SCOPE): the listing shows every window that concerns
it, but "+7 days" only on those it may change (its scope's, or inside it; a province-wide one
is the province secretariat's). The choice asks for confirmation; both carry the deadline
shown, so an outdated one changes nothing. A changed deadline is sent to the people it
concerns (storage.deadlines, through the outbox). On Zalo the same screens come as numbered
lists and the command is typed with its arguments.

```mermaid
stateDiagram-v2
    [*] --> Listing: /dotdangky
    Listing --> Asked: ⏩ year +7 days (win:x:<window>:<deadline shown>)
    Asked --> Listing: ✅ Move it (win:y:…): deadline changed, people told
    Asked --> Listing: « Back (win:n)
    Listing --> Listing: a choice whose deadline is no longer the window's (expired)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from app.context import Ctx
from app.registration.choices import unpack_window, window_data
from app.services import NO_ORG, Services
from app.ui import Choice, Role
from domain.org import OrgTree
from domain.rules import load_ruleset
from domain.text import fold_key
from domain.windows import (
    RegistrationWindow,
    governed_org_ids,
    looks_like_day,
    may_change,
    parse_day,
)
from locales import _, format_date, get_locale, ngettext
from reports.registration_windows import (
    deadline_notice,
    describe_window,
    scope_name,
    window_error,
)
from storage.audit import AuditContext
from storage.deadlines import DeadlineChange, change_deadline, deadline_recipients
from storage.windows import WindowError, WindowRepository

OPEN_WORDS = {"open", "mo"}
EXTEND_WORDS = {"extend", "giahan", "gia-han", "deadline", "han"}
EXTRA_DAYS = 7


# --------------------------------------------------------------------------- use cases


@dataclass(frozen=True)
class WindowOutcome:
    ok: bool
    text: str  # plain: what was done, or why not


def opened_text(window: RegistrationWindow, tree: OrgTree, today: date) -> str:
    """How an opened window is announced: open now, or the day it will open."""
    if window.opens_on > today:
        return _("The registration of {year} ({scope}) will open on {opens}; deadline {deadline} "
                 "inclusive.").format(year=window.year, scope=scope_name(window, tree),
                                      opens=format_date(window.opens_on),
                                      deadline=format_date(window.deadline))
    return _("Registration opened: {window}").format(window=describe_window(window, tree, today))


async def open_registration(services: Services, year: int, scope_org_id: int | None,
                            opens: date, deadline: date, who: AuditContext) -> WindowOutcome:
    """Open the registration of `year` for a scope (the chat's /dotdangky mo, the CLI's
    `registration open`)."""
    try:
        window = await WindowRepository(services.db).open_window(
            year, scope_org_id, opens, deadline, who)
    except WindowError as error:
        return WindowOutcome(False, window_error(error.code, error.params))
    tree = await services.orgs.tree()
    return WindowOutcome(True, "\n".join([
        opened_text(window, tree, services.now().date()),
        _("Rule set: {name}").format(name=load_ruleset(window.ruleset_id).name.get(
            get_locale())),
    ]))


async def _change(services: Services, window_id: int, deadline: date, who: AuditContext, *,
                  shown: date | None = None) -> DeadlineChange:
    tree = await services.orgs.tree()
    change = await change_deadline(
        services.db, window_id, deadline, who, tree,
        lambda window, before, locale: deadline_notice(
            window, before, tree, locale or services.settings.locale),
        shown=shown)
    services.wake_sender()  # the CLI has none: the running bot's sender polls the outbox
    return change


def _told(change: DeadlineChange) -> str:
    return ngettext("{n} person concerned is told the new deadline.",
                    "{n} people concerned are told the new deadline.",
                    change.told).format(n=change.told)


async def extend_registration(services: Services, year: int, scope_org_id: int | None,
                              deadline: date, who: AuditContext) -> WindowOutcome:
    """Set a new deadline for the registration of `year` in a scope, and tell the people it
    concerns (the chat's /dotdangky giahan, the CLI's `registration extend`)."""
    window = await WindowRepository(services.db).window_by_scope(year, scope_org_id)
    if window is None:
        return WindowOutcome(False, _("The registration of {year} has not been opened for "
                                      "this scope.").format(year=year))
    try:
        change = await _change(services, window.id, deadline, who)
    except WindowError as error:
        return WindowOutcome(False, window_error(error.code, error.params))
    tree = await services.orgs.tree()
    return WindowOutcome(True, "\n".join([
        _("Deadline changed: {window}").format(
            window=describe_window(change.window, tree, services.now().date())),
        _told(change)]))


async def window_lines(services: Services, year: int | None = None) -> list[str]:
    """Every window (of `year`), one line each (the CLI's `registration list`)."""
    windows = await WindowRepository(services.db).windows(year)
    tree = await services.orgs.tree(active_only=False)
    today = services.now().date()
    return [describe_window(window, tree, today) for window in windows]


# --------------------------------------------------------------------------- the chat


def _typed(day: date) -> str:
    return day.strftime("%d/%m/%Y")  # as the command reads it, whatever the language


def usage(today: date) -> str:
    """How to open and extend, with dates that work today (a month ahead, then two weeks
    more): an example copied as it is must succeed, in December too."""
    deadline = today + timedelta(days=30)
    later = deadline + timedelta(days=14)
    return "\n".join([
        _("Open the registration of a year: /dotdangky mo {year} {deadline} (deadline; add "
          "the opening day if it is not today)").format(year=deadline.year,
                                                        deadline=_typed(deadline)),
        _("Change the deadline: /dotdangky giahan {year} {deadline}").format(
            year=deadline.year, deadline=_typed(later)),
    ])


def _mine(windows: list[RegistrationWindow], tree: OrgTree, scope: int | None
          ) -> list[RegistrationWindow]:
    """Windows the secretariat deals with: its own scope, inside it, or covering everything."""
    return [w for w in windows
            if w.scope_org_id is None or scope is None
            or (w.scope_org_id in tree and tree.is_within(w.scope_org_id, scope))]


async def _listing(ctx: Ctx) -> tuple[str, list[list[Choice]]]:
    tree = await ctx.services.orgs.tree()
    day = ctx.today()
    scope = ctx.actor.secretariat_scope_id
    windows = _mine(await WindowRepository(ctx.services.db).windows(), tree, scope)
    if not windows:
        return escape(_("No registration has been opened yet.") + "\n\n" + usage(day)), []
    lines = ["<b>" + escape(_("Registration windows")) + "</b>"]
    rows = []
    for window in windows:
        lines.append("• " + escape(describe_window(window, tree, day)))
        if window.deadline >= day - timedelta(days=60) and scope != NO_ORG \
                and may_change(window, tree, scope):
            label = _("⏩ {year}: +{days} days").format(year=window.year, days=EXTRA_DAYS)
            rows.append([Choice(label, window_data("x", window.id, window.deadline))])
    lines += ["", escape(usage(day))]
    return "\n".join(lines), rows


async def window_command(ctx: Ctx, args: tuple[str, ...]) -> None:
    if not args:
        text, choices = await _listing(ctx)
        ctx.say(text, choices)
        return
    scope = ctx.actor.secretariat_scope_id
    if scope == NO_ORG:
        ctx.say(escape(_("The secretariat's scope (THIDUA_SECRETARIAT_SCOPE) names no bloc or "
                         "agency of the roster; please correct it first.")))
        return
    verb = fold_key(args[0]).replace(" ", "")
    year = int(args[1]) if len(args) > 1 and args[1].isdigit() else None
    typed = list(args[2:4])
    days = [parse_day(text) for text in typed]
    known = verb in OPEN_WORDS | EXTEND_WORDS
    invalid = next((t for t, d in zip(typed, days, strict=True)
                    if d is None and looks_like_day(t)), None)
    if known and year is not None and invalid is not None:
        ctx.say(escape(_("“{text}” is not a valid date.").format(text=invalid) + "\n"
                       + usage(ctx.today())))
        return
    if year is None or not days or any(d is None for d in days) or not known \
            or (verb in EXTEND_WORDS and len(days) > 1):
        ctx.say(escape(_("I could not read this command.") + "\n" + usage(ctx.today())))
        return
    deadline: date = days[0]  # type: ignore[assignment]
    if verb in OPEN_WORDS:
        opens = days[1] if len(days) > 1 else ctx.today()
        assert opens is not None
        outcome = await open_registration(ctx.services, year, scope, opens, deadline,
                                          ctx.who())
    else:
        outcome = await extend_registration(ctx.services, year, scope, deadline, ctx.who())
    ctx.say(escape(outcome.text))


async def on_pick(ctx: Ctx, data: str) -> None:
    """`win:x:<id>:<deadline>` asks, `win:y:<id>:<deadline>` extends, `win:n` goes back."""
    pick = unpack_window(data)
    if pick is not None and pick.action == "n":
        text, choices = await _listing(ctx)
        ctx.say(text, choices, replace=True)
        return
    repo = WindowRepository(ctx.services.db)
    window = None
    if pick is not None and pick.window is not None:
        window = await repo.window(pick.window)
    tree = await ctx.services.orgs.tree()
    scope = ctx.actor.secretariat_scope_id
    if window is None or pick is None or pick.deadline != f"{window.deadline:%Y%m%d}" \
            or scope == NO_ORG \
            or not may_change(window, tree, scope):
        ctx.expired()
        return
    new_deadline = window.deadline + timedelta(days=EXTRA_DAYS)
    if pick.action == "x":
        await _confirm(ctx, window, tree, new_deadline)
        return
    try:
        change = await _change(ctx.services, window.id, new_deadline, ctx.who(),
                               shown=window.deadline)
    except WindowError:  # changed meanwhile by another tap or command
        ctx.expired()
        return
    ctx.toast(_("Deadline moved to {date}.").format(date=format_date(new_deadline)))
    text, choices = await _listing(ctx)
    # If the listing cannot be refreshed in place, it comes anew: the change is saved.
    ctx.say(escape(_told(change)) + "\n\n" + text, choices, replace=True)


async def _confirm(ctx: Ctx, window: RegistrationWindow, tree: OrgTree, new_deadline: date
                   ) -> None:
    windows = await WindowRepository(ctx.services.db).windows(window.year)
    concerned = await deadline_recipients(ctx.services.db, window,
                                          governed_org_ids(window, windows, tree))
    text = "\n".join([
        escape(_("Move the deadline of {window} to {date}?").format(
            window=describe_window(window, tree, ctx.today()),
            date=format_date(new_deadline))),
        escape(ngettext("{n} person concerned (linked, not registered yet, or a head) will be "
                        "told.",
                        "{n} people concerned (linked, not registered yet, or heads) will be "
                        "told.", len(concerned)).format(n=len(concerned))),
    ])
    ctx.say(text, [[Choice(_("✅ Move it to {date}").format(date=format_date(new_deadline)),
                           window_data("y", window.id, window.deadline)),
                    Choice(_("« Back"), window_data("n"), Role.BACK)]], replace=True)
