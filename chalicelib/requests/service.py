"""Use cases of requests: intake and every step of Art. 6 — load, apply the domain rule, save, time, notify."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.adapters.dynamo import BaseItem, tenant_key
from chalicelib.adapters.stepfunctions import Timers
from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.notifications.domain import Notice
from chalicelib.notifications.service import NotificationService
from chalicelib.shared.clock import Clock, to_local
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.tenancy import Principal

from .domain import Request, deadline_key, relay_key
from .notices import CustomerNotices
from .parts import Category, Channel, Draft, Escalation, Event, Kind, Origin, Status, Transfer
from .records import intake_key, recall_intake
from .store import RequestStore

# The leader has half the time left to the answer deadline to approve a draft, and at least this long, before the
# approval wait escalates (Art. 6.2 steps 3–4; the deadline itself is Annex 2's).
APPROVAL_MIN_SECONDS = 3600


class Deadlines(Protocol):
    """What requests need of the working-day calendar and the tenant's SLA policy (chalicelib/sla)."""

    def due_at(self, *, tenant: str, limit_key: str, start: datetime) -> datetime: ...

    def is_working_time(self, *, at: datetime) -> bool: ...


class Customers(Protocol):
    """What requests need of the customers capability."""

    def find_or_create(self, *, tenant: str, actor: Principal, data: Any) -> Any: ...

    def get(self, *, tenant: str, actor: Principal, customer_id: str, timeline: bool = True) -> Any: ...


