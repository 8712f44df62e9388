"""The knowledge bank as a table: one entry a row, the columns of every field, and a row read back into an entry.

The file is what a person edits in Excel, and what comes back must be the same bank, to the character:

- Columns, in order: id, topic, question, answer, legal basis, valid from, valid until, audience, status, owner
  unit, related, scenarios. The header is Vietnamese (COLUMNS); a file may also name them by field (`question`).
- Legal basis: one line per document, `document | article | dd/mm/yyyy` (article and date may be empty); a `|`
  or `\\` inside a document's text is written `\\|` / `\\\\`.
- Related entries: their ids, one per line (commas are read too). Scenarios: one phrasing per line, in order.
- Dates: date cells in XLSX, `yyyy-mm-dd` in CSV; both `yyyy-mm-dd` and `dd/mm/yyyy` are read.
- Audience and status are their codes (`public`, `internal`; `draft`, `in_review`, `published`, `retired`).

Rows are validated with the edge's field types (shared/fields.py): a bad row is reported by its row number (the
header is row 1, as Excel numbers them) and column. `EntryRecord` is the entry as this module knows it, until the
knowledge bank's own aggregate carries these fields (branch kb-core): the mapping is the only thing that changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import ErrorDetails

from chalicelib.jobs.domain import Problem
from chalicelib.jobs.sheets import Cell
from chalicelib.shared.fields import Identifier, Line, Text
from chalicelib.shared.schema import Input

EXPORT, IMPORT = "knowledge_export", "knowledge_import"  # the background jobs' kinds (transfer_jobs.py runs them)
AUDIENCES = ("public", "internal")
STATUSES = ("draft", "in_review", "published", "retired")
QUESTION_MAX = 2000
ANSWER_MAX = 30000  # below Excel's 32,767 characters a cell
SCENARIO_MAX = 1000
SCENARIOS_MAX = 2000
BASIS_MAX = 500


@dataclass(frozen=True)
class LegalBasis:
    """A document an answer rests on (*căn cứ pháp lý*): its number and name, the article, the date it was issued."""

    document: str
    article: str = ""
    issued: date | None = None


@dataclass(frozen=True)
class EntryRecord:
    """Every field of a knowledge entry that the file carries."""

    id: str
    topic: str
    question: str
    answer: str
    legal_basis: tuple[LegalBasis, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    audience: str = "public"
    status: str = "draft"
    owner_unit: str = ""
    related: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column: the entry's field and the header a person reads."""

    field: str
    label: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("id", "Mã mục", 14),
    Column("topic", "Chủ đề", 28),
    Column("question", "Câu hỏi", 50),
    Column("answer", "Câu trả lời", 80),
    Column("legal_basis", "Căn cứ pháp lý (văn bản | điều khoản | ngày ban hành)", 50),
    Column("valid_from", "Hiệu lực từ", 13),
    Column("valid_until", "Hiệu lực đến", 13),
    Column("audience", "Đối tượng (public/internal)", 14),
    Column("status", "Trạng thái (draft/in_review/published/retired)", 14),
    Column("owner_unit", "Đơn vị phụ trách", 24),
    Column("related", "Mục liên quan", 16),
    Column("scenarios", "Các cách hỏi (mỗi dòng một cách)", 60),
)
LABELS = tuple(c.label for c in COLUMNS)
WIDTHS = tuple(c.width for c in COLUMNS)
WRAPPED = tuple(i for i, c in enumerate(COLUMNS) if c.field in ("question", "answer", "legal_basis", "related", "scenarios"))
_BY_NAME = {name.casefold(): c for c in COLUMNS for name in (c.field, c.label)}
_SEPARATOR = re.compile(r"(?<!\\)((?:\\\\)*)\|")
MESSAGES = {
    "missing_columns": "Thiếu cột: {columns}.",
    "unknown_column": "Cột không được hỗ trợ: “{label}”.",
    "duplicate_column": "Cột bị lặp: “{label}”.",
    "duplicate_id": "Mã mục bị lặp (đã có ở dòng {line}).",
    "required": "Bắt buộc, không được để trống.",
    "date": "Ngày không hợp lệ: viết dd/mm/yyyy hoặc yyyy-mm-dd.",
    "legal_basis": "Mỗi dòng là “văn bản | điều khoản | ngày ban hành”; dòng {n} không đúng dạng.",
    "period": "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
    "choice": "Giá trị phải là một trong: {choices}.",
    "too_long": "Quá dài (tối đa {limit} ký tự).",
    "format": "Không đúng định dạng: {detail}.",
}
# The bank's own rules on a row (domain.Content.problems), by the code it gives.
RULE_MESSAGES = {
    "unknown": "Không có trong cây chủ đề của ngân hàng hỏi đáp.",
    "before_valid_from": "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
    "too_many": "Quá nhiều dòng trong ô này.",
    "invalid": "Mục liên quan không hợp lệ (quá nhiều, hoặc trỏ về chính mục này).",
    "document_required": "Mỗi căn cứ pháp lý cần tên văn bản.",
    "required": "Bắt buộc, không được để trống.",
    "national": "Mã này thuộc ngân hàng hỏi đáp quốc gia; mục của đơn vị cần mã khác.",
}


