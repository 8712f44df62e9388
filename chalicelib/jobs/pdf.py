"""A `Document` as a PDF in the administrative format of Decree 30/2020/NĐ-CP, drawn with fpdf2.

A4 portrait, margins top 20, bottom 20, left 30, right 15 mm; Liberation Serif (metric-compatible with Times New
Roman, SIL OFL, vendored in `jobs/fonts/`) embedded as subsets, 13 pt body. The page number is the decree's: top
centre from page 2. The heading block: agency and unit (bold, a short rule) over "Số:" on the left; the national
motto (bold, a rule under "Độc lập - Tự do - Hạnh phúc") over the italic place and date on the right.

Tables are drawn row by row as the iterable yields them (no row is kept): header repeated on every page, a row
never split, text wrapped in its column, numbers right-aligned the Vietnamese way. Column widths come from the
header's longest word and the first rows, stretched to the text width. Wide tables: 11 pt up to 6 columns,
10 pt for 7–8, and from 9 columns 9 pt on landscape pages of their own. Charts are vector drawings (`svgpdf`).
fpdf2 is imported when a PDF is written, never at cold start.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chalicelib.jobs.documents import (
    Cell,
    Chart,
    Column,
    Counter,
    Document,
    Heading,
    Paragraph,
    Progress,
    Table,
    cell_text,
    dated,
    nfc,
    number_line,
)

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
_FACES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
TOP, BOTTOM, LEFT, RIGHT = 20.0, 20.0, 30.0, 15.0
BODY_PT = 13.0
SAMPLE_ROWS = 50  # rows read ahead to size a table's columns
PAD = 1.2  # mm above and below a cell's text
HEADER_FILL = (235, 238, 242)


def _pdf() -> Any:
    """An fpdf2 document with our fonts, margins and page numbers."""
    from fpdf import FPDF

    class Pdf(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            if self.page_no() > 1:  # Decree 30: the page number top centre, from the second page
                self.set_font(FAMILY, "", BODY_PT)
                self.set_text_color(0)
                label = str(self.page_no())
                self.text((self.w - self.get_string_width(label)) / 2, TOP - 7, label)
                self.set_y(TOP)

    pdf = Pdf(orientation="P", unit="mm", format="A4")
    for style, face in _FACES.items():
        pdf.add_font(FAMILY, style, str(FONTS / f"LiberationSerif-{face}.ttf"))
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_lang("vi")
    pdf.set_creator("Bảo hiểm xã hội Việt Nam — hệ thống chăm sóc khách hàng")
    pdf.c_margin = 1.2
    return pdf


def write_pdf(doc: Document, path: Path, *, progress: Progress | None = None) -> None:
    """The document as a PDF at `path`; `progress` gets the count of blocks and table rows written so far."""
    pdf = _pdf()
    pdf.set_title(nfc(doc.title))
    pdf.add_page()
    counter = Counter(progress)
    _heading_block(pdf, doc)
    for block in doc.blocks:
        if not (isinstance(block, Table) and _table_font(block.columns)[1] == "L"):
            _portrait(pdf)
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block, counter)
        elif isinstance(block, Chart):
            _chart(pdf, block)
        counter.block()
    _portrait(pdf)
    _closing(pdf, doc)
    pdf.output(str(path))


def _portrait(pdf: Any) -> None:
    """Back to portrait after a wide table's landscape pages."""
    if pdf.w > pdf.h:
        pdf.add_page(orientation="P")


def _line_height(points: float) -> float:
    return points / 72 * 25.4 * 1.3