class RequestService:
    """Requests of one tenant, and the hand-over between tenants (transfer, report back)."""

    def __init__(
        self, *, store: RequestStore, customers: Customers, deadlines: Deadlines,
        tenants: set[str], notifications: NotificationService, timers: Timers, clock: Clock, public_url: Callable[[str], str],
        staff: Callable[[str, str], bool],
    ) -> None:
        self._store = store
        self._customers = customers
        self._deadlines = deadlines
        self._tenants = tenants
        self._notifications = notifications
        self._timers = timers
        self._clock = clock
        self._notices = CustomerNotices(customers=customers, public_url=public_url, clock=clock)
        self._staff = staff

    # -- reading ------------------------------------------------------------------------------------------------

    def get(self, *, tenant: str, request_id: str) -> tuple[Request, list[Event]]:
        """A request and its timeline; another tenant's id is not found."""
        found = self._store.get(tenant=tenant, request_id=request_id)
        if found is None:
            raise NotFoundError("Không tìm thấy yêu cầu.")
        return found

    # -- intake ---------------------------------------------------------------------------------------------------

    def intake(self, *, tenant: str, actor: Principal, data: Any, idempotency_key: str | None) -> Request:
        """Art. 6.1 step 2 / 6.2 step 1: record a request from any channel, find or create the customer, start its clock."""
        now = self._clock.now()
        fingerprint = hashlib.sha256(data.model_dump_json().encode()).hexdigest()
        customer = self._customer(tenant, actor, data.customer)
        request = Request(
            id=new_id(), reference="", tenant=tenant, channel=Channel(data.channel), kind=Kind(data.kind),
            category=Category(data.category), subject=data.subject, question=data.question, customer_id=customer.id,
            customer_name=customer.display_name, received_at=data.received_at or now, recorded_at=now, created_by=actor.username,
        )
        request.reference = reference(tenant, request)
        request.record_intake(now)
        request.assignee = actor.login if request.channel is Channel.HOTLINE else None
        self._set_deadline(request, deadline_key(request.channel, 1) or "hotline_unit_handling", request.received_at)
        extra: list[BaseItem] = []
        if idempotency_key:
            extra.append(intake_key(tenant=tenant, key=idempotency_key, request_id=request.id, fingerprint=fingerprint,
                                    expires=now + timedelta(days=1)))
        try:
            self._store.save([request], extra=extra)
        except ConflictError:
            replay = self._replay(tenant, idempotency_key, fingerprint) if idempotency_key else None
            if replay is None:
                raise
            return replay
        self._start_timer(request)
        return request

    def _replay(self, tenant: str, key: str, fingerprint: str) -> Request | None:
        item = recall_intake(tenant=tenant, key=key)
        if item is None:
            return None
        if item.fingerprint != fingerprint:
            raise RuleViolationError("Idempotency-Key này đã được dùng cho một yêu cầu khác.", code="idempotency_key_reused")
        return self.get(tenant=tenant, request_id=item.request_id)[0]

    def _customer(self, tenant: str, actor: Principal, data: Any) -> Any:
        if getattr(data, "id", None):
            return self._customers.get(tenant=tenant, actor=actor, customer_id=data.id, timeline=False)
        return self._customers.find_or_create(tenant=tenant, actor=actor, data=data.identity())

    # -- actions (each: load, rule, save with version, timers, notices) -------------------------------------------

    def _load(self, tenant: str, request_id: str, version: int) -> Request:
        request, _ = self.get(tenant=tenant, request_id=request_id)
        if request.version != version:
            raise ConflictError()
        return request

    def answer(self, *, tenant: str, actor: Principal, request_id: str, version: int, text: str, knowledge_id: str | None) -> Request:
        """Hotline: answer at once or relay the units' answers (Art. 6.1 step 3a, 4)."""
        request = self._load(tenant, request_id, version)
        followed_up = request.callback is not None or bool(request.escalations) or bool(request.transfers)
        request.answer_directly(self._clock.now(), actor.username, text, knowledge_id)
        notices = self._notices.result(request, actor) if followed_up else []
        self._save_and_notify(request, notices)
        return request

    def schedule_callback(self, *, tenant: str, actor: Principal, request_id: str, version: int, at: datetime, note: str, assignee: str | None) -> Request:
        """Art. 6.1 step 3b: a callback in working hours, confirmed to the customer by SMS."""
        self._check_colleague(tenant, assignee)
        request = self._load(tenant, request_id, version)
        request.schedule_callback(self._clock.now(), actor.username, at, note, assignee, self._deadlines.is_working_time(at=at))
        notices = self._notices.callback(request, actor, at)
        self._save_and_notify(request, notices)
        return request

    def escalate(self, *, tenant: str, actor: Principal, request_id: str, version: int, unit_ids: Sequence[str], note: str) -> Request:
        """Send to one or more specialist units; the leader signs (Art. 6.1 step 3); each unit gets its own deadline."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        count = len(set(unit_ids) | {e.unit_id for e in request.escalations})
        key = deadline_key(request.channel, count) or "hotline_unit_handling"
        due = self._deadlines.due_at(tenant=tenant, limit_key=key, start=request.received_at)
        added = [Escalation(new_id(), unit, due) for unit in dict.fromkeys(unit_ids)]
        request.escalate(now, actor.username, added)
        if note:
            request.new_events[-1].detail += f" — {note}"
        self._set_deadline(request, key, request.received_at)
        self._store.save([request], unit_queue_add=[(request, e) for e in added], units=[(tenant, e.unit_id) for e in added])
        self._start_timer(request)
        return request

    def answer_escalation(self, *, tenant: str, actor: Principal, request_id: str, escalation_id: str, version: int, text: str) -> Request:
        """A unit answers its part; when all have, the relay deadline starts (Annex 2 §1 I.4, II.3)."""
        request = self._load(tenant, request_id, version)
        escalation = next((e for e in request.escalations if e.id == escalation_id), None)
        if escalation is not None and actor.unit_id != escalation.unit_id:
            raise ForbiddenError("Chỉ đơn vị được chuyển mới trả lời lượt chuyển này.", code="not_your_unit")
        done = request.answer_escalation(self._clock.now(), actor.username, escalation_id, text)
        if done:
            self._set_deadline(request, relay_key(request.channel), self._clock.now())
        self._store.save([request], unit_queue_remove=[(request, escalation)] if escalation else [])
        if done:
            self._start_timer(request)
        return request

    def transfer(self, *, tenant: str, actor: Principal, request_id: str, version: int, to_tenant: str, to_unit: str | None, note: str) -> Request:
        """Art. 6.1 step 3: hand over to a provincial office; it gets its own copy of the request and the customer."""
        request = self._load(tenant, request_id, version)
        if to_tenant not in self._tenants:
            raise RuleViolationError("Không có đơn vị nhận này.", fields={"to_tenant": "unknown"})
        now = self._clock.now()
        due = self._deadlines.due_at(tenant=tenant, limit_key=deadline_key(request.channel, 1) or "hotline_unit_handling", start=now)
        source = self._customers.get(tenant=tenant, actor=actor, customer_id=request.customer_id, timeline=False)
        copy = self._customers.find_or_create(tenant=to_tenant, actor=actor, data=identity_of(source))
        remote = Request(
            id=new_id(), reference="", tenant=to_tenant, channel=request.channel, kind=request.kind, category=request.category,
            subject=request.subject, question=request.question + (f"\n\n[Ghi chú chuyển: {note}]" if note else ""),
            customer_id=copy.id, customer_name=copy.display_name, received_at=now, recorded_at=now, created_by=actor.username,
            origin=None, due_at=due,
        )
        remote.reference = reference(to_tenant, remote)
        remote.unit_id = to_unit
        transfer = Transfer(new_id(), to_tenant, to_unit, due, remote.id)
        remote.origin = Origin(tenant, request.id, transfer.id)
        remote.new_events.append(Event(now, actor.username, "received_by_transfer", f"{tenant}/{request.reference}"))
        request.transfer(now, actor.username, transfer)
        remote.timer_id = _timer_id()
        request.due_at, request.timer_id = due, _timer_id()  # the CCC's clock now follows the transfer's deadline
        self._store.save([request, remote], units=[(to_tenant, to_unit)] if to_unit else [], units_field="to_unit")
        self._start_timer(remote)
        self._start_timer(request)
        return request

    def report_back(self, *, tenant: str, actor: Principal, request_id: str, version: int, result: str) -> Request:
        """The receiving office reports its result to the CCC, which relays it (Art. 6.1 step 3–4)."""
        request = self._load(tenant, request_id, version)
        origin = request.check_can_report_back()
        source, _ = self.get(tenant=origin.tenant, request_id=origin.request_id)
        now = self._clock.now()
        source.receive_report(now, actor.username, origin.transfer_id, result)
        if source.status is Status.OPEN:
            self._set_deadline(source, relay_key(source.channel), now)
        request.new_events.append(Event(now, actor.username, "reported_back", origin.tenant))
        self._store.save([request, source])
        self._start_timer(source)
        return request

    def draft(self, *, tenant: str, actor: Principal, request_id: str, version: int, text: str) -> Request:
        """Art. 6.2 step 3: draft the answer; the leader's approval is awaited (with a time-out that escalates)."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        draft = Draft(new_id(), text, actor.username, now)
        request.add_draft(now, draft)
        self._store.save([request])
        due = request.due_at or now + timedelta(days=1)
        self._timers.start_approval(tenant=tenant, subject_id=request.id, draft_id=draft.id,
                                    timeout_seconds=int(max((due - now).total_seconds() * 0.5, APPROVAL_MIN_SECONDS)))
        return request

    def approve(self, *, tenant: str, actor: Principal, request_id: str, version: int, draft_id: str, note: str = "") -> Request:
        """Art. 6.2 steps 3–4: the leader approves; the answer goes to the customer with a survey link."""
        request = self._load(tenant, request_id, version)
        draft = request.approve(self._clock.now(), actor.username, draft_id, note)
        notices, extra = self._notices.written_answer(request, actor)
        self._save_and_notify(request, notices, extra)
        if draft.task_token:
            self._timers.approved(task_token=draft.task_token)
        return request

    def reject_draft(self, *, tenant: str, actor: Principal, request_id: str, version: int, draft_id: str, note: str) -> Request:
        """The leader returns the draft with a note."""
        request = self._load(tenant, request_id, version)
        draft = request.return_draft(self._clock.now(), actor.username, draft_id, note)
        self._store.save([request])
        if draft.task_token:
            self._timers.approved(task_token=draft.task_token)
        return request

    def rate(self, *, tenant: str, actor: Principal, request_id: str, version: int, satisfied: bool, reason: str, remedy: str) -> Request:
        """Art. 6.1 step 4: record the rating; "not satisfied" opens a follow-up with the reason and remedy."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        saved = [request]
        if request.rate(now, actor.username, satisfied, reason, remedy):
            follow = Request(
                id=new_id(), reference="", tenant=tenant, channel=request.channel, kind=request.kind, category=request.category,
                subject=f"Theo dõi: {request.subject}"[:200], question=f"Khách hàng chưa hài lòng: {reason}\nĐề xuất: {remedy}",
                customer_id=request.customer_id, customer_name=request.customer_name, received_at=now, recorded_at=now,
                created_by=actor.username, follow_up_of=request.id, assignee=request.assignee,
            )
            follow.reference = reference(tenant, follow)
            follow.new_events.append(Event(now, actor.username, "follow_up_opened", request.reference))
            self._set_deadline(follow, deadline_key(follow.channel, 1) or "hotline_unit_handling", now)
            request.follow_up_id = follow.id
            saved.append(follow)
        self._store.save(saved)
        for item in saved[1:]:
            self._start_timer(item)
        return request

    def close(self, *, tenant: str, actor: Principal, request_id: str, version: int) -> Request:
        """Art. 6.1 step 5: close."""
        request = self._load(tenant, request_id, version)
        request.close(self._clock.now(), actor.username)
        self._store.save([request])
        return request

    def reopen(self, *, tenant: str, actor: Principal, request_id: str, version: int, reason: str) -> Request:
        """Open again with a fresh deadline."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        key = deadline_key(request.channel, 1) or "hotline_unit_handling"
        request.reopen(now, actor.username, reason, self._deadlines.due_at(tenant=tenant, limit_key=key, start=now))
        request.timer_id = _timer_id()
        self._store.save([request])
        self._start_timer(request)
        return request

    def assign(self, *, tenant: str, actor: Principal, request_id: str, version: int, assignee: str | None) -> Request:
        """Hand the request to a colleague (or back to the shared queue)."""
        self._check_colleague(tenant, assignee)
        request = self._load(tenant, request_id, version)
        request.assignee = assignee
        request.new_events.append(Event(self._clock.now(), actor.username, "assigned", assignee or "—"))
        self._store.save([request])
        return request

    # -- helpers --------------------------------------------------------------------------------------------------

    def _check_colleague(self, tenant: str, login: str | None) -> None:
        if login is not None and not self._staff(tenant, login):
            raise RuleViolationError("Không có cán bộ đang hoạt động với tên đăng nhập này.", fields={"assignee": "unknown"})

    def _set_deadline(self, request: Request, key: str, start: datetime) -> None:
        request.due_at = self._deadlines.due_at(tenant=request.tenant, limit_key=key, start=start)
        request.overdue = False
        request.timer_id = _timer_id()

    def _start_timer(self, request: Request) -> None:
        if not request.is_open or request.due_at is None or request.timer_id is None:
            return
        now = self._clock.now()
        span = max(request.due_at - now, timedelta(seconds=3))
        self._timers.start_deadline(
            tenant=request.tenant, pk=tenant_key(request.tenant, "REQ", request.id), sk="REQ", subject_id=request.id,
            timer_id=request.timer_id, remind_50=now + span * 0.5, remind_80=now + span * 0.8, due=max(request.due_at, now + span),
        )

    def survey_url(self, request: Request) -> str | None:
        """The customer's survey link, once an answer went out."""
        return self._notices.survey_url(request)

    def _save_and_notify(self, request: Request, notices: list[Notice], extra: Sequence[BaseItem] = ()) -> None:
        items = self._notifications.items(tenant=request.tenant, notices=notices)
        self._store.save([request], extra=[*extra, *items])
        self._notifications.enqueue(tenant=request.tenant, items=items)


def identity_of(customer: Any) -> CustomerIdentity:
    """The identity fields of a stored customer, to find or create the same person in another tenant."""
    names = CustomerIdentity.model_fields.keys() - {"kind"}
    return CustomerIdentity(kind=customer.kind, **{n: getattr(customer, n) for n in names if getattr(customer, n, None)})


def _timer_id() -> str:
    return secrets.token_hex(4)


def reference(tenant: str, request: Request) -> str:
    """A reference people can read out on the phone: HANOI-261122-7K3Q."""
    return f"{tenant.upper()}-{to_local(request.received_at).strftime('%y%m%d')}-{request.id[-4:]}"

