"""Ids sort by creation time and do not repeat."""

from __future__ import annotations

import time

from chalicelib.shared.ids import new_id, new_token


def test_ids_are_unique_and_time_ordered():
    first = new_id()
    time.sleep(0.002)
    later = [new_id() for _ in range(1000)]
    assert len(set(later)) == 1000 and all(len(i) == 26 for i in later)
    assert all(first < i for i in later)


def test_tokens_are_long_and_url_safe():
    token = new_token()
    assert len(token) >= 32 and all(c.isalnum() or c in "-_" for c in token)
