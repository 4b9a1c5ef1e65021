"""What `/summary …` asks for: an agency or unit (by name), a year, a campaign (by code).

`/summary`, `/summary 2024`, `/summary sở nội vụ`, `/summary Sở Nội vụ năm 2024`,
`/summary vpubnd-2024-q1`: the words are read in any order; a four-digit year between 2000
and 2100 is the year, a word equal to a known campaign code is the campaign, and the other
words make the name searched (diacritic-insensitively, by the caller).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.models import OrgUnit
from domain.org import OrgTree
from domain.text import fold_key, nfc

# "năm 2024" reads as the year; unaccented only in lower case ("Việt Nam 2024" keeps "Nam").
YEAR_WORDS = {"năm", "year"}
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class SummaryRequest:
    agency: str | None = None
    year: int | None = None
    campaign: str | None = None


def _year(word: str) -> int | None:
    if len(word) == 4 and word.isdigit() and MIN_YEAR <= int(word) <= MAX_YEAR:
        return int(word)
    return None


def parse_summary_args(words: Sequence[str], campaign_codes: Iterable[str] = ()) -> SummaryRequest:
    codes = {fold_key(code): code for code in campaign_codes}
    tokens = nfc(" ".join(words)).split(" ") if words else []
    year: int | None = None
    campaign: str | None = None
    rest: list[str] = []
    for index, token in enumerate(tokens):
        if not token:
            continue
        found = _year(token)
        if found is not None and year is None:
            year = found
            continue
        if fold_key(token) in codes and campaign is None:
            campaign = codes[fold_key(token)]
            continue
        year_word = token.casefold() in YEAR_WORDS or token == "nam"
        if year_word and index + 1 < len(tokens) and _year(tokens[index + 1]):
            continue
        rest.append(token)
    return SummaryRequest(agency=" ".join(rest) or None, year=year, campaign=campaign)


# Abbreviations of official names people type ("VP UBND tỉnh"), folded (no diacritics).
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "vp": "van phong",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "tdkt": "thi dua - khen thuong",
    "tckt": "tai chinh ke toan",
}


def _expanded(text: str) -> str:
    return " ".join(ABBREVIATIONS.get(word, word) for word in fold_key(text).split(" "))


def find_orgs(tree: OrgTree, text: str) -> list[OrgUnit]:
    """Org units whose name contains `text`, diacritics and common abbreviations aside
    ("so noi vu", "VP UBND tỉnh"); exact names first, then roster order."""
    wanted = _expanded(text)
    if not wanted:
        return []
    found = [u for u in tree.walk() if wanted in _expanded(u.name)]
    found.sort(key=lambda u: _expanded(u.name) != wanted)
    return found
