"""The working-day calendar and Annex 2 §1 deadlines, case by case, in local time (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import holidays
import pytest

from chalicelib.shared.clock import VN_TZ
from chalicelib.shared.errors import MalformedError, RuleViolationError
from chalicelib.sla.domain import (
    END_OF_WORKING_DAY,
    CalendarOverrides,
    WorkingCalendar,
    check_overrides,
    fraction_point,
)
from chalicelib.sla.policy import ADJUSTABLE, SlaPolicy

ANNEX2 = SlaPolicy("hanoi")


def vn(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """An instant written in Vietnam's local time."""
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def calendar(*overrides: CalendarOverrides, years: tuple[int, ...] = (2025, 2026, 2027, 2028)) -> WorkingCalendar:
    given = {o.year: o for o in overrides}
    return WorkingCalendar(given.get(y, CalendarOverrides(y)) for y in years)


def due(key: str, start: datetime, cal: WorkingCalendar | None = None) -> datetime:
    """Due instant of an Annex 2 limit, shown in local time."""
    return (cal or calendar()).due(start, amount=ANNEX2.amount(key), unit=ANNEX2.unit(key)).astimezone(VN_TZ)


# The government's (hypothetical) 2027 decree: Tết extended to Thu 11/2 and Fri 12/2, made up on two Saturdays.
DECREE_2027 = check_overrides(
    2027,
    days_off=[(date(2027, 2, 11), "Nghỉ Tết (hoán đổi)"), (date(2027, 2, 12), "Nghỉ Tết (hoán đổi)")],
    working_days=[(date(2027, 2, 20), "Làm bù cho 11/02"), (date(2027, 2, 27), "Làm bù cho 12/02")],
)


def test_what_the_holidays_package_says_for_tet_and_hung_kings_2027():
    known = holidays.country_holidays("VN", years=2027)
    tet = sorted(d for d in known if date(2027, 2, 1) <= d <= date(2027, 2, 28))
    assert tet == [date(2027, 2, d) for d in (4, 5, 6, 7, 8, 9, 10)], "Tết 2027: Thu 4/2 ('29 Tết') to Wed 10/2"
    assert date(2027, 4, 16) in known and date(2027, 4, 16).weekday() == 4, "Hùng Kings 2027: Friday 16/4"
    assert date(2027, 5, 3) in known, "1/5/2027 is a Saturday: observed Monday 3/5"


def test_every_adjustable_limit_is_in_the_table_below():
    assert {lim.key for lim in ADJUSTABLE} == {key for key, _ in ACROSS_TET_2027}


# Received Wednesday 3/2/2027 10:00, the last working day before Tết (off Thu 4/2 – Wed 10/2).
ACROSS_TET_2027 = [
    ("hotline_record_entry", vn(2027, 2, 3, 10, 5)),  # 5 minutes, wall clock
    ("hotline_relay", vn(2027, 2, 11, 17)),  # 1 wd: Thu 11/2
    ("fanpage_one_unit", vn(2027, 2, 11, 17)),  # 1 wd
    ("written_relay", vn(2027, 2, 12, 17)),  # 2 wd: Fri 12/2
    ("fanpage_two_units", vn(2027, 2, 12, 17)),  # 2 wd
    ("fanpage_three_plus_units", vn(2027, 2, 15, 17)),  # 3 wd: Mon 15/2
    ("hotline_unit_handling", vn(2027, 2, 17, 17)),  # 5 wd: Wed 17/2
    ("written_answer_one_unit", vn(2027, 2, 19, 17)),  # 7 wd: Fri 19/2
    ("written_answer_many_units", vn(2027, 2, 24, 17)),  # 10 wd: Wed 24/2
]


@pytest.mark.parametrize(("key", "expected"), ACROSS_TET_2027)
def test_annex2_limits_across_tet_2027(key, expected):
    assert due(key, vn(2027, 2, 3, 10)) == expected


# Same receipt with the decree: Thu 11/2 and Fri 12/2 off, Saturdays 20/2 and 27/2 worked.
# Working days after 3/2: Mon 15 (1), Tue 16 (2), Wed 17 (3), Thu 18 (4), Fri 19 (5), Sat 20 (6), Mon 22 (7) … Thu 25 (10).
ACROSS_TET_2027_WITH_DECREE = [
    ("hotline_record_entry", vn(2027, 2, 3, 10, 5)),
    ("hotline_relay", vn(2027, 2, 15, 17)),
    ("fanpage_one_unit", vn(2027, 2, 15, 17)),
    ("written_relay", vn(2027, 2, 16, 17)),
    ("fanpage_two_units", vn(2027, 2, 16, 17)),
    ("fanpage_three_plus_units", vn(2027, 2, 17, 17)),
    ("hotline_unit_handling", vn(2027, 2, 19, 17)),
    ("written_answer_one_unit", vn(2027, 2, 22, 17)),  # the make-up Saturday 20/2 is the 6th working day
    ("written_answer_many_units", vn(2027, 2, 25, 17)),
]


