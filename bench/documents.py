"""Report documents (chalicelib/jobs/documents.py): time, peak memory and size of write_pdf and write_xlsx.

Two documents: a report of 60 tables of 10–40 rows and 10 charts (bar charts with whiskers, dot plots, time
series), written as PDF and as XLSX; and one table of 100,000 rows of raw answers from a generator, as XLSX.
Each measurement runs in a fresh process (`python -m bench.documents WHAT FORMAT`): peak memory is the process's
maximum resident set (getrusage, the interpreter and its imports included) against the same process before the
write, and the Python heap's peak during the write (tracemalloc, in a second run so its overhead stays out of the
time). `python -m bench.documents sample PATH` writes the sample document the page shots are made from.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from .report import Section, table

ROOT = Path(__file__).resolve().parent.parent
RAW_ROWS = 100_000
PROVINCES = ("Hà Nội", "Quảng Ninh", "Thừa Thiên Huế", "Đà Nẵng", "Cần Thơ", "TP. Hồ Chí Minh", "Điện Biên", "Bắc Kạn")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _charts(n: int) -> tuple[str, str]:
    from chalicelib.web import charts

    if n % 3 == 0:
        bars = [
            charts.Bar(p, 0.6 + (i * 7 % 30) / 100, 0.55 + (i * 7 % 30) / 100, 0.65 + (i * 7 % 30) / 100)
            for i, p in enumerate(PROVINCES)
        ]
        title = f"Biểu đồ {n + 1}. Tỷ lệ hài lòng theo tỉnh (khoảng tin cậy 95 %)"
        return title, charts.bar_chart(bars, title=title, maximum=1.0, target=0.8, fmt=charts.format_percent)
    if n % 3 == 1:
        points = [
            charts.Point(
                p, 3 + (i * 3 % 10) / 10, 2.8 + (i * 3 % 10) / 10, 3.2 + (i * 3 % 10) / 10, "khác biệt" if i == 2 else ""
            )
            for i, p in enumerate(PROVINCES)
        ]
        title = f"Biểu đồ {n + 1}. Điểm trung bình theo tỉnh"
        return title, charts.dot_plot(points, title=title, minimum=1, maximum=5, fmt=lambda v: charts.format_number(v, 1))
    days = [date(2026, 11, 1) + timedelta(days=d) for d in range(30)]
    series = [charts.Series("Phiếu nhận", [float(20 + d * 7 % 23) for d in range(30)])]
    title = f"Biểu đồ {n + 1}. Phiếu nhận theo ngày"
    return title, charts.time_series(days, series, title=title, target=30)


def report(tables: int = 60, chart_count: int = 10) -> object:
    """A survey report of `tables` tables of 10–40 rows and `chart_count` charts, each chart with its data."""
    from chalicelib.jobs.documents import Chart, Column, Document, Heading, Issuer, Paragraph, Signature, Table

    columns = [
        Column("Đơn vị"),
        Column("Số phiếu", "int"),
        Column("Điểm trung bình", "number", 2),
        Column("Tỷ lệ hài lòng", "percent"),
        Column("Ngày chốt", "date"),
    ]
    blocks: list[object] = [
        Heading("I. TỔNG QUAN"),
        Paragraph(
            "Khảo sát sự hài lòng của người tham gia bảo hiểm xã hội, bảo hiểm y tế đối với dịch vụ công của ngành năm 2026.\nSố liệu sơ bộ."
        ),
    ]
    for t in range(tables):
        if t % 10 == 0:
            blocks.append(Heading(f"{t // 10 + 1}. Nhóm chỉ tiêu {t // 10 + 1}", level=2))
        rows = [
            (
                f"Bảo hiểm xã hội huyện {PROVINCES[r % len(PROVINCES)]} {r}",
                100 + r * 13,
                3 + (r % 20) / 10,
                0.5 + (r % 50) / 100,
                date(2026, 11, 1 + r % 28),
            )
            for r in range(10 + (t * 7) % 31)
        ]
        blocks.append(Table(f"Bảng {t + 1}. Kết quả theo đơn vị", columns, rows, note="Nguồn: khảo sát trực tuyến."))
        if t % 6 == 5 and t // 6 < chart_count:
            title, svg = _charts(t // 6)
            data = Table(
                title,
                [Column("Tỉnh"), Column("Giá trị", "number", 2)],
                [(p, 0.6 + i / 10) for i, p in enumerate(PROVINCES)],
                sheet=f"Dữ liệu biểu đồ {t // 6 + 1}",
            )
            blocks.append(Chart(title, svg, data=data))
    return Document(
        title="BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN NĂM 2026",
        subtitle="Đợt 1: tháng 11 năm 2026",
        issuer=Issuer(unit="TRUNG TÂM CHĂM SÓC KHÁCH HÀNG", number="Số: 12/BC-TTCSKH", day=date(2026, 12, 1)),
        blocks=blocks,  # type: ignore[arg-type]
        signature=Signature("GIÁM ĐỐC", "Nguyễn Văn An"),
        recipients=["Tổng Giám đốc (để b/c)", "Các Phó Tổng Giám đốc", "Lưu: VT, TTCSKH"],
    )


def raw_answers(count: int = RAW_ROWS) -> object:
    """One table of `count` raw answers, made one row at a time."""
    from chalicelib.jobs.documents import Column, Document, Table

    def rows() -> Iterator[tuple[object, ...]]:
        for n in range(count):
            yield (
                f"PH-{n:07d}",
                PROVINCES[n % len(PROVINCES)],
                1 + n % 5,
                (n % 1000) / 1000,
                date(2026, 11, 1 + n % 28),
                "Thái độ phục vụ tốt, hướng dẫn tận tình.",
            )

    columns = [
        Column("Mã phiếu"),
        Column("Tỉnh"),
        Column("Câu 1", "int"),
        Column("Tỷ lệ", "percent"),
        Column("Ngày trả lời", "date"),
        Column("Ý kiến", width=40),
    ]
    return Document(title="DỮ LIỆU THÔ PHIẾU KHẢO SÁT", blocks=[Table("Phiếu trả lời", columns, rows())])


def one(what: str, fmt: str, traced: bool) -> dict[str, float]:
    """One write in this process: seconds and RSS, or (traced) the Python heap's peak."""
    from chalicelib.jobs.documents import write_pdf, write_xlsx

    doc = report() if what == "report" else raw_answers()
    write = write_pdf if fmt == "pdf" else write_xlsx
    baseline = _rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"out.{fmt}"
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        write(doc, path)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        heap = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if traced else 0.0
        size = path.stat().st_size / 1024 / 1024
    return {"seconds": seconds, "peak_mb": _rss_mb(), "baseline_mb": baseline, "heap_mb": heap, "file_mb": size}


