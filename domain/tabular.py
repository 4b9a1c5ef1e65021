"""Reading the tabular import formats (UTF-8 CSV, or the sheet an XLSX workbook opens on).

Returns rows as dicts keyed by canonical column names, each with its line number in the file,
so every import can point at the exact line of a problem.

Files come from anyone who can write in the secretariat's group, so reading is bounded
whatever the file declares: at most `MAX_ROWS` rows and `MAX_COLUMNS` columns, `MAX_CELL`
characters a cell, `MAX_UNZIPPED` bytes of XML inside a workbook; a workbook's declared size
is checked before anything is read and rows are never padded to it (a 1.7 KB file declaring
A1:XFD1048576 made openpyxl build 16,384 cells a row). Only the sheet the workbook opens on
is read, never a hidden one. The caller still parses in a worker with a memory and time
bound (app/parsing.py): these limits make an honest mistake a clear message, the worker makes
a hostile file harmless.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.text import fold_key, nfc

MAX_ROWS = 200_000
MAX_COLUMNS = 100
MAX_CELL = 2_000  # characters; the longest field of any import is far shorter
MAX_UNZIPPED = 200_000_000  # bytes of XML a workbook may unpack to (a 200,000-row roster: ~60 MB)
HEADER_ROWS = 10  # the header may follow a title block ("DANH SÁCH CÁN BỘ …") of a few rows
XLSX_SUFFIXES = (".xlsx", ".xlsm")
LEGACY_XLS_SUFFIX = ".xls"
TABLE_SUFFIXES = (".csv", ".txt", *XLSX_SUFFIXES, LEGACY_XLS_SUFFIX)
# Excel 97–2003 workbooks (and other OLE2 compound files) begin with these bytes.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class TableProblem:
    line: int
    # bad_encoding, not_a_table, missing_columns, empty, too_many_rows, too_many_columns,
    # cell_too_long, bad_csv, bad_xlsx, hidden_sheet, legacy_xls
    code: str
    detail: str = ""


@dataclass
class RawTable:
    """The non-empty rows of a file as text cells, with their line (row) numbers."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problem: TableProblem | None = None


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problem: TableProblem | None = None


def is_xlsx(filename: str, content: bytes) -> bool:
    return filename.lower().endswith(XLSX_SUFFIXES) or content[:4] == b"PK\x03\x04"


def is_legacy_xls(filename: str, content: bytes) -> bool:
    """An Excel 97–2003 workbook (.xls): openpyxl cannot read it, and it is no text either."""
    return content[:8] == OLE2_MAGIC or filename.lower().endswith(LEGACY_XLS_SUFFIX)


def read_raw(content: bytes, filename: str) -> RawTable:
    """Every non-empty row of the file, read once; later steps map them to columns."""
    if is_legacy_xls(filename, content):
        return RawTable(problem=TableProblem(1, "legacy_xls"))
    if is_xlsx(filename, content):
        rows = _xlsx_rows(content)
    else:
        decoded = _decode(content)
        rows = decoded if isinstance(decoded, TableProblem) else _csv_rows(decoded)
    if isinstance(rows, TableProblem):
        return RawTable(problem=rows)
    return RawTable(rows=rows)


def read_table(
    content: bytes, filename: str, columns: Mapping[str, tuple[str, ...]], required: set[str]
) -> Table:
    """Parse `content`; `columns` maps canonical names to accepted header spellings."""
    return map_table(read_raw(content, filename), columns, required)


def map_table(raw: RawTable, columns: Mapping[str, tuple[str, ...]], required: set[str]
              ) -> Table:
    """The rows of `raw` under their canonical column names. The header is the first of the
    first `HEADER_ROWS` rows that names every required column (rows above it, a title, are
    skipped); without one, the problem names the missing columns of the closest row."""
    if raw.problem is not None:
        return Table(problem=raw.problem)
    if not raw.rows:
        return Table(problem=TableProblem(1, "empty"))
    index, mapping = _find_header(raw, columns, required)
    missing = [name for name in columns if name in required - set(mapping.values())]
    if missing:
        line = raw.rows[index][0]
        detail = ", ".join(column_label(name, columns[name]) for name in missing)
        return Table(problem=TableProblem(line, "missing_columns", detail))
    table = Table()
    for line, cells in raw.rows[index + 1:]:
        row = {name: "" for name in columns}
        for position, name in mapping.items():
            if position < len(cells):
                row[name] = nfc(cells[position])
        table.rows.append((line, row))
    return table


def column_label(name: str, aliases: tuple[str, ...]) -> str:
    """How a problem names a column: its Vietnamese header, then the English one
    ("Cơ quan (agency)"), both accepted."""
    return f"{aliases[0][:1].upper()}{aliases[0][1:]} ({name})" if aliases else name


