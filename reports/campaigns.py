"""Campaigns as people read them: phone pages, file problems, listings and measured progress.

The campaign's own text stays in the language it was written in; the frame around it (dates,
page numbers, status lines) is in the reader's language. Pages are computed from the stored
document every time (never carried in callback data), and split at section and paragraph
boundaries so that each page stays far below Telegram's 4096-character limit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape, unescape

from domain.campaign_file import CampaignProblem
from domain.campaign_progress import CampaignProgress, Figures
from domain.campaigns import Campaign, CampaignDocument, CampaignStatus, Measure
from domain.models import OrgKind
from locales import N_, _, format_date, format_datetime, format_percent, ngettext, tapped
from reports.imports import problem_list

PAGE_BUDGET = 3500  # characters of campaign text (HTML) per page; the frame adds < 600
TELEGRAM_TEXT = 4096
FRAME_ROOM = 800  # the frame (< 600) and a menu of typed choices, on channels with short texts


def page_budget(max_text: int) -> int:
    """Campaign text per page for a channel whose messages hold `max_text` characters:
    Telegram's pages as always; shorter messages (Zalo's 2000) get shorter pages, so that a
    page and its choices stay one message."""
    return PAGE_BUDGET if max_text >= TELEGRAM_TEXT else max_text - FRAME_ROOM

# ---------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class _Block:
    html: str
    tight: bool = False  # joined to the previous block by a line break, not a blank line
    heading: bool = False


def _blocks(doc: CampaignDocument) -> list[_Block]:
    blocks = [_Block(escape(p.text, quote=False)) for p in doc.intro]
    for section in doc.sections:
        blocks.append(_Block("<b>" + escape(section.title, quote=False) + "</b>", heading=True))
        if section.targets is not None:
            for number, target in enumerate(section.targets, start=1):
                blocks.append(_Block(f"{number}. " + escape(target.text, quote=False),
                                     tight=True))
            continue
        previous_item = False
        for index, paragraph in enumerate(section.paragraphs):
            tight = index == 0 or (paragraph.item and previous_item)
            blocks.append(_Block(escape(paragraph.text, quote=False), tight=tight))
            previous_item = paragraph.item
    if doc.signer:
        title = escape((doc.signer_title or "").upper(), quote=False)
        signature = (f"<i>{title}</i>\n" if title else "") + escape(doc.signer, quote=False)
        blocks.append(_Block(signature))
    return blocks


def _split_long(block: _Block, budget: int) -> list[_Block]:
    """A paragraph longer than a page: cut at sentence ends, else between words."""
    if len(block.html) <= budget:
        return [block]
    pieces = re.split(r"(?<=[.;:!?])\s+", block.html)
    words: list[str] = []
    for piece in pieces:
        words.extend([piece] if len(piece) <= budget else piece.split(" "))
    chunks: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) > budget and current:
            chunks.append(current)
            current = word
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [_Block(c, tight=block.tight if i == 0 else True) for i, c in enumerate(chunks)]


def _sections(blocks: list[_Block]) -> list[list[_Block]]:
    """Blocks grouped by section (the intro and the signature are sections of their own)."""
    groups: list[list[_Block]] = []
    for block in blocks:
        if block.heading or not groups or (not block.tight and not groups[-1][0].heading):
            groups.append([block])
        else:
            groups[-1].append(block)
    return groups


def paginate(doc: CampaignDocument, budget: int = PAGE_BUDGET) -> list[str]:
    """The document's text split into pages of at most `budget` characters of HTML.

    A section that fits on a page is never split: it moves to the next page whole. A longer
    one is split between paragraphs (a paragraph longer than a page between sentences), and
    a heading always stays with the text under it.
    """
    pages: list[str] = []
    current = ""

    def add(text: str, tight: bool) -> None:
        nonlocal current
        separator = "\n" if tight else "\n\n"
        if current and len(current) + len(separator) + len(text) > budget:
            pages.append(current)
            current = text
        else:
            current = current + separator + text if current else text

    for section in _sections(_blocks(doc)):
        whole = _join(section)
        if len(whole) <= budget:
            add(whole, tight=False)
            continue
        pieces = [p for b in section for p in _split_long(b, budget - 200)]
        if pieces[0].heading:  # the heading travels with the first paragraph under it
            pieces[:2] = [_Block(_join(pieces[:2]))]
        for piece in pieces:
            add(piece.html, piece.tight)
    if current or not pages:
        pages.append(current)
    return pages


def _join(blocks: Sequence[_Block]) -> str:
    text = ""
    for block in blocks:
        if text:
            text += "\n" if block.tight else "\n\n"
        text += block.html
    return text


def period_text(campaign: Campaign) -> str:
    return _("{start} – {end}").format(start=format_date(campaign.period_start),
                                       end=format_date(campaign.period_end))


def campaign_page(campaign: Campaign, page: int, status: str | None = None,
                  *, preview: bool = False, budget: int = PAGE_BUDGET) -> tuple[str, int, int]:
    """(HTML text, page shown, page count) of one page of the campaign, with its frame."""
    pages = paginate(campaign.document, budget)
    page = max(0, min(page, len(pages) - 1))
    name = "📣 <b>" + escape(campaign.name, quote=False) + "</b>"
    lines: list[str] = []
    if preview:
        lines.append("👁 <i>" + escape(_("Preview: this is what each person will receive."))
                     + "</i>")
    if page == 0:
        lines += [
            name,
            escape(campaign.issuer, quote=False),
            "🗓 " + escape(_("Period: {period}").format(period=period_text(campaign))),
            "✍️ " + escape(_("Commit by: {date}").format(date=format_date(campaign.ack_deadline))),
        ]
    else:
        lines.append(name + " " + escape(_("(continued)")))
    text = "\n".join(lines) + "\n\n" + pages[page]
    footer = []
    if len(pages) > 1:
        footer.append("<i>" + escape(_("Page {page} of {pages}").format(
            page=page + 1, pages=len(pages))) + "</i>")
    if status:
        footer.append(status)
    if footer:
        text += "\n\n" + "\n".join(footer)
    return text, page, len(pages)


def commit_label() -> str:
    return "✅ " + _("I commit to carry it out")


def ack_status(campaign: Campaign, acknowledged_at: datetime | None, today: date) -> str:
    """The reader's situation, one line of HTML (times already in local time)."""
    if acknowledged_at is not None:
        late = acknowledged_at.date() > campaign.ack_deadline
        line = _("You committed at {time}, after the deadline.") if late else \
            _("You committed at {time}.")
        return "✅ " + escape(line.format(time=format_datetime(acknowledged_at)))
    if campaign.is_over(today):
        return "🔒 " + escape(_("This campaign ended on {date}.").format(
            date=format_date(campaign.closed_on())))
    if today > campaign.ack_deadline:
        return "⚠️ " + escape(_(
            "The deadline to commit was {deadline}; you can still commit until {end}."
        ).format(deadline=format_date(campaign.ack_deadline),
                 end=format_date(campaign.period_end)))
    hint = _("After reading, tap “{button}” by {date}.") if tapped() else \
        _("After reading, type the number of “{button}” by {date}.")
    return "👉 " + escape(hint.format(
        button=_("I commit to carry it out"), date=format_date(campaign.ack_deadline)))


