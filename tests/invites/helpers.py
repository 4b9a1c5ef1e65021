"""People of the sample roster the invite stories play."""

from __future__ import annotations

import re

AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, Trưởng phòng Công tác Quốc hội
STAFF = "0935722539"  # Trịnh Minh Khánh, Phòng Công tác Quốc hội
COLLEAGUE = "0973531343"  # Phạm Ngọc Anh, Phòng Công tác Quốc hội
OTHER_UNIT = "0898285014"  # Đinh Thúy Huyền, Phòng Công tác HĐND (same agency)
# Phòng Công tác Quốc hội: the head and her five people.
UNIT_PEOPLE = ["Hồ Kim Thảo", "Bùi Thúy Nga", "Trịnh Minh Khánh", "Phạm Ngọc Anh",
               "Đinh Minh Yến", "Bùi Thúy Hà"]
CODE = re.compile(r"\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){4}\b")


def codes_in(text: str) -> dict[str, str]:
    """name → code, from lines "Name: CODE"."""
    found = {}
    for line in text.splitlines():
        match = CODE.search(line)
        if match and ":" in line:
            found[line.split(":", 1)[0].strip()] = match.group()
    return found
