"""How long a roster or registrations field may be, checked at import (refused by line).

Names end up in buttons, message headings and official tables: a 1,500-character "name"
made linking and /dangky fail with Telegram's "Message is too long". The longest real values
are far shorter: Vietnamese full names stay under 60 characters, the longest agency names
("Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh …") under 150.
"""

from __future__ import annotations

MAX_PERSON_NAME = 120
MAX_POSITION = 200
MAX_ORG_NAME = 250
MAX_TITLE_TEXT = 250  # a title as written in a registrations file (code or official name)
MAX_PHONE_TEXT = 40  # a phone number as written, separators included
MAX_FLAG_TEXT = 40  # the leader (có/không) and role columns
