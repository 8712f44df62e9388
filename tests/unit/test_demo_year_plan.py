"""The demo year's calendar of intake (local/demo_year): the week's and the year's shape a chart of it should show."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from local.demo_year import plan
from local.demo_year.shape import OFFICES

TODAY = date(2026, 12, 1)


def test_mondays_are_busiest_and_sundays_quietest() -> None:
    days = Counter(day.weekday() for _, day in plan(size=20_000, offices=[o.code for o in OFFICES], today=TODAY))
    assert days[0] == max(days.values()) and days[6] == min(days.values())
    assert days[0] > 3 * days[5] and days[2] > 5 * days[6]


def test_the_tet_week_is_a_dip_and_the_year_ends_today() -> None:
    drawn = plan(size=20_000, offices=["ccc", "hanoi"], today=TODAY)
    tet = date(2026, 2, 17)
    during = sum(1 for _, day in drawn if tet - timedelta(days=3) <= day <= tet + timedelta(days=5))
    march = sum(1 for _, day in drawn if date(2026, 3, 2) <= day <= date(2026, 3, 10))  # nine days, same weekdays
    assert during * 4 < march
    assert max(day for _, day in drawn) == TODAY and min(day for _, day in drawn) > TODAY - timedelta(days=366)
    assert {office for office, _ in drawn} == {"ccc", "hanoi"}, "only the offices asked for"
    assert plan(size=10, offices=["nowhere"], today=TODAY) == []
