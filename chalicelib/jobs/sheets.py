"""Tables to and from files, streamed: a `Writer` protocol with XLSX and CSV writers, and readers of both.

Any job that exports or imports a table uses these (the knowledge bank's transfer, survey frames, reports); a PDF
writer for reports is the next implementation of `Writer` (README "Background jobs").

- CSV: UTF-8 with a byte-order mark (so Excel reads Vietnamese right), RFC 4180 quoting, CRLF between records,
  line breaks kept inside quoted cells. Formula injection: a text cell that starts with `= + - @`, a tab or a
  carriage return is written with a leading apostrophe, and so is one that starts with an apostrophe, so the
  reader drops exactly one leading apostrophe and every text comes back as it was.
- XLSX: openpyxl in write-only mode (rows go to disk as they come: memory stays flat) and read-only mode. Every
  text is a string cell, never a formula (`=1+1` stays text), marked quote-prefixed so Excel keeps it text when
  edited; dates are date cells shown dd/mm/yyyy. openpyxl is imported here only when an XLSX is opened.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

Cell = str | int | float | date | None

XLSX, CSV = "xlsx", "csv"
FORMATS = (XLSX, CSV)
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_ZIP_MAGIC = b"PK\x03\x04"


class Writer(Protocol):
    """Rows to one file: a header, then rows; `close` finishes the file."""

    def header(self, labels: Sequence[str], *, widths: Sequence[int] = ()) -> None: ...

    def row(self, values: Sequence[Cell]) -> None: ...

    def close(self) -> None: ...


class UnreadableFileError(Exception):
    """The file is not a table of the format it claims (not an XLSX, not UTF-8 text)."""


def open_writer(fmt: str, path: Path, *, title: str, wrap: Sequence[int] = ()) -> Writer:
    """A writer of `fmt` to `path`; `title` names the XLSX sheet, `wrap` lists columns whose text wraps (XLSX)."""
    if fmt == XLSX:
        return XlsxWriter(path, title=title, wrap=wrap)
    if fmt == CSV:
        return CsvWriter(path)
    raise ValueError(fmt)


def read_rows(fmt: str, path: Path) -> Iterator[list[Cell]]:
    """Every row of the file's first sheet, streamed, as cells (CSV: text; XLSX: text, numbers, dates or None)."""
    return _read_xlsx(path) if fmt == XLSX else _read_csv(path)


def sniff(path: Path) -> str:
    """The format of a file by its content: a zip container is an XLSX, anything else is read as CSV."""
    with path.open("rb") as f:
        return XLSX if f.read(4) == _ZIP_MAGIC else CSV


def guard_formula(text: str) -> str:
    """A CSV cell's text that no spreadsheet runs as a formula (reversed by `unguard_formula`)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def unguard_formula(text: str) -> str:
    """The text `guard_formula` was given."""
    return text[1:] if text.startswith("'") else text


class CsvWriter:
    """CSV for Excel: UTF-8 with BOM, RFC 4180 quoting, formulas neutralised."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file, dialect="excel", lineterminator="\r\n")

    def header(self, labels: Sequence[str], *, widths: Sequence[int] = ()) -> None:
        """The first row."""
        self._csv.writerow([guard_formula(label) for label in labels])

    def row(self, values: Sequence[Cell]) -> None:
        """One record."""
        self._csv.writerow([_csv_text(v) for v in values])

    def close(self) -> None:
        """Flush and close the file."""
        self._file.close()


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return guard_formula(value)
    return str(value)


class XlsxWriter:
    """XLSX through openpyxl's write-only workbook: each row is written to disk as it is added."""

    def __init__(self, path: Path, *, title: str, wrap: Sequence[int] = ()) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        self._path = path
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title=title[:31])
        self._cell = WriteOnlyCell
        self._wrap = frozenset(wrap)
        self._wrapped = Alignment(wrap_text=True, vertical="top")
        self._top = Alignment(vertical="top")
        self._bold = Font(bold=True)

    def header(self, labels: Sequence[str], *, widths: Sequence[int] = ()) -> None:
        """The first row, bold and frozen; `widths` in characters, column by column."""
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            self._sheet.column_dimensions[get_column_letter(index)].width = width
        self._sheet.freeze_panes = "A2"
        cells = []
        for label in labels:
            cell = self._text(label)
            cell.font = self._bold
            cells.append(cell)
        self._sheet.append(cells)

    def row(self, values: Sequence[Cell]) -> None:
        """One row: texts as text cells, dates as dates."""
        cells: list[Any] = []
        for index, value in enumerate(values):
            if isinstance(value, str):
                cell = self._text(value)
            elif isinstance(value, date) and not isinstance(value, datetime):
                cell = self._cell(self._sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
            else:
                cell = self._cell(self._sheet, value=value)
            cell.alignment = self._wrapped if index in self._wrap else self._top
            cells.append(cell)
        self._sheet.append(cells)

    def _text(self, value: str) -> Any:
        return text_cell(self._sheet, value)

    def close(self) -> None:
        """Write the workbook's remaining parts and close the file."""
        self._book.save(self._path)


def text_cell(sheet: Any, value: str) -> Any:
    """A write-only XLSX cell holding `value` as text, never a formula (quote-prefixed when it starts with "=")."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if value.startswith("="):
        cell.quotePrefix = True
    return cell


def _read_csv(path: Path) -> Iterator[list[Cell]]:
    # newline="": csv itself reads the line ends, so a CRLF or LF inside a quoted cell is kept as it was.
    with path.open("r", encoding="utf-8-sig", errors="strict", newline="") as text:
        try:
            for record in csv.reader(text, dialect="excel", strict=True):
                yield [unguard_formula(v) for v in record]
        except UnicodeDecodeError as exc:
            raise UnreadableFileError("not UTF-8") from exc
        except csv.Error as exc:
            raise UnreadableFileError(str(exc)) from exc


def _read_xlsx(path: Path) -> Iterator[list[Cell]]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableFileError(str(exc)) from exc
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_xlsx_value(v) for v in values]
    finally:
        book.close()


def _xlsx_value(value: Any) -> Cell:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, str | int | float | date) or value is None:
        return value
    return str(value)
