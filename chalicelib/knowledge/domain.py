"""A knowledge-bank entry (mục hỏi đáp) and its life — Decision 1218 Art. 2.7, Decision 681 Art. 6.2 and Art. 10
step 7. Pure: time comes in as `now`, the day of validity as `on`.

draft → in_review → published → retired. Editors (focal officers, CCC officers: KNOWLEDGE_WRITE) write drafts and
submit them; a leader (KNOWLEDGE_PUBLISH) publishes or returns what was submitted — never what they wrote or
submitted themselves (Art. 6.2: the author does not approve their own text) — retires, and corrects a published
entry. Every change is a `Version` of the content fields (`FIELDS`) that can be compared and restored.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

from chalicelib.shared.errors import AppError, ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.permissions import CENTRAL_TENANT, Permission, permissions_of
from chalicelib.shared.tenancy import Principal

from .messages import STATUS_LABELS
from .search import IndexedEntry

Status = Literal["draft", "in_review", "published", "retired"]
Audience = Literal["public", "internal"]
STATUSES: tuple[Status, ...] = ("draft", "in_review", "published", "retired")
AUDIENCES: tuple[Audience, ...] = ("public", "internal")
NATIONAL = CENTRAL_TENANT  # the CCC keeps the national bank; every tenant reads what it published
REVIEW_MONTHS = 3  # 1218 Art. 2.7: every published entry is reviewed every quarter
MAX_SCENARIOS = 300
MAX_LEGAL_BASIS = 20
MAX_RELATED = 20

# The entry's content, in the order the editor, the versions and the importer/exporter use (one list for all).
FIELDS: tuple[str, ...] = (
    "topic",
    "question",
    "answer",
    "legal_basis",
    "valid_from",
    "valid_until",
    "owner_unit",
    "audience",
    "related",
    "scenarios",
)


@dataclass(frozen=True)
class LegalBasis:
    """One legal document the answer rests on (căn cứ pháp lý): number and name, article, date of issue."""

    document: str
    article: str = ""
    date: date | None = None


@dataclass(frozen=True)
class Content:
    """What an editor writes: the entry's fields (FIELDS), without its state."""

    topic: str
    question: str
    answer: str
    valid_from: date
    owner_unit: str
    legal_basis: tuple[LegalBasis, ...] = ()
    valid_until: date | None = None
    audience: Audience = "public"
    related: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()

    def cleaned(self) -> Content:
        """Text stripped, scenarios and related entries without blanks or repeats."""
        scenarios = tuple(dict.fromkeys(s.strip() for s in self.scenarios if s.strip()))
        related = tuple(dict.fromkeys(r.strip() for r in self.related if r.strip()))
        return replace(self, question=self.question.strip(), answer=self.answer.strip(), scenarios=scenarios, related=related)

    def problems(self, *, topics: frozenset[str], entry_id: str | None) -> dict[str, str]:
        """The fields that break a rule, with why (empty when the content may be saved)."""
        found: dict[str, str] = {}
        if not self.question:
            found["question"] = "required"
        if not self.answer:
            found["answer"] = "required"
        if self.topic not in topics:
            found["topic"] = "unknown"
        if self.valid_until is not None and self.valid_until < self.valid_from:
            found["valid_until"] = "before_valid_from"
        if len(self.scenarios) > MAX_SCENARIOS:
            found["scenarios"] = "too_many"
        if len(self.legal_basis) > MAX_LEGAL_BASIS:
            found["legal_basis"] = "too_many"
        if len(self.related) > MAX_RELATED or (entry_id is not None and entry_id in self.related):
            found["related"] = "invalid"
        if any(not b.document.strip() for b in self.legal_basis):
            found["legal_basis"] = "document_required"
        return found

    def snapshot(self) -> dict[str, Any]:
        """The content as plain data (a version's record, the diff's sides)."""
        return {
            "topic": self.topic,
            "question": self.question,
            "answer": self.answer,
            "legal_basis": [
                {"document": b.document, "article": b.article, "date": b.date.isoformat() if b.date else None}
                for b in self.legal_basis
            ],
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "owner_unit": self.owner_unit,
            "audience": self.audience,
            "related": list(self.related),
            "scenarios": list(self.scenarios),
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Content:
        """The content a version recorded."""
        return cls(
            topic=data["topic"],
            question=data["question"],
            answer=data["answer"],
            legal_basis=tuple(
                LegalBasis(b["document"], b.get("article") or "", date.fromisoformat(b["date"]) if b.get("date") else None)
                for b in data.get("legal_basis") or []
            ),
            valid_from=date.fromisoformat(data["valid_from"]),
            valid_until=date.fromisoformat(data["valid_until"]) if data.get("valid_until") else None,
            owner_unit=data["owner_unit"],
            audience=data.get("audience", "public"),
            related=tuple(data.get("related") or ()),
            scenarios=tuple(data.get("scenarios") or ()),
        )


@dataclass(frozen=True)
class Version:
    """One change of an entry: its number, who made it and when, the step, the fields it changed, the result."""

    number: int
    at: datetime
    actor: str
    action: str
    changed: tuple[str, ...]
    status: Status
    content: dict[str, Any]  # Content.snapshot() after the change
    note: str = ""


@dataclass(frozen=True)
class Difference:
    """One field that differs between two versions."""

    field: str
    before: Any
    after: Any


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Difference]:
    """The fields (in FIELDS order) whose values differ between two snapshots."""
    return [Difference(name, before.get(name), after.get(name)) for name in FIELDS if before.get(name) != after.get(name)]


