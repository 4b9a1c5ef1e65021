"""Instruments for the reliability tests: what the bot did for each update, in which language,
to which data, and whether anything went wrong on the way.

- `Probe` wraps the application's `process_update`: it knows when each update is finished and
  which Bot API calls it made (so assertions are per update, without sleeping).
- `ErrorWatch` collects error logs: the error handler logs every unhandled exception.
- `replies()` turns API calls into what a user saw: texts, captions, document contents, alerts.
- `Language` tells a Vietnamese reply from an English one using the catalogs themselves.
- `Scopes` computes, from the roster tables, which names each actor may not see.
- `data_dump()` snapshots the data tables, to prove bad input changed nothing.
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import SimpleUpdateProcessor

from bot.logs import RedactingFilter
from emulator import ApiCall, strip_html
from locales.tool import merged_catalog
from storage.db import Database
from tests.harness import BotHarness

# --------------------------------------------------------------------------- processing


@dataclass
class Processed:
    update: Update
    calls: list[ApiCall]
    locale: str  # the sender's language once the update was processed (stored choice or default)


class Probe:
    """Records, for every update the bot finishes, the API calls made while processing it.

    Work a handler leaves to a background task (`application.create_task(…, update=…)`, e.g.
    the summary's files) is awaited before the update counts as finished, so its calls are
    the update's too. (Under the probe, such work no longer overlaps the next update.)

    The bot processes updates of different chats concurrently (bot.updates); under the probe
    it takes them one at a time, in the order they came, so that every call made meanwhile
    is the update's. That order is tests/performance/test_update_order.py's subject, and the
    kill harness (test_kill.py) runs the bot as in production, concurrent.
    """

    def __init__(self, harness: BotHarness) -> None:
        self.harness = harness
        self.done: dict[int, Processed] = {}
        self._changed = asyncio.Event()

    def install(self) -> Probe:
        """(Re)attach to the running application; call again after a restart."""
        app = self.harness.runtime.app  # type: ignore[union-attr]
        app._update_processor = SimpleUpdateProcessor(1)  # type: ignore[attr-defined]
        original = app.process_update
        original_create_task = app.create_task
        calls = self.harness.emu.calls
        spawned: list[asyncio.Task[Any]] = []

        def create_task(coroutine: Any, update: object = None, *,
                        name: str | None = None) -> asyncio.Task[Any]:
            task = original_create_task(coroutine, update=update, name=name)
            spawned.append(task)
            return task

        async def process_update(update: object) -> None:
            start = len(calls)  # calls made between updates (the outbox) belong to none
            spawned.clear()
            await original(update)
            while spawned:
                pending = list(spawned)
                spawned.clear()
                await asyncio.gather(*pending, return_exceptions=True)
            if isinstance(update, Update):
                self.done[update.update_id] = Processed(
                    update, list(calls[start:]), await self._locale(update)
                )
                self._changed.set()

        app.process_update = process_update  # type: ignore[method-assign]
        app.create_task = create_task  # type: ignore[method-assign]
        return self

    async def _locale(self, update: Update) -> str:
        services = self.harness.services
        user = update.effective_user
        chosen = await services.account_settings.locale(f"telegram:{user.id}") if user else None
        return chosen or services.settings.locale

    @property
    def last_pushed(self) -> int:
        return self.harness.emu.world._next_update_id - 1

    async def settle(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109 - an assertion
        """Wait until every update pushed so far is processed."""
        wanted = self.last_pushed
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while wanted not in self.done:
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                missing = [i for i in range(max(1, wanted - 20), wanted + 1) if i not in self.done]
                raise AssertionError(f"updates not processed within {timeout}s: {missing}")
            try:
                async with asyncio.timeout(remaining):
                    await self._changed.wait()
            except TimeoutError:
                continue

    def since(self, update_id: int) -> list[Processed]:
        return [self.done[i] for i in sorted(self.done) if i > update_id]


class ErrorWatch(logging.Handler):
    """Error logs of the whole process (the error handler logs every unhandled exception),
    masked by the same filter `thidua` installs on its log handlers."""

    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.addFilter(RedactingFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def errors(self) -> list[str]:
        return [self.format(r) for r in self.records if r.levelno >= logging.ERROR]

    def messages(self, level: int = logging.WARNING) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= level]

    def clear(self) -> None:
        self.records.clear()

    def __enter__(self) -> ErrorWatch:
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(self)
        self._level = root.level
        root.setLevel(min(root.level or logging.WARNING, self.level))
        return self

    def __exit__(self, *exc: object) -> None:
        root = logging.getLogger()
        root.removeHandler(self)
        root.setLevel(self._level)


# --------------------------------------------------------------------------- replies

SENDING = {"sendmessage", "editmessagetext", "senddocument", "sendphoto", "editmessagecaption",
           "answercallbackquery", "sendmediagroup"}


# Telegram refusals the bot expects and handles (tapping the same choice twice).
BENIGN_REJECTIONS = ("message is not modified",)


@dataclass(frozen=True)
class Reply:
    method: str
    chat_id: Any
    text: str  # what the user reads: plain text, caption or alert, in the user's language
    ok: bool
    error: str | None
    document: str = ""  # a file's text (official files are Vietnamese whatever the reader's
    # language: only checked for names outside the scope)

    @property
    def everything(self) -> str:
        return self.text + "\n" + self.document


def _plain(params: dict[str, Any], key: str) -> str:
    text = str(params.get(key) or "")
    if params.get("parse_mode") == "HTML":
        try:
            return strip_html(text)
        except Exception:  # the emulator rejected it anyway: keep the raw text
            return text
    return text


def document_text(data: bytes) -> str:
    """Readable text of a document the bot sent: CSV/text, XLSX or DOCX.

    Office files keep text in XML elements, and a name may be split over two runs: the text
    is given twice, elements separated by spaces, then glued together."""
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                xml = " ".join(archive.read(n).decode("utf-8", "replace")
                               for n in archive.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            return data.decode("utf-8", "replace")
        xml = html.unescape(re.sub(r"<\?xml[^>]*>", "", xml))
        spaced = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", xml))
        glued = re.sub(r"<[^>]+>", "", xml)
        return spaced + "\n" + glued
    return data.decode("utf-8", "replace")


def replies(calls: Iterable[ApiCall]) -> list[Reply]:
    found = []
    for call in calls:
        method = call.method.lower()
        if method not in SENDING:
            continue
        p = call.params
        if method == "answercallbackquery":
            text = str(p.get("text") or "")
        elif method in ("sendmessage", "editmessagetext"):
            text = _plain(p, "text")
        else:
            text = _plain(p, "caption")
        document = ""
        if method == "senddocument":
            for value in p.values():
                data = getattr(value, "data", None)
                if isinstance(data, bytes):
                    document += document_text(data) + "\n"
        ok = call.status == 200 or any(b in (call.error or "") for b in BENIGN_REJECTIONS)
        found.append(Reply(method, p.get("chat_id"), text, ok, call.error, document))
    return found


# --------------------------------------------------------------------------- language

VIETNAMESE_LETTERS = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)
_PLACEHOLDER = re.compile(r"\{[^}]*\}|%\(\w+\)[sd]|<[^>]+>|\n")


def _segments(text: str) -> set[str]:
    parts = (p.strip(" .,:;!?–-()\"“”") for p in _PLACEHOLDER.split(text))
    return {p for p in parts if len(p) >= 12 and sum(c.isalpha() for c in p) >= 8}


class Language:
    """Which catalog text a reply is made of.

    A segment (a run of literal text between placeholders) found in one language's catalog
    and nowhere in the other's is a fingerprint of that language.
    """

    def __init__(self) -> None:
        texts: dict[str, list[str]] = {"vi": [], "en": []}
        for locale in texts:
            for message in merged_catalog(locale):
                if not message.id:
                    continue
                values = message.string if isinstance(message.string, tuple | list) \
                    else (message.string,)
                texts[locale].extend(v for v in values if v)
        corpus = {k: "\n".join(v) for k, v in texts.items()}
        # Words a catalog uses in the other language on purpose ("có/không", "Tiếng Việt").
        self.own_words = {k: set(re.findall(r"[^\s.,:;!?()“”]+", v)) for k, v in corpus.items()}
        self.only: dict[str, set[str]] = {}
        for locale, other in (("vi", "en"), ("en", "vi")):
            segments = set().union(*(_segments(t) for t in texts[locale]))
            self.only[locale] = {s for s in segments if s not in corpus[other]}

    def foreign_fragments(self, text: str, locale: str) -> list[str]:
        """Fragments of `text` that belong to the other language's catalog."""
        other = "en" if locale == "vi" else "vi"
        plain = unicodedata.normalize("NFC", text)
        return sorted(s for s in self.only[other] if s in plain)

    def looks_wrong(self, text: str, locale: str, data: Iterable[str] = ()) -> list[str]:
        """A text missing from the catalogs (not translated yet, or hard-coded) read by its
        letters: without the names of `data`, quoted values, commands and the words the
        catalog itself uses, Vietnamese has Vietnamese letters and English has none.
        Returns the words that give it away (empty if it looks right)."""
        plain = unicodedata.normalize("NFC", text)
        for value in sorted(data, key=len, reverse=True):
            if len(value) >= 2:
                plain = plain.replace(value, " ")
        plain = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", plain)
        words = [w for w in re.findall(r"[^\s.,:;!?()“”]+", plain)
                 if w not in self.own_words[locale] and not w.startswith("/")]
        vietnamese = [w for w in words if VIETNAMESE_LETTERS.search(w)]
        if locale == "vi":
            english = [w for w in words if re.fullmatch(r"[A-Za-z]{3,}", w)]
            return english if not vietnamese and len(english) >= 4 else []
        return vietnamese


# --------------------------------------------------------------------------- scopes


@dataclass
class Scopes:
    """Names in the roster tables, and which of them an actor may see."""

    people: dict[int, str]  # person id -> full name
    person_org: dict[int, int]
    orgs: dict[int, tuple[str, int | None, str]]  # id -> (name, parent, kind)
    headships: dict[int, list[int]] = field(default_factory=dict)
    _forbidden: dict[tuple[frozenset[int], frozenset[int]], list[str]] = field(
        default_factory=dict, repr=False, compare=False)

    @classmethod
    async def load(cls, db: Database) -> Scopes:
        people = await db.fetchall("SELECT id, full_name, org_id FROM people WHERE active = 1")
        orgs = await db.fetchall("SELECT id, name, parent_id, kind FROM org_units WHERE active = 1")
        heads = await db.fetchall("SELECT person_id, org_id FROM headships")
        headships: dict[int, list[int]] = {}
        for row in heads:
            headships.setdefault(row["person_id"], []).append(row["org_id"])
        return cls(
            people={r["id"]: r["full_name"] for r in people},
            person_org={r["id"]: r["org_id"] for r in people},
            orgs={r["id"]: (r["name"], r["parent_id"], r["kind"]) for r in orgs},
            headships=headships,
        )

    def subtree(self, root: int) -> set[int]:
        found, frontier = {root}, [root]
        while frontier:
            parent = frontier.pop()
            children = [o for o, (_n, p, _k) in self.orgs.items() if p == parent]
            found.update(children)
            frontier.extend(children)
        return found

    def ancestors(self, org: int) -> set[int]:
        found = set()
        current: int | None = org
        while current is not None and current in self.orgs:
            found.add(current)
            current = self.orgs[current][1]
        return found

    def agency_of(self, org: int) -> int | None:
        for candidate in self.ancestors(org):
            if self.orgs[candidate][2] == "agency":
                return candidate
        return None

    def org_by_name(self, name: str) -> int:
        return next(o for o, (n, _p, _k) in self.orgs.items() if n == name)

    def visible(self, *, person_id: int | None = None, role: str | None = None,
                root: int | None = None, everything: bool = False) -> tuple[set[int], set[int]]:
        """(people ids, org ids) an actor may see, by the rules of domain.md:
        staff their own record; unit heads the units they head; agency heads their agency;
        the secretariat its scope (`root`, or `everything`)."""
        if everything:
            return set(self.people), set(self.orgs)
        orgs: set[int] = set()
        if root is not None:
            orgs |= self.subtree(root)
        own: set[int] = set()
        if person_id is not None:
            own.add(person_id)
            org = self.person_org[person_id]
            orgs_seen = self.ancestors(org)  # their own unit, agency and bloc names
            if role == "agency_head":
                agency = self.agency_of(org)
                if agency is not None:
                    orgs |= self.subtree(agency)
            if role in ("unit_head", "agency_head"):
                for headed in self.headships.get(person_id, []):
                    orgs |= self.subtree(headed)
            people = own | {p for p, o in self.person_org.items() if o in orgs}
            return people, orgs | orgs_seen | set().union(*(self.ancestors(o) for o in orgs))
        people = {p for p, o in self.person_org.items() if o in orgs}
        return people, orgs | set().union(*(self.ancestors(o) for o in orgs))

    def names(self) -> list[str]:
        """Every person and unit name (data, not language)."""
        return [*self.people.values(), *(n for n, _p, _k in self.orgs.values())]

    def forbidden(self, people: set[int], orgs: set[int]) -> list[str]:
        """Names outside the scope that cannot be mistaken for a name inside it.

        Remembered per scope: the matrix plays hundreds of accounts with a handful of scopes,
        and the roster (hence the answer) does not change while a `Scopes` is in use."""
        key = (frozenset(people), frozenset(orgs))
        if key not in self._forbidden:
            seen = [self.people[p] for p in people] + [self.orgs[o][0] for o in orgs]
            hidden = {self.people[p] for p in self.people if p not in people}
            hidden |= {self.orgs[o][0] for o in self.orgs if o not in orgs}
            self._forbidden[key] = sorted(
                n for n in hidden if not any(_contains(v, n) for v in seen))
        return list(self._forbidden[key])


def _contains(text: str, name: str) -> bool:
    # The substring test first: the regular expression only confirms word boundaries.
    return name in text and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def leaked(text: str, names: Iterable[str]) -> list[str]:
    plain = unicodedata.normalize("NFC", text)
    return [n for n in names if n in plain and _contains(plain, n)]


# --------------------------------------------------------------------------- database

# What legitimately changes whatever the input: conversation states, language choices,
# scheduler runs, the update inbox, whether a person can be reached (they block and unblock
# the bot) and the wrong invite codes an account sent (the rate limit counts them), with the
# cache tokens those changes renew (data_versions). Audit entries of those legitimate changes
# are ignored too.
VOLATILE_TABLES = {"conversations", "account_settings", "person_channel", "job_runs",
                   "update_inbox", "schema_migrations", "data_versions", "invite_failures"}
VOLATILE_COLUMNS = {"links": {"unreachable_at"}}
VOLATILE_AUDIT = {"set_locale", "reachable", "unreachable"}


async def data_dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    tables = await db.fetchall(
        "SELECT name, sql LIKE '%WITHOUT ROWID%' AS keyed FROM sqlite_master"
        " WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    dump: dict[str, list[tuple[Any, ...]]] = {}
    for row in tables:
        name = row["name"]
        if name in VOLATILE_TABLES:
            continue
        if name == "audit_log":
            marks = ",".join("?" * len(VOLATILE_AUDIT))
            rows = await db.fetchall(
                f"SELECT * FROM audit_log WHERE action NOT IN ({marks}) ORDER BY id",
                sorted(VOLATILE_AUDIT),
            )
        else:
            # WITHOUT ROWID tables (the council's ballot: no insertion order) by their key.
            order = "1, 2" if row["keyed"] else "rowid"
            rows = await db.fetchall(f'SELECT * FROM "{name}" ORDER BY {order}')
        skipped = VOLATILE_COLUMNS.get(name, set())
        dump[name] = [tuple(v for k, v in zip(r.keys(), r, strict=True) if k not in skipped)
                      for r in rows]
    return dump


def dump_difference(before: dict[str, list[tuple[Any, ...]]],
                    after: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    changed = {}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old != new:
            changed[table] = {"removed": [_short(r) for r in old if r not in new][:3],
                              "added": [_short(r) for r in new if r not in old][:3]}
    return changed


def _short(row: tuple[Any, ...]) -> str:
    text = repr(row)
    return text if len(text) <= 300 else text[:300] + "…"
