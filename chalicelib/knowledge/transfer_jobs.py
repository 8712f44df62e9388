"""Export and import of a tenant's knowledge bank as background jobs (kinds `knowledge_export`, `knowledge_import`).

Export streams the bank into an XLSX or CSV file (transfer.py's columns). Import reads an uploaded file twice: first
every row is checked (nothing written; any problem fails the job with the report), then the entries are written in
batches through the bank's `import_entries`. Each entry is written whole or not at all, and writing the same file
again writes the same entries, so a retried job ends with the same bank. Memory stays flat either way: rows are
streamed, and only the ids are kept between the two passes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from chalicelib.jobs import sheets
from chalicelib.jobs.domain import Output, Problem
from chalicelib.jobs.service import JobRejected, JobRun
from chalicelib.shared.clock import Clock, to_local

from .transfer import (
    WIDTHS,
    WRAPPED,
    EntryRecord,
    HeaderError,
    column_positions,
    duplicate_id,
    from_row,
    header_row,
    rule_problem,
    to_row,
)

BATCH = 100
PROBLEMS_MAX = 1000  # a file this wrong is reported by its first thousand problems (and their exact count)

STAGES = {
    "reading": "Đang đọc ngân hàng hỏi đáp",
    "writing": "Đang ghi tệp",
    "saving": "Đang lưu tệp kết quả",
    "fetching": "Đang nhận tệp tải lên",
    "checking": "Đang kiểm tra từng dòng",
    "importing": "Đang nhập vào ngân hàng hỏi đáp",
}
MESSAGES = {
    "problems": "Tệp có {count} lỗi nên chưa nhập mục nào. Sửa các dòng dưới đây rồi nhập lại.",
    "unreadable": "Không đọc được tệp: tệp phải là XLSX hoặc CSV (UTF-8).",
    "empty": "Tệp không có dòng tiêu đề.",
    "no_rows": "Tệp không có mục nào để nhập.",
    "header": "Dòng tiêu đề không đúng mẫu. Hãy xuất một tệp mẫu rồi điền theo đó.",
    "mismatch": "Phần mở rộng của tệp là .{claimed} nhưng nội dung không phải {claimed_upper}.",
}
SHEET_TITLE = "Ngân hàng hỏi đáp"


class KnowledgeBank(Protocol):
    """What the transfer jobs ask of the knowledge bank (its service implements it; tests use a fake)."""

    def count(self, *, tenant: str) -> int: ...

    def entries(self, *, tenant: str) -> Iterator[EntryRecord]: ...

    def import_entries(self, *, tenant: str, actor: str, entries: Sequence[EntryRecord]) -> None: ...

    def problems(self, *, tenant: str, record: EntryRecord) -> dict[str, str]:
        """The bank's own rules on a row (field → what is wrong); empty when it may be written."""
        ...


