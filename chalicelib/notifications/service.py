"""Delivering notices through the outbox: written with the change, sent by the worker, retried, never lost."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from chalicelib.adapters.messaging import Mailer, OutboxQueue, SendRefused, SendUncertain, Sms
from chalicelib.shared.clock import Clock, iso, parse_iso
from chalicelib.shared.errors import AppError, ConflictError, NotFoundError
from chalicelib.shared.observability import logger

from .domain import (
    FAILED,
    OUTCOME_UNKNOWN,
    PENDING,
    SENDING,
    SENT,
    UNSETTLED_AFTER,
    Notice,
    claim_expired,
    sms_text,
    status_after_refusal,
)
from .store import OutboxItem, OutboxStore


class NoticeBusyError(Exception):
    """Another delivery of the notice holds its claim; the queue brings this message back later."""


class NotificationService:
    """Turns notices into outbox items, enqueues them, delivers them, and lets staff resend failed ones."""

    def __init__(self, *, store: OutboxStore, queue: OutboxQueue, mailer: Mailer, sms: Sms, clock: Clock) -> None:
        self._store = store
        self._queue = queue
        self._mailer = mailer
        self._sms = sms
        self._clock = clock

    def enqueue(self, *, tenant: str, notices: Iterable[Notice]) -> None:
        """Tell the worker (after the transaction committed); a failed enqueue is logged — the sweep queues it again."""
        for notice in notices:
            self._send_message(tenant, notice.id)

    def _send_message(self, tenant: str, notice_id: str) -> None:
        try:
            self._queue.send({"type": "notice", "tenant": tenant, "notice_id": notice_id})
        except Exception:  # noqa: BLE001 - the notice is safe in the outbox; it must not fail the user's action
            logger.exception("outbox enqueue failed", extra={"notice_id": notice_id})

    def deliver(self, *, tenant: str, notice_id: str, receive_count: int = 1) -> None:
        """Send one notice at most once: claim it, send, record the outcome.

        SQS delivers a message at least once, and neither SES nor SNS takes an idempotency key, so the claim (a
        conditional pending → sending) is what stops a second delivery, or a retry after the send's own record
        failed, from sending again. A refused send raises so the queue retries it; the last try marks it failed.
        """
        item = self._store.get(tenant=tenant, notice_id=notice_id)
        if item is None or item.status in (SENT, FAILED):
            return
        now = self._clock.now()
        if item.status == SENDING:
            self._settle_claim(item, now)
            return
        if not self._store.claim(item, at=now):
            raise NoticeBusyError(notice_id)
        try:
            provider_id = self._send(item)
        except SendUncertain as exc:
            logger.warning("notice send outcome unknown; listed as failed", extra={"notice_id": notice_id, "error": exc.code})
            self._store.abandon(item, error=OUTCOME_UNKNOWN)
            return
        except Exception as exc:
            code = exc.code if isinstance(exc, SendRefused) else type(exc).__name__
            status = status_after_refusal(receive_count=receive_count, attempts=int(item.attempts or 0))
            self._store.release(item, status=status, error=code)
            raise
        self._sent(tenant, notice_id, provider_id)

    def _settle_claim(self, item: OutboxItem, now: datetime) -> None:
        """Another delivery holds the notice: wait for it (the queue brings this message back), or, once its
        attempt has certainly ended without recording an outcome, list the notice as failed (it may have gone out)."""
        if not claim_expired(parse_iso(item.claimed_at or iso(now)), now):
            raise NoticeBusyError(item.SK)
        logger.warning("notice claim abandoned; listed as failed", extra={"notice_id": item.SK})
        self._store.abandon(item, error=OUTCOME_UNKNOWN)

    def _sent(self, tenant: str, notice_id: str, provider_id: str) -> None:
        """Record a send; if the table refuses, the outcome travels through the queue instead (never a resend)."""
        try:
            self._store.record_sent(tenant=tenant, notice_id=notice_id, provider_id=provider_id, at=self._clock.now())
        except AppError:
            logger.warning("notice sent but not recorded; queued the record", extra={"notice_id": notice_id})
            self._queue.send({"type": "notice_sent", "tenant": tenant, "notice_id": notice_id, "provider_id": provider_id})

    def record_sent(self, *, tenant: str, notice_id: str, provider_id: str, receive_count: int = 1) -> None:
        """The queued record of a send whose first record failed (a retry writes the same)."""
        self._store.record_sent(tenant=tenant, notice_id=notice_id, provider_id=provider_id, at=self._clock.now())

    def _send(self, item: OutboxItem) -> str:
        data: dict[str, Any] = {**(item.data or {}), **(item.secret or {})}
        if item.channel == "sms":
            return self._sms.send(to=item.to, text=sms_text(item.template, data))
        return self._mailer.send(to=item.to, template=item.template, data=data)

    def sweep(self, *, tenant: str, limit: int = 100) -> tuple[int, int]:
        """Notices still unsettled long after the queue's retries ended (an enqueue that failed after the commit, an
        attempt that ended without recording its outcome): queue a pending one again (the claim keeps it to one
        send), list an abandoned claim as failed. Returns (queued again, listed as failed)."""
        now = self._clock.now()
        requeued = abandoned = 0
        for item in self._store.unsettled(tenant=tenant, created_before=now - UNSETTLED_AFTER, limit=limit):
            if item.status == PENDING:
                self._send_message(tenant, item.SK)
                requeued += 1
            elif item.status == SENDING and claim_expired(parse_iso(item.claimed_at or item.created_at), now):
                abandoned += self._store.abandon(item, error=OUTCOME_UNKNOWN)
        return requeued, abandoned

    def failed(self, *, tenant: str) -> list[OutboxItem]:
        """Notices that could not be delivered after every retry (the dead-letter view of this tenant)."""
        return self._store.by_status(tenant=tenant, status="failed")

    def resend(self, *, tenant: str, notice_id: str) -> OutboxItem:
        """Put a failed notice back in the queue."""
        item = self._store.get(tenant=tenant, notice_id=notice_id)
        if item is None:
            raise NotFoundError("Không tìm thấy thông báo.")
        if item.status == SENT:
            raise ConflictError("Thông báo đã được gửi.", code="already_sent")
        if item.status != FAILED:
            raise ConflictError("Thông báo đang được gửi, chưa thể gửi lại.", code="in_progress")
        self._store.reopen(item)
        self._send_message(tenant, item.SK)
        return item


class Worker:
    """Handles the outbox queue's messages by type; handlers are registered by bootstrap."""

    def __init__(self, handlers: dict[str, Callable[..., None]]) -> None:
        self._handlers = handlers

    def handle(self, message: dict[str, Any], receive_count: int = 1) -> None:
        """Run the handler of the message's type (unknown types are logged and dropped)."""
        kind = str(message.get("type", ""))
        handler = self._handlers.get(kind)
        if handler is None:
            logger.warning("unknown outbox message", extra={"type": kind})
            return
        logger.append_keys(tenant=message.get("tenant"))
        fields = {k: v for k, v in message.items() if k != "type"}
        handler(receive_count=receive_count, **fields)
