"""XLSX and CSV writers and readers: texts come back as written, formulas never run, Excel reads the CSV's Vietnamese."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from chalicelib.jobs.sheets import CSV, XLSX, UnreadableFileError, open_writer, read_rows, sniff

TRICKY = [
    "=1+1",
    "+84912345678",
    "-5",
    "@SUM(A1)",
    "'đã có dấu nháy",
    "0012345",
    "Dòng một\nDòng hai\n- gạch đầu dòng",
    'dấu phẩy, "ngoặc kép"',
    "Bảo hiểm xã hội tự nguyện – đóng ₫",
]


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_every_text_comes_back_as_it_was_written(tmp_path, fmt):
    path = tmp_path / f"t.{fmt}"
    writer = open_writer(fmt, path, title="Thử nghiệm", wrap=(6,))
    writer.header(["Cột"] * len(TRICKY))
    writer.row(TRICKY)
    writer.close()
    header, row = list(read_rows(fmt, path))
    assert header == ["Cột"] * len(TRICKY)
    assert row == TRICKY


def test_csv_is_utf8_with_a_bom_crlf_records_and_rfc4180_quoting_and_no_cell_starts_a_formula(tmp_path):
    path = tmp_path / "t.csv"
    writer = open_writer(CSV, path, title="x")
    writer.header(["a", "b"])
    writer.row(['=HYPERLINK("http://x")', 'x,"y"\nz'])
    writer.close()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfa,b\r\n")
    assert raw.endswith(b"\r\n")
    assert b'\'=HYPERLINK(""http://x"")' in raw, "the formula is prefixed, quotes doubled (RFC 4180)"
    assert b'"x,""y""\nz"' in raw


def test_xlsx_writes_texts_as_strings_never_formulas_and_dates_as_dates(tmp_path):
    path = tmp_path / "t.xlsx"
    writer = open_writer(XLSX, path, title="Ngân hàng hỏi đáp")
    writer.header(["a", "b"], widths=(10, 20))
    writer.row(["=1+1", date(2025, 7, 1)])
    writer.close()
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet, "no formula element anywhere"
    assert 't="inlineStr"><is><t>=1+1</t>' in sheet
    assert list(read_rows(XLSX, path))[1] == ["=1+1", date(2025, 7, 1)]


def test_a_file_is_told_by_its_content_and_a_broken_one_is_unreadable(tmp_path):
    good = tmp_path / "a.xlsx"
    writer = open_writer(XLSX, good, title="x")
    writer.header(["a"])
    writer.close()
    assert sniff(good) == XLSX
    text = tmp_path / "a.csv"
    text.write_bytes(b"a\r\n")
    assert sniff(text) == CSV
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Bảo".encode("utf-16"))
    with pytest.raises(UnreadableFileError):
        list(read_rows(CSV, latin))
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFileError):
        list(read_rows(XLSX, fake))
