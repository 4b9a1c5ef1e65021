"""The campaign file sent in the secretariat's chat (an upload kind of channels.telegram.uploads).

The campaigns feature itself (/goals, /campaigns, launches, commitments, the daily end) is
served by the core: app.campaigns. This stays until the uploads move to the core too.
"""

from __future__ import annotations

from telegram.ext import Application

from channels.telegram.campaigns.upload import CAMPAIGN_UPLOAD
from channels.telegram.uploads import register_upload_kind


def register(app: Application) -> None:
    register_upload_kind(CAMPAIGN_UPLOAD)