@pytest.mark.parametrize(("key", "expected"), ACROSS_TET_2027_WITH_DECREE)
def test_annex2_limits_across_tet_2027_with_a_decreed_make_up_saturday(key, expected):
    assert due(key, vn(2027, 2, 3, 10), calendar(DECREE_2027)) == expected


def test_make_up_saturday_is_a_working_day_to_receive_and_to_be_due_on():
    cal = calendar(DECREE_2027)
    assert due("hotline_relay", vn(2027, 2, 19, 10), cal) == vn(2027, 2, 20, 17)  # Fri → Sat (worked)
    assert due("written_immediate", vn(2027, 2, 20, 9), cal) == vn(2027, 2, 20, 17)
    assert due("hotline_relay", vn(2027, 2, 20, 9), cal) == vn(2027, 2, 22, 17)  # Sat 20 → Mon 22 (Sun 21 off)


def test_hung_kings_and_30_april_1_may_2027():
    assert due("hotline_relay", vn(2027, 4, 15, 9)) == vn(2027, 4, 19, 17)  # Thu → (Fri 16/4 Hùng Kings) → Mon
    assert due("hotline_unit_handling", vn(2027, 4, 15, 9)) == vn(2027, 4, 23, 17)
    # Thu 22/4: 23, 26, 27, 28, 29 (5), then Fri 30/4, Sat 1/5, Sun 2/5, Mon 3/5 (observed) off → Tue 4/5, Wed 5/5.
    assert due("written_answer_one_unit", vn(2027, 4, 22, 9)) == vn(2027, 5, 5, 17)


def test_year_end_crossing_uses_next_years_holidays():
    # Thu 30/12/2027: Fri 31/12 (1); Sat 1/1/2028 New Year, observed Mon 3/1; Tue 4/1 (2) … Fri 7/1 (5).
    assert due("written_relay", vn(2027, 12, 30, 10)) == vn(2028, 1, 4, 17)
    assert due("hotline_unit_handling", vn(2027, 12, 30, 10)) == vn(2028, 1, 7, 17)


def test_year_end_crossing_uses_next_years_decree():
    decree_2028 = check_overrides(2028, days_off=[(date(2028, 1, 4), "Nghỉ bù")], working_days=[])
    assert due("written_relay", vn(2027, 12, 30, 10), calendar(decree_2028)) == vn(2028, 1, 5, 17)


def test_receipt_after_17_00_counts_from_the_next_day_like_any_receipt_that_day():
    assert due("hotline_relay", vn(2027, 3, 8, 18, 30)) == vn(2027, 3, 9, 17)  # Mon evening → Tue
    assert due("hotline_relay", vn(2027, 3, 8, 16, 59)) == vn(2027, 3, 9, 17)


def test_receipt_on_a_weekend_or_holiday_counts_from_the_next_working_day():
    assert due("hotline_relay", vn(2027, 3, 13, 10)) == vn(2027, 3, 15, 17)  # Sat → Mon
    assert due("written_relay", vn(2027, 3, 14, 23, 59)) == vn(2027, 3, 16, 17)  # Sun → Tue
    assert due("hotline_relay", vn(2027, 2, 8, 10)) == vn(2027, 2, 11, 17)  # Mùng ba Tết → Thu 11/2


def test_immediate_limits_are_due_by_the_end_of_the_receipt_day_if_still_open():
    assert due("written_immediate", vn(2027, 3, 8, 16, 59)) == vn(2027, 3, 8, 17)
    assert due("written_out_of_remit", vn(2027, 3, 8, 0, 5)) == vn(2027, 3, 8, 17)
    assert due("written_immediate", vn(2027, 3, 8, 17, 0)) == vn(2027, 3, 9, 17)  # at closing time: next day
    assert due("written_immediate", vn(2027, 3, 12, 20)) == vn(2027, 3, 15, 17)  # Fri evening → Mon
    assert due("written_out_of_remit", vn(2027, 2, 5, 9)) == vn(2027, 2, 11, 17)  # Giao thừa → after Tết
    assert due("written_intake", vn(2027, 3, 13, 9)) == vn(2027, 3, 15, 17)  # collected daily: Sat → Mon


def test_zero_working_days_is_the_same_day_rule():
    cal = calendar()
    assert cal.add_working_days(vn(2027, 3, 8, 9), 0).astimezone(VN_TZ) == vn(2027, 3, 8, 17)
    assert cal.add_working_days(vn(2027, 3, 8, 18), 0).astimezone(VN_TZ) == vn(2027, 3, 9, 17)


def test_due_instants_are_utc_and_17_00_local_is_10_00_utc():
    result = calendar().due(vn(2027, 3, 8, 9), amount=1, unit="working_days")
    assert result.tzinfo == UTC and result == datetime(2027, 3, 9, 10, 0, tzinfo=UTC)
    assert END_OF_WORKING_DAY == time(17, 0)


def test_a_start_in_another_offset_is_converted_before_counting():
    late_in_utc = datetime(2027, 3, 8, 20, 0, tzinfo=UTC)  # = Tue 9/3 03:00 in Hà Nội
    assert calendar().add_working_days(late_in_utc, 1).astimezone(VN_TZ) == vn(2027, 3, 10, 17)