def header_row() -> list[str]:
    """The header of an exported file."""
    return list(LABELS)


def to_row(entry: EntryRecord) -> list[Cell]:
    """The entry as the cells of one row, in COLUMNS order."""
    return [
        entry.id,
        entry.topic,
        entry.question,
        entry.answer,
        "\n".join(_basis_line(b) for b in entry.legal_basis),
        entry.valid_from,
        entry.valid_until,
        entry.audience,
        entry.status,
        entry.owner_unit,
        "\n".join(entry.related),
        "\n".join(entry.scenarios),
    ]


def _basis_line(basis: LegalBasis) -> str:
    parts = [_escape(basis.document), _escape(basis.article), basis.issued.strftime("%d/%m/%Y") if basis.issued else ""]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return " | ".join(parts)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


class HeaderError(Exception):
    """The header row does not name the columns of the bank."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "")
        self.problems = problems


def column_positions(header: Sequence[Cell]) -> dict[str, int]:
    """Which position each field is at, from the header row; every column must be there, none twice or unknown."""
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        label = str(cell or "").strip()
        if not label:
            continue
        column = _BY_NAME.get(label.casefold())
        if column is None:
            problems.append(Problem(1, _letter(index), MESSAGES["unknown_column"].format(label=label)))
        elif column.field in positions:
            problems.append(Problem(1, _letter(index), MESSAGES["duplicate_column"].format(label=label)))
        else:
            positions[column.field] = index
    missing = [c.label for c in COLUMNS if c.field not in positions]
    if missing:
        problems.append(Problem(1, "", MESSAGES["missing_columns"].format(columns=", ".join(f"“{m}”" for m in missing))))
    if problems:
        raise HeaderError(problems)
    return positions


class BasisRow(Input):
    """One legal-basis line of a row."""

    document: Annotated[Line, Field(min_length=1, max_length=BASIS_MAX)]
    article: Annotated[Line, Field(max_length=BASIS_MAX)]
    issued: date | None


class EntryRow(Input):
    """One row as the edge would take it: the shared field types, the bank's codes, lengths Excel can hold."""

    id: Identifier
    topic: Identifier
    question: Annotated[Line, Field(min_length=1, max_length=QUESTION_MAX)]
    answer: Annotated[Text, Field(min_length=1, max_length=ANSWER_MAX)]
    legal_basis: tuple[BasisRow, ...]
    valid_from: date | None
    valid_until: date | None
    audience: Literal["public", "internal"]
    status: Literal["draft", "in_review", "published", "retired"]
    owner_unit: Identifier | Literal[""]
    related: tuple[Identifier, ...]
    scenarios: Annotated[
        tuple[Annotated[Line, Field(min_length=1, max_length=SCENARIO_MAX)], ...], Field(max_length=SCENARIOS_MAX)
    ]

    @field_validator("valid_until")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value < start:
            raise ValueError(MESSAGES["period"])
        return value


