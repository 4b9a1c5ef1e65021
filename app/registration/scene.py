"""What every registration use case needs: the subject, its window and rule set."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from app.context import Ctx
from domain.org import OrgTree
from domain.rules import RuleSet, SubjectKind, load_ruleset
from domain.subjects import Subject
from domain.windows import RegistrationWindow, WindowState, relevant_window, windows_for
from locales import _, format_date
from reports.registration_windows import window_dates
from storage.drafts import DraftRepository
from storage.registrations import RegistrationRepository
from storage.windows import WindowRepository


def window_repo(ctx: Ctx) -> WindowRepository:
    return WindowRepository(ctx.services.db)


def draft_repo(ctx: Ctx) -> DraftRepository:
    return DraftRepository(ctx.services.db)


def registration_repo(ctx: Ctx) -> RegistrationRepository:
    return RegistrationRepository(ctx.services.db)


@dataclass(frozen=True)
class Scene:
    """One subject as the handlers see it: where it sits and the window it registers in."""

    tree: OrgTree
    subject: Subject
    name: str  # the person's name or the collective's name (plain text)
    window: RegistrationWindow | None

    @property
    def ruleset(self) -> RuleSet:
        assert self.window is not None
        return load_ruleset(self.window.ruleset_id)

    @property
    def place(self) -> str:
        """Unit – agency of a person, the agency of a unit, the bloc of an agency."""
        tree = self.tree
        if self.subject.is_person:
            return tree.label(self.subject.org_id) if self.subject.org_id in tree else ""
        org = tree.find(self.subject.org_id)
        parent = tree.find(org.parent_id) if org is not None else None
        return parent.name if parent is not None else ""

    def heading(self) -> str:
        """HTML: "Cá nhân: <b>name</b> (place)" or the collective's equivalent."""
        template = {
            SubjectKind.PERSON: _("Individual: {name}"),
            SubjectKind.UNIT: _("Unit: {name}"),
            SubjectKind.AGENCY: _("Agency: {name}"),
        }[self.subject.kind]
        place = f" ({escape(self.place)})" if self.place else ""
        return escape(template).format(name=f"<b>{escape(self.name)}</b>") + place


async def scene_for(
    ctx: Ctx, subject: Subject, *, year: int | None = None, tree: OrgTree | None = None
) -> Scene:
    """The subject with the window that applies to it (of `year`, or the relevant one today)."""
    services = ctx.services
    tree = tree or await services.orgs.tree()
    windows = await window_repo(ctx).windows()
    if year is None:
        window = relevant_window(windows, tree, subject.org_id, ctx.today())
    else:
        window = next((w for w in windows_for(windows, tree, subject.org_id) if w.year == year),
                      None)
    if subject.person_id is not None:
        actor = ctx.actor.person
        person = actor if actor and actor.id == subject.person_id else \
            await services.people.get(subject.person_id)
        name = person.full_name if person else "?"
    else:
        name = tree.get(subject.org_id).name if subject.org_id in tree else "?"
    return Scene(tree, subject, name, window)


def window_problem(scene: Scene, day: date) -> str | None:
    """Why the subject cannot register today, with the window's dates; None when it can."""
    window = scene.window
    if window is None:
        return _("Registration is not open for {name}. The emulation and commendation office "
                 "opens it each year with a deadline.").format(name=scene.name)
    state = window.state(day)
    if state == WindowState.OPEN:
        return None
    if state == WindowState.NOT_YET_OPEN:
        return _("The registration of {year} is not open yet: it runs {dates}.").format(
            year=window.year, dates=window_dates(window))
    return _("The registration of {year} closed on {deadline} (it ran {dates}). Ask the "
             "emulation and commendation office if the deadline can be extended.").format(
        year=window.year, deadline=format_date(window.deadline), dates=window_dates(window))
