"""The statistics' selection and tables (pure): what a page's query selects, and the values the tables carry."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.reports import tables
from chalicelib.reports.indicators import BY_KEY, Figures
from chalicelib.reports.periods import Period
from chalicelib.reports.selection import select
from chalicelib.reports.service import LeagueRow
from chalicelib.shared.errors import MalformedError

TODAY = date(2026, 5, 20)


def test_a_query_selects_a_period_a_range_or_this_month():
    assert select({}, TODAY).period == Period.month(TODAY)
    assert select({"kind": "Q"}, TODAY).period == Period.parse("2026-Q2")
    chosen = select({"from": "2026-05-04", "to": "2026-05-20"}, TODAY)
    assert chosen.period is None and chosen.label == "từ 04/05/2026 đến 20/05/2026" and chosen.previous() is None
    before = select({"period": "2026-05"}, TODAY).previous()
    assert before is not None and before.label == "tháng 04/2026"
    for bad in ({"from": "2026-05-20", "to": "2026-05-04"}, {"from": "2026-02-30", "to": "2026-03-01"},
                {"from": "2025-01-01", "to": "2026-01-02"}):  # fmt: skip
        with pytest.raises(MalformedError):
            select(bad, TODAY)


def test_a_dimension_table_lists_all_five_categories_with_the_indicators_values():
    f = Figures("hanoi", Period.month(TODAY), {"received": 4, "answered": 3, "instant": 2,
        "received|category=policy": 4, "answered|category=policy": 3, "instant|category=policy": 2})  # fmt: skip
    table = tables.by_dimension(f, "category", lambda d, v: f"/requests?{d}={v}")
    assert list(table.keys) == ["policy", "procedure_execution", "public_service", "staff_attitude", "coordination"]
    policy = table.rows[0]
    assert [c.value for c in policy[1:4]] == [4, 3, 1] and policy[1].link == "/requests?category=policy"
    assert policy[6].value == BY_KEY["instant_rate"].value(f.slice("category", "policy")) == 0.5
    assert tables.shown(table.columns[6], policy[6]) == "50,0 %" and tables.shown(table.columns[6], table.rows[1][6]) == "—"


def test_the_league_keeps_the_change_in_points_and_writes_it_with_an_arrow():
    rows = [LeagueRow("hanoi", "Hà Nội", 1, 0.9, True, 0.85, 0.05), LeagueRow("hcm", "HCM", None, None, None, 0.7, None)]
    table = tables.league(rows, BY_KEY["instant_rate"], lambda t: f"/reports/national/{t}")
    assert table.rows[0][5].value == pytest.approx(5.0) and table.rows[0][5].text == "▲ 5,0 điểm %"
    assert table.rows[0][3].value == "Đạt" and table.rows[1][5].text == "—" and list(table.document().rows)[1][2] is None


def test_the_intake_step_shows_the_share_of_calls_recorded_within_five_minutes():
    f = Figures("hanoi", Period.month(TODAY), {"received": 12, "calls": 8, "intake_late": 2})
    intake = tables.deadlines(f).rows[0]
    assert [c.value for c in intake[1:3]] == [0.75, 2], "6 of the 8 calls recorded in time; 2 late"
    assert tables.deadlines(Figures("hanoi", Period.month(TODAY), {"received": 3})).rows[0][1].value is None, "no calls"


def test_every_ranked_indicator_names_what_it_reads_and_gives_the_same_value_on_those_alone():
    """The league table reads only `reads` of each office's item: a ranked indicator must not need anything else."""
    from chalicelib.reports.indicators import INDICATORS

    full = {"received": 20, "answered": 15, "instant": 9, "on_time": 11, "late": 3, "rated": 8, "satisfied": 6,
            "survey_rated": 5, "survey_satisfied": 4, "calls": 12, "intake_late": 2, "unit_answered": 4,
            "unit_on_time": 3, "transferred": 6, "transfer_reported": 5, "transfer_reported_on_time": 4,
            "transferred_in": 3, "transferred_in_on_time": 2, "wd:0": 9, "wd:2": 4, "wd:7": 1, "wd:30+": 1,
            "received|channel=email": 20, "corr|received": 1}  # fmt: skip
    for indicator in (i for i in INDICATORS if not i.now):
        assert indicator.reads is not None, indicator.key
        alone = Figures("hanoi", Period.month(TODAY), {n: v for n, v in full.items() if n in indicator.reads})
        assert indicator.value(alone) == indicator.value(Figures("hanoi", Period.month(TODAY), full)), indicator.key
