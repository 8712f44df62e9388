"""An approval (phê duyệt) held inside the aggregate it decides — Decision 681 Art. 8 step 1 (a survey plan), and the
same step for conference plans (Art. 10), supervision plans (Art. 12) and reports (Art. 8 step 4, Art. 14).

Pure: time comes in as `now`. draft → submitted → approved | returned; a returned subject is edited and submitted
again; a submitted one may be withdrawn (back to draft). **approved is final**: a change to what was approved is a
new version of the subject (a new plan version, a new report) with its own approval, never a reopened one.
Nothing that acts on the world (sending invitations, publishing) runs before `require_approved()`.

Only a holder of the subject's approve permission decides, and never an author: whoever submitted it, and whoever
wrote the subject (the subject passes those ids). `actions()` asks the same checks the steps raise, so what the page
and the read model offer is exactly what the service accepts.

How a subject uses it — the subject holds the value, its service calls the step, its store writes the inbox
entry in the subject's own transaction (`container().inbox` is the `PendingApprovals` to ask for the items)::

    @dataclass
    class Survey:
        ...
        authors: set[str]                                    # who wrote the plan: never its approver
        approval: Approval = field(default_factory=Approval)

    register_kind("survey_plan", "Kế hoạch khảo sát", Permission.PLANS_APPROVE)    # bootstrap.py, once

    # service: submit
    survey.approval.submit(now, actor, body.note)
    # store, in the TransactWrite that saves the survey at its version:
    tx.save(inbox.pending_item(tenant=t, kind="survey_plan", subject_id=sid, title=survey.title,
                               submitted_at=survey.approval.submitted_at, url=f"/surveys/{sid}",
                               submitted_by=actor.username))

    # service: approve, or return_ (reason required), or withdraw
    survey.approval.approve(now, actor, body.note, permission=Permission.PLANS_APPROVE, authors=survey.authors)
    # store, same transaction as the survey: the entry leaves the inbox (submitted_at is kept for this)
    tx.delete(inbox.decided_item(tenant=t, kind="survey_plan", subject_id=sid,
                                 submitted_at=survey.approval.submitted_at), add_version_condition=False)

    # before anything is sent:
    survey.approval.require_approved()                       # 409 not_approved

    # read model (schemas.approval_read) and page (approval_macros.html's approval_panel):
    allowed = actions(survey.approval, actor, can_approve=PLANS_APPROVE in granted,
                      is_author=actor.username in survey.authors, can_submit=SURVEYS_MANAGE in granted)
    read = approval_read(survey.approval, allowed)
    # {{ approval_panel(read, post_url="/surveys/" ~ sid, csrf=csrf, version=survey.version) }}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import AppError, ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.permissions import ROLE_PERMISSIONS, Permission, Role, permissions_of
from chalicelib.shared.tenancy import Principal

from . import messages as M

Status = Literal["draft", "submitted", "approved", "returned"]
STATUSES: tuple[Status, ...] = ("draft", "submitted", "approved", "returned")
SUBMIT, APPROVE, RETURN, WITHDRAW = "submit", "approve", "return", "withdraw"
ACTIONS: tuple[str, ...] = (SUBMIT, APPROVE, RETURN, WITHDRAW)
NOTE_MAX = 2000
INBOX_PAGE, INBOX_PAGE_MAX = 50, 100  # entries of the leader's inbox per page: by default, at most


@dataclass(frozen=True)
class Step:
    """One step of an approval's history: who (login and name), in which role, when, what, with which note."""

    action: str
    actor: str
    name: str
    role: str
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class Standing:
    """What one person is to one subject now: may they submit it, may they decide it, are they one of its authors."""

    can_submit: bool
    can_approve: bool
    is_author: bool


