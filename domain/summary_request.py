"""What `/summary …` asks for: an agency or unit (by name), a year, a campaign (by code).

`/summary`, `/summary 2024`, `/summary sở nội vụ`, `/summary Sở Nội vụ năm 2024`,
`/summary vpubnd-2024-q1`: the words are read in any order; a four-digit number is the year
(1999 too: no agency is named by a number, and the caller says when a year has nothing), a
word equal to a known campaign code is the campaign, and the other words make the name
searched (diacritic-insensitively, by the caller; a "Unit – Agency" label the bot printed
names that unit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.models import OrgUnit
from domain.org import OrgTree, org_key
from domain.text import fold_key, nfc
from domain.windows import RegistrationWindow

# "năm 2024" reads as the year; unaccented only in lower case ("Việt Nam 2024" keeps "Nam").
YEAR_WORDS = {"năm", "year"}


@dataclass(frozen=True)
class SummaryRequest:
    agency: str | None = None
    year: int | None = None
    campaign: str | None = None


def _year(word: str) -> int | None:
    if len(word) == 4 and word.isascii() and word.isdigit():
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


def default_year(windows: Iterable[RegistrationWindow], registration_years: Iterable[int],
                 today: date) -> int:
    """The year a summary shows when none is asked: the window open now (the older year of
    two open at once), else the one that closed last; a window opened in advance for next
    year is never the default while another is open or past. Without windows: the latest
    year with registrations up to this one, else the latest, else this year."""
    windows = list(windows)
    open_now = [w for w in windows if w.is_open(today)]
    if open_now:
        return min(w.year for w in open_now)
    past = [w for w in windows if w.deadline < today]
    if past:
        return max(past, key=lambda w: (w.deadline, w.year)).year
    years = sorted(set(registration_years) | {w.year for w in windows})
    so_far = [y for y in years if y <= today.year]
    if so_far:
        return so_far[-1]
    return years[-1] if years else today.year


def find_orgs(tree: OrgTree, text: str) -> list[OrgUnit]:
    """Org units whose name contains `text`, or whose "Unit – Agency" label is `text`,
    diacritics, dashes and common abbreviations aside ("so noi vu", "VP UBND tỉnh", a label
    copied from a list the bot printed); exact names and labels first, then roster order."""
    wanted = org_key(text)
    if not wanted:
        return []
    found = [u for u in tree.walk()
             if wanted in org_key(u.name) or tree.label_key(u.id) == wanted]
    found.sort(key=lambda u: not tree.named(u.id, text))
    return found
