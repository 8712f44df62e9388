"""Links through their service with the in-memory store: issue, resolve, open, consume once, guard against guessing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.limits.domain import Limit
from chalicelib.links.domain import Link, ResolveOutcome
from chalicelib.links.service import LinkGuard, LinkService, LinkUnavailableError, LinkUsedError
from chalicelib.shared.errors import MalformedError, TooManyRequestsError
from tests.fakes import FakeLinkStore, FakeRateCounters

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


def _service() -> tuple[LinkService, FakeLinkStore]:
    store = FakeLinkStore()
    return LinkService(store=store, clock=Clock()), store


def _issue(service: LinkService, days: int = 14):
    return service.issue(
        tenant="hanoi", purpose="survey", subject={"member_id": "m1"}, valid_from=T0, valid_until=T0 + timedelta(days=days)
    )


def test_the_store_keeps_the_hash_never_the_token():
    service, store = _service()
    issued = _issue(service)
    assert issued.token not in repr(store.links)
    found = service.resolve(tenant="hanoi", token=issued.token, now=T0)
    assert isinstance(found, Link) and found.subject == {"member_id": "m1"} and found.purpose == "survey"


def test_unknown_forged_expired_and_other_tenants_tokens_are_told_apart_from_good_ones():
    service, _ = _service()
    issued = _issue(service)
    assert service.resolve(tenant="hanoi", token="nope", now=T0) is ResolveOutcome.UNKNOWN
    assert service.resolve(tenant="hanoi", token=issued.token[:-1], now=T0) is ResolveOutcome.UNKNOWN
    assert service.resolve(tenant="hcm", token=issued.token, now=T0) is ResolveOutcome.UNKNOWN
    assert service.resolve(tenant="hanoi", token=issued.token, now=T0 + timedelta(days=15)) is ResolveOutcome.EXPIRED
    assert service.resolve(tenant="hanoi", token=issued.token, now=T0 - timedelta(hours=1)) is ResolveOutcome.NOT_YET_VALID


def test_a_window_that_ends_before_it_starts_is_refused_and_writes_nothing():
    service, store = _service()
    with pytest.raises(MalformedError):
        service.issue(tenant="hanoi", purpose="survey", subject={}, valid_from=T0, valid_until=T0)
    assert store.links == {}


def test_the_first_opening_is_kept():
    service, store = _service()
    issued = _issue(service)
    link = service.resolve(tenant="hanoi", token=issued.token, now=T0)
    assert isinstance(link, Link)
    service.mark_opened(tenant="hanoi", link=link, at=T0 + timedelta(hours=1))
    service.mark_opened(tenant="hanoi", link=link, at=T0 + timedelta(hours=2))
    assert store.links[("hanoi", issued.link_id)].opened_at == T0 + timedelta(hours=1)


def test_a_link_is_consumed_once_with_the_subjects_writes():
    service, _ = _service()
    issued = _issue(service)
    writes: list[str] = []
    service.consume(tenant="hanoi", token=issued.token, now=T0, parts=lambda tx: writes.append("answer"))
    with pytest.raises(LinkUsedError):
        service.consume(tenant="hanoi", token=issued.token, now=T0, parts=lambda tx: writes.append("again"))
    assert writes == ["answer"]
    assert service.resolve(tenant="hanoi", token=issued.token, now=T0) is ResolveOutcome.USED
    with pytest.raises(LinkUnavailableError) as unknown:
        service.consume(tenant="hanoi", token="forged", now=T0, parts=lambda tx: writes.append("forged"))
    assert unknown.value.code == "link_unknown" and writes == ["answer"]


def test_many_links_at_once_each_resolve_to_its_subject():
    service, _ = _service()
    subjects = [{"member_id": f"m{n}"} for n in range(60)]
    issued = service.issue_many(
        tenant="hanoi", purpose="survey", subjects=subjects, valid_from=T0, valid_until=T0 + timedelta(days=1)
    )
    assert len({i.token for i in issued}) == 60
    found = service.resolve(tenant="hanoi", token=issued[42].token, now=T0)
    assert isinstance(found, Link) and found.subject == {"member_id": "m42"}


def test_a_client_guessing_tokens_is_refused_every_link_until_the_window_ends():
    clock = Clock()
    guard = LinkGuard(counters=FakeRateCounters(), limit=Limit(3), clock=clock)
    for _ in range(3):
        guard.admit(tenant="hanoi", client="203.0.113.9")
        guard.missed(tenant="hanoi", client="203.0.113.9")
    with pytest.raises(TooManyRequestsError):
        guard.admit(tenant="hanoi", client="203.0.113.9")
    guard.admit(tenant="hanoi", client="198.51.100.7")
    clock.at = T0 + timedelta(minutes=1)
    guard.admit(tenant="hanoi", client="203.0.113.9")