def closed_refusal(campaign: Campaign) -> str:
    """Plain text (a button alert, ≤ 200 characters): why commitments are no longer taken."""
    return _(
        "“{name}” ended on {end} (period {period}); commitments are closed."
    ).format(name=_short(campaign.name), end=format_date(campaign.closed_on()),
             period=period_text(campaign))


def over_refusal(campaign: Campaign) -> str:
    """Plain text (a button alert, ≤ 200 characters): why it can no longer be launched."""
    return _("“{name}” ended on {date}: it can no longer be launched.").format(
        name=_short(campaign.name), date=format_date(campaign.closed_on()))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------------------- /goals


def goals_text(campaigns: Sequence[Campaign], acks: dict[int, datetime],
               today: date) -> str:
    """A person's current campaigns with their acknowledgement status (HTML)."""
    if not campaigns:
        return escape(_("There is no emulation campaign for you at the moment."))
    lines = ["<b>" + escape(_("Your emulation campaigns")) + "</b>"]
    for number, campaign in enumerate(campaigns, start=1):
        lines.append("")
        lines.append(f"{number}. <b>" + escape(campaign.name, quote=False) + "</b>")
        lines.append(escape(campaign.issuer, quote=False) + " · " + escape(period_text(campaign)))
        lines.append(ack_status(campaign, acks.get(campaign.id), today))
    return "\n".join(lines)


# ---------------------------------------------------------------------------- secretariat


STATUS_LABELS = {
    CampaignStatus.LOADED: N_("loaded, not launched yet"),
    CampaignStatus.LAUNCHED: N_("launched"),
    CampaignStatus.ENDED: N_("ended"),
}


def status_label(campaign: Campaign, today: date) -> str:
    if campaign.status == CampaignStatus.LAUNCHED and campaign.is_over(today):
        return _("ended")
    return _(STATUS_LABELS[campaign.status])


def figures_line(figures: Figures) -> str:
    return _("Committed: {ack} of {people} ({rate}) · registered: {reg} ({reg_rate})").format(
        ack=figures.acknowledged, people=figures.people,
        rate=_rate(figures.acknowledgement_rate), reg=figures.registered,
        reg_rate=_rate(figures.registration_rate))


