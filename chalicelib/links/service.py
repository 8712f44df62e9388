"""Use cases of links: issue (one or many), resolve, mark opened, consume inside the subject's transaction.

One mechanism for every single-use public link (survey invitations, the answer e-mail's survey link, later
conference RSVPs); the subject (a survey, a request) calls it and keeps the link's id, never the token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from chalicelib.limits.domain import Limit, client_key
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, MalformedError

from .domain import IssuedLink, Link, ResolveOutcome, issue, token_hash, valid_window
from .store import LinkItem, LinkUse, link_item

LINK_USED = "Phiếu này đã được ghi nhận. Xin cảm ơn Ông/Bà."
MISS_SCOPE = "link-miss"


class LinkUsedError(ConflictError):
    """The link was used already (a second submission, or the loser of two racing ones): the page says "đã ghi nhận"."""

    code = "link_used"


class LinkUnavailableError(ConflictError):
    """The link cannot be used: unknown, expired or not yet valid (`outcome` says which)."""

    code = "link_unavailable"

    def __init__(self, outcome: ResolveOutcome) -> None:
        super().__init__("Đường dẫn không còn hiệu lực.", code=f"link_{outcome.value}")
        self.outcome = outcome


class LinkStore(Protocol):
    """Where links are kept (links/store.py; tests/fakes.py)."""

    def get(self, *, tenant: str, link_id: str) -> Link | None: ...

    def many(self, *, tenant: str, link_ids: Sequence[str]) -> dict[str, Link]: ...

    def add(self, *, links: Iterable[LinkItem]) -> int: ...

    def mark_opened(self, *, tenant: str, link_id: str, at: datetime) -> bool: ...

    def use(self, use: LinkUse, parts: Callable[[Any], None]) -> None: ...


class Counters(Protocol):
    """The rate limits' counters (limits/store.py RateCounters)."""

    def hit(self, *, tenant: str, scope: str, subject: str, limit: Limit, now: int) -> None: ...

    def refuses(self, *, tenant: str, scope: str, subject: str, limit: Limit, now: int) -> None: ...


class LinkService:
    """Single-use public links of every purpose."""

    def __init__(self, *, store: LinkStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def issue(
        self, *, tenant: str, purpose: str, subject: dict[str, str], valid_from: datetime, valid_until: datetime
    ) -> IssuedLink:
        """A new link on its own (a subject writing it with its own items uses `prepare` instead)."""
        issued, item = self.prepare(
            tenant=tenant, purpose=purpose, subject=subject, valid_from=valid_from, valid_until=valid_until
        )
        self._store.add(links=[item])
        return issued

    def prepare(
        self, *, tenant: str, purpose: str, subject: dict[str, str], valid_from: datetime, valid_until: datetime
    ) -> tuple[IssuedLink, LinkItem]:
        """A new link and its item, for the subject's own transaction (written by the subject's store)."""
        if not valid_window(valid_from, valid_until):
            raise MalformedError("Thời hạn của đường dẫn không hợp lệ.", fields={"valid_until": "before_valid_from"})
        issued = issue()
        item = link_item(
            tenant=tenant,
            link_id=issued.link_id,
            purpose=purpose,
            subject=subject,
            valid_from=valid_from,
            valid_until=valid_until,
            issued_at=self._clock.now(),
        )
        return issued, item

    def issue_many(
        self, *, tenant: str, purpose: str, subjects: Iterable[dict[str, str]], valid_from: datetime, valid_until: datetime
    ) -> list[IssuedLink]:
        """Links for many subjects (100,000 for a survey round), in the subjects' order; written in chunks."""
        issued: list[IssuedLink] = []

        def items() -> Iterator[LinkItem]:
            for subject in subjects:
                link, item = self.prepare(
                    tenant=tenant, purpose=purpose, subject=subject, valid_from=valid_from, valid_until=valid_until
                )
                issued.append(link)
                yield item

        self._store.add(links=items())
        return issued

    def resolve(self, *, tenant: str, token: str, now: datetime) -> Link | ResolveOutcome:
        """The link a token names when it may be used now, else why not — one GetItem by the hash, whatever the token."""
        link = self._store.get(tenant=tenant, link_id=token_hash(token))
        if link is None:
            return ResolveOutcome.UNKNOWN
        outcome = link.outcome(now)
        return link if outcome is ResolveOutcome.OK else outcome

    def state(self, *, tenant: str, link_id: str) -> Link | None:
        """A link by its id (the subject's read model: opened, used, valid until)."""
        return self._store.get(tenant=tenant, link_id=link_id)

    def states(self, *, tenant: str, link_ids: Sequence[str]) -> dict[str, Link]:
        """Links by id, for a list."""
        return self._store.many(tenant=tenant, link_ids=link_ids)

    def mark_opened(self, *, tenant: str, link: Link, at: datetime) -> Link:
        """The first opening is recorded (a system event: never a 409); later ones change nothing."""
        if link.opened_at is None:
            self._store.mark_opened(tenant=tenant, link_id=link.link_id, at=at)
        return link.opened(at)

    def consume(self, *, tenant: str, token: str, now: datetime, parts: Callable[[Any], None]) -> Link:
        """Use the link once: its conditional write and the subject's `parts(tx)` commit together, or nothing does.

        Of two racing submissions one commits; the other is told LinkUsedError. A subject's own conflict (its
        version check failed) comes back as the ConflictError it was.
        """
        found = self.resolve(tenant=tenant, token=token, now=now)
        if isinstance(found, ResolveOutcome):
            raise LinkUsedError(LINK_USED) if found is ResolveOutcome.USED else LinkUnavailableError(found)
        try:
            self._store.use(LinkUse(tenant, found.link_id, now), parts)
        except ConflictError:
            again = self._store.get(tenant=tenant, link_id=found.link_id)
            if again is not None and again.used_at is not None:
                raise LinkUsedError(LINK_USED) from None
            raise
        return replace(found, used_at=now)


class LinkGuard:
    """Unknown tokens per client address (limits' counters): after `limit` misses in a window, every link is refused
    to that client until the window ends — guessing is slowed, whatever the guesses find."""

    def __init__(self, *, counters: Counters, limit: Limit, clock: Clock) -> None:
        self._counters = counters
        self._limit = limit
        self._clock = clock

    def admit(self, *, tenant: str, client: str) -> None:
        """Before resolving: TooManyRequestsError while the client's misses fill the window (counts nothing)."""
        if self._limit.enabled:
            now = int(self._clock.now().timestamp())
            self._counters.refuses(tenant=tenant, scope=MISS_SCOPE, subject=client_key(client), limit=self._limit, now=now)

    def missed(self, *, tenant: str, client: str) -> None:
        """After an unknown token: one miss more (TooManyRequestsError when that fills the window)."""
        if self._limit.enabled:
            now = int(self._clock.now().timestamp())
            self._counters.hit(tenant=tenant, scope=MISS_SCOPE, subject=client_key(client), limit=self._limit, now=now)
