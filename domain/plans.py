"""What a preview showed, as a short digest: Apply refuses a plan that is no longer it.

A preview may be tapped long after it was shown, after another import changed the roster:
applying what the file means *now* could deactivate hundreds of people the preview never
mentioned. Each import reduces its plan to a fingerprint (every change it would make), the
digest of the preview is stored with the upload, and Apply recomputes the plan inside its
transaction and refuses if the digest differs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


class PlanChanged(Exception):
    """The plan computed now is not the one the preview showed: nothing was applied."""


def plan_digest(fingerprint: Any) -> str:
    """A stable digest of JSON-able data (lists, dicts, strings, numbers)."""
    text = json.dumps(fingerprint, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