def from_row(line: int, cells: Sequence[Cell], positions: dict[str, int]) -> EntryRecord | list[Problem]:
    """The entry a row describes, or the row's problems (row number `line`, column letter and header)."""
    problems: list[Problem] = []

    def cell(name: str) -> Cell:
        index = positions[name]
        return cells[index] if index < len(cells) else None

    def fail(name: str, message: str) -> None:
        problems.append(Problem(line, _column(positions, name), message))

    values: dict[str, object] = {}
    for name in ("id", "topic", "question", "answer", "audience", "status", "owner_unit"):
        values[name] = _text(cell(name))
    for name in ("valid_from", "valid_until"):
        try:
            values[name] = _date(cell(name))
        except ValueError:
            fail(name, MESSAGES["date"])
    try:
        values["legal_basis"] = _legal_basis(_text(cell("legal_basis")))
    except _BadBasis as bad:
        fail("legal_basis", MESSAGES["legal_basis"].format(n=bad.number))
    values["related"] = tuple(r for r in re.split(r"[\s,;]+", _text(cell("related"))) if r)
    values["scenarios"] = tuple(s.strip() for s in _text(cell("scenarios")).split("\n") if s.strip())
    if problems:
        return problems
    try:
        row = EntryRow.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "id"
            fail(name if name in positions else "id", _message(error))
        return problems
    fields = {name: getattr(row, name) for name in EntryRow.model_fields}
    fields["legal_basis"] = tuple(LegalBasis(b.document, b.article, b.issued) for b in row.legal_basis)
    return EntryRecord(**fields)


def rule_problem(line: int, positions: dict[str, int], field: str, code: str) -> Problem:
    """A row that reads well but breaks one of the bank's rules (an unknown topic, a period that ends first)."""
    column = _column(positions, field) if field in positions else field
    return Problem(line, column, RULE_MESSAGES.get(code, code))


def duplicate_id(line: int, positions: dict[str, int], first: int) -> Problem:
    """A row whose id an earlier row of the file already has."""
    return Problem(line, _column(positions, "id"), MESSAGES["duplicate_id"].format(line=first))


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind in ("missing", "string_too_short", "too_short"):
        return MESSAGES["required"]
    if kind in ("string_too_long", "too_long"):
        return MESSAGES["too_long"].format(limit=ctx.get("max_length", ""))
    if kind == "literal_error":
        return MESSAGES["choice"].format(choices=str(ctx.get("expected", "")).replace("'", ""))
    if kind == "value_error":
        return str(ctx.get("error", "")) or MESSAGES["format"].format(detail=kind)
    return MESSAGES["format"].format(detail=error["msg"])


def _text(value: Cell) -> str:
    """A cell as text (an XLSX number typed into a text column reads as its digits)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _date(value: Cell) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class _BadBasis(Exception):
    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def _legal_basis(text: str) -> tuple[dict[str, object], ...]:
    bases: list[dict[str, object]] = []
    for number, line in enumerate((ln for ln in text.split("\n") if ln.strip()), start=1):
        parts = [_unescape(p.strip()) for p in _split(line)]
        if len(parts) > 3 or not parts[0]:
            raise _BadBasis(number)
        parts += [""] * (3 - len(parts))
        try:
            issued = _date(parts[2])
        except ValueError:
            raise _BadBasis(number) from None
        bases.append({"document": parts[0], "article": parts[1], "issued": issued})
    return tuple(bases)


def _split(line: str) -> list[str]:
    """A legal-basis line at its unescaped bars."""
    parts, start = [], 0
    for match in _SEPARATOR.finditer(line):
        end = match.end() - 1
        parts.append(line[start:end])
        start = match.end()
    parts.append(line[start:])
    return parts


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column(positions: dict[str, int], name: str) -> str:
    """`D (Câu trả lời)`: the column's letter where this file has it, and its header."""
    label = next(c.label for c in COLUMNS if c.field == name)
    return f"{_letter(positions[name])} ({label})"