def _find_header(raw: RawTable, columns: Mapping[str, tuple[str, ...]], needed: set[str]
                 ) -> tuple[int, dict[int, str]]:
    """(index in raw.rows, column mapping) of the header row: the first of the first rows
    naming every `needed` column, else the one naming most of them (for the problem)."""
    best: tuple[int, dict[int, str]] | None = None
    for index, (_line, cells) in enumerate(raw.rows[:HEADER_ROWS]):
        mapping = _map_header(cells, columns)
        named = needed & set(mapping.values())
        if named == needed:
            return index, mapping
        if best is None or len(named) > len(needed & set(best[1].values())):
            best = (index, mapping)
    assert best is not None  # raw.rows is not empty
    return best


def has_columns(raw: RawTable, columns: Mapping[str, tuple[str, ...]], needed: set[str]) -> bool:
    """Whether a header (within the first rows) names at least the `needed` columns (to
    recognise a kind of file)."""
    if raw.problem is not None or not raw.rows:
        return False
    _index, mapping = _find_header(raw, columns, needed)
    return needed <= set(mapping.values())


def _decode(content: bytes) -> str | TableProblem:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return TableProblem(line, "bad_encoding")


def _delimiter(text: str) -> str:
    """The header line's most frequent separator among , ; and tab (linear, unlike
    csv.Sniffer's regular expressions on attacker text)."""
    first = next((line for line in text.splitlines() if line.strip()), "")[:MAX_CELL * 4]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str) -> list[tuple[int, list[str]]] | TableProblem:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text),
                        quotechar='"', doublequote=True, skipinitialspace=False, strict=False)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            problem = _add_row(rows, line, cells)
            if problem is not None:
                return problem
            line = reader.line_num + 1
    except csv.Error as exc:  # a field over csv's own limit (131,072 characters), a NUL…
        if "field larger" in str(exc):
            return TableProblem(line, "cell_too_long", str(MAX_CELL))
        return TableProblem(line, "bad_csv")
    return rows


def _add_row(rows: list[tuple[int, list[str]]], line: int, cells: list[str]
             ) -> TableProblem | None:
    """Keep a non-empty row, within the bounds."""
    cells = cells[:MAX_COLUMNS]
    if not any(cell.strip() for cell in cells):
        return None
    if any(len(cell) > MAX_CELL for cell in cells):
        return TableProblem(line, "cell_too_long", str(MAX_CELL))
    if len(rows) > MAX_ROWS:  # the header and MAX_ROWS rows are in already
        return TableProblem(line, "too_many_rows", str(MAX_ROWS))
    rows.append((line, cells))
    return None


def _unzipped_size(content: bytes) -> int | None:
    """The bytes a workbook declares it unpacks to; None if it is not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]] | TableProblem:
    from openpyxl import load_workbook  # imported lazily: only XLSX imports pay for it

    size = _unzipped_size(content)
    if size is None:
        return TableProblem(1, "bad_xlsx")
    if size > MAX_UNZIPPED:
        return TableProblem(1, "too_many_rows", str(MAX_ROWS))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises a dozen kinds on a broken or hostile workbook
        return TableProblem(1, "bad_xlsx")
    try:
        return _sheet_rows(workbook)
    except Exception:  # a broken sheet part, found while reading it
        return TableProblem(1, "bad_xlsx")
    finally:
        workbook.close()


def _sheet_rows(workbook: object) -> list[tuple[int, list[str]]] | TableProblem:
    sheet = getattr(workbook, "active", None)
    if sheet is None or getattr(sheet, "sheet_state", "visible") not in (None, "visible"):
        # The workbook opens on a hidden sheet (only a crafted file does): what the
        # secretariat sees is not what would be imported.
        return TableProblem(1, "hidden_sheet")
    declared_rows, declared_columns = sheet.max_row, sheet.max_column
    if declared_rows is not None and declared_rows > MAX_ROWS + 1:
        return TableProblem(1, "too_many_rows", str(MAX_ROWS))
    if declared_columns is not None and declared_columns > MAX_COLUMNS:
        return TableProblem(1, "too_many_columns", str(MAX_COLUMNS))
    sheet.reset_dimensions()  # never pad rows to a declared size: only the cells there are
    rows: list[tuple[int, list[str]]] = []
    empty = (None,) * MAX_COLUMNS  # what openpyxl yields for a row the file skips
    width = MAX_COLUMNS  # the widest of the rows that may be the header, once read: cells
    # right of it are never needed
    cells_by_row = sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS, values_only=True)
    for line, values in enumerate(cells_by_row, start=1):
        if line > MAX_ROWS + 1:
            return TableProblem(line, "too_many_rows", str(MAX_ROWS))
        if values == empty:
            continue
        cells = [_cell_text(v) for v in values[:width]]
        while cells and not cells[-1].strip():
            cells.pop()
        problem = _add_row(rows, line, cells)
        if problem is not None:
            return problem
        if len(rows) == HEADER_ROWS:  # the header is among these: none is wider than them
            width = max(len(c) for _line, c in rows)
    return rows


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
    if not filename.lower().endswith(TABLE_SUFFIXES):
        return False
    table = read_table(content, filename, columns, needed)
    return table.problem is None or table.problem.code not in ("missing_columns", "empty")