def _rate(value: float | None) -> str:
    return "–" if value is None else format_percent(value)


def campaign_list_text(items: Sequence[tuple[Campaign, str, CampaignProgress | None]],
                       today: date) -> str:
    """The secretariat's /campaigns: (campaign, scope name, progress if launched)."""
    if not items:
        return escape(_("No campaign is loaded. Send a campaign file (YAML or Markdown) in "
                        "this chat, or use “thidua campaign load FILE”."))
    lines = ["<b>" + escape(_("Emulation campaigns")) + "</b>"]
    for number, (campaign, scope, progress) in enumerate(items, start=1):
        lines.append("")
        lines.append(f"{number}. <b>" + escape(campaign.name, quote=False) + "</b>"
                     + f" (<code>{escape(campaign.code)}</code>)")
        lines.append(escape(_("Status: {status}").format(status=status_label(campaign, today))))
        lines.append(escape(_("Scope: {scope} · period {period}").format(
            scope=scope, period=period_text(campaign))))
        if progress is not None:
            lines.append(escape(figures_line(progress.total)))
    return "\n".join(lines)


def load_preview(doc: CampaignDocument, scope: str, in_scope: int, linked: int,
                 replaces: bool) -> str:
    """What a campaign file holds, before it is loaded (HTML)."""
    lines = [
        "<b>" + escape(_("Campaign file: {code}").format(code=doc.code)) + "</b>",
        escape(doc.name, quote=False),
        escape(_("Issued by: {issuer}").format(issuer=doc.issuer)),
        escape(_("Scope: {scope}").format(scope=scope)),
        escape(_("Period: {start} – {end}").format(start=format_date(doc.period_start),
                                                  end=format_date(doc.period_end))),
        escape(_("Commit by: {date}").format(date=format_date(doc.ack_deadline))),
        escape(ngettext("{n} section", "{n} sections", len(doc.sections)).format(
            n=len(doc.sections))) + " · " + escape(ngettext(
                "{n} page on a phone", "{n} pages on a phone", len(paginate(doc))).format(
                    n=len(paginate(doc)))),
    ]
    targets = doc.targets
    if targets:
        lines.append("")
        lines.append(escape(_("Targets:")))
        for number, target in enumerate(targets, start=1):
            mark = "📊 " + _(MEASURE_LABELS[target.measure]) if target.measure else \
                _("not measured by the bot")
            lines.append(f"{number}. " + escape(_short(target.text, 90), quote=False)
                         + " — <i>" + escape(mark) + "</i>")
    lines.append("")
    lines.append(escape(_("People in scope: {people}, of whom {linked} use the bot.").format(
        people=in_scope, linked=linked)))
    if replaces:
        lines.append(escape(_("It replaces the campaign of the same code loaded before.")))
    return "\n".join(lines)


MEASURE_LABELS = {
    Measure.REGISTRATION_RATE: N_("registration rate"),
    Measure.ACKNOWLEDGEMENT_RATE: N_("commitment rate"),
}


def progress_text(progress: CampaignProgress, *, with_units: bool = True) -> str:
    """Measured targets and the commitment rate per agency and unit (HTML)."""
    lines = [
        "📊 <b>" + escape(progress.name, quote=False) + "</b>",
        escape(figures_line(progress.total)),
    ]
    if progress.total.late:
        lines.append(escape(ngettext("{n} commitment after the deadline",
                                     "{n} commitments after the deadline",
                                     progress.total.late).format(n=progress.total.late)))
    measured = progress.measured_targets
    if measured:
        lines.append("")
        lines.append("<b>" + escape(_("Measured targets")) + "</b>")
        for item in measured:
            assert item.target.measure is not None
            mark = "✅" if item.met else "⏳"
            lines.append(escape(_("{mark} Target {number} ({measure}): {value} of {goal}").format(
                mark=mark, number=item.number, measure=_(MEASURE_LABELS[item.target.measure]),
                value=_rate(item.value), goal=format_percent(item.target.goal))))
    for agency in progress.agencies:
        lines.append("")
        lines.append("<b>" + escape(agency.name, quote=False) + "</b>: "
                     + escape(_ratio(agency.figures)))
        if not with_units:
            continue
        for unit in agency.units:
            label = _("Agency leadership") if unit.kind != OrgKind.UNIT else unit.name
            lines.append("• " + escape(label, quote=False) + ": " + escape(_ratio(unit.figures)))
    return "\n".join(lines)


def _ratio(figures: Figures) -> str:
    return _("{ack}/{people} committed ({rate})").format(
        ack=figures.acknowledged, people=figures.people,
        rate=_rate(figures.acknowledgement_rate))


