"""The same contract for the rate and sign-in counters in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

import pytest

from chalicelib.limits.domain import Limit, SignInPolicy
from chalicelib.shared.errors import TooManyRequestsError
from tests.fakes import FakeRateCounters, FakeSignInAttempts

NOW = 1_794_999_620  # 20 s into a minute and into an hour (1_794_999_600 % 3600 == 0)
POLICY = SignInPolicy(max_failures=3, window_seconds=3600, first_lock_seconds=60, max_lock_seconds=240, attempt_seconds=10)


@pytest.fixture(params=["memory", "dynamodb"])
def counters(request):
    if request.param == "memory":
        return FakeRateCounters()
    request.getfixturevalue("stack")
    from chalicelib.limits.store import RateCounters

    return RateCounters()


@pytest.fixture(params=["memory", "dynamodb"])
def attempts(request):
    if request.param == "memory":
        return FakeSignInAttempts()
    request.getfixturevalue("stack")
    from chalicelib.limits.store import SignInAttempts

    return SignInAttempts()


THREE = Limit(3)


def _hit(counters, tenant, subject="hanoi.agent", limit=THREE, now=NOW):
    counters.hit(tenant=tenant, scope="user", subject=subject, limit=limit, now=now)


def test_a_full_window_refuses_until_its_end_and_counts_nothing_more(counters, unique):
    tenant = f"t{unique}"
    for _ in range(3):
        _hit(counters, tenant)
    with pytest.raises(TooManyRequestsError) as refused:
        _hit(counters, tenant, now=NOW + 5)
    assert refused.value.retry_after == 35, "the minute ends 35 s later"
    assert "35 giây" in refused.value.message
    _hit(counters, tenant, now=NOW + 40)  # the next minute starts afresh


def test_subjects_windows_and_tenants_count_apart(counters, unique):
    tenant = f"t{unique}"
    for _ in range(3):
        _hit(counters, tenant)
    _hit(counters, tenant, subject="hanoi.leader")
    _hit(counters, f"other{unique}")
    _hit(counters, tenant, limit=Limit(3, seconds=3600))  # a window of another length is another counter


def test_a_refused_hit_does_not_count_in_the_table(stack, unique):
    from chalicelib.limits.store import RateCounterItem, RateCounters

    tenant = f"t{unique}"
    for _ in range(2):
        _hit(RateCounters(), tenant, limit=Limit(2))
    for _ in range(3):  # fresh instances: no memory of the full window, each asks the table
        with pytest.raises(TooManyRequestsError):
            _hit(RateCounters(), tenant, limit=Limit(2))
    (item,) = RateCounterItem.query(f"T#{tenant}#RATE#user#hanoi.agent")
    assert (item.hits, item.tenant, item.expires_at) == (2, tenant, NOW - 20 + 60 + 300)


def _begin(attempts, tenant, client="c1", now=NOW):
    return attempts.begin(tenant=tenant, login="agent", client=client, policy=POLICY, now=now)


def _fail(attempts, tenant, client="c1", now=NOW):
    attempt = _begin(attempts, tenant, client, now)
    attempts.failed(attempt, policy=POLICY, now=now)
    return attempt


def test_failures_past_the_threshold_lock_for_doubling_times(attempts, unique):
    tenant = f"t{unique}"
    assert [_fail(attempts, tenant).failures for _ in range(3)] == [1, 2, 3]
    with pytest.raises(TooManyRequestsError) as locked:
        _begin(attempts, tenant, now=NOW + 30)
    assert locked.value.retry_after == 30, "the 3rd failure locks for 60 s"
    assert locked.value.code == "too_many_sign_in_failures"
    _fail(attempts, tenant, now=NOW + 60)  # one try once the lock is over; it fails: 120 s
    with pytest.raises(TooManyRequestsError) as longer:
        _begin(attempts, tenant, now=NOW + 61)
    assert longer.value.retry_after == 119
    _fail(attempts, tenant, now=NOW + 180)
    _fail(attempts, tenant, now=NOW + 180 + 240)
    with pytest.raises(TooManyRequestsError) as capped:
        _begin(attempts, tenant, now=NOW + 180 + 240 + 1)
    assert capped.value.retry_after == 239, "never longer than max_lock_seconds"


def test_another_client_address_is_not_locked_and_a_success_resets(attempts, unique):
    tenant = f"t{unique}"
    for _ in range(3):
        _fail(attempts, tenant, client="attacker")
    with pytest.raises(TooManyRequestsError):
        _begin(attempts, tenant, client="attacker", now=NOW + 1)
    mine = _begin(attempts, tenant, client="desk")
    attempts.succeeded(mine)
    for _ in range(2):
        _fail(attempts, tenant, client="desk")
    attempts.succeeded(_begin(attempts, tenant, client="desk"))
    assert _begin(attempts, tenant, client="desk").failures == 1, "the success forgot the two failures"


def test_at_the_threshold_only_one_attempt_runs_at_a_time(attempts, unique):
    tenant = f"t{unique}"
    first, second = _begin(attempts, tenant), _begin(attempts, tenant)  # below the threshold: side by side
    assert (first.failures, second.failures) == (1, 2)
    with pytest.raises(TooManyRequestsError) as waiting:
        _begin(attempts, tenant, now=NOW + 2)  # the one that could bring the lock waits for the one in flight
    assert waiting.value.retry_after == 8, "at most attempt_seconds"
    attempts.failed(first, policy=POLICY, now=NOW + 3)
    with pytest.raises(TooManyRequestsError):
        _begin(attempts, tenant, now=NOW + 3)  # the second still holds it
    attempts.failed(second, policy=POLICY, now=NOW + 4)
    third = _begin(attempts, tenant, now=NOW + 4)
    with pytest.raises(TooManyRequestsError):
        _begin(attempts, tenant, now=NOW + 5)
    attempts.failed(third, policy=POLICY, now=NOW + 6)
    with pytest.raises(TooManyRequestsError) as locked:
        _begin(attempts, tenant, now=NOW + 7)
    assert locked.value.retry_after == 59, "and then the lock"


def test_an_attempt_without_a_verdict_does_not_count(attempts, unique):
    tenant = f"t{unique}"
    for _ in range(2):
        _fail(attempts, tenant)
    attempts.released(_begin(attempts, tenant))
    assert _begin(attempts, tenant).failures == 3, "the released attempt was taken back"


def test_a_new_window_starts_without_the_failures(attempts, unique):
    tenant = f"t{unique}"
    for _ in range(2):
        _fail(attempts, tenant)
    assert _begin(attempts, tenant, now=NOW + 3600).failures == 1


def test_the_table_holds_the_account_and_a_digest_of_the_address_only(stack, unique):
    from chalicelib.limits.store import SignInAttempts, SignInItem

    tenant = f"t{unique}"
    store = SignInAttempts()
    store.failed(
        store.begin(tenant=tenant, login="agent", client="9f86d081884c7d65", policy=POLICY, now=NOW), policy=POLICY, now=NOW
    )
    (item,) = SignInItem.query(f"T#{tenant}#SIGNIN#agent")
    assert item.SK == f"9f86d081884c7d65#{NOW - 20}"
    assert set(item.attribute_values) == {"PK", "SK", "type", "tenant", "failures", "expires_at"}, "no password, no address"
    assert item.expires_at == NOW - 20 + 3600 + 240 + 300


def test_asking_whether_a_window_is_full_counts_nothing(counters, unique):
    tenant = f"t{unique}"
    counters.refuses(tenant=tenant, scope="user", subject="hanoi.agent", limit=THREE, now=NOW)
    for _ in range(3):
        _hit(counters, tenant)
    with pytest.raises(TooManyRequestsError):
        counters.refuses(tenant=tenant, scope="user", subject="hanoi.agent", limit=THREE, now=NOW + 1)
    counters.refuses(tenant=tenant, scope="user", subject="hanoi.leader", limit=THREE, now=NOW + 1)
    counters.refuses(tenant=tenant, scope="user", subject="hanoi.agent", limit=THREE, now=NOW + 40)
