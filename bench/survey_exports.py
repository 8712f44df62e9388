"""The survey report's exports (issue 10, "Measured"): the report of a survey with 1,000 and with 100,000 responses
as PDF and XLSX, and the raw answers of 100,000 as CSV and XLSX — time and peak Python heap (tracemalloc).

The report is computed from the result cells, whose number is O(strata × groups) whatever the responses: the two
surveys have the same design (6 strata, 3 channels) and differ only in the counts the cells hold, so the export's
cost should not grow with the responses. The answers export streams the store's answers into the writer; here the
stream is a generator of 100,000 answers on the standard questionnaire (what `each_answer` yields page by page), so
the figure is the export's own cost — the store's paged Query comes on top (about 1 MB a page on DynamoDB).
Not run on moto: 100,000 submissions as transactions take longer than the rest of the suite.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .report import Section, table

STRATA = tuple(f"hanoi|{channel}" for channel in ("hotline", "counter", "online"))


def _measure(work: Callable[[], Any]) -> tuple[float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6


def _cells(responses: int) -> list[Any]:
    """The round's cells for `responses` answers spread over the strata and channels (every respondent satisfied on
    two of the three angles, as in tests/service/test_survey_results.py)."""
    from chalicelib.surveys.ports import ResultCell

    cells = []
    per = responses // len(STRATA)
    for stratum in STRATA:
        for dimension, value in (("", ""), ("channel", stratum.split("|")[1]), ("group", "nld")):
            n = per if dimension != "group" else per // 2
            options = {("q1", "yes"): n * 3 // 4, ("q1", "no"): n - n * 3 // 4}
            for q, high in (("q2", 5), ("q3", 4), ("q4", 2)):
                options[(q, str(high))] = n
            scores = {
                "overall": (n, n * 2 / 3, n * 4 / 9),
                **{
                    f"angle:{a}": (n, float(n if a != "rights" else 0), float(n if a != "rights" else 0))
                    for a in ("policy", "service", "rights")
                },
                **{
                    f"factor:{a}|Câu trả lời": (n, float(n if a != "rights" else 0), float(n if a != "rights" else 0))
                    for a in ("policy", "service", "rights")
                },
            }
            shown = {q: n for q in ("q1", "q2", "q3", "q4", "q5")}
            cells.append(ResultCell(stratum, dimension, value, n, shown, dict(shown), options, scores))
    return cells


def _report(responses: int, fmt: str, folder: Path) -> tuple[float, float]:
    from chalicelib.approvals.domain import Approval
    from chalicelib.jobs.documents import write_pdf, write_xlsx
    from chalicelib.surveys import comparisons, results
    from chalicelib.surveys.analysis import RoundResults
    from chalicelib.surveys.domain import Design, Plan, Round, Settings, Survey
    from chalicelib.surveys.report_document import build, issuer_of
    from chalicelib.surveys.standard import VERSION
    from chalicelib.surveys.tally import SurveyTally, Tally

    now = datetime(2026, 12, 20, tzinfo=UTC)
    population = {s: responses * 4 for s in STRATA}
    design = Design("f", "s", ("channel",), {s: responses // 3 for s in STRATA}, {}, 0, population=population)
    rnd = Round(1, "official", design, now, "x", "closed", 1, opened_at=now)
    plan = Plan("Khảo sát", "care", "Mục đích", date(2026, 12, 1), date(2026, 12, 31), ("online",), "Phòng")
    survey = Survey("s", "hanoi", "hanoi", plan, Settings(), Approval(), "x", now, now, rounds=[rnd])
    tally = SurveyTally(
        "s", [Tally(s, {"planned": responses // 3, "invited": responses // 3, "completed": responses // 3}) for s in STRATA], []
    )

    def work() -> None:
        source = results.Source([("hanoi", c) for c in _cells(responses)], population)
        found = RoundResults(survey, rnd, VERSION, source, results.compute(source, VERSION, {}))
        compared = [comparisons.compare(source, VERSION, {}, d) for d in ("channel", "group")]
        document = build(
            found, tally=tally, comparisons=compared, ranking=[], changes=[], against="", report=None,
            issuer=issuer_of(survey, today=now.date()),
        )  # fmt: skip
        (write_pdf if fmt == "pdf" else write_xlsx)(document, folder / f"r.{fmt}")

    return _measure(work)


def _answers(count: int) -> Iterator[Any]:
    from chalicelib.surveys.ports import Answer

    at = datetime(2026, 12, 2, 3, tzinfo=UTC)
    for i in range(count):
        given = {"q1": "yes" if i % 4 else "no", "q2": 1 + i % 5, "q3": 1 + (i // 5) % 5, "q4": 1 + (i // 25) % 5}
        if i % 3 == 0:
            given["q5"] = "Nhân viên nhiệt tình, hướng dẫn rõ ràng."
        yield Answer(
            f"a{i:07d}", 1, STRATA[i % 3], "standard-answer", 1, given, at.date(), member_id=f"m{i:07d}", submitted_at=at,
            groups={"channel": STRATA[i % 3].split("|")[1], "group": "nld", "form": "questionnaire"},
        )  # fmt: skip


def _answers_export(count: int, fmt: str, folder: Path) -> tuple[float, float]:
    from chalicelib.jobs import sheets
    from chalicelib.surveys.report_exports import answer_header, answer_row
    from chalicelib.surveys.standard import VERSION

    questions = list(VERSION.content.questions())

    def work() -> None:
        writer = sheets.open_writer(fmt, folder / f"a.{fmt}", title="Phiếu trả lời")
        writer.header([*answer_header(False), *(q.text for q in questions)])
        for answer in _answers(count):
            writer.row(answer_row(answer, questions, anonymous=False))
        writer.close()

    return _measure(work)


def run() -> Section:
    """The measurements as a section of bench/results.md."""
    section = Section("Survey report exports: the report of 1,000 vs 100,000 responses, the answers of 100,000")
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for responses in (1_000, 100_000):
            for fmt in ("pdf", "xlsx"):
                seconds, peak = _report(responses, fmt, folder)
                size = (folder / f"r.{fmt}").stat().st_size
                rows.append(
                    (
                        f"report {fmt.upper()}, {responses:,} responses",
                        f"{seconds:.2f} s",
                        f"{peak:.1f} MB",
                        f"{size / 1e3:.0f} kB",
                    )
                )
                print(rows[-1], file=sys.stderr)
        for fmt in ("csv", "xlsx"):
            seconds, peak = _answers_export(100_000, fmt, folder)
            size = (folder / f"a.{fmt}").stat().st_size
            rows.append((f"answers {fmt.upper()}, 100,000 rows", f"{seconds:.2f} s", f"{peak:.1f} MB", f"{size / 1e6:.1f} MB"))
            print(rows[-1], file=sys.stderr)
    section.add(
        "The report is computed from the result cells (9 here, 3 per stratum), so 100,000 responses cost what 1,000 do;",
        "the answers stream through the writer a row at a time. Peak heap: tracemalloc, Python objects only.",
        "",
        *table(("export", "time", "peak heap", "file"), rows, ("l", "r", "r", "r")),
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    print(run().markdown())
