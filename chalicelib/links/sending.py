"""Sending deliveries, paced, on the jobs queue; SES's events turned into statuses; failures handed to the subject.

A round's pending deliveries go out in chunks: each chunk takes what `rate` messages a second allow in
CHUNK_SECONDS, e-mail as SendBulkTemplatedEmail calls of 50, SMS as one Publish each, then queues the next chunk
held back for the time those messages were worth. Each message is claimed (pending → sending) before its call, so a
retried chunk never sends it twice; its link's URL is blanked once the provider took it.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from chalicelib.adapters.messaging import BULK_MAX, BulkDestination, BulkResult, SendRefused, SendUncertain
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.shared.observability import logger

from .deliveries import (
    DELIVERED,
    EMAIL,
    PENDING,
    PERMANENT,
    SENDING,
    SMS,
    SUPPRESSED,
    TECHNICAL,
    Delivery,
    SesEvent,
    Step,
    ses_event,
    tag_safe,
)
from .sms import invitation_text

CHUNK_SECONDS = 60  # each chunk sends what the rate allows in a minute, then queues the next
MAX_CHUNK = 2000  # and never more in one run of the jobs worker
MAX_DELAY = 900  # SQS's longest delay
MESSAGE = "deliveries"  # the jobs queue's message type
SMS_TEXTS: dict[str, Callable[..., str]] = {"invitation": invitation_text}

FailureHook = Callable[[Delivery], None]


class DeliveryStore(Protocol):
    """Where deliveries and the suppression list are kept (links/delivery_store.py; tests/fakes.py)."""

    def add(self, *, tenant: str, group: str, deliveries: Iterable[Delivery]) -> int: ...
    def get(self, *, tenant: str, group: str, delivery_id: str) -> Delivery | None: ...
    def pending(self, *, tenant: str, group: str, limit: int) -> list[Delivery]: ...
    def counts(self, *, tenant: str, group: str) -> dict[str, int]: ...
    def change(self, changes: Sequence[tuple[Delivery, Delivery]]) -> None: ...
    def sent(self, deliveries: Sequence[Delivery]) -> None: ...
    def suppressed(self, *, tenant: str, addresses: Sequence[str]) -> set[str]: ...
    def suppress(self, *, tenant: str, address: str, reason: str, at: Any) -> bool: ...
    def list(self, *, tenant: str, group: str, limit: int, cursor: str | None) -> tuple[builtins.list[Delivery], str | None]: ...


class BulkMail(Protocol):
    """SES's bulk templated e-mail (adapters/messaging.py BulkMailer)."""

    def send_bulk(self, *, template: str, destinations: list[BulkDestination]) -> list[BulkResult]: ...


class SmsSender(Protocol):
    """SNS's SMS (adapters/messaging.py Sms)."""

    def send(self, *, to: str, text: str, attributes: dict[str, str] | None = None) -> str: ...


