"""A sample member (người được khảo sát) through a round, and the tally events each step adds — Art. 8 step 2. Pure.

A member is drawn as `main` or `reserve` (ranked within its stratum). Each step records an event once; the daily
tally counts these events and the member's one AAPOR disposition (tally.py `advance`: a member who completed was
also invited, delivered, opened and started), so each step returns the counters it adds and the store adds exactly
those in the same transaction as the member.
Replacing an unreachable main member calls in the next reserve of the same stratum and records who replaced whom
and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from chalicelib.shared.errors import ConflictError, RuleViolationError

from .tally import STATUSES, advance

Role = Literal["main", "reserve"]
Status = Literal[
    "planned", "invited", "delivered", "opened", "started", "completed", "refused", "unreachable", "replaced", "ineligible"
]
FINAL: frozenset[str] = frozenset({"completed", "refused", "unreachable", "replaced", "ineligible"})
SHOWN = ("completed", "refused", "unreachable", "replaced", "ineligible", "started", "opened", "delivered", "invited", "planned")
Counts = dict[str, int]
REPLACE_REASONS = ("unreachable", "refused", "ineligible", "wrong_contact")


@dataclass(frozen=True)
class Contact:
    """How to reach a member (personal data: never logged, shown only to the survey's owner)."""

    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class Member:
    """One person of a round's sample."""

    id: str
    round: int
    stratum: str
    role: Role
    rank: int
    contact: Contact
    person_key: str  # the keyed hash the contact-frequency log knows the person by
    attributes: dict[str, str] = field(default_factory=dict)  # province, channel, group
    reached: list[str] = field(default_factory=list)  # statuses reached, in order
    replaces: str | None = None  # the member this reserve stands in for
    replaced_by: str | None = None
    reason: str = ""  # why this member was replaced or left out
    interviewer: str | None = None  # direct methods: who enters the answers
    invited_at: datetime | None = None
    answered_at: datetime | None = None
    reminders: int = 0
    version: int = 0

    @property
    def status(self) -> str:
        """The status a list shows: a settled one first, else the furthest step reached."""
        return next((s for s in SHOWN if s in self.reached), "planned" if self.role == "main" else "reserve")

    @property
    def settled(self) -> bool:
        """Completed, refused, unreachable, replaced or ineligible: nothing more is asked of them."""
        return any(s in FINAL for s in self.reached)

    @property
    def awaiting(self) -> bool:
        """A main member who was invited and has not answered: reminders go to them."""
        return self.role == "main" and "invited" in self.reached and not self.settled

    def _reach(self, event: str) -> Counts:
        step = advance(self.reached, event)
        self.reached = [s for s in STATUSES if s in step.reached]
        return step.counts

    def plan(self) -> Counts:
        """Counted as planned when drawn as a main member (or called in as a reserve)."""
        return self._reach("planned") if self.role == "main" else {}

    def invite(self, now: datetime) -> Counts:
        """An invitation went out (the first one: later ones are reminders)."""
        if self.role != "main":
            raise ConflictError("Mẫu dự phòng chỉ được mời khi thay thế.", code="reserve_not_called")
        if self.invited_at is None:
            self.invited_at = now
        else:
            self.reminders += 1
        return self._reach("invited")

    def delivered(self) -> Counts:
        """An invitation reached the member's inbox or phone."""
        return self._reach("delivered") if not self.settled else {}

    def opened(self) -> Counts:
        """The member opened their link."""
        return self._reach("opened") if not self.settled else {}

    def started(self) -> Counts:
        """The member saved a first screen of answers."""
        return self._reach("started") if not self.settled else {}

    def complete(self, now: datetime) -> Counts:
        """The member's answers were recorded (once: the store's condition refuses a second)."""
        if "completed" in self.reached:
            raise ConflictError("Câu trả lời đã được ghi nhận.", code="already_answered")
        if self.settled:
            raise ConflictError("Người này không còn trong mẫu khảo sát.", code="member_settled")
        self.answered_at = now
        return self._reach("completed")

    def refuse(self) -> Counts:
        """The member declined (on the page, or told an interviewer)."""
        if self.settled:
            raise ConflictError("Người này không còn trong mẫu khảo sát.", code="member_settled")
        return self._reach("refused")

    def unreachable(self, reason: str) -> Counts:
        """No channel reaches the member and no reserve is left to call in."""
        if self.settled:
            return {}
        self.reason = reason
        return self._reach("unreachable")

    def replace_with(self, reserve: Member, reason: str) -> tuple[Counts, Counts]:
        """Art. 8 step 2: a reserve of the same stratum stands in; both records say who replaced whom and why.

        AAPOR keeps the replaced case in its own disposition; the reserve enters as a new planned member.
        """
        if reason not in REPLACE_REASONS:
            raise RuleViolationError("Lý do thay thế không hợp lệ.", fields={"reason": "unknown"})
        if self.role != "main" or "completed" in self.reached or "replaced" in self.reached:
            raise ConflictError("Chỉ thay thế người trong mẫu chính chưa trả lời.", code="not_replaceable")
        if reserve.role != "reserve" or reserve.stratum != self.stratum or reserve.replaces:
            raise ConflictError("Mẫu dự phòng phải cùng tầng và chưa được dùng.", code="reserve_unusable")
        self.replaced_by, self.reason = reserve.id, reason
        reserve.role, reserve.replaces = "main", self.id
        return self._reach("replaced"), reserve._reach("planned")
