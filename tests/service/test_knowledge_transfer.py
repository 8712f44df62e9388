"""Export and import of the knowledge bank as jobs, on fakes: the round trip, bad rows, nothing of a failed import."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from chalicelib.jobs import sheets
from chalicelib.jobs.domain import FAILED, SUCCEEDED
from chalicelib.jobs.service import JobService
from chalicelib.knowledge import transfer_jobs
from chalicelib.knowledge.transfer import EXPORT, IMPORT, EntryRecord, LegalBasis, header_row, to_row
from chalicelib.shared.clock import FixedClock
from tests.conftest import ROOT
from tests.fakes import FakeBank, FakeFiles, FakeJobStore, FakeQueue

TRICKY = EntryRecord(
    id="KB-9001",
    topic="bhxh.tham-gia-bat-buoc",
    question="=1+1 có phải là công thức không?",
    answer='- Không: đây là văn bản.\nMã số 0012345 giữ nguyên số 0 ở đầu.\n\tThụt đầu dòng, "ngoặc kép", dấu phẩy.',
    legal_basis=(
        LegalBasis("Luật số 41/2024/QH15 | bản có dấu gạch \\ ngược", "Điều 2 khoản 1", date(2024, 6, 29)),
        LegalBasis("Công văn không số"),
    ),
    valid_from=date(2025, 7, 1),
    valid_until=date(2030, 12, 31),
    audience="internal",
    status="in_review",
    owner_unit="phap-che",
    related=("KB-0001", "KB-0002"),
    scenarios=("+84 hỏi thế nào", "@bhxh trả lời giúp", "'trích dẫn'", "hỏi không dấu bao hiem"),
)


def starter_bank() -> list[EntryRecord]:
    """The starter bank (infra/data/knowledge-bank.json) as entries, published, and one entry of every awkward text."""
    raw = json.loads((ROOT / "infra" / "data" / "knowledge-bank.json").read_text(encoding="utf-8"))

    def day(text):
        return date.fromisoformat(text) if text else None

    entries = [
        EntryRecord(
            id=e["id"],
            topic=e["topic"],
            question=e["question"],
            answer=e["answer"],
            legal_basis=tuple(LegalBasis(b["document"], b.get("article", ""), day(b.get("date"))) for b in e["legal_basis"]),
            valid_from=day(e["valid_from"]),
            valid_until=day(e["valid_until"]),
            audience=e["audience"],
            status="published",
            owner_unit=e["owner_unit"],
            related=tuple(e["related"]),
            scenarios=tuple(e["scenarios"]),
        )
        for e in raw
    ]
    return [*entries, TRICKY]


class Setup:
    def __init__(self) -> None:
        self.bank = FakeBank()
        self.files = FakeFiles()
        self.store = FakeJobStore()
        clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
        self.service = JobService(store=self.store, queue=FakeQueue(), files=self.files, clock=clock)
        handlers = transfer_jobs.KnowledgeTransfer(bank=self.bank, clock=clock)
        self.service.register(EXPORT, handlers.export_bank, label="Xuất")
        self.service.register(IMPORT, handlers.import_bank, label="Nhập")

    def run(self, tenant: str, kind: str, params: dict, receive_count: int = 1):
        job = self.service.start(tenant=tenant, actor="leader", kind=kind, params=params)
        self.service.run(tenant=tenant, job_id=job.id, receive_count=receive_count)
        return self.store.get(tenant=tenant, job_id=job.id)

    def upload(self, tenant: str, data: bytes) -> str:
        key = f"uploads/{tenant}/leader/U1"
        self.files.objects[key] = (data, "application/octet-stream")
        return key


@pytest.fixture
def s() -> Setup:
    return Setup()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_yields_the_same_bank_to_the_character(s, fmt):
    bank = starter_bank()
    s.bank.banks["ccc"] = {e.id: e for e in bank}
    exported = s.run("ccc", EXPORT, {"format": fmt})
    assert exported.status == SUCCEEDED, exported.error
    assert exported.output.file_name == f"ngan-hang-hoi-dap-ccc-20260302.{fmt}"
    assert exported.done == exported.total == len(bank)
    data = s.files.objects[exported.output.key][0]
    imported = s.run("hanoi", IMPORT, {"key": s.upload("hanoi", data), "file_name": f"bank.{fmt}"})
    assert imported.status == SUCCEEDED, (imported.error, imported.problems[:3])
    assert imported.done == imported.total == len(bank)
    assert s.bank.banks["hanoi"] == s.bank.banks["ccc"]
    assert s.bank.banks["hanoi"]["KB-9001"] == TRICKY


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    import csv
    from io import StringIO

    out = StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_written(s):
    good = to_row(TRICKY)
    no_answer = list(good)
    no_answer[0], no_answer[3] = "KB-2", ""
    bad_date = list(good)
    bad_date[0], bad_date[5] = "KB-3", "31/02/2025"
    bad_status = list(good)
    bad_status[0], bad_status[8] = "KB-4", "live"
    rows: list[Sequence[object]] = [header_row(), good, no_answer, bad_date, bad_status, good]
    job = s.run("hanoi", IMPORT, {"key": s.upload("hanoi", _csv(rows)), "file_name": "bank.csv"})
    assert job.status == FAILED and "4 lỗi" in job.error and "chưa nhập mục nào" in job.error
    found = [(p.line, p.column.split(" ")[0]) for p in job.problems]
    assert found == [(3, "D"), (4, "F"), (5, "I"), (6, "A")]
    assert "đã có ở dòng 2" in job.problems[-1].message
    assert s.bank.batches == [] and s.bank.banks == {}


def test_a_row_that_breaks_the_banks_own_rules_is_reported_in_the_check_and_nothing_is_written(s):
    s.bank.topics = {TRICKY.topic}
    unknown_topic = list(to_row(TRICKY))
    unknown_topic[0], unknown_topic[1] = "KB-5", "bhxh.khong-co"
    rows: list[Sequence[object]] = [header_row(), to_row(TRICKY), unknown_topic]
    job = s.run("hanoi", IMPORT, {"key": s.upload("hanoi", _csv(rows)), "file_name": "bank.csv"})
    assert job.status == FAILED and "chưa nhập mục nào" in job.error
    assert [(p.line, p.column.split(" ")[0]) for p in job.problems] == [(3, "B")]
    assert "cây chủ đề" in job.problems[0].message
    assert s.bank.batches == [] and s.bank.banks == {}, "the good row was not written either"


def test_a_file_without_the_banks_columns_or_not_a_table_is_refused_whole(s):
    job = s.run("hanoi", IMPORT, {"key": s.upload("hanoi", _csv([["Mã", "Câu hỏi"]])), "file_name": "x.csv"})
    assert job.status == FAILED and "tiêu đề" in job.error
    assert any("Thiếu cột" in p.message for p in job.problems) and any("Mã" in p.message for p in job.problems)
    job = s.run("hanoi", IMPORT, {"key": s.upload("hanoi", b"\xff\xfe\x00B"), "file_name": "x.csv"})
    assert job.status == FAILED and "XLSX hoặc CSV" in job.error
    job = s.run("hanoi", IMPORT, {"key": s.upload("hanoi", b"a,b\r\n"), "file_name": "x.xlsx"})
    assert job.status == FAILED and "không phải XLSX" in job.error
    assert s.bank.banks == {}


def test_a_csv_edited_in_excel_is_read_its_dates_as_dd_mm_yyyy(s):
    row = to_row(TRICKY)
    row[5], row[6] = "01/07/2025", "31/12/2030"
    data = _csv([header_row(), row]).removeprefix(b"\xef\xbb\xbf")
    job = s.run("hanoi", IMPORT, {"key": s.upload("hanoi", data), "file_name": "sửa trong Excel.csv"})
    assert job.status == SUCCEEDED, job.problems
    assert s.bank.banks["hanoi"]["KB-9001"].valid_from == date(2025, 7, 1)


def test_an_import_cut_short_by_an_error_is_run_again_whole_and_ends_with_the_same_bank(s):
    bank = starter_bank()
    s.bank.banks["ccc"] = {e.id: e for e in bank}
    exported = s.run("ccc", EXPORT, {"format": "csv"})
    key = s.upload("hanoi", s.files.objects[exported.output.key][0])
    s.bank.fail_after = 1  # the table fails after the first batch
    job = s.service.start(tenant="hanoi", actor="leader", kind=IMPORT, params={"key": key, "file_name": "b.csv"})
    with pytest.raises(RuntimeError):
        s.service.run(tenant="hanoi", job_id=job.id, receive_count=1)
    s.bank.fail_after = None
    s.service.run(tenant="hanoi", job_id=job.id, receive_count=2)
    assert s.store.get(tenant="hanoi", job_id=job.id).status == SUCCEEDED
    assert s.bank.banks["hanoi"] == s.bank.banks["ccc"]


def test_an_export_of_an_empty_bank_is_a_header_only_template(s):
    job = s.run("hcm", EXPORT, {"format": "xlsx"})
    assert job.status == SUCCEEDED
    path = __import__("pathlib").Path("/tmp") / f"template-{job.id}.xlsx"
    path.write_bytes(s.files.objects[job.output.key][0])
    assert list(sheets.read_rows("xlsx", path)) == [header_row()]
    path.unlink()