@dataclass
class Approval:
    """The approval of one subject version; the subject's store keeps it with the subject (`to_body`)."""

    status: Status = "draft"
    submitted_at: datetime | None = None  # the latest submission (kept after the decision: the inbox entry's key)
    submitted_by: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    note: str = ""  # the latest decision's note: a return's reason, an approval's remark
    history: list[Step] = field(default_factory=list)

    # -- the one place each step's preconditions live ---------------------------------------------------------

    def refusal(self, action: str, actor: Principal, standing: Standing) -> AppError | None:
        """The error the step would raise for this person now, or None when they may take it."""
        if action in (SUBMIT, WITHDRAW) and not standing.can_submit:
            return ForbiddenError(M.NOT_SUBMITTER, code="not_submitter")
        if action in (APPROVE, RETURN) and not standing.can_approve:
            return ForbiddenError(M.NOT_APPROVER, code="not_approver")
        if self.status == "approved":
            return ConflictError(M.ALREADY_APPROVED, code="already_approved")
        if action == SUBMIT:
            return ConflictError(M.ALREADY_SUBMITTED, code="already_submitted") if self.status == "submitted" else None
        if self.status != "submitted":
            return ConflictError(M.NOT_SUBMITTED, code="not_submitted")
        if action in (APPROVE, RETURN) and (standing.is_author or actor.username == self.submitted_by):
            return RuleViolationError(M.SELF_APPROVAL, code="self_approval")
        return None

    def check(self, action: str, actor: Principal, standing: Standing) -> None:
        """Raise why the person may not take the step now; return if they may."""
        error = self.refusal(action, actor, standing)
        if error is not None:
            raise error

    def require_approved(self) -> None:
        """Refuse anything that acts on the world (invitations, publication) until a leader approved (409)."""
        if self.status != "approved":
            raise ConflictError(M.NOT_APPROVED, code="not_approved")

    @property
    def pending(self) -> bool:
        """Waiting for a leader: its entry is in the inbox."""
        return self.status == "submitted"

    # -- the steps ----------------------------------------------------------------------------------------------

    def submit(self, now: datetime, actor: Principal, note: str = "", *, permission: Permission | None = None) -> None:
        """Send the subject to the leader (a draft, or a returned one after its edits); it enters the inbox.

        `permission`: the subject's edit permission, when the subject wants it checked here as well as by its route.
        """
        self.check(SUBMIT, actor, _submitter(actor, permission))
        self.status, self.submitted_at, self.submitted_by = "submitted", now, actor.username
        self.decided_at, self.decided_by, self.note = None, None, ""
        self._record(SUBMIT, now, actor, note, permission)

    def withdraw(self, now: datetime, actor: Principal, note: str = "", *, permission: Permission | None = None) -> None:
        """Take a submitted subject back before the leader decides (back to draft); it leaves the inbox."""
        self.check(WITHDRAW, actor, _submitter(actor, permission))
        self.status = "draft"
        self._record(WITHDRAW, now, actor, note, permission)

    def approve(self, now: datetime, actor: Principal, note: str = "", *, permission: Permission, authors: Iterable[str]) -> None:
        """Art. 8 step 1: the leader approves (never their own subject); from now on the subject may act."""
        self._decide(APPROVE, now, actor, note, permission, authors)

    def return_(self, now: datetime, actor: Principal, note: str, *, permission: Permission, authors: Iterable[str]) -> None:
        """The leader returns the subject with the reason; its authors edit it and submit it again."""
        self._decide(RETURN, now, actor, note, permission, authors)

    def _decide(
        self, action: str, now: datetime, actor: Principal, note: str, permission: Permission, authors: Iterable[str]
    ) -> None:
        self.check(action, actor, standing(actor, permission=permission, authors=authors))
        if action == RETURN and not note.strip():
            raise RuleViolationError(M.REASON_REQUIRED, code="reason_required", fields={"note": "required"})
        self.status, self.decided_at, self.decided_by, self.note = _DECIDED[action], now, actor.username, note.strip()[:NOTE_MAX]
        self._record(action, now, actor, note, permission)

    def _record(self, action: str, now: datetime, actor: Principal, note: str, permission: Permission | None) -> None:
        name = actor.display_name or actor.login
        self.history.append(Step(action, actor.username, name, role_of(actor, permission), now, note.strip()[:NOTE_MAX]))


_DECIDED: dict[str, Status] = {APPROVE: "approved", RETURN: "returned"}


def _submitter(actor: Principal, permission: Permission | None) -> Standing:
    allowed = permission is None or permission in permissions_of(actor.roles, actor.tenant)
    return Standing(can_submit=allowed, can_approve=False, is_author=True)


def standing(
    actor: Principal, *, permission: Permission, authors: Iterable[str], submit_permission: Permission | None = None
) -> Standing:
    """The actor's standing from the subject's approve permission, its authors and (optionally) its edit permission."""
    granted = permissions_of(actor.roles, actor.tenant)
    return Standing(
        can_submit=submit_permission is None or submit_permission in granted,
        can_approve=permission in granted,
        is_author=actor.username in set(authors),
    )


def role_of(actor: Principal, permission: Permission | None) -> str:
    """The role the actor acted in: the first of theirs granting `permission` (a decision), else their first role."""
    held = [r for r in Role if r.value in actor.roles]
    granting = [r for r in held if permission is not None and permission in ROLE_PERMISSIONS[r]]
    chosen = (granting or held)[:1]
    return chosen[0].value if chosen else ""


def actions(
    approval: Approval, actor: Principal, can_approve: bool, is_author: bool, *, can_submit: bool | None = None
) -> frozenset[str]:
    """Which of submit / approve / return / withdraw the person may take now — what the read model and the page offer.

    `is_author`: the person wrote the subject (the submitter counts as an author without it). `can_submit`: the
    person may submit and withdraw (the subject's edit permission); by default, its authors may.
    """
    author = is_author or actor.username == approval.submitted_by
    mine = Standing(can_submit=author if can_submit is None else can_submit, can_approve=can_approve, is_author=author)
    return frozenset(a for a in ACTIONS if approval.refusal(a, actor, mine) is None)


# -- the subject's store keeps it as JSON ------------------------------------------------------------------------


def to_body(approval: Approval) -> dict[str, Any]:
    """The approval as plain JSON values (instants ISO 8601 UTC)."""
    return {
        "status": approval.status,
        "submitted_at": _iso(approval.submitted_at),
        "submitted_by": approval.submitted_by,
        "decided_at": _iso(approval.decided_at),
        "decided_by": approval.decided_by,
        "note": approval.note,
        "history": [
            {"action": s.action, "actor": s.actor, "name": s.name, "role": s.role, "at": iso(s.at), "note": s.note}
            for s in approval.history
        ],
    }


def from_body(body: dict[str, Any] | None) -> Approval:
    """The approval `to_body` wrote; nothing stored yet is a draft."""
    if not body:
        return Approval()
    status = body.get("status", "draft")
    if status not in STATUSES:
        raise ValueError(f"unknown approval status {status!r}")
    return Approval(
        status=cast(Status, status),
        submitted_at=_instant(body.get("submitted_at")),
        submitted_by=body.get("submitted_by"),
        decided_at=_instant(body.get("decided_at")),
        decided_by=body.get("decided_by"),
        note=body.get("note", ""),
        history=[
            Step(s["action"], s["actor"], s.get("name", ""), s.get("role", ""), parse_iso(s["at"]), s.get("note", ""))
            for s in body.get("history", [])
        ],
    )


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value else None


def _instant(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


# -- the leader's inbox --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A subject waiting for a leader, as the inbox lists it (the subject's store writes it with the submission)."""

    kind: str
    subject_id: str
    title: str
    submitted_at: datetime
    submitted_by: str
    url: str
