"""Reading the tabular import formats (UTF-8 CSV, or the first sheet of an XLSX file).

Returns rows as dicts keyed by canonical column names, each with its line number in the file,
so every import can point at the exact line of a problem.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.text import fold_key, nfc

MAX_ROWS = 200_000


@dataclass(frozen=True)
class TableProblem:
    line: int
    code: str  # bad_encoding, not_a_table, missing_columns, empty, too_many_rows, bad_xlsx
    detail: str = ""


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problem: TableProblem | None = None


def read_table(
    content: bytes, filename: str, columns: Mapping[str, tuple[str, ...]], required: set[str]
) -> Table:
    """Parse `content`; `columns` maps canonical names to accepted header spellings."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or content[:4] == b"PK\x03\x04":
        raw_rows = _xlsx_rows(content)
        if isinstance(raw_rows, TableProblem):
            return Table(problem=raw_rows)
    else:
        decoded = _decode(content)
        if isinstance(decoded, TableProblem):
            return Table(problem=decoded)
        raw_rows = [(i, row) for i, row in enumerate(_csv_rows(decoded), start=1)]
    raw_rows = [(line, row) for line, row in raw_rows if any(cell.strip() for cell in row)]
    if not raw_rows:
        return Table(problem=TableProblem(1, "empty"))
    header_line, header = raw_rows[0]
    mapping = _map_header(header, columns)
    missing = sorted(required - set(mapping.values()))
    if missing:
        return Table(problem=TableProblem(header_line, "missing_columns", ", ".join(missing)))
    if len(raw_rows) - 1 > MAX_ROWS:
        return Table(problem=TableProblem(header_line, "too_many_rows", str(MAX_ROWS)))
    table = Table()
    for line, cells in raw_rows[1:]:
        row = {name: "" for name in columns}
        for index, name in mapping.items():
            if index < len(cells):
                row[name] = nfc(cells[index])
        table.rows.append((line, row))
    return table


def _decode(content: bytes) -> str | TableProblem:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return TableProblem(line, "bad_encoding")


def _csv_rows(text: str) -> list[list[str]]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect))


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]] | TableProblem:
    from openpyxl import load_workbook  # imported lazily: only XLSX imports pay for it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return TableProblem(1, "bad_xlsx")
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((line, [_cell_text(v) for v in values]))
            if line > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _map_header(header: list[str], columns: Mapping[str, tuple[str, ...]]) -> dict[int, str]:
    """Column index → canonical name; headers match in any case, with or without diacritics."""
    lookup = {_header_key(alias): name for name, aliases in columns.items() for alias in aliases}
    lookup.update({_header_key(name): name for name in columns})
    mapping: dict[int, str] = {}
    for index, title in enumerate(header):
        name = lookup.get(_header_key(title))
        if name and name not in mapping.values():
            mapping[index] = name
    return mapping


def _header_key(title: str) -> str:
    return fold_key(title.replace("_", " ").strip("() "))


def looks_like_table(
    filename: str, content: bytes, columns: Mapping[str, tuple[str, ...]], needed: set[str]
) -> bool:
    """Whether the file's header names at least the `needed` columns (to recognise uploads)."""
    if not filename.lower().endswith((".csv", ".xlsx", ".xlsm", ".txt")):
        return False
    table = read_table(content, filename, columns, needed)
    return table.problem is None or table.problem.code not in ("missing_columns", "empty")
