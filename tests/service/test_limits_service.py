"""Rate limits and sign-in throttling as the edge and the sign-in use them, with in-memory counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.cognito import NewPasswordChallenge, Tokens
from chalicelib.identity.service import IdentityService, PasswordNeeded, SignedIn
from chalicelib.limits.domain import Limit, RateLimits, SignInPolicy
from chalicelib.limits.service import RateLimiter, SignInThrottle
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import TooManyRequestsError, UnauthorizedError, UnavailableError
from tests.fakes import (
    FakeAccount,
    FakeAudit,
    FakeDirectory,
    FakeRateCounters,
    FakeSessions,
    FakeSignInAttempts,
    FakeUserStore,
    FakeVerifier,
)

NOW = datetime(2026, 11, 23, 1, 0, 10, tzinfo=UTC)  # 08:00:10 in Hà Nội, 10 s into a minute
DESK, ELSEWHERE = "10.0.0.5", "198.51.100.9"
RIGHT, WRONG = "Dung@mat-khau1", "Sai@mat-khau1"


def _limiter(clock: FixedClock, user: int = 2, client: int = 2, tenant: int = 100) -> tuple[RateLimiter, FakeRateCounters]:
    counters = FakeRateCounters()
    return RateLimiter(counters=counters, limits=RateLimits(Limit(user), Limit(client), Limit(tenant)), clock=clock), counters


def test_a_signed_in_user_is_counted_as_themselves_wherever_they_call_from():
    limiter, _ = _limiter(FixedClock(NOW))
    limiter.admit(tenant="hanoi", user="hanoi.agent", client=DESK)
    limiter.admit(tenant="hanoi", user="hanoi.agent", client=ELSEWHERE)
    with pytest.raises(TooManyRequestsError) as refused:
        limiter.admit(tenant="hanoi", user="hanoi.agent", client=DESK)
    assert refused.value.retry_after == 50, "until the minute is over"
    limiter.admit(tenant="hanoi", user="hanoi.leader", client=DESK)  # a colleague at the same desk
    limiter.admit(tenant="hanoi", user=None, client=DESK)  # and the sign-in page there


def test_calls_without_sign_in_are_counted_by_address():
    limiter, _ = _limiter(FixedClock(NOW))
    for _ in range(2):
        limiter.admit(tenant="hanoi", user=None, client=ELSEWHERE)
    with pytest.raises(TooManyRequestsError):
        limiter.admit(tenant="hanoi", user=None, client=ELSEWHERE)
    limiter.admit(tenant="hanoi", user=None, client=DESK)


def test_the_tenant_allowance_is_shared_and_a_refused_caller_uses_none_of_it():
    limiter, counters = _limiter(FixedClock(NOW), user=1, tenant=3)
    limiter.admit(tenant="hanoi", user="hanoi.agent", client=DESK)
    for _ in range(5):
        with pytest.raises(TooManyRequestsError):
            limiter.admit(tenant="hanoi", user="hanoi.agent", client=DESK)
    limiter.admit(tenant="hanoi", user="hanoi.leader", client=DESK)
    limiter.admit(tenant="hanoi", user="hanoi.officer", client=DESK)
    with pytest.raises(TooManyRequestsError):
        limiter.admit(tenant="hanoi", user="hanoi.supervisor", client=DESK)
    limiter.admit(tenant="hcm", user="hcm.agent", client=DESK)  # another office has its own
    assert sum(n for (t, scope, *_), n in counters.hits.items() if (t, scope) == ("hanoi", "tenant")) == 3


def test_a_limit_of_zero_counts_nothing():
    limiter, counters = _limiter(FixedClock(NOW), user=0, client=0, tenant=0)
    for _ in range(10):
        limiter.admit(tenant="hanoi", user="hanoi.agent", client=DESK)
    assert counters.hits == {}


class CountingDirectory(FakeDirectory):
    """FakeDirectory that counts the password checks Cognito would have made, and can be down."""

    def __init__(self) -> None:
        super().__init__()
        self.checks = 0
        self.down = False

    def sign_in(self, username: str, password: str) -> Tokens | NewPasswordChallenge:
        self.checks += 1
        if self.down:
            raise UnavailableError()
        return super().sign_in(username, password)


@pytest.fixture
def sign_in():
    clock = FixedClock(NOW)
    directory = CountingDirectory()
    directory.accounts["hanoi.agent"] = FakeAccount("hanoi", RIGHT, {"agent"}, temporary=False)
    attempts = FakeSignInAttempts()
    identity = IdentityService(
        directory=directory,
        users=FakeUserStore(FakeAudit()),
        verifier=FakeVerifier(directory),
        clock=clock,
        audit=FakeAudit(),
        sessions=FakeSessions(),
        throttle=SignInThrottle(attempts=attempts, policy=SignInPolicy(), clock=clock),
    )

    def attempt(password: str, client: str = DESK, login: str = "agent") -> SignedIn | PasswordNeeded:
        return identity.login(tenant="hanoi", login=login, password=password, client=client)

    return attempt, directory, clock, attempts


def _fail(attempt, times: int, client: str = DESK) -> None:
    for _ in range(times):
        with pytest.raises(UnauthorizedError):
            attempt(WRONG, client)


def test_after_five_wrong_passwords_the_account_waits_and_cognito_is_not_asked(sign_in):
    attempt, directory, clock, _ = sign_in
    _fail(attempt, 5)
    with pytest.raises(TooManyRequestsError) as locked:
        attempt(RIGHT)
    assert locked.value.retry_after == 60 and "1 phút" in locked.value.message
    assert directory.checks == 5, "the sixth attempt never reached Cognito"
    clock.advance(timedelta(seconds=60))
    assert isinstance(attempt(RIGHT), SignedIn)


def test_each_further_failure_locks_for_twice_as_long(sign_in):
    attempt, _, clock, _ = sign_in
    _fail(attempt, 5)
    waits = []
    for _ in range(3):
        with pytest.raises(TooManyRequestsError) as locked:
            attempt(WRONG)
        waits.append(locked.value.retry_after)
        clock.advance(timedelta(seconds=locked.value.retry_after))
        _fail(attempt, 1)
    assert waits == [60, 120, 240]


def test_an_attacker_elsewhere_cannot_lock_the_staff_member_out_of_their_desk(sign_in):
    attempt, *_ = sign_in
    _fail(attempt, 5, client=ELSEWHERE)
    with pytest.raises(TooManyRequestsError):
        attempt(RIGHT, ELSEWHERE)
    assert isinstance(attempt(RIGHT, DESK), SignedIn)


def test_a_success_forgets_the_failures(sign_in):
    attempt, directory, *_ = sign_in
    _fail(attempt, 4)
    attempt(RIGHT)
    _fail(attempt, 4)
    assert isinstance(attempt(RIGHT), SignedIn), "without the reset this would be the ninth attempt"


def test_an_outage_of_cognito_does_not_count_as_a_failure(sign_in):
    attempt, directory, *_ = sign_in
    _fail(attempt, 4)
    directory.down = True
    for _ in range(3):
        with pytest.raises(UnavailableError):
            attempt(RIGHT)
    directory.down = False
    assert isinstance(attempt(RIGHT), SignedIn)


def test_a_name_no_account_can_have_is_refused_without_asking_or_counting(sign_in):
    attempt, directory, _, attempts = sign_in
    for login in ("x" * 70_000, "a#b", "Nguyễn"):
        with pytest.raises(UnauthorizedError) as refused:
            attempt(RIGHT, login=login)
        assert refused.value.code == "invalid_credentials"
    assert directory.checks == 0 and attempts.rows == {}


def test_the_counter_knows_the_account_and_a_digest_of_the_address_never_the_password(sign_in):
    attempt, _, _, attempts = sign_in
    _fail(attempt, 2)
    ((pk, sk),) = attempts.rows
    assert pk == "hanoi#agent" and DESK not in sk and WRONG not in pk + sk
