"""Every kind of file the bot imports (domain.uploads recognises which a file is)."""

from __future__ import annotations

from app.imports.campaign import CAMPAIGN_UPLOAD
from app.imports.kinds import UploadKinds
from app.imports.registrations import REGISTRATIONS_UPLOAD
from app.imports.results import INITIATIVES_UPLOAD, RESULTS_UPLOAD
from app.imports.roster import ROSTER_UPLOAD

KINDS = UploadKinds([ROSTER_UPLOAD, RESULTS_UPLOAD, INITIATIVES_UPLOAD, REGISTRATIONS_UPLOAD,
                     CAMPAIGN_UPLOAD])
