"""Files an attacker who can write in the secretariat's group would send, as bytes.

Each builder returns (file name, content). `HOSTILE` lists them all for the tests that send
every one to the running bot, and for the figures (files tried).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

ROSTER_HEADER = ["agency", "unit", "full_name", "position", "is_leader", "role", "phone"]
ROSTER_ROW = ["Văn phòng Ủy ban nhân dân tỉnh", "Phòng Tổng hợp", "Nguyễn Văn Mới",
              "Chuyên viên", "không", "staff", "0912000001"]


def workbook_bytes(rows: list[list[object]], *, hidden_first: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if hidden_first:  # a decoy sheet shown, the real one hidden and active
        decoy = book.create_sheet("Hướng dẫn", 0)
        decoy.append(["Xem sheet tiếp theo"])
        sheet.sheet_state = "hidden"
        book.active = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _patch_xlsx(content: bytes, part: str, change: Callable[[str], str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data)
    return out.getvalue()


def xlsx_dimension_bomb() -> tuple[str, bytes]:
    """A small roster whose sheet declares the largest range Excel allows."""
    content = workbook_bytes([ROSTER_HEADER, ROSTER_ROW])
    return "danh-sach.xlsx", _patch_xlsx(
        content, "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml))


def xlsx_wide_row() -> tuple[str, bytes]:
    """No declared size, and one cell far right on every row: nothing may pad to it."""
    content = workbook_bytes([ROSTER_HEADER, ROSTER_ROW])

    def far_cells(xml: str) -> str:
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
        return re.sub(r"</row>", '<c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>',
                      xml).replace("{n}", "1")

    return "danh-sach.xlsx", _patch_xlsx(content, "xl/worksheets/sheet1.xml", far_cells)


def xlsx_far_row() -> tuple[str, bytes]:
    """A header, then one cell a million rows down."""
    content = workbook_bytes([ROSTER_HEADER, ROSTER_ROW])

    def far_row(xml: str) -> str:
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
        return xml.replace("</sheetData>", '<row r="1048000"><c r="A1048000" t="inlineStr">'
                                           "<is><t>x</t></is></c></row></sheetData>")

    return "danh-sach.xlsx", _patch_xlsx(content, "xl/worksheets/sheet1.xml", far_row)


def xlsx_hidden_sheet() -> tuple[str, bytes]:
    return "danh-sach.xlsx", workbook_bytes([ROSTER_HEADER, ROSTER_ROW], hidden_first=True)


def xlsx_opens_on_hidden_sheet() -> tuple[str, bytes]:
    """The workbook opens on the hidden sheet itself (only a crafted file does)."""
    _name, content = xlsx_hidden_sheet()
    return "danh-sach.xlsx", _patch_xlsx(
        content, "xl/workbook.xml",
        lambda xml: xml.replace('firstSheet="0"', 'firstSheet="0" activeTab="1"'))


def xlsx_shared_strings_bomb() -> tuple[str, bytes]:
    """A workbook whose shared strings unpack to hundreds of megabytes."""
    content = workbook_bytes([ROSTER_HEADER, ROSTER_ROW])
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(content))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        with target.open("xl/padding.xml", "w") as padding:  # streamed: never in memory
            chunk = b"<x>" + b"A" * (1 << 20) + b"</x>"
            for _ in range(260):
                padding.write(chunk)
    return "danh-sach.xlsx", out.getvalue()


def not_a_zip_xlsx() -> tuple[str, bytes]:
    return "danh-sach.xlsx", b"PK\x03\x04" + b"\x00" * 200


def csv_giant_cell() -> tuple[str, bytes]:
    """One quoted cell longer than the csv module's own limit (131,072 characters)."""
    row = [*ROSTER_ROW[:2], '"' + "A" * 140_000 + '"', *ROSTER_ROW[3:]]
    return "danh-sach.csv", (",".join(ROSTER_HEADER) + "\n" + ",".join(row) + "\n").encode()


def csv_long_name() -> tuple[str, bytes]:
    row = [*ROSTER_ROW[:2], "Nguyễn " + "Văn " * 400 + "A", *ROSTER_ROW[3:]]
    return "danh-sach.csv", (",".join(ROSTER_HEADER) + "\n" + ",".join(row) + "\n").encode()


def csv_nul_bytes() -> tuple[str, bytes]:
    return "danh-sach.csv", (",".join(ROSTER_HEADER) + "\n" + ",".join(ROSTER_ROW)
                             + "\x00\x00\n").encode()


def csv_sniffer_trap() -> tuple[str, bytes]:
    """Quotes and separators that make csv.Sniffer's regular expressions crawl."""
    return "danh-sach.csv", (",".join(ROSTER_HEADER) + "\n" + ("'a'," * 1500) + "\n").encode()


FRONT = ("---\ncode: bomb-2024\nname: Phong trào\nissuer: UBND tỉnh\n"
         "scope: Văn phòng Ủy ban nhân dân tỉnh\nperiod: {start: 2024-01-01, end: 2024-12-31}\n"
         "ack_deadline: 2024-06-30\n")


def yaml_alias_bomb() -> tuple[str, bytes]:
    """The billion laughs: nine levels of nine aliases, 447 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines.append("sections: [{title: x, text: *i}]")
    return "phong-trao.yaml", ("\n".join(lines) + "\n").encode()


def yaml_deep_nesting() -> tuple[str, bytes]:
    return "phong-trao.yaml", ("code: " + "[\n" * 5_000 + "]\n" * 5_000).encode()


def markdown_heading_backtracking() -> tuple[str, bytes]:
    """A heading with a long run of spaces inside: the old heading pattern backtracked
    cubically on it (2 KB held the bot 14 s)."""
    return "phong-trao.md", (FRONT + "---\n# a" + " " * 2000 + "b\nChữ.\n").encode()


def markdown_target_tag_backtracking() -> tuple[str, bytes]:
    body = "## Chỉ tiêu\n- " + "{" * 20_000 + "\n"
    return "phong-trao.md", (FRONT + "---\n" + body).encode()


def markdown_long_line() -> tuple[str, bytes]:
    return "phong-trao.md", (FRONT + "---\n## Mục\n" + "chữ " * 30_000 + "\n").encode()


HOSTILE: dict[str, Callable[[], tuple[str, bytes]]] = {
    "xlsx_dimension_bomb": xlsx_dimension_bomb,
    "xlsx_wide_row": xlsx_wide_row,
    "xlsx_far_row": xlsx_far_row,
    "xlsx_hidden_sheet": xlsx_hidden_sheet,
    "xlsx_opens_on_hidden_sheet": xlsx_opens_on_hidden_sheet,
    "xlsx_shared_strings_bomb": xlsx_shared_strings_bomb,
    "not_a_zip_xlsx": not_a_zip_xlsx,
    "csv_giant_cell": csv_giant_cell,
    "csv_long_name": csv_long_name,
    "csv_nul_bytes": csv_nul_bytes,
    "csv_sniffer_trap": csv_sniffer_trap,
    "yaml_alias_bomb": yaml_alias_bomb,
    "yaml_deep_nesting": yaml_deep_nesting,
    "markdown_heading_backtracking": markdown_heading_backtracking,
    "markdown_target_tag_backtracking": markdown_target_tag_backtracking,
    "markdown_long_line": markdown_long_line,
}
