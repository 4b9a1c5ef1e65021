"""The kinds of file the secretariat imports, and the one way to preview and apply them.

A file is recognised and parsed once (app/parsing.py, in a worker), whoever sends it: the
chat (app.imports.flow) and the command line (`thidua roster import`, …) then go through
the same two steps, `preview` and `apply`, of the file's `UploadKind`. A preview carries the
digest of the plan it shows (domain.plans): `apply` recomputes the plan inside its
transaction and raises PlanChanged when it is not that one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.services import Services
from domain.uploads import ParsedUpload
from storage.audit import AuditContext


@dataclass(frozen=True)
class ImportRequest:
    """What is imported for whom: the file's name, the importer's scope (None: everything)
    and the kind's options (the roster's `others`, `move_blocs`). `cli`: the command line
    asks, so texts name its options rather than the chat's commands."""

    filename: str
    scope_org_id: int | None
    options: Mapping[str, Any] = field(default_factory=dict)
    cli: bool = False


@dataclass(frozen=True)
class Alternative:
    """Another plan the sender may apply instead of the preview's, offered beside it: its
    options, the digest of that plan and the label of its choice (`up:<action>:<id>`)."""

    action: str
    label: str
    options: Mapping[str, Any]
    digest: str


@dataclass(frozen=True)
class Preview:
    ok: bool
    text: str  # HTML: the plan, or the problems
    digest: str = ""  # domain.plans: what the preview showed, checked by apply
    alternatives: tuple[Alternative, ...] = ()
    # What the plan does that the command line applies only when asked by name (its option
    # of the same name): the chat's Apply, under the preview, is that confirmation.
    asks: frozenset[str] = frozenset()


Previewer = Callable[[Services, ImportRequest, ParsedUpload], Awaitable[Preview]]
Applier = Callable[[Services, ImportRequest, ParsedUpload, AuditContext, "str | None"],
                   Awaitable[str]]


@dataclass(frozen=True)
class UploadKind:
    """`name` is the kind domain.uploads recognises. `apply(services, request, parsed, who,
    expected_digest)` returns what happened (HTML); it runs inside the caller's transaction
    when there is one (its own `db.transaction()` calls join it), must not wait for another
    task that writes, and raises PlanChanged when the plan it computes is not the one of
    `expected_digest` (None: apply whatever the file means now)."""

    name: str
    preview: Previewer = field(compare=False)
    apply: Applier = field(compare=False)


class UploadKinds:
    """The kinds, by name (each feature's module declares its own)."""

    def __init__(self, kinds: list[UploadKind]) -> None:
        self._by_name = {kind.name: kind for kind in kinds}

    def get(self, name: str | None) -> UploadKind | None:
        return self._by_name.get(name) if name else None

    @property
    def names(self) -> list[str]:
        return list(self._by_name)
