"""A `Document` as an XLSX workbook: a "Thông tin" sheet, then one sheet per table (a chart's data is a table).

"Thông tin" holds the title, the issuer, the date, the headings and paragraphs in order, and for each table its
title, note and sheet name. A table's sheet starts with its header row (bold, frozen) so that filters and pivots
work on it as it is; the figures are real cells: integers and numbers with a thousands format, shares 0–1 as
numbers shown "0.0%", dates as dates shown dd/mm/yyyy, texts as text cells that are never formulas (`sheets.text_cell`).
openpyxl's write-only workbook streams each sheet's rows to disk as they come, so a table of 100,000 rows is never
held in memory; only the first rows are read ahead to size the columns. openpyxl is imported when a workbook is
written.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from chalicelib.jobs.documents import (
    INFO_SHEET,
    Cell,
    Chart,
    Column,
    Counter,
    Document,
    Heading,
    Paragraph,
    Progress,
    Table,
    cell_text,
    dated,
    nfc,
    number_line,
    sheet_names,
)
from chalicelib.jobs.sheets import text_cell

SAMPLE_ROWS = 50  # rows read ahead to size a sheet's columns
MAX_WIDTH = 60


def write_xlsx(doc: Document, path: Path, *, progress: Progress | None = None) -> None:
    """The document as a workbook at `path`; `progress` gets the count of blocks and table rows written so far."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    names = iter(sheet_names(doc))
    sheets: list[tuple[Table, str]] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            sheets.append((block, next(names)))
        elif isinstance(block, Chart) and block.data is not None:
            sheets.append((block.data, next(names)))
    _info(book.create_sheet(INFO_SHEET), doc, dict((id(t), n) for t, n in sheets))
    counter = Counter(progress)
    for table, name in sheets:
        _table(book.create_sheet(name), table, counter)
        counter.block()
    book.save(path)


def _number_format(column: Column) -> str:
    decimals = "." + "0" * column.decimals if column.decimals > 0 else ""
    if column.kind == "percent":
        return f"0{decimals}%"
    if column.kind == "number":
        return f"#,##0{decimals}"
    return "#,##0"


class _Cells:
    """Write-only cells of one sheet, styled once."""

    def __init__(self, sheet: Any) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        self.sheet, self.make = sheet, WriteOnlyCell
        self.bold, self.big = Font(bold=True), Font(bold=True, size=13)
        self.header = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def text(self, value: str, *, font: Any = None) -> Any:
        cell = text_cell(self.sheet, nfc(value))
        if font is not None:
            cell.font = font
        return cell

    def value(self, column: Column, value: Cell) -> Any:
        """A cell of `column`: texts as text, dates as dates, numbers as numbers in the column's format."""
        if isinstance(value, str):
            return self.text(value)
        cell = self.make(self.sheet, value=value)
        if isinstance(value, datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            cell.number_format = _number_format(column) if column.kind != "text" else "General"
        return cell


def _info(sheet: Any, doc: Document, names: dict[int, str]) -> None:
    """Title, issuer and the text of the document, one row each; where each table went."""
    from openpyxl.utils import get_column_letter

    sheet.column_dimensions[get_column_letter(1)].width = 18
    sheet.column_dimensions[get_column_letter(2)].width = 100
    cells, issuer = _Cells(sheet), doc.issuer
    sheet.append([cells.text(doc.title, font=cells.big)])
    if doc.subtitle:
        sheet.append([cells.text(doc.subtitle, font=cells.bold)])
    sheet.append([])
    day = cells.make(sheet, value=issuer.day)
    day.number_format = "DD/MM/YYYY"
    for label, value in (("Cơ quan", issuer.agency), ("Đơn vị", issuer.unit), ("Số", number_line(issuer))):
        sheet.append([cells.text(label, font=cells.bold), cells.text(value)])
    sheet.append([cells.text("Địa điểm, ngày", font=cells.bold), cells.text(dated(issuer))])
    sheet.append([cells.text("Ngày", font=cells.bold), day])
    sheet.append([])
    for block in doc.blocks:
        for label, text in _describe(block, names):
            sheet.append([cells.text(label, font=cells.bold), cells.text(text)])
    if doc.signature is not None:
        signer = f"{doc.signature.title} {doc.signature.name}".strip()
        sheet.append([cells.text("Người ký", font=cells.bold), cells.text(signer)])
    for recipient in doc.recipients:
        sheet.append([cells.text("Nơi nhận", font=cells.bold), cells.text(recipient)])


def _describe(block: Any, names: dict[int, str]) -> list[tuple[str, str]]:
    if isinstance(block, Heading):
        return [("Đề mục", block.text)]
    if isinstance(block, Paragraph):
        return [("", line) for line in block.text.split("\n")]
    table = block.data if isinstance(block, Chart) else block
    lines = [("Biểu đồ" if isinstance(block, Chart) else "Bảng", block.title)]
    if table is not None:
        lines.append(("Trang tính", names[id(table)]))
        if table.note:
            lines.append(("Ghi chú", table.note))
    return lines


def _widths(columns: Sequence[Column], sample: Sequence[Sequence[Cell]]) -> list[float]:
    """Widths in characters: the column's own, else its longest header word or value among the first rows."""
    widths = []
    for i, column in enumerate(columns):
        if column.width:
            widths.append(float(column.width))
            continue
        texts = [cell_text(column, row[i] if i < len(row) else None) for row in sample]
        longest = max([len(column.label) / 2, *(len(w) for w in column.label.split()), *(len(t) for t in texts)], default=8)
        widths.append(min(max(longest + 2, 8), MAX_WIDTH))
    return widths


def _table(sheet: Any, table: Table, counter: Counter) -> None:
    from openpyxl.utils import get_column_letter

    rows = iter(table.rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    for index, width in enumerate(_widths(table.columns, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = _Cells(sheet)
    header = []
    for column in table.columns:
        cell = cells.text(column.label, font=cells.bold)
        cell.alignment = cells.header
        header.append(cell)
    sheet.append(header)
    columns = table.columns
    for values in itertools.chain(sample, rows):
        sheet.append([cells.value(columns[i] if i < len(columns) else Column(""), v) for i, v in enumerate(values)])
        counter.row()