class Queue(Protocol):
    """The jobs queue (adapters/messaging.py OutboxQueue)."""

    def send(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None: ...


@dataclass(frozen=True)
class Progress:
    """How far a group's sending is: handed over (or settled) of all, and the count of each status."""

    total: int
    sent: int
    counts: dict[str, int]


class DeliveryService:
    """Deliveries of every purpose: prepare, send paced, follow SES's events, suppress, tell the subject of failures."""

    def __init__(self, *, store: DeliveryStore, mailer: BulkMail, sms: SmsSender, queue: Queue, clock: Clock, rate: int) -> None:
        self._store = store
        self._mailer = mailer
        self._sms = sms
        self._queue = queue
        self._clock = clock
        self._rate = rate
        self._hooks: dict[str, list[FailureHook]] = {}
        self._delivered_hooks: dict[str, list[FailureHook]] = {}

    def on_failure(self, purpose: str, callback: FailureHook) -> None:
        """Call `callback(delivery)` when a delivery of this purpose fails for good (permanent failure, complaint)."""
        self._hooks.setdefault(purpose, []).append(callback)

    def on_delivered(self, purpose: str, callback: FailureHook) -> None:
        """Call `callback(delivery)` when a delivery of this purpose reached its destination (SES's Delivery event)."""
        self._delivered_hooks.setdefault(purpose, []).append(callback)

    def prepare(self, *, tenant: str, group: str, deliveries: Iterable[Delivery]) -> int:
        """Write the group's new deliveries (pending); returns the transactions it took."""
        if not tag_safe(group):
            raise RuleViolationError("Mã nhóm gửi không hợp lệ.", fields={"group": "invalid"})
        return self._store.add(tenant=tenant, group=group, deliveries=(self._checked(tenant, group, d) for d in deliveries))

    def _checked(self, tenant: str, group: str, delivery: Delivery) -> Delivery:
        if delivery.tenant != tenant or delivery.group != group or delivery.status != PENDING or not tag_safe(delivery.id):
            raise RuleViolationError("Thư mời không hợp lệ.", fields={"deliveries": "invalid"})
        if delivery.channel not in (EMAIL, SMS):
            raise RuleViolationError("Kênh gửi không hợp lệ.", fields={"channel": "invalid"})
        return delivery

    def start(self, *, tenant: str, group: str, rate: int | None = None) -> None:
        """Queue the group's first chunk on the jobs queue."""
        self._queue.send({"type": MESSAGE, "tenant": tenant, "group": group, "rate": rate or self._rate})

    def progress(self, *, tenant: str, group: str) -> Progress:
        """Sent of total, and the counts by status (one GetItem)."""
        counts = self._store.counts(tenant=tenant, group=group)
        total = counts.pop("total")
        return Progress(total, total - counts.get(PENDING, 0), counts)

    def list(
        self, *, tenant: str, group: str, limit: int = 100, cursor: str | None = None
    ) -> tuple[builtins.list[Delivery], str | None]:
        """A group's deliveries (their destinations are personal data: the caller audits the read)."""
        return self._store.list(tenant=tenant, group=group, limit=limit, cursor=cursor)

    # -- sending -------------------------------------------------------------------------------------------------

    def send_chunk(self, *, tenant: str, group: str, rate: int, receive_count: int = 1) -> int:
        """One chunk: what `rate` allows in CHUNK_SECONDS; the next chunk is queued behind it. Returns messages handled."""
        rate = max(int(rate), 1)
        limit = min(rate * CHUNK_SECONDS, MAX_CHUNK)
        batch = self._store.pending(tenant=tenant, group=group, limit=limit)
        emails = [d for d in batch if d.channel == EMAIL]
        blocked = self._store.suppressed(tenant=tenant, addresses=[d.destination for d in emails])
        self._settle_suppressed([d for d in emails if d.destination in blocked])
        by_template: dict[str, builtins.list[Delivery]] = {}
        for d in emails:
            if d.destination not in blocked:
                by_template.setdefault(d.template, []).append(d)
        for template, deliveries in by_template.items():
            for start in range(0, len(deliveries), BULK_MAX):
                self._send_emails(template, deliveries[start : start + BULK_MAX])
        texts = [d for d in batch if d.channel == SMS]
        for start in range(0, len(texts), BULK_MAX):
            self._send_texts(texts[start : start + BULK_MAX])
        if len(batch) == limit:
            delay = min(math.ceil(len(batch) / rate), MAX_DELAY)
            self._queue.send({"type": MESSAGE, "tenant": tenant, "group": group, "rate": rate}, delay_seconds=delay)
        return len(batch)

    def on_message(self, *, tenant: str, group: str, rate: int, receive_count: int = 1) -> None:
        """The jobs queue's message for one chunk."""
        self.send_chunk(tenant=tenant, group=group, rate=rate, receive_count=receive_count)

    def _claim(self, deliveries: Sequence[Delivery]) -> builtins.list[Delivery]:
        """pending → sending before the call; one that moved meanwhile (a retried chunk) is left out."""
        now = self._clock.now()
        changes = [(d, d.advance(SENDING, now)) for d in deliveries]
        wanted = [(old, new) for old, new in changes if new is not None]
        try:
            self._store.change(wanted)
            return [new for _, new in wanted]
        except ConflictError:
            claimed = []
            for old, new in wanted:
                try:
                    self._store.change([(old, new)])
                    claimed.append(new)
                except ConflictError:
                    continue
            return claimed

    def _release(self, deliveries: Sequence[Delivery], error: str) -> None:
        """A refused call: back to pending, for the chunk's retry (the queue delivers its message again)."""
        now = self._clock.now()
        self._store.change([(d, replace(d, status=PENDING, history=(*d.history, Step(now, PENDING, error)))) for d in deliveries])

    def _send_emails(self, template: str, deliveries: Sequence[Delivery]) -> None:
        claimed = self._claim(deliveries)
        if not claimed:
            return
        destinations = [
            BulkDestination(d.destination, {**d.data, **d.secret}, {"tenant": d.tenant, "group": d.group, "delivery": d.id})
            for d in claimed
        ]
        try:
            results = self._mailer.send_bulk(template=template, destinations=destinations)
        except SendRefused as exc:
            self._release(claimed, exc.code)
            raise
        except SendUncertain as exc:
            # It may have gone out: the messages stay `sending`, and SES's events settle those that did.
            logger.warning("bulk e-mail outcome unknown", extra={"group": claimed[0].group, "error": exc.code})
            return
        self._record(claimed, results)

    def _send_texts(self, deliveries: Sequence[Delivery]) -> None:
        claimed = self._claim(deliveries)
        results: builtins.list[BulkResult] = []
        for d in claimed:
            try:
                text = SMS_TEXTS[d.template](**d.data, **d.secret)
                attributes = {"tenant": d.tenant, "group": d.group, "delivery": d.id}
                results.append(BulkResult(self._sms.send(to=d.destination, text=text, attributes=attributes)))
            except (SendRefused, SendUncertain, ValueError, KeyError, TypeError) as exc:
                results.append(BulkResult(None, getattr(exc, "code", type(exc).__name__)))
        self._record(claimed, results)

    def _record(self, claimed: Sequence[Delivery], results: Sequence[BulkResult]) -> None:
        now = self._clock.now()
        taken, failed = [], []
        for d, result in zip(claimed, results, strict=False):
            if result.message_id:
                taken.append(replace(d, provider_id=result.message_id, secret={}))
            else:
                new = d.advance(TECHNICAL, now, result.error or "")
                if new is not None:
                    failed.append((d, replace(new, secret={})))
        self._store.sent(taken)
        self._store.change(failed)

    def _settle_suppressed(self, deliveries: Sequence[Delivery]) -> None:
        """A suppressed address gets no call: permanent failure at once, and the subject is told."""
        now = self._clock.now()
        for d in deliveries:
            new = d.advance(PERMANENT, now, SUPPRESSED)
            if new is not None and self._changed(d, replace(new, secret={})):
                self._failed(new)

    # -- SES events -----------------------------------------------------------------------------------------------

    def on_ses_event(self, *, event: dict[str, Any]) -> None:
        """One SES event (Delivery, Bounce, Complaint, Reject, Rendering Failure): idempotent, never a 409."""
        found = ses_event(event)
        if found is None:
            return
        delivery = self._store.get(tenant=found.tenant, group=found.group, delivery_id=found.delivery_id)
        if delivery is None:
            logger.warning("SES event for an unknown delivery", extra={"delivery": found.delivery_id})
            return
        first_suppression = False
        if found.suppress:
            reason = found.detail or "bounce"
            first_suppression = self._store.suppress(
                tenant=found.tenant, address=delivery.destination, reason=reason, at=self._clock.now()
            )
        changed = self._apply(delivery, found)
        if (changed is not None and changed.status == PERMANENT) or (first_suppression and found.status is None):
            self._failed(changed or delivery)
        elif changed is not None and changed.status == DELIVERED:
            self._tell(self._delivered_hooks, changed)

    def _apply(self, delivery: Delivery, found: SesEvent) -> Delivery | None:
        """The status change the event brings, written from the status it starts from (re-read if it moved)."""
        if found.status is None:
            return None
        for _ in range(3):
            new = delivery.advance(found.status, self._clock.now(), found.detail)
            if new is None:
                return None
            if self._changed(delivery, new):
                return new
            again = self._store.get(tenant=delivery.tenant, group=delivery.group, delivery_id=delivery.id)
            if again is None:
                return None
            delivery = again
        return None

    def _changed(self, old: Delivery, new: Delivery) -> bool:
        try:
            self._store.change([(old, new)])
        except ConflictError:
            return False
        return True

    def _failed(self, delivery: Delivery) -> None:
        self._tell(self._hooks, delivery)

    def _tell(self, hooks: dict[str, builtins.list[FailureHook]], delivery: Delivery) -> None:
        for hook in hooks.get(delivery.purpose, []):
            try:
                hook(delivery)
            except Exception:  # noqa: BLE001 - the status is written; the subject's own step must not undo it
                logger.exception("delivery hook failed", extra={"delivery": delivery.id, "purpose": delivery.purpose})