def _measure(what: str, fmt: str, traced: bool) -> dict[str, float]:
    args = [sys.executable, "-m", "bench.documents", what, fmt] + (["traced"] if traced else [])
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run() -> Section:
    """The report as PDF and XLSX, and 100,000 raw answers as XLSX."""
    section = Section("Report documents: PDF and XLSX writers")
    rows = []
    for what, fmt, label in (
        ("report", "pdf", "report, 60 tables + 10 charts → PDF"),
        ("report", "xlsx", "report, 60 tables + 10 charts → XLSX"),
        ("raw", "xlsx", f"{RAW_ROWS:,} raw answers → XLSX"),
    ):
        timed, traced = _measure(what, fmt, False), _measure(what, fmt, True)
        rows.append(
            [
                label,
                f"{timed['seconds']:.2f}",
                f"{timed['peak_mb']:.0f}",
                f"{timed['baseline_mb']:.0f}",
                f"{traced['heap_mb']:.1f}",
                f"{timed['file_mb']:.2f}",
            ]
        )
        if timed["peak_mb"] - timed["baseline_mb"] > 300:
            section.failures.append(f"{label}: {timed['peak_mb'] - timed['baseline_mb']:.0f} MB over the baseline")
    section.add(
        *table(
            ["document", "seconds", "peak RSS MB", "RSS before MB", "Python heap peak MB (tracemalloc)", "file MB"],
            rows,
            ["l", "r", "r", "r", "r", "r"],
        ),
        "",
        "Each write in a fresh process; the heap peak is from a second, traced run (its time is not the one shown). "
        f"The report has {sum(10 + (t * 7) % 31 for t in range(60)):,} table rows; the PDF embeds subsets of four "
        "Liberation Serif faces.",
    )
    return section


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        from chalicelib.jobs.documents import write_pdf

        write_pdf(report(tables=12, chart_count=2), Path(sys.argv[2]))  # type: ignore[arg-type]
    else:
        print(json.dumps(one(sys.argv[1], sys.argv[2], len(sys.argv) > 3)))