def next_review(on: date) -> date:
    """1218 Art. 2.7: the next quarterly review falls three months after `on` (the last day of a shorter month)."""
    month = on.month - 1 + REVIEW_MONTHS
    year, month = on.year + month // 12, month % 12 + 1
    return date(year, month, min(on.day, calendar.monthrange(year, month)[1]))


REMIND_BEFORE_DAYS = (14, 3, 0)  # reminders of a coming review: two weeks, three days, on the day
REMIND_SOON_DAYS = REMIND_BEFORE_DAYS[0]


def reminder_due(review_due: date, on: date) -> bool:
    """Whether `on` is a reminder day of a review due `review_due`: before it, on it, the day after and weekly after."""
    days = (review_due - on).days
    return days in REMIND_BEFORE_DAYS or (days < 0 and -days % 7 == 1)


@dataclass
class Entry:
    """A core entry of the bank with the scenarios pointing at it, its state and what its versions need."""

    id: str
    tenant: str
    content: Content
    created_by: str
    created_at: datetime
    status: Status = "draft"
    updated_by: str = ""
    updated_at: datetime | None = None
    submitted_by: str | None = None
    published_by: str | None = None
    published_at: datetime | None = None
    review_due: date | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    source_request_id: str | None = None  # the answered request it was proposed from (Art. 10 step 7)
    note: str = ""  # the leader's note when returning it
    revision: int = 0  # the number of its latest Version
    version: int = 0  # the item's version: a stale write is a 409
    new_versions: list[Version] = field(default_factory=list)  # recorded since read, saved with it

    # -- reading ------------------------------------------------------------------------------------------------

    def is_current(self, on: date) -> bool:
        """Published and valid on `on` (valid_until inclusive): what an agent may answer from."""
        c = self.content
        return self.status == "published" and c.valid_from <= on and (c.valid_until is None or on <= c.valid_until)

    def expired(self, on: date) -> bool:
        """Its legal basis no longer holds on `on` (valid_until passed): flagged in every list at once."""
        return self.content.valid_until is not None and self.content.valid_until < on

    def review_overdue(self, on: date) -> bool:
        """Published and past its quarterly review date."""
        return self.status == "published" and self.review_due is not None and self.review_due < on

    def visible_to(self, tenant: str) -> bool:
        """A tenant sees its own entries in any state, and the national bank's published and retired ones."""
        return self.tenant == tenant or (self.tenant == NATIONAL and self.status in ("published", "retired"))

    def citable(self, *, tenant: str, on: date) -> bool:
        """What a hotline answer may cite: visible to the answering tenant, published, valid today."""
        return self.visible_to(tenant) and self.is_current(on)

    def indexed(self) -> IndexedEntry:
        """The entry as the search index holds it."""
        c = self.content
        return IndexedEntry(
            id=self.id,
            tenant=self.tenant,
            topic=c.topic,
            question=c.question,
            answer=c.answer,
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            scenarios=c.scenarios,
            audience=c.audience,
            status=self.status,
        )

    # -- the one place each step's preconditions live ---------------------------------------------------------

    def check(self, action: str, actor: Principal) -> None:
        """Raise why `actor` may not take `action` now; return if they may."""
        if self.tenant != actor.tenant:
            raise ForbiddenError("Chỉ đơn vị quản lý mục hỏi đáp mới được thay đổi mục này.", code="not_owner")
        permission, rule = _RULES[action]
        if isinstance(permission, Permission):
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

    def _require(self, allowed: set[str], action: str) -> None:
        if self.status not in allowed:
            raise ConflictError(
                f"Không thể {action} khi mục hỏi đáp đang ở trạng thái '{STATUS_LABELS[self.status]}'.", code="wrong_state"
            )

    def _can_update(self, actor: Principal) -> None:
        self._require({"draft", "in_review", "published"}, "sửa")
        granted = permissions_of(actor.roles, actor.tenant)
        # What agents answer from was approved by a leader: a published entry is corrected by a leader only.
        needed = Permission.KNOWLEDGE_PUBLISH if self.status == "published" else Permission.KNOWLEDGE_WRITE
        if needed not in granted:
            raise ForbiddenError(
                "Mục đã công bố chỉ lãnh đạo được sửa." if self.status == "published" else "Bạn không có quyền sửa mục này."
            )

    def _can_submit(self, actor: Principal) -> None:
        self._require({"draft"}, "gửi duyệt")

    def _can_decide(self, actor: Principal) -> None:
        self._require({"in_review"}, "duyệt")
        if actor.username in (self.submitted_by, self.updated_by):
            raise RuleViolationError(
                "Người soạn hoặc gửi duyệt không tự công bố mục hỏi đáp của mình (Điều 6.2).", code="self_approval"
            )

    def _can_return(self, actor: Principal) -> None:
        self._require({"in_review"}, "trả lại")

    def _can_retire(self, actor: Principal) -> None:
        self._require({"published"}, "ngừng sử dụng")

    def _can_review(self, actor: Principal) -> None:
        self._require({"published"}, "rà soát")
        granted = permissions_of(actor.roles, actor.tenant)
        if not granted & {Permission.KNOWLEDGE_WRITE, Permission.KNOWLEDGE_PUBLISH}:
            raise ForbiddenError()

    def _can_restore(self, actor: Principal) -> None:
        self._can_update(actor)

    # -- the steps ----------------------------------------------------------------------------------------------

    def edit(self, now: datetime, actor: Principal, content: Content, *, topics: frozenset[str]) -> tuple[str, ...]:
        """Change the content; returns the fields changed (none: nothing is recorded). A change to a submitted
        entry sends it back to draft: the leader must see the text they publish."""
        self.check("update", actor)
        return self._change(now, actor.username, content, topics, "updated")

    def restore(self, now: datetime, actor: Principal, version: Version, *, topics: frozenset[str]) -> tuple[str, ...]:
        """Bring back the content of an earlier version, as a new version (history is never rewritten)."""
        self.check("restore", actor)
        return self._change(now, actor.username, Content.from_snapshot(version.content), topics, "restored", f"v{version.number}")

    def submit(self, now: datetime, actor: Principal) -> None:
        """The editor sends the draft to the leader."""
        self.check("submit", actor)
        self.status, self.submitted_by, self.note = "in_review", actor.username, ""
        self._record(now, actor.username, "submitted")

    def publish(self, now: datetime, actor: Principal, on: date) -> None:
        """The leader publishes what was submitted; its first quarterly review falls due three months on."""
        self.check("publish", actor)
        self.status, self.published_by, self.published_at = "published", actor.username, now
        self.review_due = next_review(on)
        self._record(now, actor.username, "published")

    def return_to_editor(self, now: datetime, actor: Principal, note: str) -> None:
        """The leader returns the submission with a note."""
        self.check("return", actor)
        if not note.strip():
            raise RuleViolationError("Cần ghi lý do trả lại.", fields={"note": "required"})
        self.status, self.note = "draft", note.strip()
        self._record(now, actor.username, "returned", note.strip())

    def retire(self, now: datetime, actor: Principal, note: str) -> None:
        """The leader takes the entry out of use; it stays readable, never shown as current."""
        self.check("retire", actor)
        self.status, self.review_due = "retired", None
        self._record(now, actor.username, "retired", note.strip())

    def review(self, now: datetime, actor: Principal, on: date, note: str) -> None:
        """1218 Art. 2.7: the owner unit reviewed the entry this quarter; the next review falls due three months on."""
        self.check("review", actor)
        self.reviewed_at, self.reviewed_by, self.review_due = now, actor.username, next_review(on)
        self._record(now, actor.username, "reviewed", note.strip())

    # -- internals ----------------------------------------------------------------------------------------------

    def _change(
        self, now: datetime, actor: str, content: Content, topics: frozenset[str], action: str, note: str = ""
    ) -> tuple[str, ...]:
        content = content.cleaned()
        problems = content.problems(topics=topics, entry_id=self.id)
        if problems:
            raise RuleViolationError("Nội dung mục hỏi đáp chưa hợp lệ.", code="invalid_entry", fields=problems)
        changed = tuple(d.field for d in diff(self.content.snapshot(), content.snapshot()))
        if not changed:
            return ()
        self.content = content
        if self.status == "in_review":
            self.status = "draft"
        self._record(now, actor, action, note, changed)
        return changed

    def _record(self, now: datetime, actor: str, action: str, note: str = "", changed: tuple[str, ...] = ()) -> None:
        self.updated_by, self.updated_at = actor, now
        self.revision += 1
        self.new_versions.append(Version(self.revision, now, actor, action, changed, self.status, self.content.snapshot(), note))


