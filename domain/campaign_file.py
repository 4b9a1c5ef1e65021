"""Reading a campaign file: YAML, or Markdown with a YAML front matter (bot/demo/campaigns/).

Validation is strict and all-or-nothing: every problem is reported with the line and the field
it concerns (`period.end`, `sections[3].targets[2].measure`), and a file with any problem
yields no document. The scope is only checked for presence here; it is resolved against the
org tree by the caller (`domain.campaigns.resolve_scope`), which knows the roster.

Text (a YAML `text:` block, or a Markdown section) follows one small rule set: lines of a
paragraph are joined (PDF line breaks vanish), a blank line ends a paragraph, and a line that
starts with a list marker ("-", "*", "•", "1.", "2)", "a)") starts a list item.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

import yaml

from domain.campaigns import (
    CODE_PATTERN,
    CampaignDocument,
    Measure,
    Paragraph,
    Section,
    Target,
)
from domain.text import fold_key, nfc

MAX_TEXT = 40_000  # characters of campaign text: about twelve phone pages
MAX_NAME = 300
MAX_SECTIONS = 40
# Bounds checked before any parsing: the whole file (text plus markup, several times MAX_TEXT),
# one line (a paragraph pasted from a document is one line), and YAML nesting (a campaign
# file nests five levels; the composer recurses once a level).
MAX_FILE_CHARACTERS = 200_000
MAX_LINE = 5_000
MAX_DEPTH = 24

TOP_FIELDS = ("code", "name", "issuer", "scope", "period", "ack_deadline", "year", "language",
              "intro", "sections", "signer", "signer_title")
FRONT_MATTER_FIELDS = tuple(f for f in TOP_FIELDS if f not in ("intro", "sections"))
SECTION_FIELDS = ("title", "text", "targets")
TARGET_FIELDS = ("text", "measure", "goal")
PERIOD_FIELDS = ("start", "end")

_ITEM = re.compile(r"^(?:[-*+•–]|\d{1,2}[.)]|[a-zđ][)])\s+", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:[.,]\d+)?)\s*%")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class CampaignProblem:
    line: int | None
    field: str  # dotted path in the file: "period.end", "sections[2].title"
    code: str  # see reports.campaigns.PROBLEM_TEXTS for the wording
    value: str = ""


@dataclass
class CampaignFile:
    document: CampaignDocument | None = None
    problems: list[CampaignProblem] = field(default_factory=list)
    # What the caller checks against the roster and the database, known even when other
    # fields have problems, so that one pass reports every problem of the file.
    scope: str | None = None
    code: str | None = None
    field_lines: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.problems

    def line(self, name: str) -> int | None:
        return self.field_lines.get(name)


def is_campaign_filename(filename: str) -> bool:
    return filename.lower().endswith((".yaml", ".yml", ".md", ".markdown"))


def parse_campaign_file(content: bytes, filename: str) -> CampaignFile:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return CampaignFile(problems=[CampaignProblem(line, "", "bad_encoding")])
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_FILE_CHARACTERS:
        return CampaignFile(problems=[CampaignProblem(None, "", "file_too_long",
                                                      str(MAX_FILE_CHARACTERS))])
    long_lines = [number for number, line in enumerate(text.split("\n"), start=1)
                  if len(line) > MAX_LINE]
    if long_lines:
        return CampaignFile(problems=[CampaignProblem(n, "", "line_too_long", str(MAX_LINE))
                                      for n in long_lines[:5]])
    if _is_markdown(filename, text):
        return _Reader().markdown(text)
    return _Reader().yaml(text)


def _is_markdown(filename: str, text: str) -> bool:
    lower = filename.lower()
    if lower.endswith((".md", ".markdown")):
        return True
    if lower.endswith((".yaml", ".yml")):
        return False
    return text.startswith("---\n") and "\n---\n" in text[4:]


# ---------------------------------------------------------------- YAML with line numbers


class _Lines:
    """Line numbers (1-based, in the whole file) of every key and list item of a YAML tree."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.at: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []

    def index(self, node: yaml.Node, path: str) -> None:
        self.at.setdefault(path, node.start_mark.line + 1 + self.offset)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = f"{path}.{key}" if path else key
                line = key_node.start_mark.line + 1 + self.offset
                if key in seen:
                    self.duplicates.append((child, line))
                seen.add(key)
                self.at[child] = line
                self.index(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.index(item, f"{path}[{i + 1}]")

    def line(self, path: str) -> int | None:
        """The line of `path`, else of its nearest parent (a missing field: its mapping)."""
        while path:
            if path in self.at:
                return self.at[path]
            parent = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
            path = "" if parent == path else parent
        return self.at.get("", 1 + self.offset)


class _Refused(yaml.YAMLError):
    """YAML the campaign format does not need and an attacker would use."""

    def __init__(self, code: str, mark: yaml.Mark | None) -> None:
        super().__init__(code)
        self.code = code
        self.mark = mark


class _Loader(yaml.SafeLoader):
    """Safe YAML where dates stay text: `_date` checks them and names the line of a bad one.

    Anchors and aliases are refused as the composer meets them, before any tree exists:
    nine levels of nine aliases in 447 bytes expand to 387 million strings when walked (the
    "billion laughs"). Nesting deeper than MAX_DEPTH is refused too (the composer recurses)."""

    # PyYAML's stubs declare it per instance; it is per class, as in PyYAML's own resolvers.
    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {  # type: ignore[misc]
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("yaml_alias", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused("yaml_too_deep", event.start_mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


def _load_yaml(text: str, offset: int) -> tuple[Any, _Lines] | CampaignProblem:
    lines = _Lines(offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        lines.index(node, "")
        return loader.construct_document(node), lines
    except _Refused as refused:
        line = refused.mark.line + 1 + offset if refused.mark else None
        return CampaignProblem(line, "", refused.code, str(MAX_DEPTH))
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the unclosed thing started
        line = mark.line + 1 + offset if mark else None
        return CampaignProblem(line, "", "yaml_syntax", str(exc.problem or exc.context or ""))
    except yaml.YAMLError as exc:
        return CampaignProblem(None, "", "yaml_syntax", str(exc))
    finally:
        loader.dispose()


# ---------------------------------------------------------------- the reader


class _Reader:
    def __init__(self) -> None:
        self.problems: list[CampaignProblem] = []
        self.lines = _Lines(0)

    def problem(self, path: str, code: str, value: object = "", line: int | None = None) -> None:
        where = line if line is not None else self.lines.line(path)
        self.problems.append(CampaignProblem(where, path, code, str(value)))

    def result(self, values: dict[str, Any]) -> CampaignFile:
        known = CampaignFile(problems=self.problems, scope=values.get("scope"),
                             code=values.get("code"),
                             field_lines={k: v for k, v in self.lines.at.items() if k})
        if not self.problems:
            known.document = CampaignDocument(**values)
        return known

    # -- formats

    def yaml(self, text: str) -> CampaignFile:
        loaded = _load_yaml(text, 0)
        if isinstance(loaded, CampaignProblem):
            return CampaignFile(problems=[loaded])
        data, self.lines = loaded
        if not isinstance(data, dict):
            self.problem("", "not_a_mapping", line=1)
            return CampaignFile(problems=self.problems)
        self._duplicates()
        values = self._header(data, TOP_FIELDS)
        values["intro"] = self._text(data.get("intro"), "intro", required=False)
        values["sections"] = self._yaml_sections(data.get("sections"))
        return self._finish(values)

    def markdown(self, text: str) -> CampaignFile:
        all_lines = text.split("\n")
        if not all_lines or all_lines[0].strip() != "---":
            self.problem("", "no_front_matter", line=1)
            return CampaignFile(problems=self.problems)
        end = next((i for i in range(1, len(all_lines)) if all_lines[i].strip() == "---"), None)
        if end is None:
            self.problem("", "front_matter_unclosed", line=1)
            return CampaignFile(problems=self.problems)
        loaded = _load_yaml("\n".join(all_lines[1:end]), 1)
        if isinstance(loaded, CampaignProblem):
            return CampaignFile(problems=[loaded])
        data, self.lines = loaded
        if not isinstance(data, dict):
            self.problem("", "not_a_mapping", line=2)
            return CampaignFile(problems=self.problems)
        self._duplicates()
        values = self._header(data, FRONT_MATTER_FIELDS)
        body = [(i + 1, line) for i, line in enumerate(all_lines) if i > end]
        values["intro"], values["sections"] = self._markdown_body(body, end + 2)
        return self._finish(values)

    def _duplicates(self) -> None:
        for path, line in self.lines.duplicates:
            self.problem(path, "duplicate_field", line=line)

    # -- the header fields

    def _header(self, data: dict[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
        self._unknown(data, allowed, "")
        values: dict[str, Any] = {}
        code = self._string(data, "code", "code")
        if code is not None and not CODE_PATTERN.match(code):
            self.problem("code", "bad_code", code)
        values["code"] = code
        for name in ("name", "issuer", "scope"):
            values[name] = self._string(data, name, name)
        for name in ("signer", "signer_title"):
            values[name] = self._string(data, name, name, required=False)
        start, end = self._period(data.get("period"))
        values["period_start"], values["period_end"] = start, end
        deadline = self._date(data.get("ack_deadline"), "ack_deadline")
        values["ack_deadline"] = deadline
        if start and end and deadline and not start <= deadline <= end:
            self.problem("ack_deadline", "deadline_outside_period", deadline.isoformat())
        values["year"] = self._year(data.get("year"), start)
        language = data.get("language", "vi")
        if language not in ("vi", "en"):
            self.problem("language", "bad_language", language)
        values["language"] = language
        return values

    def _unknown(self, data: dict[str, Any], allowed: Sequence[str], path: str) -> None:
        for key in data:
            if str(key) not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                child = f"{path}.{key}" if path else str(key)
                if path == "" and key in ("intro", "sections"):
                    self.problem(child, "body_in_front_matter")
                else:
                    self.problem(child, "unknown_field", close[0] if close else ", ".join(allowed))

    def _string(self, data: dict[str, Any], key: str, path: str, *,
                required: bool = True) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, "missing")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem(path, "not_text")
            return None
        text = nfc(str(value))
        if len(text) > MAX_NAME:
            self.problem(path, "too_long_value", MAX_NAME)
            return None
        return text

    def _date(self, value: Any, path: str) -> date | None:
        if value is None or value == "":
            self.problem(path, "missing")
            return None
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        match = _VN_DATE.match(text)
        try:
            if match:
                return date(int(match[3]), int(match[2]), int(match[1]))
            return date.fromisoformat(text)
        except ValueError:
            self.problem(path, "bad_date", text)
            return None

    def _period(self, value: Any) -> tuple[date | None, date | None]:
        if not isinstance(value, dict):
            self.problem("period", "missing" if value is None else "bad_period")
            return None, None
        self._unknown(value, PERIOD_FIELDS, "period")
        start = self._date(value.get("start"), "period.start")
        end = self._date(value.get("end"), "period.end")
        if start and end and end < start:
            self.problem("period.end", "period_order", end.isoformat())
            return start, None
        return start, end

    def _year(self, value: Any, start: date | None) -> int | None:
        if value is None:
            return start.year if start else None
        if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
            self.problem("year", "bad_year", value)
            return None
        return value

    # -- sections

    def _yaml_sections(self, value: Any) -> list[Section]:
        if not isinstance(value, list) or not value:
            self.problem("sections", "missing" if value is None else "no_sections")
            return []
        if len(value) > MAX_SECTIONS:
            self.problem("sections", "too_many_sections", MAX_SECTIONS)
        sections = []
        for index, raw in enumerate(value, start=1):
            path = f"sections[{index}]"
            if not isinstance(raw, dict):
                self.problem(path, "bad_section")
                continue
            self._unknown(raw, SECTION_FIELDS, path)
            title = self._string(raw, "title", f"{path}.title")
            if "text" in raw and "targets" in raw:
                self.problem(path, "text_and_targets")
                continue
            if "targets" in raw:
                targets = self._yaml_targets(raw["targets"], f"{path}.targets")
                sections.append(Section(title=title or "", targets=tuple(targets)))
            else:
                paragraphs = self._text(raw.get("text"), f"{path}.text", required=True)
                sections.append(Section(title=title or "", paragraphs=tuple(paragraphs)))
        return sections

    def _text(self, value: Any, path: str, *, required: bool) -> list[Paragraph]:
        if value is None or value == "" or value == []:
            if required:
                self.problem(path, "missing")
            return []
        if isinstance(value, str):
            return paragraphs(value.split("\n"))
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            return [p for v in value for p in paragraphs(str(v).split("\n"))]
        self.problem(path, "not_text")
        return []

    def _yaml_targets(self, value: Any, path: str) -> list[Target]:
        if not isinstance(value, list) or not value:
            self.problem(path, "no_targets")
            return []
        targets = []
        for index, raw in enumerate(value, start=1):
            item = f"{path}[{index}]"
            if isinstance(raw, str):
                raw = {"text": raw}
            if not isinstance(raw, dict):
                self.problem(item, "bad_target")
                continue
            self._unknown(raw, TARGET_FIELDS, item)
            text = self._string(raw, "text", f"{item}.text")
            if text is None:
                continue
            target = self._target(_ITEM.sub("", text, count=1), raw.get("measure"),
                                  raw.get("goal"), item)
            if target is not None:
                targets.append(target)
        return targets

    def _target(self, text: str, measure: Any, goal: Any, path: str,
                line: int | None = None) -> Target | None:
        chosen: Measure | None = None
        if measure is not None and measure != "":
            try:
                chosen = Measure(str(measure).strip())
            except ValueError:
                self.problem(f"{path}.measure", "unknown_measure", measure, line=line)
                return None
        share = _goal(goal)
        if goal is not None and share is None:
            self.problem(f"{path}.goal", "bad_goal", goal, line=line)
            return None
        if share is None:
            share = _goal_in_text(text)
        if chosen is not None and share is None:
            self.problem(f"{path}.goal", "missing_goal", line=line)
            return None
        return Target(text=text, measure=chosen, goal=share if share is not None else 1.0)

    # -- Markdown body

    def _markdown_body(self, body: list[tuple[int, str]],
                       first_line: int) -> tuple[list[Paragraph], list[Section]]:
        chunks: list[tuple[str | None, int, list[tuple[int, str]]]] = [(None, first_line, [])]
        for number, line in body:
            title = _heading(line)
            if title is not None:
                chunks.append((nfc(title), number, []))
            else:
                chunks[-1][2].append((number, line))
        intro = paragraphs(line for _, line in chunks[0][2])
        sections: list[Section] = []
        seen_targets = False
        for title, at, lines in chunks[1:]:
            if not title:
                self.problem("sections", "missing_title", line=at)
                continue
            if _is_targets_title(title):
                if seen_targets:
                    self.problem("sections", "two_target_sections", title, line=at)
                    continue
                seen_targets = True
                sections.append(Section(title=title, targets=tuple(self._md_targets(lines, at))))
            else:
                sections.append(Section(title=title,
                                        paragraphs=tuple(paragraphs(x for _, x in lines))))
        if not sections:
            self.problem("sections", "no_sections", line=first_line)
        if len(sections) > MAX_SECTIONS:
            self.problem("sections", "too_many_sections", MAX_SECTIONS, line=first_line)
        return intro, sections

    def _md_targets(self, lines: list[tuple[int, str]], heading_line: int) -> list[Target]:
        items: list[tuple[int, list[str]]] = []
        for number, raw in lines:
            text = raw.strip()
            if not text:
                continue
            if _ITEM.match(text) or not items:
                items.append((number, [text]))
            else:
                items[-1][1].append(text)
        if not items:
            self.problem("targets", "no_targets", line=heading_line)
        targets = []
        for index, (number, parts) in enumerate(items, start=1):
            path = f"targets[{index}]"
            text = nfc(" ".join(parts))
            options: dict[str, str] = {}
            text, tag = _split_tag(text)
            if tag is not None:
                for pair in tag.split(","):
                    key, _sep, value = pair.partition(":")
                    key = key.strip()
                    if key not in ("measure", "goal"):
                        self.problem(f"{path}.{key}", "unknown_field", "measure, goal",
                                     line=number)
                        continue
                    options[key] = value.strip()
            target = self._target(_ITEM.sub("", text, count=1).strip(), options.get("measure"),
                                  options.get("goal"), path, line=number)
            if target is not None:
                targets.append(target)
        return targets

    # -- whole document

    def _finish(self, values: dict[str, Any]) -> CampaignFile:
        total = sum(len(p.text) for p in values.get("intro", []))
        for section in values.get("sections", []):
            total += len(section.title) + sum(len(p.text) for p in section.paragraphs)
            total += sum(len(t.text) for t in section.targets or ())
        if total > MAX_TEXT:
            self.problem("sections", "too_long_text", MAX_TEXT)
        targets_sections = [s for s in values.get("sections", []) if s.targets is not None]
        if len(targets_sections) > 1:
            self.problem("sections", "two_target_sections", targets_sections[1].title)
        return self.result(values)


def paragraphs(lines: Iterable[str]) -> list[Paragraph]:
    """Join wrapped lines into paragraphs and list items (see the module docstring)."""
    result: list[Paragraph] = []
    current: list[str] = []
    item = False

    def close() -> None:
        nonlocal current
        if current:
            text = nfc(" ".join(current))
            if item:
                text = re.sub(r"^[*+•–]\s+", "- ", text)
            result.append(Paragraph(text=text, item=item))
        current = []

    for raw in lines:
        line = raw.strip()
        if not line:
            close()
            continue
        if _ITEM.match(line):
            close()
            item = True
            current = [line]
        elif current:
            current.append(line)
        else:
            item = False
            current = [line]
    close()
    return result


def _heading(line: str) -> str | None:
    """The title of a Markdown heading ("## Title ##" → "Title"), else None.

    Plain string operations, linear in the line: the regular expression this replaces,
    `^(#{1,3})\\s+(.*?)\\s*#*\\s*$`, backtracked cubically on a heading with a long run of
    spaces (a 2 KB file held the bot 14 s)."""
    text = line.strip()
    hashes = len(text) - len(text.lstrip("#"))
    if not 1 <= hashes <= 3 or len(text) == hashes or not text[hashes].isspace():
        return None
    return text[hashes:].strip().rstrip("#").rstrip()


def _split_tag(text: str) -> tuple[str, str | None]:
    """"Text {measure: …, goal: …}" → ("Text", "measure: …, goal: …"); no tag: (text, None)."""
    stripped = text.rstrip()
    if not stripped.endswith("}"):
        return text, None
    start = stripped.rfind("{")
    inside = stripped[start + 1:-1]
    if start < 0 or "}" in inside:
        return text, None
    return stripped[:start].rstrip(), inside


_NUMBERING = re.compile(r"^(?:[*\s]+|(?:[ivx]+|\d+)[.)]\s*)*")


def _is_targets_title(title: str) -> bool:
    """"Chỉ tiêu thi đua cụ thể", "IV. Chỉ tiêu", "* Chỉ tiêu…", "Targets" hold the targets."""
    return _NUMBERING.sub("", fold_key(title)).startswith(("chi tieu", "targets"))


def _goal(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        share = float(value)
    else:
        text = str(value).strip()
        percent = _PERCENT.match(text)
        try:
            share = float(percent[1].replace(",", ".")) / 100 if percent \
                else float(text.replace(",", "."))
        except ValueError:
            return None
    return share if 0 < share <= 1 else None


def _goal_in_text(text: str) -> float | None:
    """"100% công chức …" → 1.0: the goal a target states in its own words."""
    match = _PERCENT.match(text)
    if match is None:
        return None
    share = float(match[1].replace(",", ".")) / 100
    return share if 0 < share <= 1 else None
