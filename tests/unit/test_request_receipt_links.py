"""The days of receipt a list selects and the links from a figure to its requests (pure): the local day's instants,
the link of exactly a period's `received`, and which totals have one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.reports import tables
from chalicelib.reports.indicators import Figures
from chalicelib.reports.periods import Period
from chalicelib.reports.service import requests_link
from chalicelib.requests.lists import receipt_window
from chalicelib.requests.page_forms import receipt_range
from chalicelib.shared.errors import RuleViolationError


def test_a_day_of_receipt_is_vietnams_day_and_the_last_day_is_included():
    start, end = receipt_window(date(2026, 11, 30), date(2026, 11, 30))
    assert (start, end) == (datetime(2026, 11, 29, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC))
    assert start <= datetime(2026, 11, 30, 16, 30, tzinfo=UTC) < end, "23:30 local on 30/11 belongs to 30/11"
    opened = receipt_window(None, date(2026, 11, 30))
    assert opened[0] < datetime(1901, 1, 1, tzinfo=UTC) and opened[1] == end
    with pytest.raises(RuleViolationError) as backwards:
        receipt_window(date(2026, 12, 1), date(2026, 11, 30))
    assert backwards.value.status == 422 and backwards.value.fields == {"received_to": "before_from"}


def test_a_link_names_the_periods_days_and_the_dimension():
    june = Period.parse("2023-06")
    assert requests_link(june.start, june.end) == "/api/requests?received_from=2023-06-01&received_to=2023-06-30"
    assert requests_link(june.start, june.end, "kind", "complaint", base="/requests") == (
        "/requests?received_from=2023-06-01&received_to=2023-06-30&kind=complaint"
    )
    assert requests_link(june.start, june.end, "unit", "co-so-1", base="/central/requests", tenant="hanoi") == (
        "/central/requests?tenant=hanoi&received_from=2023-06-01&received_to=2023-06-30&unit=co-so-1"
    )
    assert requests_link(june.start, june.end, "province", "hanoi") is None, "no filter of the list selects it"


def test_only_the_totals_the_list_can_select_exactly_are_linked():
    figures = Figures("hanoi", Period.parse("2023-06"), {"received": 4, "answered": 3, "late": 1})
    now = Figures("hanoi", None, {"open": 2, "due:2023-06-19": 1, "due:2023-06-25": 1}, date(2023, 6, 20))
    table = tables.summary(figures, now, lambda d, v: f"[{d}]")
    assert [c.link for c in table.rows[0]] == ["[]", None, None, None, None, None, "[open]", "[overdue]"]
    empty = tables.summary(
        Figures("hanoi", Period.parse("2023-07")), Figures("hanoi", None, {}, date(2023, 7, 2)), lambda d, v: d
    )
    assert [c.link for c in empty.rows[0]] == [None] * 8, "a 0 opens nothing"
    by_kind = tables.by_dimension(figures, "kind", lambda d, v: f"[{v}]")
    assert [row[0].link for row in by_kind.rows] == [None, None, None], "no kind has a request behind it"


def test_the_page_writes_the_active_range_the_vietnamese_way():
    assert receipt_range({"received_from": "2023-06-01", "received_to": "2023-06-30"}) == "từ 01/06/2023 đến 30/06/2023"
    assert receipt_range({"received_to": "2023-06-30"}) == "đến 30/06/2023"
    assert receipt_range({"received_from": "2023-02-30"}) == "" and receipt_range({}) == ""
