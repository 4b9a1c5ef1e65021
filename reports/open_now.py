"""What is open for a person now (domain.open_now) as an HTML block and its choices: the
registrations with their deadlines and whether each is done, the collectives a head
registers, the campaigns still to commit to."""

from __future__ import annotations

from datetime import date
from html import escape

from domain.open_now import OpenNow, RegistrationTask, TaskState
from locales import _
from reports.progress import OPEN_COLLECTIVE, OPEN_GOALS, OPEN_REGISTER, deadline_text

ICONS = {TaskState.TO_DO: "📝", TaskState.DRAFT: "✏️", TaskState.DONE: "✅",
         TaskState.WITHDRAWN: "↩️"}


def _state(task: RegistrationTask) -> str:
    if task.state == TaskState.DONE:
        return _("registered ({reference})").format(reference=task.reference or "")
    if task.state == TaskState.DRAFT:
        return _("started, not confirmed yet")
    if task.state == TaskState.WITHDRAWN:
        return _("registration withdrawn")
    return _("not registered yet")


def _line(title: str, task: RegistrationTask, today: date) -> str:
    line = f"{ICONS[task.state]} {title}"
    if task.state != TaskState.DONE:
        line += " – " + deadline_text(task.deadline, today)
    return escape(line + ": " + _state(task))


def open_now_text(found: OpenNow, today: date) -> str:
    """The block, under its heading; says so when nothing is waiting."""
    lines = ["<b>" + escape(_("Open for you now")) + "</b>"]
    if not found.anything:
        lines.append(escape(_("Nothing is waiting for you: no registration or campaign is "
                              "open for you at the moment.")))
        return "\n".join(lines)
    for task in found.registrations:
        lines.append(_line(_("Emulation registration {year}").format(year=task.year), task,
                           today))
    for task in found.collectives:
        assert task.org is not None
        title = _("Collective registration {year} for {unit}").format(year=task.year,
                                                                      unit=task.org.name)
        lines.append(_line(title, task, today))
    for campaign in found.campaigns:
        lines.append(escape("✍️ " + _("Commitment: {name}").format(name=campaign.name) + " – "
                            + deadline_text(campaign.deadline, today) + ": "
                            + _("not committed yet")))
    return "\n".join(lines)


def open_now_choices(found: OpenNow) -> list[tuple[str, str]]:
    """(label, choice data): one per kind of thing left to do, as the reminders offer."""
    choices = []
    if found.registration_left:
        choices.append((_("📝 Register titles"), OPEN_REGISTER))
    if found.collective_left:
        choices.append((_("👥 Register the collective"), OPEN_COLLECTIVE))
    if found.campaigns:
        choices.append((_("✍️ Commit to the campaign"), OPEN_GOALS))
    return choices
