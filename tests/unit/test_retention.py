"""Retention rules (Decree 13/2023 Art. 3.6) with time passed in: periods, bounds, and what falls due for a customer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.customers.retention import (
    AUDIT_ENTRY,
    CUSTOMER_PROFILE,
    REQUEST_CONTENT,
    NationalBounds,
    RequestActivity,
    RetentionMarks,
    RetentionPolicy,
    check_bounds,
    check_policy,
    months_before,
    purgeable_months,
    review,
)
from chalicelib.shared.errors import RuleViolationError

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
DEFAULTS = RetentionPolicy("hanoi")  # profile 60 months, content 36, audit 60


def years_ago(years: float) -> datetime:
    return NOW - timedelta(days=365.25 * years)


def test_months_are_calendar_months_in_vietnam_time():
    assert months_before(NOW, 60) == datetime(2021, 12, 1, 3, 0, tzinfo=UTC)
    # 31 March, 07:00 in Hà Nội → 28 February (the month has no 31st), same local time.
    assert months_before(datetime(2026, 3, 31, 0, 0, tzinfo=UTC), 1) == datetime(2026, 2, 28, 0, 0, tzinfo=UTC)
    # 1 January 02:00 local is still 31 December in UTC: the local date counts.
    assert months_before(datetime(2025, 12, 31, 19, 0, tzinfo=UTC), 12) == datetime(2024, 12, 31, 19, 0, tzinfo=UTC)


def test_defaults_apply_until_the_office_sets_its_own_and_the_ccc_bounds_always_hold():
    assert [DEFAULTS.months(k) for k in (CUSTOMER_PROFILE, REQUEST_CONTENT, AUDIT_ENTRY)] == [60, 36, 60]
    own = RetentionPolicy("hanoi", {CUSTOMER_PROFILE: 24})
    assert own.months(CUSTOMER_PROFILE) == 24 and own.cutoff(CUSTOMER_PROFILE, NOW) == datetime(2024, 12, 1, 3, tzinfo=UTC)
    # The CCC later raised the national minimum to 36 months: the office's 24 is applied as 36 until it changes it.
    stricter = RetentionPolicy("hanoi", {CUSTOMER_PROFILE: 24}, national=NationalBounds({CUSTOMER_PROFILE: (36, 120)}))
    assert stricter.months(CUSTOMER_PROFILE) == 36


@pytest.mark.parametrize(
    ("months", "code", "fields"),
    [
        ({CUSTOMER_PROFILE: 6}, "out_of_bounds", {"months.customer_profile": "out_of_bounds"}),
        ({AUDIT_ENTRY: 121}, "out_of_bounds", {"months.audit_entry": "out_of_bounds"}),
        ({"phone_numbers": 12}, "unknown_kind", {"months.phone_numbers": "unknown"}),
        ({CUSTOMER_PROFILE: 24, REQUEST_CONTENT: 36}, "content_longer", {"months.request_content": "longer_than_profile"}),
    ],
)
def test_an_office_cannot_leave_the_national_bounds_nor_keep_content_past_the_profile(months, code, fields):
    with pytest.raises(RuleViolationError) as refused:
        check_policy(months, NationalBounds())
    assert (refused.value.code, refused.value.fields) == (code, fields)


def test_national_bounds_stay_between_one_month_and_twenty_years_minimum_first():
    assert check_bounds({CUSTOMER_PROFILE: (24, 84)}) == {CUSTOMER_PROFILE: (24, 84)}
    for bad in ((0, 12), (24, 12), (12, 241)):
        with pytest.raises(RuleViolationError) as refused:
            check_bounds({CUSTOMER_PROFILE: bad})
        assert refused.value.fields == {"bounds.customer_profile": "out_of_range"}


def test_a_customer_inactive_past_the_profile_period_is_anonymised_with_every_request():
    requests = [RequestActivity("r1", "HANOI-1", False, years_ago(5.5)), RequestActivity("r2", "HANOI-2", False, years_ago(6))]
    verdict = review(last_profile_change=years_ago(7), requests=requests, policy=DEFAULTS, now=NOW)
    assert verdict.anonymise and set(verdict.redact) == {"r1", "r2"}


def test_an_open_request_keeps_the_customer_however_old_and_the_next_look_is_not_before_it_ends():
    requests = [RequestActivity("r1", "HANOI-1", True, years_ago(6)), RequestActivity("r2", "HANOI-2", False, years_ago(4))]
    verdict = review(last_profile_change=years_ago(7), requests=requests, policy=DEFAULTS, now=NOW)
    assert not verdict.anonymise
    assert verdict.redact == ("r2",), "finished requests past the content period lose their content all the same"
    assert verdict.marks == RetentionMarks(NOW, NOW)


def test_an_active_customer_keeps_the_profile_and_loses_only_old_content():
    requests = [
        RequestActivity("old", "HANOI-1", False, years_ago(3.5)),
        RequestActivity("recent", "HANOI-2", False, years_ago(1)),
        RequestActivity("gone", "HANOI-3", False, years_ago(4), redacted=True),
    ]
    verdict = review(last_profile_change=years_ago(5), requests=requests, policy=DEFAULTS, now=NOW)
    assert (verdict.anonymise, verdict.redact) == (False, ("old",))
    # Next look: the profile counts from the latest activity, the content from the request still kept.
    assert verdict.marks == RetentionMarks(years_ago(1), years_ago(1))


def test_the_day_a_period_ends_counts_and_a_day_before_does_not():
    at_cutoff = DEFAULTS.cutoff(CUSTOMER_PROFILE, NOW)
    assert review(last_profile_change=at_cutoff, requests=[], policy=DEFAULTS, now=NOW).anonymise
    fresh = review(last_profile_change=at_cutoff + timedelta(days=1), requests=[], policy=DEFAULTS, now=NOW)
    assert not fresh.anonymise and fresh.marks == RetentionMarks(at_cutoff + timedelta(days=1), NOW)


def test_audit_months_wholly_past_the_period_are_purged_once_each():
    assert purgeable_months(cutoff=datetime(2024, 4, 3, tzinfo=UTC), purged_through=None) == ["2024-01", "2024-02", "2024-03"]
    assert purgeable_months(cutoff=datetime(2025, 2, 1, tzinfo=UTC), purged_through="2024-11") == ["2024-12", "2025-01"]
    assert purgeable_months(cutoff=datetime(2025, 2, 1, tzinfo=UTC), purged_through="2025-01") == []