def test_the_packages_own_swaps_include_the_saturday_worked():
    cal = calendar()
    assert cal.is_working_day(date(2025, 4, 26)), "Sat 26/4/2025 worked for Fri 2/5/2025"
    assert not cal.is_working_day(date(2025, 5, 2))
    assert due("hotline_relay", vn(2025, 4, 25, 10), cal) == vn(2025, 4, 26, 17)
    assert cal.is_working_day(date(2026, 8, 22)) and not cal.is_working_day(date(2026, 8, 31))


def test_a_decree_wins_over_the_package():
    decree = check_overrides(2027, days_off=[], working_days=[(date(2027, 2, 10), "Đi làm mùng năm")])
    assert calendar(decree).is_working_day(date(2027, 2, 10))
    assert not calendar().is_working_day(date(2027, 2, 10))


def test_callback_windows_on_working_days_only():
    cal = calendar()
    assert not cal.is_working_time(vn(2027, 3, 10, 7, 59))
    assert cal.is_working_time(vn(2027, 3, 10, 8, 0))
    assert not cal.is_working_time(vn(2027, 3, 10, 11, 30)), "lunch break"
    assert cal.is_working_time(vn(2027, 3, 10, 13, 30))
    assert not cal.is_working_time(vn(2027, 3, 10, 17, 0)), "evening"
    assert not cal.is_working_time(vn(2027, 3, 13, 9, 0)), "Saturday"
    assert not cal.is_working_time(vn(2027, 4, 16, 9, 0)), "Hùng Kings"
    assert calendar(DECREE_2027).is_working_time(vn(2027, 2, 20, 9, 0)), "make-up Saturday"


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (vn(2027, 3, 10, 9, 15), vn(2027, 3, 10, 9, 15)),  # already working time
        (vn(2027, 3, 10, 6, 0), vn(2027, 3, 10, 8, 0)),  # early morning
        (vn(2027, 3, 10, 12, 0), vn(2027, 3, 10, 13, 30)),  # lunch
        (vn(2027, 3, 10, 17, 0), vn(2027, 3, 11, 8, 0)),  # evening
        (vn(2027, 3, 12, 17, 30), vn(2027, 3, 15, 8, 0)),  # Friday evening → Monday
        (vn(2027, 2, 3, 18, 0), vn(2027, 2, 11, 8, 0)),  # eve of Tết → after Tết
        (vn(2027, 12, 31, 17, 30), vn(2028, 1, 4, 8, 0)),  # New Year observed on Mon 3/1/2028
    ],
)
def test_next_working_time(at, expected):
    assert calendar().next_working_time(at) == expected


def test_fraction_point_interpolates_wall_clock():
    start, end = vn(2027, 3, 8, 9), vn(2027, 3, 10, 17)
    assert fraction_point(start, end, 0.5) == vn(2027, 3, 9, 13)
    assert fraction_point(start, end, 1) == end and fraction_point(start, end, 0) == start
    with pytest.raises(ValueError):
        fraction_point(start, end, 1.5)


def test_naive_instants_and_ring_counts_are_refused():
    with pytest.raises(MalformedError):
        calendar().add_working_days(datetime(2027, 3, 8, 9), 1)
    with pytest.raises(RuleViolationError) as error:
        due("hotline_pickup", vn(2027, 3, 8, 9))
    assert error.value.code == "not_a_time_limit"


def test_a_calendar_refuses_years_it_was_not_built_for():
    with pytest.raises(RuleViolationError):
        calendar(years=(2027,)).add_working_days(vn(2027, 12, 31, 10), 1)


def test_year_view_2027():
    view = calendar(DECREE_2027).year_view(2027)
    off = {d.day: d for d in view.days_off}
    assert (off[date(2027, 2, 4)].name, off[date(2027, 2, 4)].source) == ("29 Tết", "law")
    assert off[date(2027, 2, 11)].source == "decree" and date(2027, 2, 6) not in off, "weekends are not listed"
    assert [(d.day, d.source) for d in view.working_weekend_days] == [
        (date(2027, 2, 20), "decree"),
        (date(2027, 2, 27), "decree"),
    ]
    # February 2027: 20 weekdays − 5 Tết weekdays − 2 decreed days off + 2 make-up Saturdays = 15.
    assert view.working_days_per_month[1] == 15
    assert calendar().year_view(2027).working_days_per_month[1] == 15


def test_overrides_must_be_in_the_year_once_and_never_both():
    cases = [
        ([(date(2026, 12, 31), "x")], [], "date_outside_year", "days_off.0"),
        ([(date(2027, 3, 1), "x")], [(date(2027, 3, 1), "y")], "day_both_off_and_working", "working_days.0"),
        ([(date(2027, 3, 1), "x"), (date(2027, 3, 1), "x")], [], "duplicate_day", "days_off.1"),
    ]
    for days_off, working_days, code, field in cases:
        with pytest.raises(RuleViolationError) as error:
            check_overrides(2027, days_off, working_days)
        assert (error.value.code, list(error.value.fields)) == (code, [field])
