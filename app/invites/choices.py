"""The data of the invitation choices, packed and unpacked here only (`app.choicedata`).

    iv:me:<channel>          a linked person: a code to link their account on `channel`
    iv:go:<org | 0>:<list>   a head: create the codes of a unit (0: of every unit listed);
                             `list` the fingerprint of who was listed (`batch.version`)
    iv:no                    a head: cancel
"""

from __future__ import annotations

from dataclasses import dataclass

from app.choicedata import fields, number, pack

PREFIX = "iv"
OWN_PREFIX = "iv:me"
ALL_UNITS = 0
CANCEL = pack(PREFIX, "no")


def own_code_data(channel: str) -> str:
    """`iv:me:<channel>`."""
    return pack(OWN_PREFIX, channel)


def unpack_own_code(data: str | None) -> str | None:
    """The channel a person asks a code for, or None."""
    parts = fields(data, OWN_PREFIX, 1)
    return parts[0] if parts and parts[0].isalpha() else None


@dataclass(frozen=True)
class CodesPick:
    """`iv:go:<org | 0>:<list>`, or `iv:no` (`cancel`)."""

    org: int = ALL_UNITS
    shown: str = ""
    cancel: bool = False

    @property
    def data(self) -> str:
        return CANCEL if self.cancel else pack(PREFIX, "go", self.org, self.shown)


def codes_data(org: int, shown: str) -> str:
    return CodesPick(org, shown).data


def unpack(data: str | None) -> CodesPick | None:
    parts = fields(data, PREFIX)
    if parts == ["no"]:
        return CodesPick(cancel=True)
    if not parts or len(parts) != 3 or parts[0] != "go":
        return None
    org = number(parts[1])
    if org is None or not parts[2].isalnum():
        return None
    return CodesPick(org, parts[2])
