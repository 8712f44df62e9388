"""The survey report as a document (Art. 8 step 4) on the small fixed data set of test_survey_results.py, whose
index is checked by hand there: the workbook's cells are the very figures the results API returns, the PDF's text
has the same formatted strings, the heading block and the three parts, a chart drawn; suppressed groups read "< 5"."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from chalicelib.approvals.domain import Approval
from chalicelib.jobs.documents import Chart, Heading, Paragraph, Table, write_pdf, write_xlsx
from chalicelib.surveys import comparisons, results
from chalicelib.surveys.analysis import RoundResults
from chalicelib.surveys.domain import Design, Plan, Round, Settings, Survey
from chalicelib.surveys.ports import ResultCell
from chalicelib.surveys.report import Report
from chalicelib.surveys.report_document import NOT_WRITTEN, build, issuer_of
from chalicelib.surveys.results_schemas import ResultsRead
from chalicelib.surveys.tally import DayCount, SurveyTally, Tally
from chalicelib.web.charts import format_percent
from tests.unit.test_survey_results import CELL, FACTOR, VERSION

NOW = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)
TIME = "criterion:service|Thủ tục|Thời gian"

# The ten respondents of CELL by channel: the six who rated (5, 4) came by the hotline, the other four by e-mail —
# too few to be shown (fewer than 5), so the e-mail column reads "< 5".
HOTLINE = ResultCell(
    "all", "channel", "hotline", 6, {"q1": 6, "q2": 6, "t": 6}, {"q1": 6, "q2": 6, "t": 4},
    {("q1", "5"): 6, ("q2", "4"): 6},
    {FACTOR: (6, 6.0, 6.0), "angle:service": (6, 6.0, 6.0), "overall": (6, 6.0, 6.0)},
)  # fmt: skip
EMAIL = ResultCell(
    "all", "channel", "email", 4, {"q1": 4, "q2": 4, "t": 4}, {"q1": 4, "q2": 4, "t": 0},
    {("q1", "4"): 2, ("q1", "3"): 2, ("q2", "2"): 2, ("q2", "1"): 2},
    {FACTOR: (4, 1.0, 0.5), "angle:service": (4, 1.0, 0.5), "overall": (4, 1.0, 0.5)},
)  # fmt: skip
SOURCE = results.Source([("hanoi", CELL), ("hanoi", HOTLINE), ("hanoi", EMAIL)], {"all": 100})
PLAN = Plan(
    "Khảo sát hài lòng về tổng đài",
    "care",
    "Đánh giá mức độ hài lòng của người dân gọi tổng đài 1900 9068.",
    date(2026, 12, 1),
    date(2026, 12, 31),
    ("online",),
    "Phòng Truyền thông",
)
DESIGN = Design("f1", "seed", (), {"all": 12}, {"all": 3}, 2, population={"all": 100})
ROUND = Round(1, "official", DESIGN, NOW, "hanoi.focal-officer", "closed", 1, opened_at=NOW)
SURVEY = Survey("s1", "hanoi", "hanoi", PLAN, Settings(), Approval(), "hanoi.focal-officer", NOW, NOW, rounds=[ROUND])
TALLY = SurveyTally(
    "s1",
    [Tally("all", {"planned": 12, "invited": 12, "completed": 10, "aapor_I": 10, "aapor_U": 2})],
    [
        DayCount(date(2026, 12, 2), "all", {"invited": 12, "completed": 4}),
        DayCount(date(2026, 12, 3), "all", {"completed": 6}),
    ],
)


def _found() -> RoundResults:
    return RoundResults(SURVEY, ROUND, VERSION, SOURCE, results.compute(SOURCE, VERSION, {}))


def _document(report: Report | None = None):  # type: ignore[no-untyped-def]
    found = _found()
    channel = comparisons.compare(SOURCE, VERSION, {}, "channel")
    issuer = issuer_of(SURVEY, today=date(2026, 12, 21))
    return build(found, tally=TALLY, comparisons=[channel], ranking=[], changes=[], against="", report=report, issuer=issuer)


def _sheets(path: Path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def test_the_workbook_holds_the_figures_the_results_api_returns_as_numbers(tmp_path: Path) -> None:
    found = _found()
    page = ResultsRead.of("s1", 1, 1, found.results)
    path = tmp_path / "bao-cao.xlsx"
    write_xlsx(_document(), path)
    sheets = _sheets(path)
    index = {row[0].strip(): row for row in sheets["Chỉ số hài lòng"][1:]}
    for row in page.index:
        cells = index[row.label]
        expected = (row.estimate.value, row.estimate.low, row.estimate.high, row.estimate.n)
        assert cells[2:6] == pytest.approx(expected, rel=1e-15), row.key  # a workbook keeps 15–16 digits of a float
    time = index["Thời gian"]
    assert (time[2], round(time[3], 4), round(time[4], 4)) == (pytest.approx(0.8), 0.4902, 0.9433), "by hand"
    likert = page.questions[0]
    options = {row[0]: row for row in sheets["Câu q1"][1:]}
    for o in likert.options:
        assert options[o.label][1:3] == pytest.approx((o.count, o.share.value), rel=1e-15), o.label


def test_a_group_under_five_reads_less_than_five_and_the_marks_name_their_test() -> None:
    comparison = next(b for b in _document().blocks if isinstance(b, Table) and "kênh" in b.title.lower())
    rows = list(comparison.rows)
    overall = next(r for r in rows if str(r[0]).strip() == "Chỉ số hài lòng chung")
    hotline, email = overall[1], overall[3]
    assert hotline == pytest.approx(1.0) and email == "< 5", "six rated everything 4–5; four are too few"
    assert "< 5" in comparison.note and "5 %" in comparison.note


def test_part_three_says_it_is_not_written_until_the_owner_writes_it() -> None:
    texts = [b.text for b in _document().blocks if isinstance(b, Paragraph | Heading)]
    assert texts.index("III. KẾT LUẬN VÀ KIẾN NGHỊ") < texts.index(NOT_WRITTEN)
    written = _document(Report(1, conclusions="Người dân hài lòng.", recommendations="Rút ngắn thời gian chờ."))
    texts = [b.text for b in written.blocks if isinstance(b, Paragraph)]
    assert "Rút ngắn thời gian chờ." in texts and NOT_WRITTEN not in texts


def test_the_heading_names_the_owner_office_and_the_approval_day() -> None:
    approved = Approval(status="approved", decided_at=datetime(2026, 12, 24, 18, 30, tzinfo=UTC))  # 25/12 in Hà Nội
    survey = replace(SURVEY, report=Report(1, approval=approved))
    issuer = issuer_of(survey, today=date(2027, 1, 5))
    assert (issuer.agency, issuer.unit, issuer.day) == (
        "BẢO HIỂM XÃ HỘI VIỆT NAM",
        "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI",
        date(2026, 12, 25),
    )
    ccc = issuer_of(replace(SURVEY, owner="ccc", tenant="ccc"), today=date(2027, 1, 5))
    assert ccc.unit.startswith("TRUNG TÂM") and "CHĂM SÓC KHÁCH HÀNG" in ccc.unit and ccc.day == date(2027, 1, 5)


def test_the_pdf_has_the_heading_block_the_three_parts_the_figures_and_a_chart(tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.pdf"
    document = _document()
    write_pdf(document, path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for line in (
        "BẢO HIỂM XÃ HỘI VIỆT NAM",
        "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 21 tháng 12 năm 2026",
        "I. TỔNG QUAN, MỤC ĐÍCH VÀ PHƯƠNG PHÁP KHẢO SÁT",
        "II. QUÁ TRÌNH VÀ KẾT QUẢ KHẢO SÁT",
        "III. KẾT LUẬN VÀ KIẾN NGHỊ",
    ):
        assert line in text, line
    found = _found().results
    time = found.node(TIME)
    assert time is not None
    for share in (time.estimate.value, time.estimate.low, time.estimate.high, found.overall.value):  # type: ignore[union-attr]
        assert format_percent(share) in text, format_percent(share)
    assert any(isinstance(b, Chart) for b in document.blocks)
    assert "Mục tiêu: 80 %" in text, "the index chart is drawn, with the year's target line"


def test_a_national_report_ranks_the_provinces_with_rank_ranges_and_a_dot_plot() -> None:
    from chalicelib.shared.targets import SATISFACTION
    from chalicelib.surveys.report_tables import ranking_blocks

    both = results.Source([("hanoi", CELL), ("hcm", replace(CELL, respondents=10))], {"all": 200})
    ranked = comparisons.ranking(comparisons.compare(both, VERSION, {}, "province"))
    table, chart = ranking_blocks(ranked, SATISFACTION[0], 9)
    assert isinstance(table, Table) and isinstance(chart, Chart)
    rows = list(table.rows)
    assert [r[0] for r in rows] == ["1–2", "1–2"], "equal intervals: neither is called first or last"
    assert [r[1] for r in rows] == ["Hà Nội", "TP Hồ Chí Minh"] and "<circle" in chart.svg
