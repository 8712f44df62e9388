"""What the timers set off (Annex 2 deadlines, Art. 6.2 approval): reminders, overdue escalation, approval waits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.adapters.stepfunctions import Timers
from chalicelib.customers.domain import TimelineEntry
from chalicelib.identity.store import UserStore
from chalicelib.notifications.domain import Notice
from chalicelib.notifications.service import NotificationService
from chalicelib.shared.clock import Clock, format_datetime
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.observability import logger
from chalicelib.shared.permissions import Role

from .domain import Request
from .parts import STATUS_LABELS, Event
from .store import RequestStore

RETRIES = 3


class RequestFlows:
    """Handlers of the outbox queue's timer messages; a late or superseded timer does nothing."""

    def __init__(self, *, store: RequestStore, users: UserStore, notifications: NotificationService, timers: Timers,
                 clock: Clock, console_url: Callable[[str], str]) -> None:
        self._store = store
        self._users = users
        self._notifications = notifications
        self._timers = timers
        self._clock = clock
        self._console_url = console_url

    def on_deadline_reminder(self, *, tenant: str, subject_id: str, timer_id: str, level: int, receive_count: int = 1) -> None:
        """At 50 % and 80 % of the time: a timeline note and an e-mail to whoever holds the request."""

        def apply(request: Request) -> list[Notice] | None:
            if not request.is_open or request.timer_id != timer_id:
                return None
            request.new_events.append(Event(self._clock.now(), "system", "deadline_reminder", f"{level}%"))
            return self._staff_notices(request, [request.assignee] if request.assignee else None, "deadline-reminder", level)

        self._update(tenant, subject_id, apply)

    def on_deadline_breached(self, *, tenant: str, subject_id: str, timer_id: str, receive_count: int = 1) -> None:
        """On the deadline: the state machine marked it overdue; note it and tell the tenant's leaders."""

        def apply(request: Request) -> list[Notice] | None:
            if not request.is_open or request.timer_id != timer_id:
                return None
            request.overdue = True
            request.new_events.append(Event(self._clock.now(), "system", "overdue_escalated", "báo lãnh đạo"))
            return self._staff_notices(request, self._leaders(tenant), "deadline-reminder", 100)

        self._update(tenant, subject_id, apply)

    def on_approval_pending(self, *, tenant: str, subject_id: str, draft_id: str, task_token: str, receive_count: int = 1) -> None:
        """Keep the approval wait's token on the draft; if the leader already decided, end the wait now."""
        decided = False

        def apply(request: Request) -> list[Notice] | None:
            nonlocal decided
            draft = next((d for d in request.drafts if d.id == draft_id), None)
            if draft is None:
                return None
            decided = draft.status != "pending"
            if decided:
                return None
            draft.task_token = task_token
            return []

        self._update(tenant, subject_id, apply)
        if decided:
            self._timers.approved(task_token=task_token)

    def on_approval_overdue(self, *, tenant: str, subject_id: str, draft_id: str, receive_count: int = 1) -> None:
        """The leader has not decided in time: note it and remind every leader of the tenant."""

        def apply(request: Request) -> list[Notice] | None:
            draft = request.pending_draft()
            if draft is None or draft.id != draft_id:
                return None
            request.new_events.append(Event(self._clock.now(), "system", "approval_overdue", "nhắc lãnh đạo phê duyệt"))
            return self._staff_notices(request, self._leaders(tenant), "deadline-reminder", 50)

        self._update(tenant, subject_id, apply)

    def _update(self, tenant: str, request_id: str, apply: Callable[[Request], list[Notice] | None]) -> None:
        """Load, apply, save — again on a concurrent change (a user may be acting on the request right now)."""
        for _ in range(RETRIES):
            found = self._store.get(tenant=tenant, request_id=request_id)
            if found is None:
                return
            request = found[0]
            notices = apply(request)
            if notices is None:
                return
            items = self._notifications.items(tenant=tenant, notices=notices)
            try:
                self._store.save([request], extra=items)
            except ConflictError:
                continue
            self._notifications.enqueue(tenant=tenant, items=items)
            return
        logger.warning("timer message gave up after concurrent changes", extra={"request_id": request_id})

    def _leaders(self, tenant: str) -> list[str]:
        return [u.login for u in self._users.list(tenant=tenant) if Role.LEADER.value in u.roles and u.enabled]

    def _staff_notices(self, request: Request, logins: list[str] | None, template: str, level: int) -> list[Notice]:
        """E-mails to staff who have an address on their profile."""
        notices = []
        for login in logins or []:
            user = self._users.get(tenant=request.tenant, login=login)
            if user is None or not user.email or not user.enabled:
                continue
            data = {"reference": request.reference, "subject": request.subject, "level": str(level),
                    "due_local": format_datetime(request.due_at) if request.due_at else "",
                    "url": f"{self._console_url(request.tenant)}/requests/{request.id}"}
            notices.append(Notice("email", user.email, template, data, request.id))
        return notices


class RequestTimeline:
    """The customer's requests, for the customer's timeline (customers.TimelineSource)."""

    def __init__(self, store: RequestStore) -> None:
        self._store = store

    def entries(self, *, tenant: str, customer_id: str) -> list[TimelineEntry]:
        """One entry per request, with its rating when there is one."""
        entries = []
        for link in self._store.for_customer(tenant=tenant, customer_id=customer_id):
            at = datetime.fromisoformat(link.received_at.replace("Z", "+00:00"))
            status = STATUS_LABELS.get(link.status, link.status)  # type: ignore[call-overload]
            rating = {"satisfied": " — hài lòng", "unsatisfied": " — chưa hài lòng"}.get(link.rating or "", "")
            entries.append(TimelineEntry(at, "request", f"{link.reference}: {link.subject}", link.request_id, f"{status}{rating}"))
        return entries
