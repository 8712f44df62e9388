"""The national contact log's contract, in memory and in DynamoDB (PynamoDB on moto), and its place in the tenant
scope: every office writes and reads it, nobody deletes it, and it holds no phone or e-mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.shared.tenancy import acting_for
from tests.fakes import FakeContactLog

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
PEPPER = b"test-pepper-0123456789abcdef"


@pytest.fixture(params=["memory", "dynamodb"])
def log(request):
    if request.param == "memory":
        return FakeContactLog()
    request.getfixturevalue("stack")
    from chalicelib.surveys.contacts import ContactLog

    return ContactLog(pepper=PEPPER)


def test_people_invited_within_the_window_are_recent_and_others_are_not(log, unique) -> None:
    old, new, never = f"old-{unique}", f"new-{unique}", f"never-{unique}"
    log.record([old], at=NOW - timedelta(days=120), tenant="hanoi")
    log.record([new], at=NOW - timedelta(days=10), tenant="hcm")
    assert log.recent([old, new, never], since=NOW - timedelta(days=90)) == {new}
    assert log.recent([old, new, never], since=NOW - timedelta(days=200)) == {old, new}


def test_a_later_invitation_moves_a_person_into_the_window_and_repeating_a_record_is_harmless(log, unique) -> None:
    key = f"p-{unique}"
    log.record([key, key], at=NOW - timedelta(days=200), tenant="hanoi")
    log.record([key], at=NOW - timedelta(days=1), tenant="ccc")
    log.record([key], at=NOW - timedelta(days=1), tenant="ccc")
    assert log.recent([key], since=NOW - timedelta(days=90)) == {key}


def test_hundreds_of_people_are_recorded_and_asked_in_batches(log, unique) -> None:
    keys = [f"b{i}-{unique}" for i in range(250)]
    log.record(keys[:230], at=NOW, tenant="danang")
    assert log.recent(keys, since=NOW - timedelta(days=90)) == set(keys[:230])


def test_every_office_writes_and_reads_the_log_in_its_own_scope_and_the_item_holds_no_contact(stack, unique) -> None:
    from chalicelib.surveys.contacts import PREFIX, ContactItem, ContactLog, contact_hash

    log = ContactLog(pepper=PEPPER)
    phone_key = f"phone:+84912{unique}"
    with acting_for("hanoi"):
        log.record([phone_key], at=NOW, tenant="hanoi")
    with acting_for("hcm"):
        assert log.recent([phone_key], since=NOW - timedelta(days=90)) == {phone_key}
    item = ContactItem.get(PREFIX + contact_hash(phone_key, pepper=PEPPER), "CONTACT")
    assert (item.tenant, item.last_at) == ("hanoi", "2026-12-01T03:00:00.000000Z") and item.expires_at
    assert unique not in str(item.attribute_values), "only the keyed hash, never the person key"


def test_a_weak_pepper_is_refused() -> None:
    from chalicelib.surveys.contacts import ContactLog

    with pytest.raises(ValueError):
        ContactLog(pepper=b"short")


def test_the_local_stack_wires_a_contact_log(stack) -> None:
    from chalicelib.bootstrap import container

    assert container().survey_contacts is not None
