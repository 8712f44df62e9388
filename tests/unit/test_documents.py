"""Documents as PDF and XLSX (jobs/documents.py): what a clerk opening the file would see, read back from the file."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from chalicelib.jobs.documents import (
    Chart,
    Column,
    Document,
    Heading,
    Issuer,
    Paragraph,
    Signature,
    Table,
    sheet_names,
    write_pdf,
    write_xlsx,
)
from chalicelib.web import charts

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = [Column("Đơn vị"), Column("Số phiếu", "int"), Column("Tỷ lệ hài lòng", "percent"), Column("Ngày chốt", "date")]


def _rows(count: int) -> Iterator[tuple[str, int, float, date]]:
    for n in range(count):
        yield (f"Bảo hiểm xã hội huyện số {n}", 1000 + n, 0.805, date(2026, 11, 1 + n % 28))


def _bar_chart() -> str:
    bars = [charts.Bar("Quảng Ninh", 0.82, 0.78, 0.86), charts.Bar("Thừa Thiên Huế", 0.74, 0.70, 0.79)]
    return charts.bar_chart(bars, title="Tỷ lệ hài lòng", maximum=1.0, target=0.8, fmt=charts.format_percent)


def _document(rows: int = 3, **changes: object) -> Document:
    figures = Table("Số phiếu theo ngày", [Column("Ngày", "date"), Column("Số phiếu", "int")], [(date(2026, 11, 2), 12)])
    fields: dict[str, object] = {
        "title": "BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG",
        "subtitle": "Đợt 1 năm 2026",
        "issuer": Issuer(unit="BẢO HIỂM XÃ HỘI TỈNH QUẢNG NINH", number="Số: 12/BC-BHXH", day=date(2026, 12, 1)),
        "blocks": [
            Heading("I. TỔNG QUAN"),
            Paragraph("Kết quả khảo sát người tham gia bảo hiểm y tế.\nSố phiếu hợp lệ: 1.234."),
            Table("Bảng 1. Tỷ lệ hài lòng theo đơn vị", COLUMNS, _rows(rows), note="Nguồn: khảo sát trực tuyến"),
            Chart("Biểu đồ 1. Tỷ lệ hài lòng theo tỉnh", _bar_chart()),
            Chart("Biểu đồ 2. Phiếu nhận", charts.time_series([date(2026, 11, 2)], [], title="Phiếu"), data=figures),
        ],
        "signature": Signature("GIÁM ĐỐC", "Nguyễn Văn An"),
        "recipients": ["Tổng Giám đốc (để b/c)", "Lưu: VT"],
    }
    fields.update(changes)
    return Document(**fields)  # type: ignore[arg-type]


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "bao-cao.pdf"
    write_pdf(_document(), path)
    return path


def test_pdf_text_layer_keeps_the_vietnamese_heading_block_and_figures(pdf: Path):
    text = "\n".join(_pages(pdf))
    for expected in (
        "BẢO HIỂM XÃ HỘI VIỆT NAM",
        "BẢO HIỂM XÃ HỘI TỈNH QUẢNG NINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-BHXH",
        "Hà Nội, ngày 01 tháng 12 năm 2026",
        "BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG",
        "I. TỔNG QUAN",
        "Số phiếu hợp lệ: 1.234.",
        "Bảo hiểm xã hội huyện số 2",
        "80,5 %",
        "03/11/2026",
        "Nơi nhận:",
        "GIÁM ĐỐC",
        "Nguyễn Văn An",
    ):
        assert expected in text, expected


def test_pdf_draws_the_charts_text_in_the_document_font(pdf: Path):
    text = "\n".join(_pages(pdf))
    assert "Thừa Thiên Huế" in text  # a bar's label
    assert "82,0 %" in text  # its value
    assert "Mục tiêu: 80,0 %" in text  # the target line's label


def test_pdf_embeds_its_fonts(pdf: Path):
    fonts = {}
    for page in PdfReader(pdf).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert any("LiberationSerif" in name for name in fonts)
    assert all(fonts.values()), fonts


def test_a_2000_row_table_breaks_across_pages_with_its_header_on_each(tmp_path: Path):
    path = tmp_path / "dai.pdf"
    seen: list[int] = []
    doc = _document(blocks=[Table("Bảng dài", COLUMNS, _rows(2000))], signature=None, recipients=())
    write_pdf(doc, path, progress=seen.append)
    pages = _pages(path)
    assert len(pages) > 20
    assert all("Tỷ lệ hài" in page and "Ngày chốt" in page for page in pages)
    text = "\n".join(pages)
    assert text.count("Bảo hiểm xã hội huyện số") == 2000
    assert "Bảo hiểm xã hội huyện số 1999" in pages[-1]
    assert seen[-1] == 2001  # every row and the table itself


def test_a_very_wide_table_gets_landscape_pages_and_the_document_returns_to_portrait(tmp_path: Path):
    path = tmp_path / "rong.pdf"
    wide = Table("Bảng rộng", [Column(f"Chỉ tiêu {i}", "number") for i in range(12)], [[1234.5] * 12])
    write_pdf(_document(blocks=[Paragraph("Trước bảng."), wide, Paragraph("Sau bảng.")]), path)
    reader = PdfReader(path)
    shapes = [(float(p.mediabox.width) > float(p.mediabox.height), p.extract_text()) for p in reader.pages]
    landscape = [text for wide_page, text in shapes if wide_page]
    assert landscape and all("Chỉ tiêu 11" in text and "1.234,5" in text for text in landscape)
    assert "Sau bảng." in shapes[-1][1] and not shapes[-1][0]


def test_pdf_text_is_normalised_to_composed_letters(tmp_path: Path):
    path = tmp_path / "nfd.pdf"
    write_pdf(_document(blocks=[Paragraph(unicodedata.normalize("NFD", "Người dân hài lòng"))]), path)
    assert "Người dân hài lòng" in "\n".join(_pages(path))


@pytest.fixture
def book(tmp_path: Path):
    path = tmp_path / "bao-cao.xlsx"
    rows = [("=1+1", 1234, 0.805, date(2026, 11, 3)), ("Hà Nội", 7, None, datetime(2026, 11, 4, 0, 0))]
    doc = _document(blocks=[*_document().blocks[:2], Table("Bảng 1", COLUMNS, rows), *_document().blocks[3:]])
    write_xlsx(doc, path)
    workbook = load_workbook(path)
    yield workbook
    workbook.close()


def test_xlsx_has_an_info_sheet_then_one_sheet_per_table_and_chart_data(book):
    assert book.sheetnames == ["Thông tin", "Bảng 1", "Số phiếu theo ngày"]
    info = [row for row in book["Thông tin"].iter_rows(values_only=True)]
    assert info[0][0] == "BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG"
    assert ("Đơn vị", "BẢO HIỂM XÃ HỘI TỈNH QUẢNG NINH") in info
    assert ("Ngày", datetime(2026, 12, 1)) in info
    assert ("Trang tính", "Số phiếu theo ngày") in info


def test_xlsx_cells_are_real_numbers_percents_dates_and_text(book):
    sheet = book["Bảng 1"]
    header = [c.value for c in sheet[1]]
    assert header == ["Đơn vị", "Số phiếu", "Tỷ lệ hài lòng", "Ngày chốt"]
    assert all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "A2"
    text, count, share, day = sheet[2]
    assert text.value == "=1+1" and text.data_type == "s"  # text, never a formula
    assert count.value == 1234 and count.data_type == "n"
    assert share.value == pytest.approx(0.805) and share.data_type == "n" and share.number_format == "0.0%"
    assert day.value == datetime(2026, 11, 3) and day.is_date and day.number_format == "DD/MM/YYYY"
    assert sheet["C3"].value is None


def test_xlsx_streams_a_big_table_from_a_generator(tmp_path: Path):
    path = tmp_path / "lon.xlsx"
    seen: list[int] = []
    write_xlsx(Document(title="Dữ liệu thô", blocks=[Table("Phiếu trả lời", COLUMNS, _rows(3000))]), path, progress=seen.append)
    sheet = load_workbook(path, read_only=True)["Phiếu trả lời"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3001 and rows[-1][:2] == ("Bảo hiểm xã hội huyện số 2999", 3999)
    assert seen[-1] == 3001


def test_sheet_names_are_short_unique_and_valid():
    long = "Bảng 1: tỷ lệ hài lòng / theo đơn vị [sơ bộ] của toàn ngành"
    doc = Document(
        title="T",
        blocks=[Table(long, COLUMNS, []), Table(long, COLUMNS, []), Table("x", COLUMNS, [], sheet="Thông tin")],
    )
    names = sheet_names(doc)
    assert all(len(n) <= 31 for n in names) and len({n.casefold() for n in names}) == 3
    assert not any(ch in n for n in names for ch in "[]:*?/\\")
    assert names[2] != "Thông tin"


def test_importing_the_model_loads_neither_writer_library():
    probe = (
        "import json, sys, chalicelib.jobs.documents; print(json.dumps([m for m in ('fpdf', 'openpyxl') if m in sys.modules]))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
