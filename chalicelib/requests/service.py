"""Use cases of requests: intake and every step of Art. 6 — load, call one method of the aggregate, commit the
change (the request, its steps, its notices and records in one transaction), then start timers and send notices."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from chalicelib.customers.domain import Customer, CustomerRecord
from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.links.domain import issue as issue_link
from chalicelib.notifications.domain import Notice
from chalicelib.shared.clock import Clock, to_local
from chalicelib.shared.errors import ConflictError, MalformedError, NotFoundError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.tenancy import Principal, across

from .domain import Category, Channel, Deadline, Draft, Escalation, Kind, Request, Transfer, deadline_key, reference_of, relay_key
from .notices import SURVEY_LINK_DAYS, CustomerNotices
from .ports import (
    Change,
    Citations,
    Customers,
    Deadlines,
    IntakeRecord,
    NoCitations,
    Outbox,
    RequestStore,
    Staff,
    SurveyLink,
    SurveyLinkStates,
    Timers,
    UnitRef,
)
from .timing import approval_timeout, deadline_timer

# The leader has half the time left to the answer deadline to approve a draft, and at least this long, before the
# approval wait escalates (Art. 6.2 steps 3–4; the deadline itself is Annex 2's).
APPROVAL_MIN_SECONDS = 3600
IDEMPOTENCY_KEY_MAX = 128


class RequestService:
    """Requests of one tenant, and the hand-over between tenants (transfer, report back)."""

    def __init__(
        self,
        *,
        store: RequestStore,
        customers: Customers,
        deadlines: Deadlines,
        tenants: set[str],
        outbox: Outbox,
        timers: Timers,
        staff: Staff,
        clock: Clock,
        public_url: Callable[[str], str],
        citations: Citations | None = None,
        links: SurveyLinkStates | None = None,
    ) -> None:
        self._store = store
        self._links = links
        self._citations: Citations = citations or NoCitations()
        self._customers = customers
        self._deadlines = deadlines
        self._tenants = tenants
        self._outbox = outbox
        self._timers = timers
        self._staff = staff
        self._clock = clock
        self._notices = CustomerNotices(public_url=public_url)

    # -- reading ------------------------------------------------------------------------------------------------

    def get(self, *, tenant: str, request_id: str) -> Request:
        """A request with its timeline; another tenant's id is not found."""
        found = self._store.get(tenant=tenant, request_id=request_id)
        if found is None:
            raise NotFoundError("Không tìm thấy yêu cầu.")
        return found

    def survey(self, request: Request) -> dict[str, Any] | None:
        """The state of the answer's survey link (sent, valid until, opened, answered), once a written answer went out.

        The link's URL cannot be shown again: only the token's hash is kept (README "Migration notes")."""
        if not request.survey_link_id or self._links is None:
            return None
        link = self._links.state(tenant=request.tenant, link_id=request.survey_link_id)
        if link is None:
            return None
        return {
            "sent_at": link.issued_at,
            "valid_until": link.valid_until,
            "opened_at": link.opened_at,
            "answered_at": link.used_at,
        }

    # -- intake ---------------------------------------------------------------------------------------------------

    def intake(self, *, tenant: str, actor: Principal, data: Any, idempotency_key: str | None) -> Request:
        """Art. 6.1 step 2 / 6.2 step 1: record a request from any channel, find or create the customer, start its clock.

        Everything is checked before anything is written, and the new customer goes into the request's own
        transaction: a refused intake leaves no customer and no audit entry behind.
        """
        if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX:
            raise MalformedError(
                f"Idempotency-Key dài tối đa {IDEMPOTENCY_KEY_MAX} ký tự.", fields={"Idempotency-Key": "too_long"}
            )
        fingerprint = hashlib.sha256(data.model_dump_json().encode()).hexdigest()
        if idempotency_key:
            replay = self._replay(tenant, idempotency_key, fingerprint)
            if replay is not None:
                return replay
        for attempt in range(2):
            request, change = self._intake_change(tenant, actor, data, idempotency_key, fingerprint)
            try:
                self._store.commit(change)
                break
            except ConflictError:
                replay = self._replay(tenant, idempotency_key, fingerprint) if idempotency_key else None
                if replay is not None:
                    return replay
                if attempt or not change.creates_customer:
                    raise
                # Another intake created this customer meanwhile: matching again finds its record.
        self._start_timer(request)
        return request

    def _intake_change(
        self, tenant: str, actor: Principal, data: Any, idempotency_key: str | None, fingerprint: str
    ) -> tuple[Request, Change]:
        now = self._clock.now()
        found = self._customer(tenant, actor, data.customer)
        request = Request(
            id=new_id(),
            reference="",
            tenant=tenant,
            channel=Channel(data.channel),
            kind=Kind(data.kind),
            category=Category(data.category),
            subject=data.subject,
            question=data.question,
            customer_id=found.customer.id,
            customer_name=found.customer.display_name,
            received_at=data.received_at or now,
            recorded_at=now,
            created_by=actor.username,
            assignee=actor.login if data.channel == "hotline" else None,
        )
        request.reference = reference_of(request)
        request.record_intake(now)
        self._set_deadline(request, deadline_key(request.channel, 1), request.received_at)
        record = IntakeRecord(idempotency_key, request.id, fingerprint, now + timedelta(days=1)) if idempotency_key else None
        return request, Change([request], intake=record, customers=[found])

    def _replay(self, tenant: str, key: str, fingerprint: str) -> Request | None:
        record = self._store.intake_record(tenant=tenant, key=key)
        if record is None:
            return None
        if record.fingerprint != fingerprint:
            raise RuleViolationError("Idempotency-Key này đã được dùng cho một yêu cầu khác.", code="idempotency_key_reused")
        return self.get(tenant=tenant, request_id=record.request_id)

    def _customer(self, tenant: str, actor: Principal, data: Any) -> CustomerRecord:
        if getattr(data, "id", None):
            return self._customers.read(tenant=tenant, actor=actor, customer_id=data.id, via="intake")
        return self._customers.match(tenant=tenant, actor=actor, data=data.identity())

    # -- the steps (each: load, one method of the aggregate, commit, then timers and notices) ---------------------

    def _load(self, tenant: str, request_id: str, version: int) -> Request:
        request = self.get(tenant=tenant, request_id=request_id)
        if request.version != version:
            raise ConflictError()
        return request

    def answer(
        self, *, tenant: str, actor: Principal, request_id: str, version: int, text: str, knowledge_id: str | None
    ) -> Request:
        """Hotline: answer at once or relay the units' answers (Art. 6.1 step 3a, 4)."""
        request = self._load(tenant, request_id, version)
        followed_up = request.callback is not None or bool(request.escalations) or bool(request.transfers)
        now = self._clock.now()
        request.answer_directly(now, actor, text, knowledge_id)
        if knowledge_id:  # the cited entry must be one an agent may answer from today (issue 8), or nothing is written
            self._citations.require_citable(tenant=tenant, entry_id=knowledge_id, on=to_local(now).date())
        self._commit(
            self._telling(request, actor, lambda customer: self._notices.result(request, customer))
            if followed_up
            else Change([request])
        )
        if knowledge_id:
            self._citations.cited(tenant=tenant, entry_id=knowledge_id, at=now)
        return request

    def schedule_callback(
        self, *, tenant: str, actor: Principal, request_id: str, version: int, at: datetime, note: str, assignee: str | None
    ) -> Request:
        """Art. 6.1 step 3b: a callback in working hours, confirmed to the customer by SMS."""
        self._check_colleague(tenant, assignee)
        request = self._load(tenant, request_id, version)
        request.schedule_callback(self._clock.now(), actor, at, note, assignee, self._deadlines.is_working_time(at=at))
        self._commit(self._telling(request, actor, lambda customer: self._notices.callback(request, customer, at)))
        return request

    def escalate(
        self, *, tenant: str, actor: Principal, request_id: str, version: int, unit_ids: Sequence[str], note: str
    ) -> Request:
        """Send to one or more specialist units; the leader signs (Art. 6.1 step 3); each unit gets its own deadline."""
        request = self._load(tenant, request_id, version)
        units = list(dict.fromkeys(unit_ids))
        key = deadline_key(request.channel, request.units_concerned(units))
        due = self._deadlines.due_at(tenant=tenant, limit_key=key, start=request.received_at)
        added = [Escalation(new_id(), unit, due) for unit in units]
        request.escalate(self._clock.now(), actor, added, note)
        self._set_deadline(request, key, request.received_at)
        self._commit(Change([request], escalated=added, units=[UnitRef(tenant, unit, "unit_ids") for unit in units]))
        self._start_timer(request)
        return request

    def answer_escalation(
        self, *, tenant: str, actor: Principal, request_id: str, escalation_id: str, version: int, text: str
    ) -> Request:
        """A unit answers its part; when all have, the relay deadline starts (Annex 2 §1 I.4, II.3)."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        if request.answer_escalation(now, actor, escalation_id, text):
            self._set_deadline(request, relay_key(request.channel), now)
        answered = [e for e in request.escalations if e.id == escalation_id]
        self._commit(Change([request], answered=answered))
        self._start_timer(request)
        return request

    def transfer(
        self, *, tenant: str, actor: Principal, request_id: str, version: int, to_tenant: str, to_unit: str | None, note: str
    ) -> Request:
        """Art. 6.1 step 3: the CCC hands over to a provincial office, which gets its own copy of the request and customer.

        The copy of the customer is written with the hand-over, so a refused transfer (an unknown or closed unit, a
        stale version) leaves nothing in the province.
        """
        for attempt in range(2):
            request = self._load(tenant, request_id, version)
            request.check("transfer", actor)
            if to_tenant not in self._tenants:
                raise RuleViolationError("Không có đơn vị nhận này.", fields={"to_tenant": "unknown"})
            now = self._clock.now()
            key = deadline_key(request.channel, 1)
            due = self._deadlines.due_at(tenant=tenant, limit_key=key, start=now)
            transfer = Transfer(new_id(), to_tenant, to_unit, due, new_id())
            request.transfer(now, actor, transfer)
            source = self._customers.read(tenant=tenant, actor=actor, customer_id=request.customer_id, via="transfer")
            with across(to_tenant):  # the receiving office's copy of the customer and of the request
                copy = self._customers.match(tenant=to_tenant, actor=actor, data=identity_of(source.customer))
                remote = request.hand_over(now, actor, transfer, (copy.customer.id, copy.customer.display_name), note)
                self._set_deadline(remote, key, now)
                self._set_deadline(request, key, now)  # the CCC's clock now follows the transfer's deadline
                units = [UnitRef(to_tenant, to_unit, "to_unit")] if to_unit else []
                change = Change([request, remote], units=units, customers=[source, copy])
                try:
                    self._commit(change)
                    break
                except ConflictError:
                    if attempt or not change.creates_customer:
                        raise
                    # The province created this customer meanwhile (an intake): the next round matches its record.
        self._start_timer(remote)
        self._start_timer(request)
        return request

    def report_back(self, *, tenant: str, actor: Principal, request_id: str, version: int, result: str) -> Request:
        """The receiving office reports its result to the CCC, which relays it (Art. 6.1 step 3–4)."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        origin = request.report_back(now, actor)
        with across(origin.tenant):  # the CCC's request the report goes back to
            source = self.get(tenant=origin.tenant, request_id=origin.request_id)
            if source.receive_report(now, actor, origin.transfer_id, result):
                self._set_deadline(source, relay_key(source.channel), now)
            self._commit(Change([request, source]))
        self._start_timer(source)
        return request

    def draft(self, *, tenant: str, actor: Principal, request_id: str, version: int, text: str) -> Request:
        """Art. 6.2 step 3: draft the answer; the leader's approval is awaited (with a time-out that escalates)."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        draft = Draft(new_id(), text, actor.username, now)
        request.draft(now, actor, draft)
        self._commit(Change([request]))
        timeout = approval_timeout(due=request.due_at, drafted_at=now, now=now, minimum_seconds=APPROVAL_MIN_SECONDS)
        self._timers.start_approval(tenant=tenant, subject_id=request.id, draft_id=draft.id, timeout_seconds=timeout)
        return request

    def approve(self, *, tenant: str, actor: Principal, request_id: str, version: int, draft_id: str, note: str = "") -> Request:
        """Art. 6.2 steps 3–5: the leader approves; the answer goes to the customer with a single-use survey link."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        issued = issue_link()
        draft = request.approve(now, actor, draft_id, note, issued.link_id)
        link = SurveyLink(
            issued.link_id, request.id, request.customer_id, request.channel.value, now, now + timedelta(days=SURVEY_LINK_DAYS)
        )
        change = self._telling(request, actor, lambda customer: self._notices.written_answer(request, customer, issued.token))
        change.survey_link = link
        self._commit(change)
        if draft.task_token:
            self._timers.approved(task_token=draft.task_token)
        return request

    def reject_draft(self, *, tenant: str, actor: Principal, request_id: str, version: int, draft_id: str, note: str) -> Request:
        """The leader returns the draft with a note; the approval wait ends."""
        request = self._load(tenant, request_id, version)
        draft = request.reject_draft(self._clock.now(), actor, draft_id, note)
        self._commit(Change([request]))
        if draft.task_token:
            self._timers.approved(task_token=draft.task_token)
        return request

    def rate(
        self, *, tenant: str, actor: Principal, request_id: str, version: int, satisfied: bool, reason: str, remedy: str
    ) -> Request:
        """Art. 6.1 step 4: record the rating; "not satisfied" opens a follow-up with the reason and remedy."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        changed = [request]
        if request.rate(now, actor, satisfied, reason, remedy):
            follow = request.open_follow_up(now, actor, new_id(), reason.strip(), remedy.strip())
            self._set_deadline(follow, deadline_key(follow.channel, 1), now)
            changed.append(follow)
        self._commit(Change(changed))
        for follow in changed[1:]:
            self._start_timer(follow)
        return request

    def close(self, *, tenant: str, actor: Principal, request_id: str, version: int) -> Request:
        """Art. 6.1 step 5: close."""
        request = self._load(tenant, request_id, version)
        request.close(self._clock.now(), actor)
        self._commit(Change([request]))
        return request

    def reopen(self, *, tenant: str, actor: Principal, request_id: str, version: int, reason: str) -> Request:
        """Open again with a fresh deadline."""
        request = self._load(tenant, request_id, version)
        now = self._clock.now()
        request.reopen(now, actor, reason)
        self._set_deadline(request, deadline_key(request.channel, 1), now)
        self._commit(Change([request]))
        self._start_timer(request)
        return request

    def assign(self, *, tenant: str, actor: Principal, request_id: str, version: int, assignee: str | None) -> Request:
        """Hand an open request to a colleague (or back to the shared queue)."""
        self._check_colleague(tenant, assignee)
        request = self._load(tenant, request_id, version)
        request.assign(self._clock.now(), actor, assignee)
        self._commit(Change([request]))
        return request

    # -- helpers --------------------------------------------------------------------------------------------------

    def _check_colleague(self, tenant: str, login: str | None) -> None:
        if login is not None and not self._staff.is_active(tenant=tenant, login=login):
            raise RuleViolationError("Không có cán bộ đang hoạt động với tên đăng nhập này.", fields={"assignee": "unknown"})

    def _telling(self, request: Request, actor: Principal, notices: Callable[[Customer], list[Notice]]) -> Change:
        """The change of a step that tells the customer: the notices, and the read of their contact details (audited
        in the same transaction, so a refused step records no read)."""
        contact = self._customers.read(tenant=request.tenant, actor=actor, customer_id=request.customer_id, via="notice")
        return Change([request], notices=notices(contact.customer), customers=[contact])

    def _set_deadline(self, request: Request, key: str, start: datetime) -> None:
        due = self._deadlines.due_at(tenant=request.tenant, limit_key=key, start=start)
        request.set_deadline(Deadline(due, start, secrets.token_hex(4)))

    def _start_timer(self, request: Request) -> None:
        """Watch the request's deadline: reminders at the SLA's points still ahead, then the deadline itself.

        A deadline already missed when the clock starts (a backdated letter) gets no reminders; its timer goes
        straight to the breach, which tells the leaders.
        """
        timer = deadline_timer(request, deadlines=self._deadlines, now=self._clock.now())
        if timer is not None and request.timer_id is not None:
            self._timers.start_deadline(
                tenant=request.tenant, subject_id=request.id, timer_id=request.timer_id, reminders=timer.reminders, due=timer.due
            )

    def _commit(self, change: Change) -> None:
        self._store.commit(change)
        if change.notices:
            self._outbox.enqueue(tenant=change.requests[0].tenant, notices=change.notices)


def identity_of(customer: Any) -> CustomerIdentity:
    """The identity fields of a stored customer, to find or create the same person in another tenant."""
    names = CustomerIdentity.model_fields.keys() - {"kind"}
    return CustomerIdentity(kind=customer.kind, **{n: getattr(customer, n) for n in names if getattr(customer, n, None)})
