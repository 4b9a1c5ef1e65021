"""Writing text into XLSX cells safely: always as text, never as a formula or broken XML.

openpyxl turns any string that starts with "=" into a formula: a roster name
`=HYPERLINK("http://…","Sở A")` became a live link in the summary workbook. Every text cell
is therefore typed as a string explicitly, and one that starts with = + - @ also gets Excel's
quote prefix (shown as text, and still text after someone edits the cell). Control
characters, which openpyxl refuses for the whole file (IllegalCharacterError), are dropped:
data imported before they were stripped at import must not break a summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from domain.text import strip_invisible

FORMULA_STARTS = ("=", "+", "-", "@")


def set_value(cell: Cell, value: Any) -> Cell:
    """Put `value` in `cell`; a string always as text."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = strip_invisible(value)
    cell.value = text
    cell.data_type = "s"  # after the value: openpyxl infers "f" for "=…"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    return set_value(sheet.cell(row=row, column=column), value)


def append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """`sheet.append(values)` (fast: a detail list has tens of thousands of rows), every
    string written as text."""
    row = [strip_invisible(v) if isinstance(v, str) else v for v in values]
    sheet.append(row)
    for column, value in enumerate(row, start=1):
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.data_type = "s"
            cell.quotePrefix = True
