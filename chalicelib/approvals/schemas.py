"""Approvals at the edge: the read model a subject embeds, the body of a decision, the leader's inbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import Field

from chalicelib.shared.fields import Cursor, QueryInt, Text, Version
from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input

from . import messages as M
from .domain import ACTIONS, INBOX_PAGE, INBOX_PAGE_MAX, Approval, Pending, Step

if TYPE_CHECKING:
    from . import kinds
else:
    kinds = lazy("chalicelib.approvals.kinds")


class StepRead(BaseModel):
    """One step of the history: what, who (login, name and role), when, the note."""

    action: str
    label: str
    actor: str
    name: str
    role: str
    at: datetime
    note: str


class ApprovalRead(BaseModel):
    """A subject's approval as the caller sees it now, with the steps they may take (`actions`)."""

    status: str
    status_label: str
    submitted_at: datetime | None
    submitted_by: str | None
    decided_at: datetime | None
    decided_by: str | None
    note: str
    history: list[StepRead]
    actions: list[str]


class DecisionBody(Input):
    """A step on a subject's approval: the note (a return's reason, required then) and the subject's `version` (409
    when someone changed it meanwhile)."""

    version: Version
    note: Text = Field(default="", max_length=2000)


class PendingRead(BaseModel):
    """A subject waiting for the leader."""

    kind: str
    kind_label: str
    subject_id: str
    title: str
    submitted_at: datetime
    submitted_by: str
    url: str


class PendingPage(BaseModel):
    """The inbox: longest waiting first."""

    items: list[PendingRead]
    next_cursor: str | None


class InboxQuery(Input):
    """A page of the inbox."""

    cursor: Cursor | None = None
    limit: QueryInt = Field(default=INBOX_PAGE, ge=1, le=INBOX_PAGE_MAX)


def step_read(step: Step) -> StepRead:
    """A history step's read model."""
    return StepRead(
        action=step.action,
        label=M.STEP_LABELS.get(step.action, step.action),
        actor=step.actor,
        name=step.name,
        role=step.role,
        at=step.at,
        note=step.note,
    )


def approval_read(approval: Approval, allowed: Iterable[str]) -> ApprovalRead:
    """The read model of an approval, with the actions `domain.actions` allowed (in a stable order)."""
    permitted = set(allowed)
    return ApprovalRead(
        status=approval.status,
        status_label=M.STATUS_LABELS[approval.status],
        submitted_at=approval.submitted_at,
        submitted_by=approval.submitted_by,
        decided_at=approval.decided_at,
        decided_by=approval.decided_by,
        note=approval.note,
        history=[step_read(s) for s in approval.history],
        actions=[a for a in ACTIONS if a in permitted],
    )


def pending_read(pending: Pending) -> PendingRead:
    """An inbox entry's read model, labelled by its kind."""
    return PendingRead(
        kind=pending.kind,
        kind_label=kinds.kind_of(pending.kind).label,
        subject_id=pending.subject_id,
        title=pending.title,
        submitted_at=pending.submitted_at,
        submitted_by=pending.submitted_by,
        url=pending.url,
    )
