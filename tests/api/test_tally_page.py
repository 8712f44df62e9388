"""The tally fragment on a page (a demo route here; the lead mounts it on the survey page): headings, figures, chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib.surveys.tally import DayCount, SurveyTally, Tally
from chalicelib.surveys.tally_pages import HEADINGS, tally_view
from chalicelib.surveys.tally_schemas import TallyRead
from chalicelib.web.render import templates

TALLY = SurveyTally(
    "s1",
    [
        Tally(
            "hanoi|hotline",
            {
                "planned": 1200,
                "invited": 1000,
                "delivered": 950,
                "opened": 700,
                "started": 650,
                "completed": 600,
                "refused": 20,
                "unreachable": 30,
                "replaced": 10,
                "aapor_I": 600,
                "aapor_P": 30,
                "aapor_R": 20,
                "aapor_NC": 300,
                "aapor_U": 240,
                "aapor_NE": 10,
            },
        ),
        Tally("hanoi|<script>", {"planned": 5, "aapor_U": 5}),
    ],
    [
        DayCount(date(2026, 3, 1), "hanoi|hotline", {"invited": 800, "completed": 100}),
        DayCount(date(2026, 3, 2), "hanoi|hotline", {"invited": 200, "completed": 500}),
    ],
)


def demo_app() -> Chalice:
    app = Chalice("tally-demo")

    @app.route("/surveys/{survey_id}/tally")
    def page(survey_id: str):  # type: ignore[no-untyped-def]
        template = templates().from_string('{% from "tally_table.html" import tally_table %}<main>{{ tally_table(view) }}</main>')
        return html_of(template.render(view=tally_view(TALLY, today=date(2026, 3, 3))))

    return app


def html_of(body: str):  # type: ignore[no-untyped-def]
    from chalice import Response

    return Response(body=body, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


class Cells(HTMLParser):
    """The text of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def page() -> str:
    with Client(demo_app()) as client:
        reply = client.http.get("/surveys/s1/tally")
    assert reply.status_code == 200
    return reply.body.decode()


def test_the_table_has_the_vietnamese_headings_and_each_strata_row(page: str) -> None:
    parser = Cells()
    parser.feed(page)
    assert parser.rows[0] == list(HEADINGS)
    hotline = next(r for r in parser.rows if r[0] == "hanoi · hotline")
    # planned, invited, delivered, opened, still answering (P), completed, refused / unreachable, replaced, RR1, RR3
    assert hotline[1:9] == ["1.200", "1.000", "950", "700", "30", "600", "20 / 30", "10"]
    assert hotline[9] == "50,4 %"  # 600 / (600 + 30 + 20 + 300 + 240) = 0,5042
    assert hotline[10] == "50,5 %"  # e = 950 / 960; 600 / (950 + 240 · e) = 600 / 1187,5 = 0,5053
    overall = next(r for r in parser.rows if r[0] == "Tổng cộng")
    assert overall[1:3] == ["1.205", "1.000"]
    assert overall[7] == "20 / 30"


def test_stratum_names_are_escaped_and_the_page_keeps_to_the_csp(page: str) -> None:
    assert "hanoi · &lt;script&gt;" in page
    assert "<script" not in page and "style=" not in page


def test_the_chart_is_embedded_with_its_figures(page: str) -> None:
    start, end = page.index("<svg"), page.index("</svg>") + len("</svg>")
    svg = ET.fromstring(page[start:end])
    assert svg.get("role") == "img" and "Tiến độ khảo sát" in (svg.get("aria-label") or "")
    texts = {e.text for e in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Kế hoạch: 1.205", "Đã mời", "Hoàn thành", "01/03", "03/03"} <= texts
    parser = Cells()
    parser.feed(page[end:])
    assert ["02/03/2026", "1.000", "600"] in parser.rows
    assert ["03/03/2026", "1.000", "600"] in parser.rows  # running to today


def test_a_tally_without_days_says_so() -> None:
    view = tally_view(SurveyTally("s1", [Tally("all", {"planned": 3, "aapor_U": 3})], []), today=date(2026, 3, 3))
    body = templates().from_string('{% from "tally_table.html" import tally_table %}{{ tally_table(view) }}').render(view=view)
    assert "Chưa có số liệu theo ngày." in body and "<svg" not in body


def test_the_api_read_model_carries_rates_and_running_totals() -> None:
    read = TallyRead.of(TALLY, through=date(2026, 3, 3)).model_dump(mode="json")
    assert read["overall"]["planned"] == 1205 and read["overall"]["stratum"] == "*"
    assert read["strata"][1]["rr1"] == pytest.approx(600 / 1190)
    assert read["strata"][0]["rr1"] == 0 and read["strata"][0]["rr3"] is None
    assert read["days"][-1] == {"day": "2026-03-03", "invited": 1000, "completed": 600}