def _centred(pdf: Any, x: float, width: float, text: str, style: str, points: float) -> float:
    """Centred, wrapped text in [x, x + width] from the current y; returns the widest line's width."""
    pdf.set_font(FAMILY, style, points)
    pdf.set_x(x)
    margin, pdf.c_margin = pdf.c_margin, 0.0
    pdf.multi_cell(width, _line_height(points), nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.c_margin = margin
    return min(width, max((pdf.get_string_width(line) for line in nfc(text).split("\n")), default=0.0))


def _rule(pdf: Any, centre: float, length: float, y: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(centre - length / 2, y, centre + length / 2, y)


def _heading_block(pdf: Any, doc: Document) -> None:
    """Agency and unit over "Số:" on the left, the national motto over place and date on the right, then the title."""
    issuer, top = doc.issuer, pdf.get_y()
    left_x, left_w = LEFT - 10, 83.0  # the block reaches into the wide left margin, as printed forms do
    right_x = left_x + left_w
    right_w = pdf.w - RIGHT - right_x
    pdf.set_y(top)
    _centred(pdf, left_x, left_w, issuer.agency, "", 12)
    if issuer.unit:
        width = _centred(pdf, left_x, left_w, issuer.unit, "B", 12)
        _rule(pdf, left_x + left_w / 2, width / 3, pdf.get_y() + 1.2)
    left_end = pdf.get_y() + 3
    pdf.set_y(top)
    _centred(pdf, right_x, right_w, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12)
    width = _centred(pdf, right_x, right_w, "Độc lập - Tự do - Hạnh phúc", "B", 13)
    _rule(pdf, right_x + right_w / 2, width, pdf.get_y() + 1.2)
    row = max(left_end, pdf.get_y() + 3)
    pdf.set_y(row)
    _centred(pdf, left_x, left_w, number_line(issuer), "", 13)
    pdf.set_y(row)
    _centred(pdf, right_x, right_w, dated(issuer), "I", 13)
    pdf.set_y(pdf.get_y() + 8)
    _centred(pdf, LEFT, pdf.epw, doc.title, "B", 14)
    if doc.subtitle:
        _centred(pdf, LEFT, pdf.epw, doc.subtitle, "B", 13)
    _rule(pdf, LEFT + pdf.epw / 2, 40, pdf.get_y() + 1)
    pdf.set_y(pdf.get_y() + 6)


def _heading(pdf: Any, block: Heading) -> None:
    points = BODY_PT
    if pdf.get_y() + 3 * _line_height(points) > pdf.page_break_trigger:  # never a heading alone at a page's foot
        pdf.add_page()
    pdf.set_font(FAMILY, "B" if block.level <= 2 else "BI", points)
    pdf.set_y(pdf.get_y() + 2)
    pdf.multi_cell(pdf.epw, _line_height(points), nfc(block.text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.get_y() + 1)


def _paragraph(pdf: Any, block: Paragraph) -> None:
    pdf.set_font(FAMILY, "I" if block.italic else "", BODY_PT)
    for text in nfc(block.text).split("\n"):
        pdf.multi_cell(pdf.epw, _line_height(BODY_PT), text, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(pdf.get_y() + 1.5)


def _chart(pdf: Any, chart: Chart) -> None:
    from chalicelib.jobs.svgpdf import draw_svg, view_box

    box_w, box_h = view_box(chart.svg)
    caption = _line_height(12) * 2
    width = min(pdf.epw, pdf.epw * (box_w / 640))
    room = pdf.page_break_trigger - TOP - caption
    width = min(width, room * box_w / box_h)  # a very tall chart is narrowed to fit one page
    if pdf.get_y() + caption + width * box_h / box_w > pdf.page_break_trigger:
        pdf.add_page()
    _centred(pdf, LEFT, pdf.epw, chart.title, "B", 12)
    y = pdf.get_y() + 1
    drawn = draw_svg(pdf, chart.svg, x=LEFT + (pdf.epw - width) / 2, y=y, width=width, family=FAMILY)
    pdf.set_y(y + drawn + 4)


def _table_font(columns: Sequence[Column]) -> tuple[float, str]:
    """Font size and page orientation for a table of this many columns."""
    if len(columns) >= 9:
        return 9.0, "L"
    return (10.0 if len(columns) >= 7 else 11.0), "P"


def _widths(pdf: Any, columns: Sequence[Column], sample: Sequence[Sequence[Cell]], points: float) -> list[float]:
    """Column widths in mm filling the text width: each column's natural width, stretched or shrunk together."""
    pad = 2 * pdf.c_margin + 0.5
    natural, floor = [], []
    for i, column in enumerate(columns):
        pdf.set_font(FAMILY, "B", points)
        word = max((pdf.get_string_width(w) for w in nfc(column.label).split()), default=0.0) + pad
        label = min(pdf.get_string_width(nfc(column.label)) + pad, max(word, 30.0))  # short headers on one line
        pdf.set_font(FAMILY, "", points)
        if column.width:
            widest = pdf.get_string_width("0" * column.width) + pad
        else:
            texts = [cell_text(column, row[i] if i < len(row) else None) for row in sample]
            widest = max((pdf.get_string_width(t) for t in texts), default=0.0) + pad
        wide = min(max(label, widest), 80.0)
        natural.append(wide)
        floor.append(wide if column.kind != "text" else min(word, wide))
    total = sum(natural)
    if total <= pdf.epw:
        return [w * pdf.epw / total for w in natural] if total else [pdf.epw / max(len(columns), 1)] * len(columns)
    spare = pdf.epw - sum(floor)  # text columns give way first: they wrap
    extra = [n - f for n, f in zip(natural, floor, strict=True)]
    if spare > 0 and sum(extra) > 0:
        return [f + e * spare / sum(extra) for f, e in zip(floor, extra, strict=True)]
    return [w * pdf.epw / total for w in natural]


def _table(pdf: Any, table: Table, counter: Counter) -> None:
    points, orientation = _table_font(table.columns)
    rows = iter(table.rows)
    sample = list(itertools.islice(rows, SAMPLE_ROWS))
    if orientation == "L":
        pdf.add_page(orientation="L")
    widths = _widths(pdf, table.columns, sample, points)
    line = _line_height(points) * 0.92
    aligns = ["R" if c.kind in ("int", "number", "percent") else "C" if c.kind == "date" else "L" for c in table.columns]
    labels = [nfc(c.label) for c in table.columns]
    header_h = _row_height(pdf, labels, widths, line, "B", points)
    if pdf.get_y() + _line_height(12) + header_h + line * 2 > pdf.page_break_trigger:
        pdf.add_page(orientation=orientation)
    _centred(pdf, pdf.l_margin, pdf.epw, table.title, "B", 12)
    pdf.set_y(pdf.get_y() + 1)
    pdf.set_auto_page_break(False)
    _draw_row(pdf, labels, widths, ["C"] * len(labels), line, header_h, "B", points)
    for values in itertools.chain(sample, rows):
        texts = [cell_text(c, values[i] if i < len(values) else None) for i, c in enumerate(table.columns)]
        height = _row_height(pdf, texts, widths, line, "", points)
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page(orientation=orientation)
            _draw_row(pdf, labels, widths, ["C"] * len(labels), line, header_h, "B", points)
        _draw_row(pdf, texts, widths, aligns, line, height, "", points)
        counter.row()
    pdf.set_auto_page_break(True, margin=BOTTOM)
    if table.note:
        pdf.set_font(FAMILY, "I", points)
        pdf.multi_cell(pdf.epw, _line_height(points), nfc(table.note), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.get_y() + 4)


def _row_height(pdf: Any, texts: Sequence[str], widths: Sequence[float], line: float, style: str, points: float) -> float:
    pdf.set_font(FAMILY, style, points)
    lines = 1
    for text, width in zip(texts, widths, strict=True):
        if "\n" in text or pdf.get_string_width(text) > width - 2 * pdf.c_margin:
            lines = max(lines, len(pdf.multi_cell(width, line, text, dry_run=True, output="LINES")))
    return lines * line + 2 * PAD


def _draw_row(
    pdf: Any,
    texts: Sequence[str],
    widths: Sequence[float],
    aligns: Sequence[str],
    line: float,
    height: float,
    style: str,
    points: float,
) -> None:
    pdf.set_font(FAMILY, style, points)
    pdf.set_line_width(0.2)
    if style == "B":
        pdf.set_fill_color(*HEADER_FILL)
    x, y = pdf.l_margin, pdf.get_y()
    for text, width, align in zip(texts, widths, aligns, strict=True):
        pdf.rect(x, y, width, height, style="DF" if style == "B" else "D")
        pdf.set_xy(x, y + PAD + 0.3)  # a little lower: the marks above Vietnamese capitals take the top
        pdf.multi_cell(width, line, text, align=align, new_x="RIGHT", new_y="TOP")
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def _closing(pdf: Any, doc: Document) -> None:
    """ "Nơi nhận:" bottom left, the signer bottom right, kept together on one page."""
    if doc.signature is None and not doc.recipients:
        return
    needed = max(_line_height(11) * (len(doc.recipients) + 1), 45.0) + 6
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y() + 4
    half = pdf.epw / 2
    if doc.recipients:
        pdf.set_xy(LEFT, top)
        pdf.set_font(FAMILY, "BI", 12)
        pdf.cell(half, _line_height(12), "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 11)
        for recipient in doc.recipients:
            pdf.multi_cell(half, _line_height(11), nfc(f"- {recipient}"), align="L", new_x="LMARGIN", new_y="NEXT")
    end = pdf.get_y()
    if doc.signature is not None:
        pdf.set_y(top)
        _centred(pdf, LEFT + half, half, doc.signature.title, "B", 13)
        pdf.set_y(pdf.get_y() + 25)  # room for the signature and the seal
        if doc.signature.name:
            _centred(pdf, LEFT + half, half, doc.signature.name, "B", 13)
    pdf.set_y(max(end, pdf.get_y()))
