"""Helpers of the summary tests: the reference data through the real importers, and reading
back what the bot produced (XLSX, DOCX, PNG)."""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass

from docx import Document
from openpyxl import load_workbook

from app.imports.registrations import apply_import
from domain.registration_import import parse_registration_file
from emulator import BotMessage, EmuChat
from storage.audit import AuditContext
from storage.db import Database
from tests.harness import SAMPLE_REGISTRATIONS

SEED_ORDER = [
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Ngoại vụ",
    "Sở Kế hoạch và Đầu tư",
    "Sở Nội vụ",
    "Cục Thống kê",
    "Ban Dân tộc",
]
# The annex of seed 000, per agency in its order.
SEED_TTLDXS = [2, 6, 3, 9, 9, 1, 1]
SEED_CSTD_TINH = [4, 5, 0, 5, 2, 0, 0]
SEED_FLAGS = [
    ["Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh"],
    ["Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh"],
    ["Cờ thi đua của UBND tỉnh"],
    ["Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh"],
    ["Cờ thi đua của Chính phủ", "Cờ thi đua của UBND tỉnh"],
    ["Cờ thi đua của UBND tỉnh"],
    ["Cờ thi đua của UBND tỉnh"],
]
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

SECRETARIAT = "0899967996"  # Hoàng Thúy Hằng, secretariat, Văn phòng UBND tỉnh
AGENCY_HEAD = "0906483756"  # Hầu Tiến Long, Văn phòng Đoàn ĐBQH và HĐND tỉnh
UNIT_HEAD = "0939363303"  # Hồ Kim Thảo, Phòng Công tác Quốc hội
STAFF = "0935722539"  # Trịnh Minh Khánh, Phòng Công tác Quốc hội (registered CSTĐ tỉnh)


async def import_registrations(db: Database, content: bytes, filename: str) -> None:
    """A registrations file through the production importer; it must apply cleanly."""
    file = parse_registration_file(content, filename)
    assert file.ok, file.problems
    plan = await apply_import(db, file, AuditContext.cli())
    assert plan.ok and plan.has_changes


async def import_sample_registrations(db: Database) -> None:
    """bot/demo/sample-registrations-2024.csv through the production importer."""
    content = await asyncio.to_thread(SAMPLE_REGISTRATIONS.read_bytes)
    await import_registrations(db, content, SAMPLE_REGISTRATIONS.name)


# Seed 000's annex, column "Đăng ký thi đua của các tập thể, cá nhân", row by row: the bot's
# lines, with the official names where the seed abbreviates ("lao động xs", "Chiến sỹ").
SEED_LINES = [
    ["01 tập thể Lao động xuất sắc", "04 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
     "01 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc"],
    ["01 tập thể Lao động xuất sắc", "05 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
     "05 tập thể phòng, ban, đơn vị đạt danh hiệu Tập thể lao động xuất sắc"],
    ["03 tập thể Lao động xuất sắc"],
    ["09 tập thể Lao động xuất sắc", "05 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh"],
    ["09 tập thể Lao động xuất sắc", "02 cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh"],
    ["Tập thể Lao động xuất sắc"],  # Cục Thống kê: its ministry decides, no count
    ["01 tập thể Lao động xuất sắc"],
]
TTLDXS_LINE = re.compile(
    r"(?:(\d{2}) tập thể (?:Lao động xuất sắc|phòng, ban, đơn vị đạt danh hiệu Tập thể lao "
    r"động xuất sắc|đơn vị trực thuộc đạt danh hiệu Tập thể lao động xuất sắc)"
    r"|^(?:• )?Tập thể Lao động xuất sắc$|(\d{2}) (?:cơ quan|đơn vị) đạt danh hiệu Tập thể lao "
    r"động xuất sắc)", re.MULTILINE)
CSTD_LINE = re.compile(r"(\d{2}) cá nhân tặng danh hiệu Chiến sĩ thi đua cấp tỉnh")


def without_units(text: str) -> str:
    """An agency's summary text without its list of sub-units."""
    return text.split("Theo phòng, ban, đơn vị", 1)[0]


def counts_in(text: str) -> tuple[int, int]:
    """(TTLDXS collectives, CSTĐ tỉnh individuals) of an annex cell or text block: the
    agency's own line, its units' line ("Tập thể Lao động xuất sắc" alone counts one)."""
    ttldxs = sum(int(m[1] or m[2] or 1) for m in TTLDXS_LINE.finditer(text))
    cstd = CSTD_LINE.search(text)
    return (ttldxs, int(cstd[1]) if cstd else 0)


@dataclass(frozen=True)
class SummaryPost:
    texts: list[BotMessage]
    chart: BotMessage
    xlsx: BotMessage
    docx: BotMessage

    @property
    def text(self) -> str:
        return "\n\n".join(m.plain for m in self.texts)


async def receive_summary(chat: EmuChat, first: str = "TỔNG HỢP ĐĂNG KÝ THI ĐUA") -> SummaryPost:
    """The messages of one summary, up to its chart and its two files."""
    texts = [await chat.expect(first)]
    while True:
        event = await chat.expect()
        if event.photo is not None:
            break
        texts.append(event)
    chart = event
    xlsx = await chat.expect()
    docx = await chat.expect()
    assert xlsx.document is not None and xlsx.document.filename.endswith(".xlsx"), xlsx.describe()
    assert docx.document is not None and docx.document.filename.endswith(".docx"), docx.describe()
    return SummaryPost(texts, chart, xlsx, docx)


def read_xlsx(data: bytes):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(data))


def read_docx(data: bytes):  # type: ignore[no-untyped-def]
    return Document(io.BytesIO(data))
