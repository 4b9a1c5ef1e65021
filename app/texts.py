"""Message pieces several features show: who a person is, role names, command lists."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from app.commands import CommandSpec
from domain.access import Actor
from domain.models import OrgKind, Person, Role
from domain.org import OrgTree
from locales import N_, _, get_locale

ROLE_LABELS = {
    Role.STAFF: N_("Staff member"),
    Role.UNIT_HEAD: N_("Head of unit"),
    Role.AGENCY_HEAD: N_("Head of agency"),
    Role.SECRETARIAT: N_("Emulation and commendation secretariat"),
}


def role_label(role: Role) -> str:
    return _(ROLE_LABELS[role])


def person_card(person: Person, tree: OrgTree, headed_org_ids: Iterable[int] = ()) -> str:
    """HTML lines: agency, unit, position, role (and the units headed, if several)."""
    lines = []
    org = tree.find(person.org_id)
    agency = tree.agency_of(person.org_id)
    if agency is not None:
        lines.append(_("Agency: {name}").format(name=escape(agency.name)))
    if org is not None and org.kind == OrgKind.UNIT:
        lines.append(_("Unit: {name}").format(name=escape(org.name)))
    if person.position:
        lines.append(_("Position: {position}").format(position=escape(person.position)))
    lines.append(_("Role: {role}").format(role=escape(role_label(person.role))))
    headed = [tree.get(o).name for o in headed_org_ids if o in tree and o != person.org_id]
    if headed:
        lines.append(_("Also heads: {units}").format(units=escape(", ".join(headed))))
    return "\n".join(lines)


def command_lines(commands: Iterable[CommandSpec], actor: Actor) -> str:
    lines = []
    for spec in commands:
        if spec.available_to(actor):
            shown, other = spec.shown(get_locale())
            alias = f" (/{other})" if other else ""
            lines.append(f"/{shown}{alias} – {escape(_(spec.description))}")
    return "\n".join(lines)
