"""A request (yêu cầu) and its life cycle — Decision 681 Art. 5–6 and Annex 2. Pure: time comes in as `now`.

Every change of state is a method here that checks its own preconditions (`check`), so the service only loads,
calls one method, saves and sends what the aggregate recorded. `allowed_actions` (domain/actions.py) asks the
same checks, so what the console offers is exactly what the API accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import AppError, ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.permissions import CENTRAL_TENANT, Permission, permissions_of
from chalicelib.shared.tenancy import Principal

from ..messages import REDACTED_NAME, REDACTED_TEXT, STATUS_LABELS
from .values import (
    HOTLINE_RECORD_MINUTES,
    OPEN_STATUSES,
    Callback,
    Category,
    Channel,
    Draft,
    Escalation,
    Event,
    Kind,
    Origin,
    Rating,
    Status,
    Transfer,
    is_written,
)

SYSTEM = "system"  # the actor of timer steps


@dataclass(frozen=True)
class Deadline:
    """When the current step is due, from when its time counts, and the timer that watches it (Annex 2 §1)."""

    due_at: datetime
    counted_from: datetime
    timer_id: str


@dataclass
class Request:
    """A customer's request and everything done about it."""

    id: str
    reference: str
    tenant: str
    channel: Channel
    kind: Kind
    category: Category
    subject: str
    question: str
    customer_id: str
    customer_name: str
    received_at: datetime
    recorded_at: datetime
    created_by: str
    status: Status = Status.OPEN
    assignee: str | None = None
    unit_id: str | None = None  # the unit handling it, e.g. the grassroots office a transfer named
    due_at: datetime | None = None
    due_from: datetime | None = None  # when the current deadline's time began to count (reminder points)
    late_record: bool = False
    answer: str = ""
    answered_at: datetime | None = None
    answered_by: str = ""
    answer_due_at: datetime | None = None  # the deadline of the step the answer ended (on time or late, reports)
    knowledge_id: str | None = None
    callback: Callback | None = None
    escalations: list[Escalation] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    rating: Rating | None = None
    origin: Origin | None = None
    follow_up_of: str | None = None
    follow_up_id: str | None = None
    survey_link_id: str | None = None  # the answer's survey link (links capability); its token is never kept
    timer_id: str | None = None
    redacted_at: datetime | None = None  # when its personal content was removed (retention or erasure)
    version: int = 0
    # What the statistics' counters hold for it (reports/facts.py, opaque here): kept on the item and read with it,
    # so a step adds only the difference it makes. None when it was never counted (new).
    counted: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    new_events: list[Event] = field(default_factory=list)  # steps taken since it was read, saved with it
    history: list[Event] = field(default_factory=list)  # the timeline as stored (filled on read, extended on save)

    # -- intake and the two copies a step opens -----------------------------------------------------------------

    def record_intake(self, now: datetime) -> None:
        """Annex 2 §1 I.2: a hotline call entered more than 5 minutes after the call is flagged."""
        if self.received_at > now + timedelta(minutes=1):
            raise RuleViolationError("Thời điểm tiếp nhận không thể ở tương lai.", fields={"received_at": "future"})
        late = now - self.received_at > timedelta(minutes=HOTLINE_RECORD_MINUTES)
        self.late_record = self.channel is Channel.HOTLINE and late
        self._log(now, self.created_by, "received", "nhập muộn quá 5 phút sau cuộc gọi" if self.late_record else "")

    def open_follow_up(self, now: datetime, actor: Principal, new_id: str, reason: str, remedy: str) -> Request:
        """Art. 6.1 step 4: "not satisfied" opens a linked request carrying the reason and the proposed remedy."""
        follow = Request(
            id=new_id,
            reference="",
            tenant=self.tenant,
            channel=self.channel,
            kind=self.kind,
            category=self.category,
            subject=f"Theo dõi: {self.subject}"[:200],
            question=f"Khách hàng chưa hài lòng: {reason}\nĐề xuất: {remedy}",
            customer_id=self.customer_id,
            customer_name=self.customer_name,
            received_at=now,
            recorded_at=now,
            created_by=actor.username,
            follow_up_of=self.id,
            assignee=self.assignee,
        )
        follow.reference = reference_of(follow)
        follow._log(now, actor.username, "follow_up_opened", self.reference)
        self.follow_up_id = follow.id
        return follow

    def hand_over(self, now: datetime, actor: Principal, transfer: Transfer, customer: tuple[str, str], note: str) -> Request:
        """Art. 6.1 step 3: the receiving office's own copy of a transferred request (customer = its id, its name)."""
        remote = Request(
            id=transfer.remote_request_id,
            reference="",
            tenant=transfer.to_tenant,
            channel=self.channel,
            kind=self.kind,
            category=self.category,
            subject=self.subject,
            question=self.question + (f"\n\n[Ghi chú chuyển: {note}]" if note else ""),
            customer_id=customer[0],
            customer_name=customer[1],
            received_at=now,
            recorded_at=now,
            created_by=actor.username,
            unit_id=transfer.to_unit,
            origin=Origin(self.tenant, self.id, transfer.id, due_at=transfer.due_at),
        )
        remote.reference = reference_of(remote)
        remote._log(now, actor.username, "received_by_transfer", f"{self.tenant}/{self.reference}")
        return remote

    # -- reading ------------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """Still to be answered."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: datetime) -> bool:
        """Open and past its deadline — a fact of time, so no timer has to write it on the request."""
        return self.is_open and self.due_at is not None and self.due_at <= now

    def pending_escalations(self) -> list[Escalation]:
        """Units that have not answered yet."""
        return [e for e in self.escalations if e.status == "pending"]

    def pending_draft(self) -> Draft | None:
        """The draft waiting for the leader, if any."""
        return next((d for d in self.drafts if d.status == "pending"), None)

    # -- the one place each step's preconditions live ---------------------------------------------------------

    def check(self, action: str, actor: Principal) -> None:
        """Raise why `actor` may not take `action` now (permission, state, channel, office); return if they may."""
        permission, rule = _RULES[action]
        if permission not in permissions_of(actor.roles, actor.tenant):
            raise ForbiddenError()
        rule(self, actor)

    def refusal(self, action: str, actor: Principal) -> AppError | None:
        """The error `check` would raise, or None."""
        try:
            self.check(action, actor)
        except AppError as error:
            return error
        return None

    def _require(self, allowed: frozenset[Status] | set[Status], action: str) -> None:
        if self.status not in allowed:
            raise ConflictError(
                f"Không thể {action} khi yêu cầu đang ở trạng thái '{STATUS_LABELS[self.status]}'.", code="wrong_state"
            )

    def _can_answer(self, actor: Principal) -> None:
        self._require({Status.OPEN}, "trả lời")
        if is_written(self.channel):
            raise ConflictError(
                "Câu trả lời trên kênh văn bản phải được lãnh đạo phê duyệt trước khi gửi (Điều 6.2).", code="approval_required"
            )

    def _can_schedule_callback(self, actor: Principal) -> None:
        self._require(OPEN_STATUSES, "hẹn gọi lại")
        if self.channel is not Channel.HOTLINE:
            raise RuleViolationError("Chỉ hẹn gọi lại cho yêu cầu qua tổng đài.", code="not_hotline")

    def _can_escalate(self, actor: Principal) -> None:
        self._require({Status.OPEN, Status.ESCALATED}, "chuyển đơn vị nghiệp vụ")

    def _can_transfer(self, actor: Principal) -> None:
        self._require({Status.OPEN}, "chuyển cơ quan BHXH tỉnh")
        if self.tenant != CENTRAL_TENANT:
            # Art. 6.1 step 3: the CCC transfers to a provincial or grassroots office; a province hands work to its
            # own grassroots offices by assigning the request, not by transfer.
            raise RuleViolationError("Chỉ Trung tâm CSKH chuyển yêu cầu cho BHXH tỉnh (Điều 6.1).", code="not_central")

    def _can_draft(self, actor: Principal) -> None:
        self._require({Status.OPEN}, "soạn câu trả lời")
        if not is_written(self.channel):
            raise RuleViolationError("Yêu cầu qua tổng đài được trả lời trực tiếp, không qua dự thảo.", code="not_written")
        if self.pending_escalations():
            raise ConflictError("Còn đơn vị nghiệp vụ chưa trả lời.", code="escalations_pending")

    def _can_approve(self, actor: Principal) -> None:
        draft = self._awaiting()
        if draft.author == actor.username:
            raise RuleViolationError("Người soạn không tự phê duyệt câu trả lời của mình.", code="self_approval")

    def _can_reject_draft(self, actor: Principal) -> None:
        self._awaiting()

    def _awaiting(self) -> Draft:
        self._require({Status.AWAITING_APPROVAL}, "phê duyệt")
        draft = self.pending_draft()
        assert draft is not None, "awaiting approval always has a pending draft"
        return draft

    def _can_answer_escalation(self, actor: Principal) -> None:
        if not any(e.unit_id == actor.unit_id for e in self.pending_escalations()):
            raise ForbiddenError("Chỉ đơn vị được chuyển mới trả lời lượt chuyển này.", code="not_your_unit")

    def _can_report_back(self, actor: Principal) -> None:
        if self.origin is None:
            raise RuleViolationError("Yêu cầu này không do đơn vị khác chuyển đến.", code="not_transferred")
        if self.origin.reported_at is not None:
            raise ConflictError("Đã báo cáo kết quả cho đơn vị chuyển đến.", code="already_reported")
        if self.status not in (Status.ANSWERED, Status.CLOSED):
            raise ConflictError("Cần trả lời khách hàng trước khi báo cáo kết quả.", code="wrong_state")

    def _can_rate(self, actor: Principal) -> None:
        self._require({Status.ANSWERED, Status.CLOSED}, "ghi nhận đánh giá")
        if self.rating is not None:
            raise ConflictError("Yêu cầu đã được đánh giá.", code="already_rated")

    def _can_close(self, actor: Principal) -> None:
        self._require({Status.ANSWERED}, "đóng")

    def _can_reopen(self, actor: Principal) -> None:
        self._require({Status.CLOSED, Status.ANSWERED}, "mở lại")

    def _can_assign(self, actor: Principal) -> None:
        self._require(OPEN_STATUSES, "giao xử lý")

    # -- the steps of Art. 6 -------------------------------------------------------------------------------------

    def answer_directly(self, now: datetime, actor: Principal, text: str, knowledge_id: str | None) -> None:
        """Art. 6.1 step 3a: the hotline answers at once (or relays the units' answers); never on written channels."""
        self.check("answer", actor)
        self._set_answer(now, actor.username, text, knowledge_id)

    def schedule_callback(
        self, now: datetime, actor: Principal, at: datetime, note: str, assignee: str | None, working: bool
    ) -> None:
        """Art. 6.1 step 3b: a callback in working hours on a working day (Annex 1 §2.1), handed to an officer."""
        self.check("schedule_callback", actor)
        if at <= now:
            raise RuleViolationError("Thời điểm gọi lại phải ở tương lai.", fields={"at": "past"})
        if not working:
            raise RuleViolationError(
                "Giờ gọi lại phải trong giờ làm việc của ngày làm việc, tránh sáng sớm, giờ nghỉ trưa và buổi tối (Phụ lục 1 §2.1).",
                code="outside_working_hours",
                fields={"at": "outside_working_hours"},
            )
        self.callback = Callback(at, note, assignee)
        if assignee:
            self.assignee = assignee
        self._log(now, actor.username, "callback_scheduled", at.isoformat())

    def escalate(self, now: datetime, actor: Principal, escalations: list[Escalation], note: str) -> None:
        """Send the question to one or more specialist units, each with its own deadline (Art. 6.1/6.2 step 3).

        The leader signs the escalation (Art. 6.1 step 3), hence the approval permission.
        """
        self.check("escalate", actor)
        already = {e.unit_id for e in self.pending_escalations()}
        repeated = [e.unit_id for e in escalations if e.unit_id in already]
        if repeated:
            raise ConflictError("Đơn vị đã được chuyển và chưa trả lời: " + ", ".join(repeated), code="already_escalated")
        self.escalations.extend(escalations)
        self.status = Status.ESCALATED
        self._log(now, actor.username, "escalated", ",".join(e.unit_id for e in escalations) + (f" — {note}" if note else ""))

    def units_concerned(self, added: list[str]) -> int:
        """How many units the question involves once `added` are escalated too (Annex 2 §1 picks the limit by it)."""
        return len(set(added) | {e.unit_id for e in self.escalations})

    def answer_escalation(self, now: datetime, actor: Principal, escalation_id: str, text: str) -> bool:
        """A unit answers its part; returns True when every unit has answered (the result is then relayed)."""
        escalation = next((e for e in self.escalations if e.id == escalation_id), None)
        if escalation is None:
            raise RuleViolationError("Không có lượt chuyển này.", code="unknown_escalation")
        if escalation.status != "pending":
            raise ConflictError("Đơn vị đã trả lời lượt chuyển này.", code="already_answered")
        self.check("answer_escalation", actor)
        if actor.unit_id != escalation.unit_id:
            raise ForbiddenError("Chỉ đơn vị được chuyển mới trả lời lượt chuyển này.", code="not_your_unit")
        escalation.status, escalation.answer, escalation.answered_at, escalation.answered_by = (
            "answered",
            text,
            now,
            actor.username,
        )
        self._log(now, actor.username, "unit_answered", escalation.unit_id)
        if self.pending_escalations():
            return False
        self.status = Status.OPEN
        return True

    def transfer(self, now: datetime, actor: Principal, transfer: Transfer) -> None:
        """Art. 6.1 step 3: the CCC hands the request to a provincial office, which answers and reports back."""
        self.check("transfer", actor)
        if transfer.to_tenant == self.tenant:
            raise RuleViolationError("Không thể chuyển cho chính đơn vị mình.", fields={"to_tenant": "same"})
        self.transfers.append(transfer)
        self.status = Status.TRANSFERRED
        self._log(now, actor.username, "transferred", transfer.to_tenant + (f"/{transfer.to_unit}" if transfer.to_unit else ""))

    def report_back(self, now: datetime, actor: Principal) -> Origin:
        """The receiving office reports its result to the office that transferred the request (Art. 6.1 step 3–4)."""
        self.check("report_back", actor)
        assert self.origin is not None
        self.origin.reported_at = now
        self._log(now, actor.username, "reported_back", self.origin.tenant)
        return self.origin

    def receive_report(self, now: datetime, actor: Principal, transfer_id: str, result: str) -> bool:
        """The transferring office gets the result; returns True when every transfer has reported (it then relays)."""
        transfer = next((t for t in self.transfers if t.id == transfer_id), None)
        if transfer is None or transfer.status != "pending":
            raise ConflictError("Lượt chuyển không còn chờ báo cáo.", code="wrong_state")
        transfer.status, transfer.result, transfer.reported_at = "reported", result, now
        self._log(now, actor.username, "reported_back", transfer.to_tenant)
        if self.status is Status.TRANSFERRED and all(t.status == "reported" for t in self.transfers):
            self.status = Status.OPEN
            return True
        return False

    def draft(self, now: datetime, actor: Principal, draft: Draft) -> None:
        """Art. 6.2 step 3: the focal officer drafts the answer; it waits for the leader."""
        self.check("draft", actor)
        self.drafts.append(draft)
        self.status = Status.AWAITING_APPROVAL
        self._log(now, actor.username, "drafted")

    def approve(self, now: datetime, actor: Principal, draft_id: str, note: str, survey_link_id: str) -> Draft:
        """Art. 6.2 steps 3–5: the leader approves (never their own draft); the approved text goes out with a survey link."""
        self.check("approve", actor)
        draft = self._decided(draft_id)
        draft.status, draft.decided_by, draft.decided_at, draft.note = "approved", actor.username, now, note.strip()
        self._log(now, actor.username, "approved", note.strip())
        self._set_answer(now, actor.username, draft.text, None)
        self.survey_link_id = survey_link_id
        return draft

    def reject_draft(self, now: datetime, actor: Principal, draft_id: str, note: str) -> Draft:
        """The leader returns the draft with a note; the officer drafts again."""
        self.check("reject_draft", actor)
        draft = self._decided(draft_id)
        if not note.strip():
            raise RuleViolationError("Cần ghi lý do trả lại.", fields={"note": "required"})
        draft.status, draft.decided_by, draft.decided_at, draft.note = "returned", actor.username, now, note.strip()
        self.status = Status.OPEN
        self._log(now, actor.username, "draft_rejected", note.strip())
        return draft

    def _decided(self, draft_id: str) -> Draft:
        draft = self._awaiting()
        if draft.id != draft_id:
            raise ConflictError("Bản dự thảo này không còn chờ phê duyệt.", code="wrong_state")
        return draft

    def rate(self, now: datetime, actor: Principal, satisfied: bool, reason: str, remedy: str) -> bool:
        """Art. 6.1 step 4: record the rating; returns True when a follow-up must be opened."""
        self.check("rate", actor)
        if not satisfied and not reason.strip():
            raise RuleViolationError("Khi khách hàng chưa hài lòng cần ghi lý do.", fields={"reason": "required"})
        self.rating = Rating(satisfied, reason.strip(), remedy.strip(), now, actor.username)
        self._log(now, actor.username, "rated", "hài lòng" if satisfied else "chưa hài lòng")
        return not satisfied

    def close(self, now: datetime, actor: Principal) -> None:
        """Art. 6.1 step 5: close once answered."""
        self.check("close", actor)
        self.status = Status.CLOSED
        self._log(now, actor.username, "closed")

    def reopen(self, now: datetime, actor: Principal, reason: str) -> None:
        """Open an answered or closed request again, with a reason; the service sets a fresh deadline."""
        self.check("reopen", actor)
        if not reason.strip():
            raise RuleViolationError("Cần ghi lý do mở lại.", fields={"reason": "required"})
        self.status = Status.OPEN
        self._log(now, actor.username, "reopened", reason.strip())

    def assign(self, now: datetime, actor: Principal, assignee: str | None) -> None:
        """Hand an open request to a colleague (or back to the shared queue)."""
        self.check("assign", actor)
        self.assignee = assignee
        self._log(now, actor.username, "assigned", assignee or "—")

    def redact(self, now: datetime, actor: str, reason: str) -> None:
        """Decree 13/2023 Art. 3.6, 16: a finished request keeps what the statistics count (channel, kind, category,
        status, dates, units, deadline outcome, satisfied or not) and loses what names or describes the person —
        the caller's name, subject, question, answers, drafts, call notes, rating reasons and the steps' notes."""
        if self.is_open:
            raise ConflictError("Yêu cầu đang xử lý, chưa thể xoá nội dung.", code="request_open")
        if self.redacted_at is not None:
            return
        self.customer_name, self.subject, self.question = REDACTED_NAME, REDACTED_TEXT, REDACTED_TEXT
        self.answer = REDACTED_TEXT if self.answer else ""
        for draft in self.drafts:
            draft.text, draft.note = REDACTED_TEXT, ""
        for escalation in self.escalations:
            escalation.answer = REDACTED_TEXT if escalation.answer else ""
        for transfer in self.transfers:
            transfer.result = REDACTED_TEXT if transfer.result else ""
        if self.callback:
            self.callback.note = ""
        if self.rating:
            self.rating.reason = self.rating.remedy = ""
        for event in self.history:
            if event.action in _NOTED_STEPS:
                event.detail = event.detail.split(" — ", 1)[0] if event.action == "escalated" else ""
        self.redacted_at = now
        self._log(now, actor, "content_redacted", reason)

    # -- deadlines and what the timers record ---------------------------------------------------------------------

    def set_deadline(self, deadline: Deadline) -> None:
        """Start the clock of the current step; the previous timer is superseded (it finds another timer id)."""
        self.due_at, self.due_from, self.timer_id = deadline.due_at, deadline.counted_from, deadline.timer_id

    def reminder(self, now: datetime, timer_id: str, level: int) -> Event | None:
        """Annex 2 deadlines: the note of a 50 % / 80 % reminder, or None when the timer is no longer this request's."""
        if not self.is_open or self.timer_id != timer_id:
            return None
        return Event(now, SYSTEM, "deadline_reminder", f"{level}%")

    def breach(self, now: datetime, timer_id: str) -> Event | None:
        """The deadline passed with the request still open: the note that the leaders were told, or None."""
        if not self.is_open or self.timer_id != timer_id:
            return None
        return Event(now, SYSTEM, "overdue_escalated", "báo lãnh đạo")

    def approval_overdue(self, now: datetime, draft_id: str) -> Event | None:
        """Art. 6.2 step 4: the leader has not decided in time; the note, or None when the draft was decided."""
        draft = self.pending_draft()
        if draft is None or draft.id != draft_id:
            return None
        return Event(now, SYSTEM, "approval_overdue", "nhắc lãnh đạo phê duyệt")

    def awaits_decision_on(self, draft_id: str) -> bool:
        """Whether the approval wait of `draft_id` is still wanted (the draft is pending)."""
        draft = self.pending_draft()
        return draft is not None and draft.id == draft_id

    # -- internals -------------------------------------------------------------------------------------------------

    def _set_answer(self, now: datetime, actor: str, text: str, knowledge_id: str | None) -> None:
        self.answer, self.answered_at, self.answered_by, self.knowledge_id = text, now, actor, knowledge_id
        self.answer_due_at = self.due_at
        self.status = Status.ANSWERED
        self.due_at = self.due_from = None
        self._log(now, actor, "answered", f"kb:{knowledge_id}" if knowledge_id else "")

    def _log(self, now: datetime, actor: str, action: str, detail: str = "") -> None:
        self.new_events.append(Event(now, actor, action, detail))