def plain(html_text: str) -> str:
    """HTML of these reports as terminal text (the CLI prints what the bot shows)."""
    return unescape(re.sub(r"</?(b|i|code)>", "", html_text))


def chunks(text: str, limit: int = 4000) -> list[str]:
    """Split a long report into messages at blank lines (then lines) below Telegram's limit."""
    parts: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        pieces = [block] if len(block) <= limit else block.split("\n")
        for piece in pieces:
            separator = "\n\n" if piece is block else "\n"
            if current and len(current) + len(separator) + len(piece) > limit:
                parts.append(current)
                current = piece
            else:
                current = current + separator + piece if current else piece
    if current:
        parts.append(current)
    return parts


# ---------------------------------------------------------------------------- problems

PROBLEM_TEXTS = {
    "bad_encoding": N_("the file is not UTF-8 text"),
    "yaml_syntax": N_("the file is not valid YAML ({value})"),
    "yaml_alias": N_("YAML anchors and aliases (& and *) are not accepted in a campaign file"),
    "yaml_too_deep": N_("the YAML is nested too deeply (at most {value} levels)"),
    "file_too_long": N_("the file is too long (at most {value} characters)"),
    "line_too_long": N_("the line is too long (at most {value} characters)"),
    "not_a_mapping": N_("expected fields written as “name: value”"),
    "no_front_matter": N_("a Markdown campaign file starts with its fields between two "
                          "“---” lines"),
    "front_matter_unclosed": N_("the fields at the top are not closed by a “---” line"),
    "duplicate_field": N_("this field is given twice"),
    "unknown_field": N_("unknown field (did you mean “{value}”?)"),
    "body_in_front_matter": N_("the introduction and the sections go below the “---” line, "
                               "as Markdown"),
    "missing": N_("this field is required"),
    "not_text": N_("this field must be text"),
    "too_long_value": N_("too long (at most {value} characters)"),
    "bad_code": N_("“{value}” is not a valid code: use 2 to 40 lower-case letters, digits, "
                   "“-”, “.” or “_”, e.g. vpubnd-2024-q1"),
    "bad_date": N_("“{value}” is not a date (write 2024-03-31 or 31/03/2024)"),
    "bad_period": N_("the period needs a start and an end (period: start: …, end: …)"),
    "period_order": N_("the period ends before it starts"),
    "deadline_outside_period": N_("the deadline to commit must fall within the period"),
    "bad_year": N_("“{value}” is not a year"),
    "bad_language": N_("“{value}” is not a supported language (vi or en)"),
    "no_sections": N_("the campaign has no section"),
    "too_many_sections": N_("too many sections (at most {value})"),
    "bad_section": N_("each section needs a title and a text (or targets)"),
    "text_and_targets": N_("a section has a text or targets, not both"),
    "missing_title": N_("a section heading has no title"),
    "no_targets": N_("the section of targets lists no target"),
    "bad_target": N_("each target needs a text"),
    "unknown_measure": N_("unknown measure “{value}” (use registration_rate or "
                          "acknowledgement_rate, or leave it out)"),
    "bad_goal": N_("“{value}” is not a goal between 0 and 100%"),
    "missing_goal": N_("a measured target needs a goal: “100% …” in its text, or goal: 100%"),
    "two_target_sections": N_("only one section may hold targets (“{value}” is a second one)"),
    "too_long_text": N_("the campaign text is too long (at most {value} characters)"),
    "unknown_scope": N_("no agency or unit named “{value}” on the roster"),
    "ambiguous_scope": N_("several units are named “{value}”: write “Unit – Agency”"),
    "scope_outside": N_("“{value}” is outside the scope of this secretariat"),
    "code_launched": N_("a campaign with the code “{value}” was launched already; give this "
                        "campaign another code"),
}


def describe_problem(problem: CampaignProblem) -> str:
    template = PROBLEM_TEXTS.get(problem.code, problem.code)
    detail = _(template).format(value=problem.value)
    if problem.line is not None and problem.field:
        return _("Line {line}, field “{field}”: {detail}").format(
            line=problem.line, field=problem.field, detail=detail)
    if problem.line is not None:
        return _("Line {line}: {detail}").format(line=problem.line, detail=detail)
    if problem.field:
        return _("Field “{field}”: {detail}").format(field=problem.field, detail=detail)
    return detail


def describe_problems(problems: Sequence[CampaignProblem], limit: int = 30) -> str:
    header = ngettext(
        "The campaign file has {n} problem; nothing was loaded:",
        "The campaign file has {n} problems; nothing was loaded:",
        len(problems),
    ).format(n=len(problems))
    return problem_list(header, [describe_problem(p) for p in problems], limit)
