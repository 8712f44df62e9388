"""Documents an office can file (*văn bản*): one model, written as a PDF (`jobs/pdf.py`) or an XLSX (`jobs/workbook.py`).

A report builds a `Document` of headings, paragraphs, tables and charts; the writers lay it out. Table rows are any
iterable and are read once, as they are written: pass a generator for a big table, or a list (or any re-iterable)
when the same document is written both ways. Every text is normalised to NFC before it is written. Imports only the
standard library and the chart formatters: fpdf2 and openpyxl are imported by the writers when they run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from chalicelib.web.charts import format_number, format_percent

Cell = str | int | float | date | None
Kind = Literal["text", "int", "number", "percent", "date"]
Progress = Callable[[int], None]

INFO_SHEET = "Thông tin"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
PROGRESS_EVERY = 500  # rows between two progress calls within a table


@dataclass(frozen=True)
class Issuer:
    """The heading block's left column: the agency, the issuing unit (bold), the document's number; and its date."""

    agency: str = "BẢO HIỂM XÃ HỘI VIỆT NAM"
    unit: str = ""
    number: str = ""
    place: str = "Hà Nội"
    day: date | None = None


@dataclass(frozen=True)
class Heading:
    """A section heading (*đề mục*): "I. TỔNG QUAN" at level 1, "1. Mục đích" at level 2."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Body text; "\n" starts a new paragraph."""

    text: str
    italic: bool = False


@dataclass(frozen=True)
class Column:
    """A table column: its header, the kind of its cells, decimals shown, and a width in characters (0: derived)."""

    label: str
    kind: Kind = "text"
    decimals: int = 1
    width: int = 0


@dataclass(frozen=True)
class Table:
    """A titled table; `rows` is read once; "percent" cells are shares 0–1; `sheet` names its XLSX sheet."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Cell]]
    note: str = ""
    sheet: str = ""


@dataclass(frozen=True)
class Chart:
    """A server-rendered SVG chart (`chalicelib.web.charts`) and, optionally, the numbers behind it."""

    title: str
    svg: str
    data: Table | None = None


@dataclass(frozen=True)
class Signature:
    """The signer's block, bottom right: "GIÁM ĐỐC" and the name."""

    title: str
    name: str = ""


Block = Heading | Paragraph | Table | Chart


@dataclass(frozen=True)
class Document:
    """A report in the administrative format: heading block, title, blocks, signature and "Nơi nhận:"."""

    title: str
    subtitle: str = ""
    issuer: Issuer = field(default_factory=Issuer)
    blocks: Sequence[Block] = ()
    signature: Signature | None = None
    recipients: Sequence[str] = ()


def write_pdf(doc: Document, path: Path, *, progress: Progress | None = None) -> None:
    """The document as an A4 PDF with its fonts embedded (jobs/pdf.py)."""
    from chalicelib.jobs.pdf import write_pdf as write

    write(doc, path, progress=progress)


def write_xlsx(doc: Document, path: Path, *, progress: Progress | None = None) -> None:
    """The document as a workbook: "Thông tin", then a sheet per table and per chart's data (jobs/workbook.py)."""
    from chalicelib.jobs.workbook import write_xlsx as write

    write(doc, path, progress=progress)


def nfc(text: str) -> str:
    """Text in Unicode NFC: one code point per Vietnamese letter where one exists (what the fonts map)."""
    return unicodedata.normalize("NFC", text)


def dated(issuer: Issuer) -> str:
    """The place and date line: "Hà Nội, ngày 01 tháng 12 năm 2026" (blanks left for the clerk without a date)."""
    if issuer.day is None:
        return nfc(f"{issuer.place}, ngày     tháng     năm        ")
    d = issuer.day
    return nfc(f"{issuer.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}")


def number_line(issuer: Issuer) -> str:
    """The "Số:" line; a blank number leaves room for the clerk to write it."""
    return nfc(issuer.number) if issuer.number.strip() else "Số:        /BC-…"


def cell_text(column: Column, value: Cell) -> str:
    """A cell as printed: numbers the Vietnamese way (1.234; 80,5 %), dates dd/mm/yyyy, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if column.kind == "percent":
        return format_percent(float(value), column.decimals)
    if column.kind == "number":
        return format_number(float(value), column.decimals)
    if column.kind == "int" or isinstance(value, int):
        return format_number(float(value), 0)
    return format_number(float(value), column.decimals)


def sheet_names(doc: Document) -> list[str]:
    """The XLSX sheet name of each table (a chart's data counts as one), in order: ≤ 31 characters, unique."""
    taken = {INFO_SHEET.casefold()}
    names = []
    for table in tables(doc):
        base = _SHEET_FORBIDDEN.sub(" ", nfc(table.sheet or table.title)).strip().strip("'")[:31].strip() or "Bảng"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def tables(doc: Document) -> Iterator[Table]:
    """The document's tables in order, a chart's data included."""
    for block in doc.blocks:
        if isinstance(block, Table):
            yield block
        elif isinstance(block, Chart) and block.data is not None:
            yield block.data


class Counter:
    """Counts written items (a block, or a table row) and reports to `progress` every `PROGRESS_EVERY` rows."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self.done = 0

    def row(self) -> None:
        """One more row."""
        self.done += 1
        if self._progress is not None and self.done % PROGRESS_EVERY == 0:
            self._progress(self.done)

    def block(self) -> None:
        """One block finished."""
        self.done += 1
        if self._progress is not None:
            self._progress(self.done)