class KnowledgeTransfer:
    """The two job handlers, over a bank."""

    def __init__(self, *, bank: KnowledgeBank, clock: Clock) -> None:
        self._bank = bank
        self._clock = clock

    def export_bank(self, run: JobRun) -> Output:
        """Write the tenant's whole bank to one file of the requested format."""
        fmt = str(run.params.get("format", sheets.XLSX))
        total = self._bank.count(tenant=run.tenant)
        path = run.workdir / f"export.{fmt}"
        writer = sheets.open_writer(fmt, path, title=SHEET_TITLE, wrap=WRAPPED)
        writer.header(header_row(), widths=WIDTHS)
        done = 0
        run.progress(0, total, STAGES["reading"])
        for entry in self._bank.entries(tenant=run.tenant):
            writer.row(to_row(entry))
            done += 1
            run.progress(done, max(total, done), STAGES["writing"])
        writer.close()
        run.progress(done, done, STAGES["saving"])
        day = to_local(self._clock.now()).strftime("%Y%m%d")
        name = f"ngan-hang-hoi-dap-{run.tenant}-{day}.{fmt}"
        return run.store(path=path, file_name=name, content_type=sheets.CONTENT_TYPES[fmt])

    def import_bank(self, run: JobRun) -> None:
        """Check every row of the uploaded file, then write the entries; a file with any problem writes nothing."""
        run.progress(0, None, STAGES["fetching"])
        path = run.workdir / "upload"
        run.files.fetch(key=str(run.params["key"]), path=path)
        fmt = _format(path, str(run.params.get("file_name", "")))
        path = path.rename(path.with_suffix(f".{fmt}"))  # openpyxl opens a workbook only by its extension
        count = self._check(run, fmt, path)
        written = 0
        batch: list[EntryRecord] = []
        for _, entry in _entries(fmt, path):
            batch.append(entry)
            if len(batch) == BATCH:
                written += self._write(run, batch, written, count)
                batch = []
        if batch:
            written += self._write(run, batch, written, count)

    def _write(self, run: JobRun, batch: list[EntryRecord], written: int, total: int) -> int:
        self._bank.import_entries(tenant=run.tenant, actor=run.job.requested_by, entries=batch)
        run.progress(written + len(batch), total, STAGES["importing"])
        return len(batch)

    def _check(self, run: JobRun, fmt: str, path: Path) -> int:
        """The first pass: every problem of the file (raises JobRejected), else how many entries it holds."""
        problems: list[Problem] = []
        found = count = 0
        seen: dict[str, int] = {}
        rows = _rows(fmt, path)
        positions = _positions(rows)
        for line, cells in rows:
            if _blank(cells):
                continue
            count += 1
            result = from_row(line, cells, positions)
            if isinstance(result, EntryRecord):
                first = seen.setdefault(result.id, line)
                broken = self._bank.problems(tenant=run.tenant, record=result).items()
                result = [rule_problem(line, positions, field, code) for field, code in broken]
                result += [] if first == line else [duplicate_id(line, positions, first)]
            found += len(result)
            problems.extend(result[: max(0, PROBLEMS_MAX - len(problems))])
            run.progress(count, None, STAGES["checking"])
        if found:
            raise JobRejected(MESSAGES["problems"].format(count=found), problems, found)
        if count == 0:
            raise JobRejected(MESSAGES["no_rows"])
        return count


def _format(path: Path, file_name: str) -> str:
    """The file's format by its extension, checked against its content; by content when the name says nothing."""
    sniffed = sheets.sniff(path)
    claimed = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if claimed in sheets.FORMATS and claimed != sniffed and claimed == sheets.XLSX:
        raise JobRejected(MESSAGES["mismatch"].format(claimed=claimed, claimed_upper=claimed.upper()))
    return claimed if claimed in sheets.FORMATS else sniffed


class _Rows:
    """A file's rows numbered as a spreadsheet numbers them (1 = header); unreadable content fails the job."""

    def __init__(self, fmt: str, path: Path) -> None:
        self._rows = sheets.read_rows(fmt, path)
        self._line = 0

    def __iter__(self) -> Iterator[tuple[int, list[sheets.Cell]]]:
        return self

    def __next__(self) -> tuple[int, list[sheets.Cell]]:
        try:
            cells = next(self._rows)
        except sheets.UnreadableFileError:
            raise JobRejected(MESSAGES["unreadable"]) from None
        self._line += 1
        return self._line, cells


def _rows(fmt: str, path: Path) -> _Rows:
    return _Rows(fmt, path)


def _positions(rows: _Rows) -> dict[str, int]:
    try:
        _, header = next(rows)
    except StopIteration:
        raise JobRejected(MESSAGES["empty"]) from None
    try:
        return column_positions(header)
    except HeaderError as bad:
        raise JobRejected(MESSAGES["header"], bad.problems) from None


def _entries(fmt: str, path: Path) -> Iterator[tuple[int, EntryRecord]]:
    """The second pass: the entries of a file the first pass found clean."""
    rows = _rows(fmt, path)
    positions = _positions(rows)
    for line, cells in rows:
        if _blank(cells):
            continue
        entry = from_row(line, cells, positions)
        assert isinstance(entry, EntryRecord), entry  # the first pass read the same file
        yield line, entry


def _blank(cells: Sequence[sheets.Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
