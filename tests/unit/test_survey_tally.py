"""The survey tally: events counted once per member, one AAPOR disposition each, RR1 and RR3 computed by hand."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from chalicelib.surveys.tally import (
    STATUSES,
    DayCount,
    SurveyTally,
    Tally,
    UnknownStatusError,
    advance,
    combine,
    disposition,
    tally_day,
    total,
)


def run(*events: str) -> tuple[frozenset[str], dict[str, int]]:
    """A member's events one after another; the counters they added in all."""
    reached: frozenset[str] = frozenset()
    sums: dict[str, int] = {}
    for event in events:
        step = advance(reached, event)
        reached = step.reached
        for k, v in step.counts.items():
            sums[k] = sums.get(k, 0) + v
    return reached, {k: v for k, v in sums.items() if v}


def test_a_completion_counts_every_step_before_it_once() -> None:
    _, counts = run("planned", "invited", "completed")
    assert counts == {
        "planned": 1,
        "invited": 1,
        "delivered": 1,
        "opened": 1,
        "started": 1,
        "completed": 1,
        "aapor_I": 1,
    }


def test_a_repeated_or_late_event_adds_nothing() -> None:
    reached, _ = run("planned", "invited", "opened")
    assert advance(reached, "opened").counts == {}
    assert advance(reached, "delivered").counts == {}  # the delivery report after the click


def test_a_member_moves_between_dispositions_without_being_counted_twice() -> None:
    _, counts = run("planned", "invited", "delivered", "started", "refused")
    assert counts["aapor_R"] == 1
    assert "aapor_P" not in counts and "aapor_NC" not in counts and "aapor_U" not in counts
    reached, _ = run("planned", "completed")
    assert advance(reached, "ineligible").counts == {"ineligible": 1, "aapor_I": -1, "aapor_NE": 1}


def test_replacing_a_member_keeps_its_disposition() -> None:
    _, counts = run("planned", "invited", "unreachable", "replaced")
    assert counts == {"planned": 1, "invited": 1, "unreachable": 1, "replaced": 1, "aapor_U": 1}


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ((), None),
        (("planned",), "U"),
        (("invited", "unreachable"), "U"),
        (("delivered",), "NC"),
        (("opened",), "NC"),
        (("started",), "P"),
        (("started", "refused"), "R"),
        (("refused", "completed"), "I"),
        (("completed", "ineligible"), "NE"),
    ],
)
def test_dispositions_follow_the_aapor_table(events: tuple[str, ...], expected: str | None) -> None:
    reached: frozenset[str] = frozenset()
    for e in events:
        reached = advance(reached, e).reached
    assert disposition(reached) == expected


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(UnknownStatusError):
        advance(frozenset(), "answered")


def by_hand() -> Tally:
    # 100 planned: 40 complete, 10 partial, 15 refusals, 20 no answer, 10 unknown, 5 ineligible.
    return Tally(
        "hanoi|hotline",
        {"planned": 100, "aapor_I": 40, "aapor_P": 10, "aapor_R": 15, "aapor_NC": 20, "aapor_U": 10, "aapor_NE": 5},
    )


def test_rr1_counts_every_unknown_case_as_eligible() -> None:
    assert by_hand().rr1 == pytest.approx(40 / 95)


def test_rr3_counts_only_the_estimated_eligible_share_of_the_unknowns() -> None:
    tally = by_hand()
    assert tally.eligible_share == pytest.approx(85 / 90)
    assert tally.rr3 == pytest.approx(40 / (85 + 10 * 85 / 90))  # 0,4235…
    assert tally.rr3 is not None and tally.rr1 is not None and tally.rr3 > tally.rr1


def test_rates_are_absent_before_anything_is_known() -> None:
    empty = Tally("all", {})
    assert empty.rr1 is None and empty.rr3 is None
    only_unknown = Tally("all", {"planned": 3, "aapor_U": 3})
    assert only_unknown.rr1 == 0 and only_unknown.rr3 is None


def test_the_dispositions_of_simulated_members_add_up_to_the_plan() -> None:
    histories = [
        ("planned", "invited", "completed"),
        ("planned", "invited", "delivered"),
        ("planned", "invited", "opened", "started"),
        ("planned", "invited", "delivered", "refused"),
        ("planned", "invited", "unreachable", "replaced"),
        ("planned", "ineligible"),
        ("planned",),
    ]
    sums: dict[str, int] = {}
    for h in histories:
        for k, v in run(*h)[1].items():
            sums[k] = sums.get(k, 0) + v
    tally = Tally("all", sums)
    assert sum(tally[f"aapor_{d}"] for d in ("I", "P", "R", "NC", "U", "NE")) == tally["planned"] == 7
    assert tally.rr1 == pytest.approx(1 / 6)  # I=1 over I+P+R+NC+U = 1+1+1+1+2
    assert tally.rr3 == pytest.approx(1 / (4 + 2 * 4 / 5))


def test_whatever_the_order_of_events_each_member_is_in_one_disposition() -> None:
    rng = random.Random(681)
    sums: dict[str, int] = {}
    for _ in range(500):
        events = rng.choices(STATUSES, k=rng.randint(1, 8))
        for k, v in run(*events)[1].items():
            sums[k] = sums.get(k, 0) + v
    tally = Tally("all", sums)
    dispositions = [tally[f"aapor_{d}"] for d in ("I", "P", "R", "NC", "U", "NE")]
    assert all(n >= 0 for n in dispositions)
    assert sum(dispositions) == tally["planned"] == 500
    assert tally["completed"] <= tally["started"] <= tally["opened"] <= tally["delivered"] <= tally["invited"] <= 500


def test_overall_is_the_sum_of_the_strata_and_parts_combine() -> None:
    a, b = Tally("a", {"planned": 2, "aapor_I": 1, "aapor_U": 1}), Tally("b", {"planned": 3, "aapor_NC": 3})
    assert total([a, b]).counts == {"planned": 5, "aapor_I": 1, "aapor_U": 1, "aapor_NC": 3}
    national = combine("s1", [SurveyTally("s1", [a], []), SurveyTally("s1", [a, b], [])])
    assert [(t.stratum, t["planned"]) for t in national.strata] == [("a", 4), ("b", 3)]


def test_the_daily_series_runs_every_day_with_running_totals() -> None:
    days = [
        DayCount(date(2026, 3, 1), "a", {"invited": 10}),
        DayCount(date(2026, 3, 1), "b", {"invited": 5}),
        DayCount(date(2026, 3, 3), "a", {"invited": 2, "completed": 4}),
    ]
    tally = SurveyTally("s1", [], days)
    found, series = tally.daily(["invited", "completed"], through=date(2026, 3, 4))
    assert found == [date(2026, 3, d) for d in (1, 2, 3, 4)]
    assert series == {"invited": [15, 15, 17, 17], "completed": [0, 0, 4, 4]}


def test_an_event_is_counted_on_vietnams_date() -> None:
    assert tally_day(datetime(2026, 3, 1, 17, 30, tzinfo=UTC)) == date(2026, 3, 2)
    assert tally_day(datetime(2026, 3, 1, 16, 59, tzinfo=UTC)) == date(2026, 3, 1)


def test_every_status_is_known() -> None:
    for s in STATUSES:
        assert s in advance(frozenset(), s).reached
