"""A request (yêu cầu) and its life cycle — Decision 681 Art. 5–6 and Annex 2. Pure: time comes in as `now`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.shared.errors import ConflictError, RuleViolationError

from .parts import (
    HOTLINE_RECORD_MINUTES,
    OPEN_STATUSES,
    STATUS_LABELS,
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
    overdue: bool = False
    late_record: bool = False
    answer: str = ""
    answered_at: datetime | None = None
    answered_by: str = ""
    knowledge_id: str | None = None
    callback: Callback | None = None
    escalations: list[Escalation] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    rating: Rating | None = None
    origin: Origin | None = None
    follow_up_of: str | None = None
    follow_up_id: str | None = None
    survey_token: str | None = None
    timer_id: str | None = None
    version: int = 0
    new_events: list[Event] = field(default_factory=list)  # steps taken since it was read, saved with it
    history: list[Event] = field(default_factory=list)  # the timeline as stored (filled on read, extended on save)

    # -- guards -------------------------------------------------------------------------------------------

    def _require(self, allowed: frozenset[Status] | set[Status], action: str) -> None:
        if self.status not in allowed:
            raise ConflictError(f"Không thể {action} khi yêu cầu đang ở trạng thái '{STATUS_LABELS[self.status]}'.", code="wrong_state")

    def _log(self, now: datetime, actor: str, action: str, detail: str = "") -> None:
        self.new_events.append(Event(now, actor, action, detail))

    @property
    def is_open(self) -> bool:
        """Still to be answered."""
        return self.status in OPEN_STATUSES

    def pending_escalations(self) -> list[Escalation]:
        """Units that have not answered yet."""
        return [e for e in self.escalations if e.status == "pending"]

    def pending_draft(self) -> Draft | None:
        """The draft waiting for the leader, if any."""
        return next((d for d in self.drafts if d.status == "pending"), None)

    # -- intake ---------------------------------------------------------------------------------------------

    def record_intake(self, now: datetime) -> None:
        """Annex 2 §1 I.2: a hotline call entered more than 5 minutes after the call is flagged."""
        if self.received_at > now + timedelta(minutes=1):
            raise RuleViolationError("Thời điểm tiếp nhận không thể ở tương lai.", fields={"received_at": "future"})
        late = now - self.received_at > timedelta(minutes=HOTLINE_RECORD_MINUTES)
        self.late_record = self.channel is Channel.HOTLINE and late
        detail = "nhập muộn quá 5 phút sau cuộc gọi" if self.late_record else ""
        self._log(now, self.created_by, "received", detail)

    # -- answering -------------------------------------------------------------------------------------------

    def answer_directly(self, now: datetime, actor: str, text: str, knowledge_id: str | None) -> None:
        """Art. 6.1 step 3a: the hotline answers at once (or relays the units' answers); never on written channels."""
        self._require({Status.OPEN}, "trả lời")
        if is_written(self.channel):
            raise ConflictError(
                "Câu trả lời trên kênh văn bản phải được lãnh đạo phê duyệt trước khi gửi (Điều 6.2).", code="approval_required"
            )
        self._set_answer(now, actor, text, knowledge_id)

    def _set_answer(self, now: datetime, actor: str, text: str, knowledge_id: str | None) -> None:
        self.answer, self.answered_at, self.answered_by, self.knowledge_id = text, now, actor, knowledge_id
        self.status = Status.ANSWERED
        self.due_at = None
        self.overdue = False
        self._log(now, actor, "answered", f"kb:{knowledge_id}" if knowledge_id else "")

    def schedule_callback(self, now: datetime, actor: str, at: datetime, note: str, assignee: str | None, working: bool) -> None:
        """Art. 6.1 step 3b: a callback in working hours on a working day (Annex 1 §2.1), handed to an officer."""
        self._require(OPEN_STATUSES, "hẹn gọi lại")
        if self.channel is not Channel.HOTLINE:
            raise RuleViolationError("Chỉ hẹn gọi lại cho yêu cầu qua tổng đài.", code="not_hotline")
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
        self._log(now, actor, "callback_scheduled", at.isoformat())

    def escalate(self, now: datetime, actor: str, escalations: list[Escalation]) -> None:
        """Send the question to one or more specialist units, each with its own deadline (Art. 6.1/6.2 step 3)."""
        self._require({Status.OPEN, Status.ESCALATED}, "chuyển đơn vị nghiệp vụ")
        already = {e.unit_id for e in self.pending_escalations()}
        repeated = [e.unit_id for e in escalations if e.unit_id in already]
        if repeated:
            raise ConflictError("Đơn vị đã được chuyển và chưa trả lời: " + ", ".join(repeated), code="already_escalated")
        self.escalations.extend(escalations)
        self.status = Status.ESCALATED
        self._log(now, actor, "escalated", ",".join(e.unit_id for e in escalations))

    def answer_escalation(self, now: datetime, actor: str, escalation_id: str, text: str) -> bool:
        """A unit answers its part; returns True when every unit has answered (the result is then relayed)."""
        escalation = next((e for e in self.escalations if e.id == escalation_id), None)
        if escalation is None:
            raise RuleViolationError("Không có lượt chuyển này.", code="unknown_escalation")
        if escalation.status != "pending":
            raise ConflictError("Đơn vị đã trả lời lượt chuyển này.", code="already_answered")
        escalation.status, escalation.answer, escalation.answered_at, escalation.answered_by = "answered", text, now, actor
        self._log(now, actor, "unit_answered", escalation.unit_id)
        if self.pending_escalations():
            return False
        self.status = Status.OPEN
        return True

    def transfer(self, now: datetime, actor: str, transfer: Transfer) -> None:
        """Art. 6.1 step 3: hand the request to a provincial office, which answers and reports back."""
        self._require({Status.OPEN}, "chuyển cơ quan BHXH tỉnh")
        if transfer.to_tenant == self.tenant:
            raise RuleViolationError("Không thể chuyển cho chính đơn vị mình.", fields={"to_tenant": "same"})
        self.transfers.append(transfer)
        self.status = Status.TRANSFERRED
        self._log(now, actor, "transferred", transfer.to_tenant + (f"/{transfer.to_unit}" if transfer.to_unit else ""))

    def receive_report(self, now: datetime, actor: str, transfer_id: str, result: str) -> None:
        """The receiving office reports the result back; the CCC relays it (Art. 6.1 step 3–4)."""
        transfer = next((t for t in self.transfers if t.id == transfer_id), None)
        if transfer is None or transfer.status != "pending":
            raise ConflictError("Lượt chuyển không còn chờ báo cáo.", code="wrong_state")
        transfer.status, transfer.result, transfer.reported_at = "reported", result, now
        if self.status is Status.TRANSFERRED and all(t.status == "reported" for t in self.transfers):
            self.status = Status.OPEN
        self._log(now, actor, "reported_back", transfer.to_tenant)

    def check_can_report_back(self) -> Origin:
        """Only a transferred-in request that has been answered reports back."""
        if self.origin is None:
            raise RuleViolationError("Yêu cầu này không do đơn vị khác chuyển đến.", code="not_transferred")
        if self.status not in (Status.ANSWERED, Status.CLOSED):
            raise ConflictError("Cần trả lời khách hàng trước khi báo cáo kết quả.", code="wrong_state")
        return self.origin

    # -- drafts and approval -----------------------------------------------------------------------------------

    def add_draft(self, now: datetime, draft: Draft) -> None:
        """Art. 6.2 step 3: the focal officer drafts the answer; it waits for the leader."""
        self._require({Status.OPEN}, "soạn câu trả lời")
        if self.pending_escalations():
            raise ConflictError("Còn đơn vị nghiệp vụ chưa trả lời.", code="escalations_pending")
        self.drafts.append(draft)
        self.status = Status.AWAITING_APPROVAL
        self._log(now, draft.author, "drafted")

    def approve(self, now: datetime, actor: str, draft_id: str, note: str = "") -> Draft:
        """Art. 6.2 steps 3–4: the leader approves (with an optional note); the approved text is what is sent."""
        draft = self._pending(draft_id)
        if draft.author == actor:
            raise RuleViolationError("Người soạn không tự phê duyệt câu trả lời của mình.", code="self_approval")
        draft.status, draft.decided_by, draft.decided_at, draft.note = "approved", actor, now, note.strip()
        self._log(now, actor, "approved", note.strip())
        self._set_answer(now, actor, draft.text, None)
        return draft

    def return_draft(self, now: datetime, actor: str, draft_id: str, note: str) -> Draft:
        """The leader returns the draft with a note; the officer drafts again."""
        draft = self._pending(draft_id)
        if not note.strip():
            raise RuleViolationError("Cần ghi lý do trả lại.", fields={"note": "required"})
        draft.status, draft.decided_by, draft.decided_at, draft.note = "returned", actor, now, note
        self.status = Status.OPEN
        self._log(now, actor, "draft_returned", note)
        return draft

    def _pending(self, draft_id: str) -> Draft:
        self._require({Status.AWAITING_APPROVAL}, "phê duyệt")
        draft = self.pending_draft()
        if draft is None or draft.id != draft_id:
            raise ConflictError("Bản dự thảo này không còn chờ phê duyệt.", code="wrong_state")
        return draft

    # -- rating, closing ---------------------------------------------------------------------------------------

    def rate(self, now: datetime, actor: str, satisfied: bool, reason: str, remedy: str) -> bool:
        """Art. 6.1 step 4: record the rating; returns True when a follow-up must be opened."""
        self._require({Status.ANSWERED, Status.CLOSED}, "ghi nhận đánh giá")
        if self.rating is not None:
            raise ConflictError("Yêu cầu đã được đánh giá.", code="already_rated")
        if not satisfied and not reason.strip():
            raise RuleViolationError("Khi khách hàng chưa hài lòng cần ghi lý do.", fields={"reason": "required"})
        self.rating = Rating(satisfied, reason.strip(), remedy.strip(), now, actor)
        self._log(now, actor, "rated", "hài lòng" if satisfied else "chưa hài lòng")
        return not satisfied

    def close(self, now: datetime, actor: str) -> None:
        """Art. 6.1 step 5: close once answered."""
        self._require({Status.ANSWERED}, "đóng")
        self.status = Status.CLOSED
        self._log(now, actor, "closed")

    def reopen(self, now: datetime, actor: str, reason: str, due_at: datetime | None) -> None:
        """Open a closed request again, with a reason and a fresh deadline."""
        self._require({Status.CLOSED, Status.ANSWERED}, "mở lại")
        if not reason.strip():
            raise RuleViolationError("Cần ghi lý do mở lại.", fields={"reason": "required"})
        self.status, self.due_at, self.overdue = Status.OPEN, due_at, False
        self._log(now, actor, "reopened", reason)




def deadline_key(channel: Channel, units: int) -> str | None:
    """Which Annex 2 §1 limit governs the answer, given how many units are concerned."""
    if channel is Channel.HOTLINE:
        return "hotline_unit_handling" if units else None
    if channel is Channel.FANPAGE:
        return ("fanpage_one_unit", "fanpage_two_units", "fanpage_three_plus_units")[min(max(units, 1), 3) - 1]
    # Portal and e-mail limits (II.3, III.3); the national portal, post and other channels have none in Annex 2
    # and follow the same written-channel limits (decision noted in the README).
    return "written_answer_many_units" if units > 1 else "written_answer_one_unit"


def relay_key(channel: Channel) -> str:
    """The limit for passing the units' answer on to the customer (Annex 2 §1 I.4, II.3)."""
    return "hotline_relay" if channel is Channel.HOTLINE else "written_relay"
