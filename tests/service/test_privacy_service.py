"""Personal data on in-memory fakes: the retention job, a customer's export and erasure, the retention settings."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.customers.privacy_service import PrivacyService
from chalicelib.customers.retention import CUSTOMER_PROFILE, REQUEST_CONTENT
from chalicelib.customers.schemas import CustomerIdentity
from chalicelib.customers.service import CustomerService
from chalicelib.requests.domain import Category, Channel, Event, Kind, Rating, Request, Status, reference_of
from chalicelib.requests.messages import REDACTED_TEXT
from chalicelib.requests.ports import Change
from chalicelib.requests.privacy import CustomerRequestRecords
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.tenancy import Principal
from tests.fakes import FakeAudit, FakeCustomerStore, FakeRequestStore, FakeRetentionStore

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
AGENT = Principal("hanoi.agent", "hanoi", frozenset({"agent"}))
LEADER = Principal("hanoi.leader", "hanoi", frozenset({"leader"}))
ADMIN = Principal("hanoi.tenant-admin", "hanoi", frozenset({"tenant_admin"}))
CENTRAL_ADMIN = Principal("ccc.central-admin", "ccc", frozenset({"central_admin"}))
HCM_LEADER = Principal("hcm.leader", "hcm", frozenset({"leader"}))


def person(n: int) -> CustomerIdentity:
    return CustomerIdentity(
        kind="individual",
        full_name=f"Trần Thị Bình {n}",
        id_number=f"00120300{n:04d}",
        phone=f"09123{n:05d}",
        email=f"binh{n}@example.vn",
        address="5 Trần Phú, Ba Đình, Hà Nội",
    )


class World:
    """The customers, requests and retention settings of one test, with one audit trail and a clock to move."""

    def __init__(self) -> None:
        self.clock = FixedClock(NOW)
        self.audit = FakeAudit()
        self.customers = FakeCustomerStore(self.audit)
        self.requests = FakeRequestStore(customers=self.customers)
        self.settings = FakeRetentionStore(self.audit)
        self.people = CustomerService(store=self.customers, audit=self.audit, clock=self.clock)
        self.privacy = PrivacyService(
            customers=self.customers,
            settings=self.settings,
            records=CustomerRequestRecords(self.requests),
            audit=self.audit,
            clock=self.clock,
        )

    def customer(self, n: int, *, at: datetime) -> str:
        """A customer recorded at `at`."""
        self.clock._at = at
        made = self.people.create(tenant="hanoi", actor=AGENT, data=person(n))
        self.clock._at = NOW
        return made.id

    def request(self, customer_id: str, *, at: datetime, closed_after: timedelta | None = timedelta(days=3)) -> Request:
        """A hotline request received at `at`, answered and closed `closed_after` later (None: still open)."""
        request = Request(
            id=new_id(),
            reference="",
            tenant="hanoi",
            channel=Channel.HOTLINE,
            kind=Kind.INFORMATION,
            category=Category.POLICY,
            subject="Chế độ thai sản của chị Bình",
            question="Chị Bình, CCCD 001203000001, hỏi chế độ thai sản khi sinh đôi",
            customer_id=customer_id,
            customer_name="Trần Thị Bình",
            received_at=at,
            recorded_at=at,
            created_by="hanoi.agent",
        )
        request.reference = reference_of(request)
        request.new_events = [Event(at, "hanoi.agent", "received")]
        if closed_after is not None:
            request.status, request.answer, request.answered_at = Status.CLOSED, "Chị Bình được hưởng 6 tháng", at
            request.rating = Rating(False, "Chị Bình chưa nhận tiền", "Gọi lại", at + closed_after, "hanoi.agent")
            request.new_events += [
                Event(at + timedelta(hours=1), "hanoi.agent", "answered"),
                Event(at + closed_after, "hanoi.agent", "reopened", "Chị Bình gọi lại hỏi thêm"),
                Event(at + closed_after, "hanoi.agent", "closed"),
            ]
        self.requests.commit(Change([request]))
        return request

    def entries(self, tenant: str = "hanoi") -> str:
        """Every audit entry of the tenant, as text."""
        return repr([asdict(e) for e in self.audit.events.get(tenant, [])])


@pytest.fixture
def world() -> World:
    return World()


def years_ago(years: float) -> datetime:
    return NOW - timedelta(days=round(365.25 * years))


# -- the retention job --------------------------------------------------------------------------------------------


def test_a_customer_inactive_past_the_period_is_anonymised_and_their_requests_keep_only_statistics(world):
    old = world.customer(1, at=years_ago(7))
    request = world.request(old, at=years_ago(6.5))
    run = world.privacy.run(tenant="hanoi")
    assert (run.customers_anonymised, run.requests_redacted, run.complete) == (1, 1, True)

    gone = world.customers.get(tenant="hanoi", customer_id=old)
    assert gone is not None and gone.anonymised_at == NOW and gone.anonymised_reason == "retention_expired"
    assert gone.identifiers() == {} and gone.full_name is None and gone.email is None and gone.address is None
    assert world.customers.claimed(tenant="hanoi", identifiers={"id_number": "001203000001"}) == {}
    assert world.customers.search_name(tenant="hanoi", prefix="tran thi binh", limit=5) == []
    kept = world.requests.get(tenant="hanoi", request_id=request.id)
    assert kept is not None
    assert (kept.status, kept.received_at, kept.channel, kept.category, kept.rating.satisfied) == (  # type: ignore[union-attr]
        Status.CLOSED,
        request.received_at,
        Channel.HOTLINE,
        Category.POLICY,
        False,
    )
    assert (kept.subject, kept.question, kept.answer, kept.customer_name) == (
        REDACTED_TEXT,
        REDACTED_TEXT,
        REDACTED_TEXT,
        gone.display_name,
    )
    assert "Bình" not in repr(kept.history) and kept.history[-1].action == "content_redacted"
    for personal in ("Trần Thị Bình", "001203000001", "0912300001", "binh1@"):
        assert personal not in world.entries()
    actions = [e.action for e in world.audit.events["hanoi"]]
    assert actions[-2:] == ["request.redact", "customer.anonymise"]

    again = world.privacy.run(tenant="hanoi")
    assert (again.customers_anonymised, again.requests_redacted) == (0, 0)
    assert [e.action for e in world.audit.events["hanoi"]] == actions, "a second run writes nothing"


def test_an_active_customer_keeps_the_profile_and_loses_only_old_content_once(world):
    active = world.customer(2, at=years_ago(5))
    old = world.request(active, at=years_ago(4))
    recent = world.request(active, at=years_ago(1))
    run = world.privacy.run(tenant="hanoi")
    assert (run.customers_anonymised, run.requests_redacted) == (0, 1)
    customer = world.customers.get(tenant="hanoi", customer_id=active)
    assert customer is not None and customer.anonymised_at is None and customer.full_name == "Trần Thị Bình 2"
    assert world.requests.get(tenant="hanoi", request_id=old.id).redacted_at == NOW  # type: ignore[union-attr]
    assert world.requests.get(tenant="hanoi", request_id=recent.id).redacted_at is None  # type: ignore[union-attr]
    # The marks moved past the cutoffs: the customer is not looked at again until something can fall due.
    for mark, kind in (("activity", CUSTOMER_PROFILE), ("content", REQUEST_CONTENT)):
        policy = world.privacy.policy(tenant="hanoi")
        assert world.customers.due(tenant="hanoi", mark=mark, before=policy.cutoff(kind, NOW), limit=10) == ([], None)


def test_an_open_request_keeps_the_customer_however_long_ago_it_came(world):
    waiting = world.customer(3, at=years_ago(8))
    world.request(waiting, at=years_ago(7), closed_after=None)
    assert world.privacy.run(tenant="hanoi").customers_anonymised == 0
    assert world.customers.get(tenant="hanoi", customer_id=waiting).anonymised_at is None  # type: ignore[union-attr]


def test_a_run_that_stops_is_finished_by_the_next(world):
    ids = [world.customer(n, at=years_ago(7)) for n in range(10, 14)]
    visits = iter(range(100))
    first = world.privacy.run(tenant="hanoi", should_stop=lambda: next(visits) >= 2)
    assert (first.complete, first.customers_anonymised) == (False, 2)
    second = world.privacy.run(tenant="hanoi")
    assert (second.complete, second.customers_anonymised) == (True, 2)
    assert all(world.customers.get(tenant="hanoi", customer_id=i).anonymised_at for i in ids)  # type: ignore[union-attr]
    assert world.settings.last_run(tenant="hanoi") == second


def test_a_run_that_fails_between_the_requests_and_the_profile_is_finished_by_the_next(world):
    old = world.customer(20, at=years_ago(7))
    request = world.request(old, at=years_ago(6.5))
    real = world.customers.anonymise

    def fails_once(**kwargs):
        world.customers.anonymise = real  # type: ignore[method-assign]
        raise RuntimeError("the Lambda ran out of time")

    world.customers.anonymise = fails_once  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        world.privacy.run(tenant="hanoi")
    assert world.requests.get(tenant="hanoi", request_id=request.id).redacted_at == NOW  # type: ignore[union-attr]
    assert world.customers.get(tenant="hanoi", customer_id=old).anonymised_at is None  # type: ignore[union-attr]
    run = world.privacy.run(tenant="hanoi")
    assert (run.customers_anonymised, run.requests_redacted) == (1, 0)


def test_a_shorter_period_set_later_applies_to_customers_already_looked_at(world):
    customer = world.customer(30, at=years_ago(3))
    assert world.privacy.run(tenant="hanoi").customers_anonymised == 0
    world.privacy.set_policy(tenant="hanoi", actor=ADMIN, months={CUSTOMER_PROFILE: 24, REQUEST_CONTENT: 12}, version=0)
    assert world.privacy.run(tenant="hanoi").customers_anonymised == 1
    assert world.customers.get(tenant="hanoi", customer_id=customer).anonymised_at == NOW  # type: ignore[union-attr]


def test_audit_months_past_their_period_are_deleted_once_and_the_deletion_recorded(world):
    from chalicelib.audit.domain import AuditEvent

    world.privacy.set_policy(tenant="hanoi", actor=ADMIN, months={"audit_entry": 24}, version=0)
    for at in (datetime(2024, 1, 5, tzinfo=UTC), datetime(2024, 11, 30, 23, tzinfo=UTC), datetime(2024, 12, 2, tzinfo=UTC)):
        world.audit.append(tenant="hanoi", event=AuditEvent("hanoi.agent", "customer.read", "customer", "x", at))
    run = world.privacy.run(tenant="hanoi")
    assert run.audit_months_purged == 2 and run.audit_purged_through == "2024-11"
    assert [e.at.strftime("%Y-%m") for e in world.audit.events["hanoi"] if e.action == "customer.read"] == ["2024-12"]
    purged = [(e.target_id, e.detail["entries"]) for e in world.audit.events["hanoi"] if e.action == "audit.purge"]
    assert purged == [("2024-01", "1"), ("2024-11", "1")]
    assert world.privacy.run(tenant="hanoi").audit_months_purged == 0


# -- the customer's copy of their data ----------------------------------------------------------------------------


def test_the_export_holds_profile_identifiers_and_requests_without_naming_staff_and_is_audited(world):
    customer = world.customer(40, at=years_ago(1))
    world.request(customer, at=years_ago(0.5))
    export = world.privacy.export(tenant="hanoi", actor=LEADER, customer_id=customer)
    assert (export.customer.full_name, export.customer.id_number, export.exported_at) == ("Trần Thị Bình 40", "001203000040", NOW)
    [request] = export.requests
    assert request.question.startswith("Chị Bình") and request.answer == "Chị Bình được hưởng 6 tháng"
    assert [s.label for s in request.steps] == ["Tiếp nhận", "Trả lời", "Mở lại", "Đóng"]
    assert "hanoi.agent" not in repr(export.requests), "staff are known to the public by agent code only"
    event = world.audit.events["hanoi"][-1]
    assert (event.actor, event.action, event.target_id, event.detail) == (
        "hanoi.leader",
        "customer.export",
        customer,
        {"requests": "1"},
    )


def test_another_office_neither_exports_nor_erases_and_unknown_ids_are_not_found(world):
    customer = world.customer(41, at=years_ago(1))
    before = len(world.audit.events["hanoi"])
    with pytest.raises(ForbiddenError):
        world.privacy.export(tenant="hanoi", actor=HCM_LEADER, customer_id=customer)
    with pytest.raises(NotFoundError):
        world.privacy.export(tenant="hcm", actor=HCM_LEADER, customer_id=customer)
    with pytest.raises(NotFoundError):
        world.privacy.erase(
            tenant="hanoi", actor=LEADER, customer_id="../../x", version=1, reason="subject_request", reference=None
        )
    assert len(world.audit.events["hanoi"]) == before and "hcm" not in world.audit.events


# -- erasure on request -------------------------------------------------------------------------------------------


def test_an_erasure_with_an_open_request_or_a_stale_version_writes_nothing(world):
    customer = world.customer(50, at=years_ago(1))
    closed = world.request(customer, at=years_ago(0.8))
    world.request(customer, at=NOW - timedelta(days=2), closed_after=None)
    before = list(world.audit.events["hanoi"])
    with pytest.raises(RuleViolationError) as refused:
        world.privacy.erase(
            tenant="hanoi", actor=LEADER, customer_id=customer, version=1, reason="subject_request", reference=None
        )
    assert refused.value.code == "customer_has_open_requests"
    with pytest.raises(ConflictError):
        world.privacy.erase(
            tenant="hanoi", actor=LEADER, customer_id=customer, version=7, reason="subject_request", reference=None
        )
    assert world.audit.events["hanoi"] == before
    assert world.requests.get(tenant="hanoi", request_id=closed.id).redacted_at is None  # type: ignore[union-attr]
    assert world.customers.get(tenant="hanoi", customer_id=customer).full_name == "Trần Thị Bình 50"  # type: ignore[union-attr]


def test_an_erasure_anonymises_at_once_records_who_why_and_the_reference_and_repeats_harmlessly(world):
    customer = world.customer(51, at=years_ago(1))
    world.request(customer, at=years_ago(0.5))
    done = world.privacy.erase(
        tenant="hanoi", actor=LEADER, customer_id=customer, version=1, reason="subject_request", reference="15/PYC-BHXH"
    )
    assert done.customer.anonymised_at == NOW and done.customer.identifiers() == {} and done.requests_redacted == 1
    event = world.audit.events["hanoi"][-1]
    assert (event.actor, event.action, event.target_id) == ("hanoi.leader", "customer.erase", customer)
    assert event.detail == {"reason": "subject_request", "requests": "1", "reference": "15/PYC-BHXH"}
    count = len(world.audit.events["hanoi"])
    again = world.privacy.erase(
        tenant="hanoi", actor=LEADER, customer_id=customer, version=1, reason="subject_request", reference=None
    )
    assert again.customer == done.customer and len(world.audit.events["hanoi"]) == count
    with pytest.raises(ConflictError) as refused:
        world.people.update(tenant="hanoi", actor=AGENT, customer_id=customer, version=2, data=person(51))
    assert refused.value.code == "customer_anonymised"
    with pytest.raises(RuleViolationError) as no_one:
        world.people.read(tenant="hanoi", actor=AGENT, customer_id=customer, via="intake")
    assert no_one.value.fields == {"customer.id": "anonymised"}, "a new request needs a new record"
    assert world.people.read(tenant="hanoi", actor=AGENT, customer_id=customer, via="notice").customer.phone is None


def test_no_audit_entry_holds_the_name_id_number_or_phone_it_protects(world):
    customer = world.customer(60, at=years_ago(1))
    world.request(customer, at=years_ago(0.5))
    world.people.update(tenant="hanoi", actor=AGENT, customer_id=customer, version=1, data=person(61))
    world.people.get(tenant="hanoi", actor=AGENT, customer_id=customer)
    world.privacy.export(tenant="hanoi", actor=LEADER, customer_id=customer)
    world.privacy.erase(tenant="hanoi", actor=LEADER, customer_id=customer, version=2, reason="objection", reference="7/2026")
    text = world.entries()
    for n in (60, 61):
        identity = person(n)
        for value in (identity.full_name, identity.id_number, identity.phone, identity.email, "Bình"):
            assert value and value not in text, value


# -- settings -----------------------------------------------------------------------------------------------------


def test_the_office_sets_its_periods_inside_the_bounds_at_the_version_read_audited(world):
    saved = world.privacy.set_policy(tenant="hanoi", actor=ADMIN, months={CUSTOMER_PROFILE: 48}, version=0)
    assert (saved.months(CUSTOMER_PROFILE), saved.version) == (48, 1)
    entry = world.audit.events["hanoi"][-1]
    assert (entry.action, entry.detail) == ("retention_policy.update", {"months": "customer_profile=48", "version": "0"})
    with pytest.raises(ConflictError):
        world.privacy.set_policy(tenant="hanoi", actor=ADMIN, months={CUSTOMER_PROFILE: 36}, version=0)
    with pytest.raises(RuleViolationError):
        world.privacy.set_policy(tenant="hanoi", actor=ADMIN, months={CUSTOMER_PROFILE: 6}, version=1)
    assert world.privacy.policy(tenant="hanoi").months(CUSTOMER_PROFILE) == 48 and len(world.audit.events["hanoi"]) == 1


def test_only_the_ccc_sets_national_bounds_which_then_bound_every_office(world):
    with pytest.raises(ForbiddenError):
        world.privacy.set_national(actor=ADMIN, bounds={CUSTOMER_PROFILE: (24, 60)}, version=0)
    world.privacy.set_national(actor=CENTRAL_ADMIN, bounds={CUSTOMER_PROFILE: (24, 60)}, version=0)
    assert world.audit.events["ccc"][-1].action == "retention_bounds.update"
    with pytest.raises(RuleViolationError) as refused:
        world.privacy.set_policy(tenant="hanoi", actor=ADMIN, months={CUSTOMER_PROFILE: 84}, version=0)
    assert refused.value.code == "out_of_bounds"
