"""The same contract for the request store in memory and in DynamoDB (PynamoDB on moto): what the service relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.audit.domain import AuditEvent
from chalicelib.customers.domain import Customer, CustomerRecord
from chalicelib.notifications.domain import Notice
from chalicelib.requests.domain import SYSTEM, Category, Channel, Deadline, Draft, Event, Kind, Request, Status, reference_of
from chalicelib.requests.ports import Change, IntakeRecord, RequestFilter, SystemNote, UnitRef
from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakeRequestStore

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
EVERYONE = frozenset({"agent", "focal_officer", "leader", "ccc_officer"})


@pytest.fixture(params=["memory", "dynamodb"])
def stores(request):
    """The request store and the customer store whose new customers it writes, in memory or on moto."""
    if request.param == "memory":
        memory = FakeRequestStore()
        return memory, memory.customers
    request.getfixturevalue("stack")
    from chalicelib.audit.store import AuditStore
    from chalicelib.customers.store import CustomerStore
    from chalicelib.notifications.store import OutboxStore
    from chalicelib.requests.store import DynamoRequestStore
    from chalicelib.shared.clock import FixedClock

    audit = AuditStore()
    people = CustomerStore(journal=audit)
    return DynamoRequestStore(outbox=OutboxStore(clock=FixedClock(NOW)), journal=audit, customers=people), people


@pytest.fixture
def store(stores):
    return stores[0]


def _new(tenant: str, subject: str = "Chế độ thai sản", channel: Channel = Channel.HOTLINE, due_in: int = 3, **extra) -> Request:
    request = Request(
        id=new_id(),
        reference="",
        tenant=tenant,
        channel=channel,
        kind=Kind.INFORMATION,
        category=Category.POLICY,
        subject=subject,
        question="Câu hỏi",
        customer_id=extra.pop("customer_id", "c1"),
        customer_name="Nguyễn Văn An",
        received_at=extra.pop("received_at", NOW),
        recorded_at=NOW,
        created_by=f"{tenant}.agent",
        **extra,
    )
    request.reference = reference_of(request)
    request.record_intake(NOW)
    request.set_deadline(Deadline(NOW + timedelta(days=due_in), NOW, "t1"))
    return request


def _actor(tenant: str) -> Principal:
    return Principal(f"{tenant}.agent", tenant, EVERYONE)


def test_a_committed_request_reads_back_with_its_timeline_and_version(store, unique):
    tenant = f"t{unique}"
    request = _new(tenant)
    store.commit(Change([request]))
    assert request.version == 1 and request.new_events == [] and [e.action for e in request.history] == ["received"]
    read = store.get(tenant=tenant, request_id=request.id)
    assert read is not None and read.version == 1 and read.subject == request.subject and read.due_at == request.due_at
    assert [e.action for e in read.history] == ["received"]
    assert store.get(tenant=f"x{unique}", request_id=request.id) is None, "another tenant's id is not found"


def test_a_stale_version_conflicts_and_writes_nothing(store, unique):
    tenant = f"t{unique}"
    request = _new(tenant)
    store.commit(Change([request]))
    first, second = store.get(tenant=tenant, request_id=request.id), store.get(tenant=tenant, request_id=request.id)
    first.assign(NOW, _actor(tenant), "agent-2")
    store.commit(Change([first]))
    second.assign(NOW, _actor(tenant), "agent-3")
    with pytest.raises(ConflictError):
        store.commit(Change([second]))
    read = store.get(tenant=tenant, request_id=request.id)
    assert read.assignee == "agent-2" and [e.action for e in read.history].count("assigned") == 1


def test_an_intake_key_is_written_once_with_its_request(store, unique):
    tenant = f"t{unique}"
    record = IntakeRecord(f"key-{unique}", "r1", "fp", NOW + timedelta(days=1))
    one = _new(tenant)
    store.commit(Change([one], intake=IntakeRecord(record.key, one.id, "fp", record.expires_at)))
    two = _new(tenant)
    with pytest.raises(ConflictError):
        store.commit(Change([two], intake=IntakeRecord(record.key, two.id, "fp", record.expires_at)))
    assert store.get(tenant=tenant, request_id=two.id) is None, "the second request was not written either"
    found = store.intake_record(tenant=tenant, key=record.key)
    assert found is not None and found.request_id == one.id and found.fingerprint == "fp"
    assert store.intake_record(tenant=f"x{unique}", key=record.key) is None


def test_an_unknown_unit_refuses_the_whole_change(store, unique):
    request = _new("hanoi", subject=f"Đơn vị {unique}")
    with pytest.raises(RuleViolationError) as refused:
        store.commit(Change([request], units=[UnitRef("hanoi", f"khong-co-{unique}", "unit_ids")]))
    assert refused.value.fields == {"unit_ids": "unknown"}
    assert store.get(tenant="hanoi", request_id=request.id) is None


def _newcomer(tenant: str, id_number: str) -> CustomerRecord:
    person = Customer(
        kind="individual", full_name="Phạm Thị Dung", id_number=id_number, id=new_id(), created_at=NOW, updated_at=NOW
    )
    event = AuditEvent(f"{tenant}.agent", "customer.create", person.id, "customer", NOW, {"kind": "individual"})
    return CustomerRecord(tenant, person, event, tenant, new=True)


def test_a_new_customer_is_written_with_the_change_or_not_at_all(stores, unique):
    store, people = stores
    tenant, id_number = f"t{unique}", f"0{int(unique, 16) % 10**11:011d}"
    first = _newcomer(tenant, id_number)
    request = _new(tenant, customer_id=first.customer.id)
    store.commit(Change([request], customers=[first]))
    kept = people.get(tenant=tenant, customer_id=first.customer.id)
    assert kept is not None and kept.id_number == id_number
    assert people.claimed(tenant=tenant, identifiers={"id_number": id_number}) == {"id_number": first.customer.id}
    rival = _newcomer(tenant, id_number)  # another intake that matched before the first committed
    late = _new(tenant, customer_id=rival.customer.id)
    with pytest.raises(ConflictError):
        store.commit(Change([late], customers=[rival]))
    assert store.get(tenant=tenant, request_id=late.id) is None, "the request of the lost round is not written"
    assert people.get(tenant=tenant, customer_id=rival.customer.id) is None, "nor its customer"


def test_a_timer_note_leaves_the_version_alone_and_is_written_once(store, unique):
    tenant = f"t{unique}"
    request = _new(tenant)
    store.commit(Change([request]))
    event = Event(NOW, SYSTEM, "deadline_reminder", "50%")
    note = SystemNote(
        tenant, request.id, "t1-50", event, [Notice("email", "a@b.vn", "deadline-reminder", {}, request.id)], timer_id="t1"
    )
    assert store.note(note) is True
    assert store.note(note) is False, "a repeated timer message finds its note"
    assert store.note(SystemNote(tenant, request.id, "old-50", event, timer_id="old")) is False, "a superseded timer"
    read = store.get(tenant=tenant, request_id=request.id)
    assert read.version == 1 and [e.action for e in read.history] == ["received", "deadline_reminder"]


def test_the_approval_token_is_kept_beside_the_draft(store, unique):
    tenant = f"t{unique}"
    request = _new(tenant, channel=Channel.EMAIL)
    store.commit(Change([request]))
    draft = Draft(new_id(), "Dự thảo", f"{tenant}.agent", NOW)
    request.draft(NOW, _actor(tenant), draft)
    store.commit(Change([request]))
    store.keep_approval_token(tenant=tenant, request_id=request.id, draft_id=draft.id, task_token="token-1")
    store.keep_approval_token(tenant=tenant, request_id=request.id, draft_id=draft.id, task_token="token-1")
    read = store.get(tenant=tenant, request_id=request.id)
    assert read.drafts[0].task_token == "token-1" and read.version == 2
    assert store.note(
        SystemNote(tenant, request.id, f"{draft.id}-approval", Event(NOW, SYSTEM, "approval_overdue"), draft_id=draft.id)
    )


def test_lists_answer_in_domain_terms(store, unique):
    tenant = f"t{unique}"
    soon = _new(tenant, subject=f"Thất nghiệp {unique}", due_in=1, customer_id=f"c-{unique}")
    later = _new(tenant, subject="Hưu trí", due_in=5, customer_id=f"c-{unique}", received_at=NOW - timedelta(minutes=1))
    later.assign(NOW, _actor(tenant), "agent-7")
    store.commit(Change([soon]))
    store.commit(Change([later]))
    nothing = RequestFilter()
    assert [r.id for r in store.open_by_due(tenant=tenant, before=None, only=nothing, limit=10, cursor=None)[0]] == [
        soon.id,
        later.id,
    ]
    assert [
        r.id for r in store.open_by_due(tenant=tenant, before=NOW + timedelta(days=2), only=nothing, limit=10, cursor=None)[0]
    ] == [soon.id]
    page, cursor = store.open_by_due(tenant=tenant, before=None, only=nothing, limit=1, cursor=None)
    assert [r.id for r in page] == [soon.id] and cursor is not None
    assert [r.id for r in store.open_by_due(tenant=tenant, before=None, only=nothing, limit=1, cursor=cursor)[0]] == [later.id]
    assert [
        r.id
        for r in store.open_by_due(tenant=tenant, before=None, only=RequestFilter(text="that nghiep"), limit=10, cursor=None)[0]
    ] == [soon.id]
    assert [r.id for r in store.assigned(tenant=tenant, login="agent-7", only=nothing, limit=10, cursor=None)[0]] == [later.id]
    assert {r.id for r in store.by_status(tenant=tenant, status=Status.OPEN, only=nothing, limit=10, cursor=None)[0]} == {
        soon.id,
        later.id,
    }
    national = [r.id for r in store.national_open(before=None, only=nothing, limit=100, cursor=None)[0]]
    assert soon.id in national and later.id in national
    linked = store.for_customer(tenant=tenant, customer_id=f"c-{unique}")
    assert [link.request_id for link in linked] == [soon.id, later.id] and linked[0].status is Status.OPEN
    assert store.open_by_due(tenant=f"x{unique}", before=None, only=nothing, limit=10, cursor=None)[0] == []


def _trail(people, tenant: str) -> list:
    """The audit entries of the tenant this month, whichever store wrote them."""
    from chalicelib.audit.store import AuditStore

    fake = getattr(people, "audit", None)
    return list(fake.events.get(tenant, [])) if fake is not None else AuditStore().list_month(tenant=tenant, month="2026-11")


def test_a_redaction_rewrites_the_request_and_its_notes_at_its_version_and_keeps_the_last_step(stores, unique):
    from chalicelib.audit.domain import AuditEvent
    from chalicelib.requests.messages import REDACTED_TEXT

    store, people = stores
    tenant, actor = f"t{unique}", _actor(f"t{unique}")
    request = _new(tenant, subject="Ông An hỏi chế độ ốm đau", customer_id=f"c-{unique}")
    store.commit(Change([request]))
    request.answer_directly(NOW + timedelta(minutes=1), actor, "Ông An được hưởng", None)
    request.reopen(NOW + timedelta(minutes=2), actor, "Ông An gọi lại")
    request.answer_directly(NOW + timedelta(minutes=3), actor, "Bổ sung cho ông An", None)
    request.close(NOW + timedelta(minutes=4), actor)
    store.commit(Change([request]))
    store.note(SystemNote(tenant, request.id, "late-note", Event(NOW + timedelta(hours=5), SYSTEM, "deadline_reminder", "80%")))
    [link] = store.for_customer(tenant=tenant, customer_id=f"c-{unique}")
    assert (link.last_step_at, link.redacted) == (NOW + timedelta(minutes=4), False), "a timer's note is not activity"

    stale = store.get(tenant=tenant, request_id=request.id)
    read = store.get(tenant=tenant, request_id=request.id)
    read.redact(NOW + timedelta(minutes=9), "system", "retention_expired")
    store.commit_redaction(read, event=AuditEvent("system", "request.redact", "request", read.id, NOW + timedelta(minutes=9)))
    again = store.get(tenant=tenant, request_id=request.id)
    assert again.version == 3 and (again.subject, again.question, again.answer) == (REDACTED_TEXT,) * 3
    assert again.redacted_at == NOW + timedelta(minutes=9) and again.status is Status.CLOSED
    assert [e.detail for e in again.history if e.action == "reopened"] == [""] and "An" not in repr(again.history)
    assert [e.action for e in again.history][-2:] == ["content_redacted", "deadline_reminder"]
    [link] = store.for_customer(tenant=tenant, customer_id=f"c-{unique}")
    assert (link.last_step_at, link.redacted, link.subject) == (NOW + timedelta(minutes=4), True, REDACTED_TEXT)
    assert [e.action for e in _trail(people, tenant)] == ["request.redact"]

    stale.redact(NOW + timedelta(minutes=10), "system", "retention_expired")
    with pytest.raises(ConflictError):
        store.commit_redaction(stale, event=AuditEvent("system", "request.redact", "request", read.id, NOW))
    assert store.get(tenant=tenant, request_id=request.id).version == 3 and len(_trail(people, tenant)) == 1


def _every_page(store, tenant: str, start: datetime, end: datetime, statuses, only: RequestFilter, limit: int) -> list[str]:
    """Every id `received_in` lists, page after page (a page may be short while a filter skips items)."""
    found, cursor = [], None
    for _ in range(30):
        page, cursor = store.received_in(
            tenant=tenant, start=start, end=end, statuses=statuses, only=only, limit=limit, cursor=cursor
        )
        found += [r.id for r in page]
        if cursor is None:
            return found
    raise AssertionError("the pages never ended")


def test_the_list_by_receipt_holds_exactly_the_range_newest_first_across_statuses(store, unique):
    tenant, actor = f"t{unique}", _actor(f"t{unique}")
    start, end = datetime(2026, 11, 18, 17, 0, tzinfo=UTC), datetime(2026, 11, 19, 17, 0, tzinfo=UTC)  # 19/11 local
    made = {}
    for name, at, channel in (
        ("before", start - timedelta(microseconds=1), Channel.HOTLINE),
        ("first", start, Channel.HOTLINE),
        ("email", start + timedelta(hours=2), Channel.EMAIL),
        ("answered", start + timedelta(hours=3), Channel.HOTLINE),
        ("closed", start + timedelta(hours=4), Channel.HOTLINE),
        ("unit", start + timedelta(hours=5), Channel.HOTLINE),
        ("last", end - timedelta(microseconds=1), Channel.POST),
        ("after", end, Channel.HOTLINE),
    ):
        request = _new(tenant, channel=channel, received_at=at, unit_id="co-so-1" if name == "unit" else None)
        if name in ("answered", "closed"):
            request.answer_directly(at, actor, "Đã giải đáp", None)
        if name == "closed":
            request.close(at, actor)
        store.commit(Change([request]))
        made[name] = request.id
    inside = [made[n] for n in ("last", "unit", "closed", "answered", "email", "first")]
    every, nothing = set(Status), RequestFilter()
    assert _every_page(store, tenant, start, end, every, nothing, 25) == inside, "the start is in, the end is out"
    assert _every_page(store, tenant, start, end, every, nothing, 1) == inside, "one a page, none twice or missed"
    hotline = RequestFilter(channel="hotline")
    assert _every_page(store, tenant, start, end, every, hotline, 1) == [made[n] for n in ("unit", "closed", "answered", "first")]
    done = {Status.ANSWERED, Status.CLOSED}
    assert _every_page(store, tenant, start, end, done, nothing, 2) == [made["closed"], made["answered"]]
    assert _every_page(store, tenant, start, end, every, RequestFilter(kind="complaint"), 3) == []
    assert _every_page(store, tenant, start, end, every, RequestFilter(unit="co-so-1"), 2) == [made["unit"]], "handling unit"
    assert _every_page(store, f"x{unique}", start, end, every, nothing, 25) == [], "another tenant's are never listed"
