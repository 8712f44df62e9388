"""What the timers set off (Annex 2 deadlines, Art. 6.2 approval): reminders, the overdue escalation, approval waits.

None of these rewrites the request: each writes a note beside it (with its notices, in one transaction) on the
condition that the request still wants it, so a timer never bumps the version a person is working from, and a
late, repeated or superseded timer message does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.notifications.domain import Notice
from chalicelib.shared.clock import Clock, format_datetime

from .domain import Event, Request
from .ports import Outbox, RequestStore, Staff, SystemNote, Timers


class TimerHandlers:
    """Handlers of the outbox queue's timer messages."""

    def __init__(
        self,
        *,
        store: RequestStore,
        staff: Staff,
        outbox: Outbox,
        timers: Timers,
        clock: Clock,
        console_url: Callable[[str], str],
    ) -> None:
        self._store = store
        self._staff = staff
        self._outbox = outbox
        self._timers = timers
        self._clock = clock
        self._console_url = console_url

    def on_deadline_reminder(self, *, tenant: str, subject_id: str, timer_id: str, level: int, receive_count: int = 1) -> None:
        """At 50 % and 80 % of the time: a timeline note and an e-mail to whoever holds the request."""
        request = self._store.get(tenant=tenant, request_id=subject_id)
        event = request.reminder(self._clock.now(), timer_id, int(level)) if request else None
        if request is None or event is None:
            return
        to = [email] if request.assignee and (email := self._staff.email_of(tenant=tenant, login=request.assignee)) else []
        self._note(request, f"{timer_id}-{level}", event, self._staff_notices(request, to, int(level)), timer_id=timer_id)

    def on_deadline_breached(self, *, tenant: str, subject_id: str, timer_id: str, receive_count: int = 1) -> None:
        """On the deadline, still open: note it and tell the office's leaders (it reads as overdue from now on)."""
        request = self._store.get(tenant=tenant, request_id=subject_id)
        event = request.breach(self._clock.now(), timer_id) if request else None
        if request is None or event is None:
            return
        notices = self._staff_notices(request, self._staff.leader_emails(tenant=tenant), 100)
        self._note(request, f"{timer_id}-due", event, notices, timer_id=timer_id)

    def on_approval_pending(
        self, *, tenant: str, subject_id: str, draft_id: str, task_token: str, receive_count: int = 1
    ) -> None:
        """Keep the approval wait's token beside the request; if the leader has already decided, end the wait now."""
        request = self._store.get(tenant=tenant, request_id=subject_id)
        if request is None:
            return
        if request.awaits_decision_on(draft_id):
            self._store.keep_approval_token(tenant=tenant, request_id=subject_id, draft_id=draft_id, task_token=task_token)
            # The leader may have decided between the read and the write: look once more.
            request = self._store.get(tenant=tenant, request_id=subject_id)
            if request is not None and request.awaits_decision_on(draft_id):
                return
        self._timers.approved(task_token=task_token)

    def on_approval_overdue(self, *, tenant: str, subject_id: str, draft_id: str, receive_count: int = 1) -> None:
        """The leader has not decided in time: note it and remind every leader of the office."""
        request = self._store.get(tenant=tenant, request_id=subject_id)
        event = request.approval_overdue(self._clock.now(), draft_id) if request else None
        if request is None or event is None:
            return
        notices = self._staff_notices(request, self._staff.leader_emails(tenant=tenant), 50)
        self._note(request, f"{draft_id}-approval", event, notices, draft_id=draft_id)

    def _note(
        self,
        request: Request,
        key: str,
        event: Event,
        notices: list[Notice],
        *,
        timer_id: str | None = None,
        draft_id: str | None = None,
    ) -> None:
        note = SystemNote(request.tenant, request.id, key, event, notices, timer_id=timer_id, draft_id=draft_id)
        if self._store.note(note):
            self._outbox.enqueue(tenant=request.tenant, notices=notices)

    def _staff_notices(self, request: Request, emails: list[str], level: int) -> list[Notice]:
        """The deadline e-mail to each of the staff addresses."""
        data = {
            "reference": request.reference,
            "subject": request.subject,
            "level": str(level),
            "due_local": format_datetime(request.due_at) if request.due_at else "",
            "url": f"{self._console_url(request.tenant)}/requests/{request.id}",
        }
        return [Notice("email", email, "deadline-reminder", dict(data), request.id) for email in emails]
