"""Invite codes for the office to hand out: a CSV list and a DOCX of slips to print and cut.

The slips are always in Vietnamese (they go to the staff, whatever language the head who
printed them chose): A4, Times New Roman, one slip per person with their name, unit, code,
how to link on Zalo and on Telegram, and until when the code works, framed by dashed cut
lines; a slip is never split across two pages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from locales import _, format_datetime, use_locale

if TYPE_CHECKING:
    from docx.table import _Cell

FONT = "Times New Roman"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 21.0, 29.7, 1.5  # cm


@dataclass(frozen=True)
class Slip:
    name: str
    unit: str  # empty for an agency's own leadership
    agency: str
    code: str  # as printed: groups of four
    expires_at: datetime  # local time


@dataclass(frozen=True)
class LinkGuide:
    """Where people find the bot: the channels it runs on and its names there."""

    channels: tuple[str, ...] = ("telegram", "zalo")
    telegram_username: str | None = None  # without "@"
    zalo_name: str | None = None  # the bot's name as people search it in Zalo

    def telegram_link(self, code: str) -> str | None:
        if not self.telegram_username:
            return None
        return f"https://t.me/{self.telegram_username}?start={code}"


def zalo_steps(guide: LinkGuide, code: str) -> str:
    bot = f"“{guide.zalo_name}”" if guide.zalo_name else _(
        "the emulation and commendation assistant of your agency")
    return _("On Zalo: open a chat with {bot} and send the code {code}.").format(
        bot=bot, code=code)


def telegram_steps(guide: LinkGuide, code: str) -> str:
    link = guide.telegram_link(code)
    if link is not None:
        return _("On Telegram: open {link} and tap Start (or send /start to "
                 "@{username}, then the code).").format(link=link,
                                                        username=guide.telegram_username)
    return _("On Telegram: send /start to the emulation and commendation assistant of your "
             "agency, then share your phone number or send the code.")


def slips_csv(slips: Sequence[Slip]) -> bytes:
    """name, unit, agency, code, expiry: UTF-8 with a BOM, so Excel shows the diacritics."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Full name"), _("Unit"), _("Agency"), _("Invite code"),
                     _("Valid until")])
    for slip in slips:
        writer.writerow([slip.name, slip.unit, slip.agency, slip.code,
                         format_datetime(slip.expires_at)])
    return buffer.getvalue().encode("utf-8-sig")


def slips_docx(slips: Sequence[Slip], guide: LinkGuide) -> bytes:
    # python-docx when a DOCX is asked for: the CLI's other commands start without it.
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    with use_locale("vi"):
        document = Document()
        section = document.sections[0]
        section.page_width, section.page_height = Cm(PAGE_WIDTH), Cm(PAGE_HEIGHT)
        for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
            setattr(section, side, Cm(MARGIN))
        normal = document.styles["Normal"]
        normal.font.name = FONT  # type: ignore[attr-defined]
        normal.font.size = Pt(13)  # type: ignore[attr-defined]
        # Word picks the East Asian slot for some Vietnamese letters: name the font there too.
        fonts = normal.element.rPr.rFonts  # type: ignore[attr-defined]
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
        paragraph = normal.paragraph_format  # type: ignore[attr-defined]
        paragraph.space_before = Pt(0)
        paragraph.space_after = Pt(2)

        table = document.add_table(rows=0, cols=1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _cut_lines(table)
        if slips:
            # One slip built with python-docx, with placeholders; the others are copies of
            # its XML with the placeholders replaced (python-docx costs ~10 ms a slip, a copy
            # a fraction of that: 300 slips in well under a second).
            row = table.add_row()
            _keep_together(row)
            cell = row.cells[0]
            cell.width = Cm(PAGE_WIDTH - 2 * MARGIN)
            _fill(cell, guide)
            template = row._tr
            for slip in slips[1:]:
                copy = deepcopy(template)
                _substitute(copy, slip)
                table._tbl.append(copy)
            _substitute(template, slips[0])
        else:
            document.add_paragraph(_("No invite codes."))
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


PLACEHOLDERS = {"name": "⟦name⟧", "unit": "⟦unit⟧", "code": "⟦code⟧", "expires": "⟦expires⟧"}


def _substitute(row: Any, slip: Slip) -> None:
    from docx.oxml.ns import qn

    values = {
        PLACEHOLDERS["name"]: slip.name,
        PLACEHOLDERS["unit"]: f"{slip.unit} – {slip.agency}" if slip.unit else slip.agency,
        PLACEHOLDERS["code"]: slip.code,
        PLACEHOLDERS["expires"]: format_datetime(slip.expires_at),
    }
    for text in row.iter(qn("w:t")):
        if text.text and "⟦" in text.text:
            for placeholder, value in values.items():
                text.text = text.text.replace(placeholder, value)


def _fill(cell: _Cell, guide: LinkGuide) -> None:
    from docx.shared import Pt

    def line(text: str = "", *, size: float = 13, bold: bool = False, label: str = "",
             space_before: float = 0) -> None:
        paragraph = cell.paragraphs[0] if not lines else cell.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(space_before)
        if label:
            run = paragraph.add_run(label)
            run.font.name, run.font.size = FONT, Pt(size)
        run = paragraph.add_run(text)
        run.font.name, run.font.size, run.bold = FONT, Pt(size), bold
        lines.append(text)

    lines: list[str] = []
    code = PLACEHOLDERS["code"]
    line(_("INVITE CODE FOR THE EMULATION AND COMMENDATION ASSISTANT"), size=11, bold=True,
         space_before=4)
    line(PLACEHOLDERS["name"], bold=True, label=_("Name: "))
    line(PLACEHOLDERS["unit"], label=_("Unit: "))
    line(code, size=20, bold=True, label=_("Invite code: "), space_before=3)
    steps = []
    if "zalo" in guide.channels:
        steps.append(zalo_steps(guide, code))
    if "telegram" in guide.channels:
        steps.append(telegram_steps(guide, code))
    for step in steps:
        line("• " + step, size=12)
    line(_("The code works once, until {expires}. Keep it to yourself: it links a chat "
           "account to your name.").format(expires=PLACEHOLDERS["expires"]),
         size=11, space_before=2)


def _cut_lines(table: object) -> None:
    """Dashed borders around and between the slips: where the scissors go."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "dashed"), ("w:sz", "6"), ("w:space", "0"),
                           ("w:color", "808080")):
            border.set(qn(key), value)
        borders.append(border)
    properties.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 200), ("bottom", 200), ("left", 280), ("right", 280)):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(width))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.append(margins)


def _keep_together(row: object) -> None:
    """A slip stays on one page."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)
