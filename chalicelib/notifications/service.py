"""Delivering notices through the outbox: written with the change, sent by the worker, retried, never lost."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from chalicelib.adapters.messaging import Mailer, OutboxQueue, Sms
from chalicelib.shared.clock import Clock, iso
from chalicelib.shared.errors import ConflictError, NotFoundError
from chalicelib.shared.observability import logger

from .domain import MAX_ATTEMPTS, Notice, sms_text
from .store import OutboxItem, OutboxStore


class NotificationService:
    """Turns notices into outbox items, enqueues them, delivers them, and lets staff resend failed ones."""

    def __init__(self, *, store: OutboxStore, queue: OutboxQueue, mailer: Mailer, sms: Sms, clock: Clock) -> None:
        self._store = store
        self._queue = queue
        self._mailer = mailer
        self._sms = sms
        self._clock = clock

    def enqueue(self, *, tenant: str, notices: Iterable[Notice]) -> None:
        """Tell the worker (after the transaction committed); a failed enqueue is logged — resend picks it up."""
        for notice in notices:
            self._send_message(tenant, notice.id)

    def _send_message(self, tenant: str, notice_id: str) -> None:
        try:
            self._queue.send({"type": "notice", "tenant": tenant, "notice_id": notice_id})
        except Exception:  # noqa: BLE001 - the notice is safe in the outbox; it must not fail the user's action
            logger.exception("outbox enqueue failed", extra={"notice_id": notice_id})

    def deliver(self, *, tenant: str, notice_id: str, receive_count: int = 1) -> None:
        """Send one notice once; a failure raises so the queue retries, and the last try marks it failed."""
        item = self._store.get(tenant=tenant, notice_id=notice_id)
        if item is None or item.status == "sent":
            return
        try:
            item.provider_id = self._send(item)
        except Exception as exc:
            item.attempts = (item.attempts or 0) + 1
            item.last_error = type(exc).__name__
            item.status = "failed" if receive_count >= MAX_ATTEMPTS else "pending"
            self._save_quietly(item)
            raise
        item.status, item.sent_at, item.last_error = "sent", iso(self._clock.now()), None
        self._save_quietly(item)

    def _send(self, item: OutboxItem) -> str:
        data: dict[str, Any] = dict(item.data or {})
        if item.channel == "sms":
            return self._sms.send(to=item.to, text=sms_text(item.template, data))
        return self._mailer.send(to=item.to, template=item.template, data=data)

    def _save_quietly(self, item: OutboxItem) -> None:
        try:
            self._store.save(item)
        except ConflictError:
            logger.info("notice state changed concurrently", extra={"notice_id": item.SK})

    def failed(self, *, tenant: str) -> list[OutboxItem]:
        """Notices that could not be delivered after every retry (the dead-letter view of this tenant)."""
        return self._store.by_status(tenant=tenant, status="failed")

    def resend(self, *, tenant: str, notice_id: str) -> OutboxItem:
        """Put a failed notice back in the queue."""
        item = self._store.get(tenant=tenant, notice_id=notice_id)
        if item is None:
            raise NotFoundError("Không tìm thấy thông báo.")
        if item.status == "sent":
            raise ConflictError("Thông báo đã được gửi.", code="already_sent")
        item.status, item.attempts = "pending", 0
        self._store.save(item)
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
