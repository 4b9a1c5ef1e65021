"""The data of an upload preview's choices, packed and unpacked here only (`app.choicedata`).

    up:apply:<upload>           apply the plan the preview showed
    up:cancel:<upload>          cancel
    up:<alternative>:<upload>   another plan the kind offers beside the preview ("others")
"""

from __future__ import annotations

from dataclasses import dataclass

from app.choicedata import fields, number, pack

PREFIX = "up"
APPLY, CANCEL = "apply", "cancel"


@dataclass(frozen=True)
class UploadPick:
    """`up:<action>:<upload>`: `action` apply, cancel or an alternative's name (letters)."""

    action: str
    upload: int

    @property
    def data(self) -> str:
        return pack(PREFIX, self.action, self.upload)


def unpack(data: str | None) -> UploadPick | None:
    parts = fields(data, PREFIX, 2)
    upload = number(parts[1]) if parts else None
    if parts is None or upload is None or not parts[0].isalpha():
        return None
    return UploadPick(parts[0], upload)