def create(entry_id: str, tenant: str, now: datetime, actor: Principal, content: Content, *, topics: frozenset[str]) -> Entry:
    """A new draft written by an editor (or proposed from an answered request)."""
    if Permission.KNOWLEDGE_WRITE not in permissions_of(actor.roles, actor.tenant):
        raise ForbiddenError()
    content = content.cleaned()
    problems = content.problems(topics=topics, entry_id=entry_id)
    if problems:
        raise RuleViolationError("Nội dung mục hỏi đáp chưa hợp lệ.", code="invalid_entry", fields=problems)
    entry = Entry(entry_id, tenant, content, actor.username, now)
    entry._record(now, actor.username, "created", changed=FIELDS)
    return entry


def from_file(
    current: Entry | None,
    entry_id: str,
    tenant: str,
    now: datetime,
    actor: str,
    content: Content,
    status: Status,
    on: date,
    *,
    topics: frozenset[str],
) -> Entry | None:
    """An entry as an imported file row gives it, recorded as one version `imported`; None when it already reads so.

    Only a leader imports (a file can publish, and a leader signs what is published: Art. 6.2), so the row's status
    is taken as decided. A row newly published gets its first quarterly review three months on (1218 Art. 2.7).
    """
    content = content.cleaned()
    problems = content.problems(topics=topics, entry_id=entry_id)
    if problems:
        raise RuleViolationError("Nội dung mục hỏi đáp chưa hợp lệ.", code="invalid_entry", fields=problems)
    entry = current or Entry(entry_id, tenant, content, actor, now)
    changed = FIELDS if current is None else tuple(d.field for d in diff(entry.content.snapshot(), content.snapshot()))
    if not changed and status == entry.status:
        return None
    if status == "published" and (current is None or current.status != "published"):
        entry.published_by, entry.published_at, entry.review_due = actor, now, next_review(on)
    elif status != "published":
        entry.review_due = None
    entry.content, entry.status = content, status
    entry._record(now, actor, "imported", changed=changed)
    return entry


P = Permission
_RULES: dict[str, tuple[Permission | None, Callable[[Entry, Principal], None]]] = {
    "update": (None, Entry._can_update),
    "submit": (P.KNOWLEDGE_WRITE, Entry._can_submit),
    "publish": (P.KNOWLEDGE_PUBLISH, Entry._can_decide),
    "return": (P.KNOWLEDGE_PUBLISH, Entry._can_return),
    "retire": (P.KNOWLEDGE_PUBLISH, Entry._can_retire),
    "review": (None, Entry._can_review),
    "restore": (None, Entry._can_restore),
}
ACTIONS: tuple[str, ...] = tuple(_RULES)


def allowed_actions(entry: Entry, actor: Principal) -> list[str]:
    """The actions `actor` may take on the entry now — what the read model lists and the console offers."""
    return [name for name in ACTIONS if entry.refusal(name, actor) is None]
