"""The organisation tree (bloc → agency → unit, any depth) as an in-memory structure.

A province has at most a few thousand org units, so features load the whole tree once per
request and answer scope questions here instead of with recursive SQL in every handler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from domain.models import OrgKind, OrgUnit
from domain.text import fold_key

# Abbreviations of official names, folded (no diacritics): what documents write ("Văn phòng
# UBND tỉnh") and what people type ("VP UBND tỉnh") match the roster's full names.
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "dbqh": "dai bieu quoc hoi",
    "tp": "thanh pho",
    "vp": "van phong",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "tdkt": "thi dua - khen thuong",
    "tckt": "tai chinh ke toan",
}
_DASHES = re.compile(r"\s*[–—-]\s*")


def org_key(name: str) -> str:
    """Key under which two spellings of an org name (or of a "Unit – Agency" label) match:
    diacritics, case, tone placement, the kind of dash and the usual abbreviations aside."""
    words = _DASHES.sub(" - ", fold_key(name)).replace(",", " ").split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


class OrgTree:
    def __init__(self, units: Iterable[OrgUnit]) -> None:
        self._by_id: dict[int, OrgUnit] = {u.id: u for u in units}
        self._children: dict[int | None, list[OrgUnit]] = {}
        for unit in self._by_id.values():
            self._children.setdefault(unit.parent_id, []).append(unit)
        for siblings in self._children.values():
            siblings.sort(key=lambda u: (u.sort_order, u.id))

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, org_id: int) -> OrgUnit:
        return self._by_id[org_id]

    def find(self, org_id: int | None) -> OrgUnit | None:
        return self._by_id.get(org_id) if org_id is not None else None

    def roots(self) -> list[OrgUnit]:
        return list(self._children.get(None, []))

    def children(self, org_id: int | None) -> list[OrgUnit]:
        return list(self._children.get(org_id, []))

    def walk(self, org_id: int | None = None) -> Iterator[OrgUnit]:
        """Depth-first, in roster order; from the roots when `org_id` is None."""
        start = self.roots() if org_id is None else [self.get(org_id)]
        stack = list(reversed(start))
        while stack:
            unit = stack.pop()
            yield unit
            stack.extend(reversed(self._children.get(unit.id, [])))

    def subtree_ids(self, org_id: int | None) -> set[int]:
        return {u.id for u in self.walk(org_id)}

    def ancestors(self, org_id: int) -> list[OrgUnit]:
        """From the unit itself up to its root."""
        chain = []
        current = self._by_id.get(org_id)
        while current is not None:
            chain.append(current)
            current = self._by_id.get(current.parent_id) if current.parent_id else None
        return chain

    def nearest(self, org_id: int, kind: OrgKind) -> OrgUnit | None:
        return next((u for u in self.ancestors(org_id) if u.kind == kind), None)

    def agency_of(self, org_id: int) -> OrgUnit | None:
        return self.nearest(org_id, OrgKind.AGENCY)

    def bloc_of(self, org_id: int) -> OrgUnit | None:
        return self.nearest(org_id, OrgKind.BLOC)

    def is_within(self, org_id: int, scope_id: int | None) -> bool:
        """Whether `org_id` lies in the subtree of `scope_id` (None = everything)."""
        if scope_id is None:
            return org_id in self._by_id
        return any(u.id == scope_id for u in self.ancestors(org_id))

    def agencies(self, scope_id: int | None = None) -> list[OrgUnit]:
        return [u for u in self.walk(scope_id) if u.kind == OrgKind.AGENCY]

    def label(self, org_id: int) -> str:
        """"Unit – Agency" as people say it; the agency alone for its own leadership."""
        unit = self.get(org_id)
        agency = self.agency_of(org_id)
        if unit.kind == OrgKind.UNIT and agency is not None:
            return f"{unit.name} – {agency.name}"
        return unit.name

    def distinct_name(self, org_id: int) -> str:
        """The unit's name, or its label when another unit has the same name ("Văn phòng
        Sở" of three agencies): what a heading or a file name needs to say which one."""
        unit = self.get(org_id)
        key = org_key(unit.name)
        shared = any(u.id != org_id and org_key(u.name) == key for u in self.walk())
        return self.label(org_id) if shared else unit.name

    def label_key(self, org_id: int) -> str:
        """`org_key` of the unit's label: what a person copies back from a list the bot
        printed ("Văn phòng Sở – Sở Y tế")."""
        return org_key(self.label(org_id))

    def named(self, org_id: int, text: str) -> bool:
        """Whether `text` names this unit exactly: its name or its label."""
        wanted = org_key(text)
        return bool(wanted) and (org_key(self.get(org_id).name) == wanted
                                 or self.label_key(org_id) == wanted)

    def search(self, text: str, *, kinds: Iterable[OrgKind] | None = None) -> list[OrgUnit]:
        """Diacritic-insensitive search: "so noi vu" finds "Sở Nội vụ"; exact names first."""
        wanted = fold_key(text)
        allowed = set(kinds) if kinds else None
        matches = [
            u
            for u in self.walk()
            if (allowed is None or u.kind in allowed) and wanted in fold_key(u.name)
        ]
        matches.sort(key=lambda u: fold_key(u.name) != wanted)
        return matches
