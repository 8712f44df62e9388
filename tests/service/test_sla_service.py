"""SlaService with an in-memory store and a fixed clock: policy, overrides, caching, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.shared.clock import VN_TZ, FixedClock
from chalicelib.shared.errors import ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.tenancy import Principal
from chalicelib.sla.service import SlaService
from tests.fakes import FakeAudit, FakeSlaStore

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
CENTRAL = Principal("ccc.central-admin", "ccc", frozenset({"central_admin"}))
HANOI_ADMIN = Principal("hanoi.tenant-admin", "hanoi", frozenset({"tenant_admin"}))
PROVINCE_CENTRAL_ROLE = Principal("hanoi.central-admin", "hanoi", frozenset({"central_admin"}))


def vn(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.fixture
def world():
    audit = FakeAudit()
    store = FakeSlaStore(audit)
    clock = FixedClock(NOW)
    return SlaService(store=store, clock=clock), store, clock, audit


def test_due_at_follows_the_tenants_shortened_policy_and_others_keep_annex2(world):
    sla, *_ = world
    sla.set_policy(tenant="hanoi", actor=HANOI_ADMIN, limits={"written_answer_one_unit": 3}, version=0)
    start = vn(2027, 3, 8, 9)  # Monday
    assert sla.due_at(tenant="hanoi", limit_key="written_answer_one_unit", start=start) == vn(2027, 3, 11, 17)
    assert sla.due_at(tenant="hcm", limit_key="written_answer_one_unit", start=start) == vn(2027, 3, 17, 17)
    assert sla.due_at(tenant="hanoi", limit_key="hotline_record_entry", start=start) == vn(2027, 3, 8, 9, 5)


def test_a_policy_change_is_audited_with_actor_time_and_values(world):
    sla, _, _, audit = world
    saved = sla.set_policy(tenant="hanoi", actor=HANOI_ADMIN, limits={"fanpage_two_units": 1}, version=0)
    assert saved.version == 1 and saved.amount("fanpage_two_units") == 1
    event = audit.events["hanoi"][-1]
    assert (event.actor, event.action, event.target_id, event.at) == ("hanoi.tenant-admin", "sla_policy.update", "hanoi", NOW)
    assert event.detail["limits"] == "fanpage_two_units=1"


def test_longer_than_annex2_is_refused_and_nothing_is_stored(world):
    sla, store, _, audit = world
    with pytest.raises(RuleViolationError) as error:
        sla.set_policy(tenant="hanoi", actor=HANOI_ADMIN, limits={"written_answer_many_units": 11}, version=0)
    assert error.value.code == "limit_too_long" and "limits.written_answer_many_units" in error.value.fields
    assert store.policies == {} and audit.events == {}
    assert sla.policy(tenant="hanoi").amount("written_answer_many_units") == 10


def test_stale_policy_version_conflicts_and_the_cache_forgets_it(world):
    sla, store, *_ = world
    sla.set_policy(tenant="hanoi", actor=HANOI_ADMIN, limits={"hotline_relay": 0}, version=0)
    with pytest.raises(ConflictError):
        sla.set_policy(tenant="hanoi", actor=HANOI_ADMIN, limits={}, version=0)
    reads = len(store.reads)
    assert sla.policy(tenant="hanoi").version == 1
    assert len(store.reads) == reads + 1, "after a lost race the policy is read again, not served from the cache"


def test_policy_and_calendar_are_cached_for_60_seconds(world):
    sla, store, clock, _ = world
    start = vn(2027, 3, 8, 9)
    sla.due_at(tenant="hanoi", limit_key="hotline_relay", start=start)
    first = list(store.reads)
    assert first == ["policy hanoi", "calendar 2027", "calendar 2028"]
    sla.due_at(tenant="hanoi", limit_key="hotline_relay", start=start)
    clock.advance(timedelta(seconds=59))
    sla.due_at(tenant="hanoi", limit_key="hotline_relay", start=start)
    assert store.reads == first
    clock.advance(timedelta(seconds=2))
    sla.due_at(tenant="hanoi", limit_key="hotline_relay", start=start)
    assert store.reads == first * 2


def test_another_instances_change_is_seen_after_the_cache_expires(world):
    sla, store, clock, _ = world
    other = SlaService(store=store, clock=clock)
    start = vn(2027, 3, 8, 9)
    assert sla.due_at(tenant="hanoi", limit_key="hotline_relay", start=start) == vn(2027, 3, 9, 17)
    other.set_overrides(actor=CENTRAL, year=2027, days_off=[(date(2027, 3, 9), "Nghỉ")], working_days=[], version=0)
    assert sla.due_at(tenant="hanoi", limit_key="hotline_relay", start=start) == vn(2027, 3, 9, 17)
    clock.advance(timedelta(seconds=61))
    assert sla.due_at(tenant="hanoi", limit_key="hotline_relay", start=start) == vn(2027, 3, 10, 17)


def test_overrides_change_the_year_and_the_count_at_once_and_are_audited_under_the_ccc(world):
    sla, _, _, audit = world
    assert sla.add_working_days(start=vn(2027, 3, 12, 9), days=1) == vn(2027, 3, 15, 17)
    view = sla.set_overrides(
        actor=CENTRAL,
        year=2027,
        days_off=[(date(2027, 3, 15), "Nghỉ bù")],
        working_days=[(date(2027, 3, 13), "Làm bù")],
        version=0,
    )
    assert view.version == 1 and [d.day for d in view.working_weekend_days] == [date(2027, 3, 13)]
    assert sla.add_working_days(start=vn(2027, 3, 12, 9), days=1) == vn(2027, 3, 13, 17)
    assert sla.add_working_days(start=vn(2027, 3, 12, 9), days=2) == vn(2027, 3, 16, 17)
    event = audit.events["ccc"][-1]
    assert (event.action, event.target_id, event.detail["days_off"], event.detail["working_days"]) == (
        "calendar.update",
        "2027",
        "1",
        "1",
    )


def test_only_the_ccc_enters_the_national_calendar_and_versions_are_checked(world):
    sla, *_ = world
    with pytest.raises(ForbiddenError):
        sla.set_overrides(actor=PROVINCE_CENTRAL_ROLE, year=2027, days_off=[], working_days=[], version=0)
    sla.set_overrides(actor=CENTRAL, year=2027, days_off=[], working_days=[], version=0)
    with pytest.raises(ConflictError):
        sla.set_overrides(actor=CENTRAL, year=2027, days_off=[], working_days=[], version=0)


def test_dates_outside_the_year_or_both_off_and_working_are_refused(world):
    sla, store, *_ = world
    for days_off, working in (([(date(2028, 1, 3), "x")], []), ([(date(2027, 5, 8), "x")], [(date(2027, 5, 8), "y")])):
        with pytest.raises(RuleViolationError):
            sla.set_overrides(actor=CENTRAL, year=2027, days_off=days_off, working_days=working, version=0)
    assert store.calendars == {}


def test_a_deadline_crossing_the_year_end_sees_next_years_overrides(world):
    sla, *_ = world
    sla.set_overrides(actor=CENTRAL, year=2028, days_off=[(date(2028, 1, 4), "Nghỉ bù")], working_days=[], version=0)
    # Thu 30/12/2027: Fri 31/12 (1), 1/1 and observed Mon 3/1 off, Tue 4/1 decreed off → Wed 5/1 (2).
    assert sla.due_at(tenant="hanoi", limit_key="written_relay", start=vn(2027, 12, 30, 10)) == vn(2028, 1, 5, 17)
    assert sla.calendar(year=2027).years == (2027, 2028)


def test_working_time_and_next_working_time(world):
    sla, *_ = world
    assert sla.is_working_time(at=vn(2027, 3, 8, 9)) and not sla.is_working_time(at=vn(2027, 3, 8, 12))
    assert sla.next_working_time(at=vn(2027, 3, 8, 12)) == vn(2027, 3, 8, 13, 30)
    assert sla.next_working_time(at=vn(2027, 3, 8, 12)).tzinfo == UTC


def test_year_out_of_range_is_refused(world):
    sla, *_ = world
    with pytest.raises(RuleViolationError):
        sla.year(year=1990)
