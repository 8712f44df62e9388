"""Links: tokens are long and random, only their hash is the id, and a link says why it cannot be used."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from chalicelib.links.domain import Link, ResolveOutcome, issue, token_hash

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _link(**changes) -> Link:
    values = {
        "tenant": "hanoi",
        "link_id": "x",
        "purpose": "survey",
        "subject": {"member_id": "m1"},
        "valid_from": T0,
        "valid_until": T0 + timedelta(days=14),
        "issued_at": T0,
    }
    return Link(**{**values, **changes})


def test_a_token_carries_at_least_128_random_bits_and_its_id_is_its_sha256():
    tokens = {issue().token for _ in range(1000)}
    assert len(tokens) == 1000 and all(len(t) >= 22 for t in tokens), "22 base64url characters are 132 bits"
    issued = issue()
    assert issued.link_id == hashlib.sha256(issued.token.encode()).hexdigest() and issued.token not in issued.link_id


def test_a_malformed_token_is_hashed_like_any_other():
    assert len(token_hash("")) == len(token_hash("%%\x00\ud800")) == len(token_hash("a" * 10_000)) == 64


def test_a_link_is_good_within_its_window_and_until_used():
    link = _link()
    assert link.outcome(T0) is ResolveOutcome.OK
    assert link.outcome(T0 - timedelta(seconds=1)) is ResolveOutcome.NOT_YET_VALID
    assert link.outcome(T0 + timedelta(days=14)) is ResolveOutcome.EXPIRED
    used = _link(used_at=T0 + timedelta(days=1))
    assert used.outcome(T0 + timedelta(days=2)) is ResolveOutcome.USED
    assert used.outcome(T0 + timedelta(days=20)) is ResolveOutcome.USED, "a used link says so even after it expired"


def test_only_the_first_opening_counts():
    first = _link().opened(T0 + timedelta(hours=1))
    assert first.opened(T0 + timedelta(hours=2)).opened_at == T0 + timedelta(hours=1)
