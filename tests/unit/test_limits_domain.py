"""The rules of rate limits and sign-in throttling (pure)."""

from __future__ import annotations

from chalicelib.limits.domain import Limit, SignInPolicy, client_key, wait_text


def test_a_window_is_aligned_to_its_length():
    assert Limit(10).window(125) == (120, 180)
    assert Limit(10, seconds=3600).window(7199) == (3600, 7200)


def test_no_requests_means_no_limit():
    assert not Limit(0).enabled and Limit(1).enabled


def test_locks_start_at_the_threshold_and_double_up_to_the_cap():
    policy = SignInPolicy(max_failures=5, first_lock_seconds=60, max_lock_seconds=900)
    assert [policy.lock_seconds(n) for n in range(1, 11)] == [0, 0, 0, 0, 60, 120, 240, 480, 900, 900]


def test_an_attacker_guessing_from_one_address_gets_eleven_guesses_an_hour():
    policy = SignInPolicy()
    guesses, now, failures, window = 0, 0, 0, 0
    while now < 86_400:  # a day of guessing the moment each lock ends
        start, _ = policy.window(now)
        if start != window:
            window, failures = start, 0
        failures += 1
        guesses += 1
        now += max(policy.lock_seconds(failures), 1)
    assert guesses == 24 * 11, "5 free, then after 1, 2, 4, 8 and 15 minutes, and 15 again, each hour"


def test_waits_read_in_seconds_then_whole_minutes():
    assert (wait_text(1), wait_text(59), wait_text(60), wait_text(61), wait_text(900)) == (
        "1 giây",
        "59 giây",
        "1 phút",
        "2 phút",
        "15 phút",
    )


def test_client_addresses_are_kept_as_digests():
    key = client_key("203.0.113.7")
    assert key == client_key("203.0.113.7") != client_key("203.0.113.8")
    assert "203" not in key and len(key) == 20