# Steps whose detail holds what a person typed (a reason, a note): emptied when the content goes ("escalated" keeps
# the units it names, the note after " — " goes).
_NOTED_STEPS = frozenset({"escalated", "approved", "draft_rejected", "reopened"})
P = Permission
# Each action: the permission it needs and the rule of its state (Art. 6). The keys are the API's action names.
_RULES: dict[str, tuple[Permission, Callable[[Request, Principal], None]]] = {
    "answer": (P.REQUESTS_HANDLE, Request._can_answer),
    "schedule_callback": (P.REQUESTS_HANDLE, Request._can_schedule_callback),
    "escalate": (P.REQUESTS_APPROVE, Request._can_escalate),
    "transfer": (P.REQUESTS_HANDLE, Request._can_transfer),
    "draft": (P.REQUESTS_HANDLE, Request._can_draft),
    "approve": (P.REQUESTS_APPROVE, Request._can_approve),
    "reject_draft": (P.REQUESTS_APPROVE, Request._can_reject_draft),
    "answer_escalation": (P.ESCALATIONS_ANSWER, Request._can_answer_escalation),
    "report_back": (P.REQUESTS_HANDLE, Request._can_report_back),
    "rate": (P.REQUESTS_HANDLE, Request._can_rate),
    "close": (P.REQUESTS_HANDLE, Request._can_close),
    "reopen": (P.REQUESTS_HANDLE, Request._can_reopen),
    "assign": (P.REQUESTS_HANDLE, Request._can_assign),
}
ACTIONS: tuple[str, ...] = tuple(_RULES)
ACTION_PERMISSIONS: dict[str, Permission] = {name: permission for name, (permission, _) in _RULES.items()}


