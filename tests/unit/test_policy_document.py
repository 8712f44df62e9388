"""The policy report as a document: the heading block, the five groups' figures as real numbers (the indicators'
own values), the typical questions with their evidence, the recommendations quoted; typical questions grouped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from chalicelib.jobs.documents import write_pdf, write_xlsx
from chalicelib.policy.document import build
from chalicelib.policy.domain import EVIDENCE_MAX, PolicyReport, Quote, Typical
from chalicelib.policy.typical import Asked, merge, typical_questions
from chalicelib.reports.periods import Period

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
COUNTS = {
    "policy": {"received": 40, "answered": 35, "instant": 20, "rated": 10, "satisfied": 9, "on_time": 30, "late": 5},
    "overall": {"received": 80, "answered": 70, "instant": 50, "rated": 20, "satisfied": 17},
}


def _report() -> PolicyReport:
    r = PolicyReport.regular(
        tenant="hanoi", period=Period.parse("2026-11"), actor="hanoi.focal", now=NOW, today=date(2026, 12, 3)
    )
    r.typical = {"policy": [Typical("kb:K1", "Điều kiện hưởng chế độ thai sản", 14, ("hanoi/K1",), ("hanoi/R1", "hanoi/R2"))]}
    r.recommendations = {"overall": "Đề nghị hướng dẫn thống nhất hồ sơ thai sản."}
    r.quotes = {"policy": [Quote("danang", "BHXH thành phố Đà Nẵng", "Rút ngắn thời hạn.")]}
    return r


def test_the_pdf_has_the_heading_block_and_the_xlsx_real_numbers(tmp_path: Path) -> None:
    doc = build(_report(), COUNTS, today=date(2026, 12, 3))
    write_pdf(doc, tmp_path / "r.pdf")
    write_xlsx(doc, tmp_path / "r.xlsx")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    for expected in ("BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ngày 03 tháng 12 năm 2026",
                     "tháng 11/2026", "Điều kiện hưởng chế độ thai sản", "BHXH thành phố Đà Nẵng", "85,7 %"):  # fmt: skip
        assert expected in text, expected
    sheet = load_workbook(tmp_path / "r.xlsx")["Số liệu"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("Chế độ, chính sách BHXH, BHTN, BHYT", 40, 35)
    assert abs(rows[1][3] - 30 / 35) < 1e-9 and rows[1][5] == 0.9, "shares are numbers, not text"
    assert rows[-1][:2] == ("Tổng cộng", 80)


def test_typical_questions_group_by_entry_or_by_subject_and_keep_some_evidence() -> None:
    asked = [Asked("hanoi", f"r{i}", "policy", "Thai sản?", "K1") for i in range(EVIDENCE_MAX + 5)]
    asked += [Asked("hanoi", "s1", "policy", "Lương hưu"), Asked("hanoi", "s2", "policy", "LƯƠNG  HƯU")]
    asked += [Asked("hanoi", f"o{i}", "policy", f"Câu {i}") for i in range(6)] + [Asked("hanoi", "x", "policy", "")]
    found = typical_questions(asked, entries=lambda ids: {"K1": "Điều kiện hưởng chế độ thai sản"})
    policy = found["policy"]
    assert [(t.label, t.count) for t in policy[:2]] == [("Điều kiện hưởng chế độ thai sản", 25), ("Lương hưu", 2)]
    assert len(policy) == 5 and len(policy[0].requests) == EVIDENCE_MAX and policy[0].knowledge == ("hanoi/K1",)
    assert found["coordination"] == []
    both = merge(
        [
            [Typical("kb:K1", "Thai sản", 3, ("hanoi/K1",), ("hanoi/a",))],
            [Typical("kb:K9", "thai san", 2, ("hcm/K9",), ("hcm/b",))],
        ]
    )
    assert [(t.count, t.knowledge, t.requests) for t in both] == [(5, ("hanoi/K1", "hcm/K9"), ("hanoi/a", "hcm/b"))]