def allowed_actions(request: Request, actor: Principal) -> list[str]:
    """The actions `actor` may take on the request now — what the read model lists and the console offers."""
    return [name for name in ACTIONS if request.refusal(name, actor) is None]


def reference_of(request: Request) -> str:
    """A reference people can read out on the phone: HANOI-261122-7K3Q (received date in Vietnam's time)."""
    return f"{request.tenant.upper()}-{to_local(request.received_at).strftime('%y%m%d')}-{request.id[-4:]}"


def deadline_key(channel: Channel, units: int) -> str:
    """Which Annex 2 §1 limit governs the answer, given how many units are concerned."""
    if channel is Channel.HOTLINE:
        return "hotline_unit_handling"
    if channel is Channel.FANPAGE:
        return ("fanpage_one_unit", "fanpage_two_units", "fanpage_three_plus_units")[min(max(units, 1), 3) - 1]
    # Portal and e-mail limits (II.3, III.3); the national portal, post and other channels have none in Annex 2
    # and follow the same written-channel limits (decision noted in the README).
    return "written_answer_many_units" if units > 1 else "written_answer_one_unit"


def relay_key(channel: Channel) -> str:
    """The limit for passing the units' answer on to the customer (Annex 2 §1 I.4, II.3)."""
    return "hotline_relay" if channel is Channel.HOTLINE else "written_relay"
