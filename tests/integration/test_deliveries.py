"""Invitations against the emulated AWS: bulk templated e-mail 50 a call, SES's events (emulated by the local stack
through the configuration set's topic and queue) move the statuses, a hard bounce suppresses and tells the subject."""

from __future__ import annotations

import json

import pytest

from chalicelib.bootstrap import container
from chalicelib.entrypoints.ses_events import handle_ses_records
from chalicelib.links.deliveries import DELIVERED, PERMANENT, SENDING, Delivery
from chalicelib.shared.ids import new_id
from chalicelib.shared.tenancy import acting_for

SIM = "simulator.amazonses.com"


@pytest.fixture
def events(ses_events):
    """`events()` handles what is on the SES events queue (conftest's `ses_events`)."""
    return ses_events


def _invitation(group: str, to: str, purpose: str, n: int) -> Delivery:
    return Delivery(
        "hanoi",
        group,
        f"d{n:05d}",
        new_id(),
        purpose,
        {"member_id": f"m{n}"},
        "email",
        to,
        "survey-invitation",
        data={
            "office_name": "Bảo hiểm xã hội thành phố Hà Nội",
            "survey_title": "chất lượng dịch vụ",
            "valid_until": "15/12/2026",
        },
        secret={"survey_url": f"http://hanoi.localhost/s/token{n}"},
    )


def _send(group: str, deliveries: list[Delivery]) -> None:
    service = container().deliveries
    with acting_for("hanoi"):
        service.prepare(tenant="hanoi", group=group, deliveries=deliveries)
        service.send_chunk(tenant="hanoi", group=group, rate=100)


def test_120_invitations_take_3_ses_calls_and_their_events_mark_them_delivered(stack, unique, sent, events):
    group = f"s{unique}.official"
    before = len(sent()["bulk"])
    _send(group, [_invitation(group, f"p{n}.{unique}@example.vn", "survey", n) for n in range(120)])
    calls = sent()["bulk"][before:]
    assert [len(m.destinations) for m in calls] == [50, 50, 20], "one SendBulkTemplatedEmail per 50 destinations"
    first = calls[0].destinations[0]
    assert json.loads(first["ReplacementTemplateData"])["survey_url"] == "http://hanoi.localhost/s/token0"
    service = container().deliveries
    assert service.progress(tenant="hanoi", group=group).counts[SENDING] == 120
    events()
    progress = service.progress(tenant="hanoi", group=group)
    assert (progress.total, progress.sent, progress.counts[DELIVERED]) == (120, 120, 120)
    with acting_for("hanoi"):
        page, _ = service.list(tenant="hanoi", group=group, limit=5)
    assert page[0].provider_id and page[0].secret == {}, "the message id is kept and the link's URL is gone"


def test_a_hard_bounce_suppresses_the_address_calls_the_hook_and_a_repeated_event_changes_nothing(stack, unique, events):
    group, purpose = f"s{unique}.pilot", f"survey{unique}"
    told: list[str] = []
    container().deliveries.on_failure(purpose, lambda d: told.append(d.id))
    _send(group, [_invitation(group, f"bounce@{SIM}", purpose, 1), _invitation(group, f"complaint@{SIM}", purpose, 2)])
    bodies = events()
    service = container().deliveries
    with acting_for("hanoi"):
        page, _ = service.list(tenant="hanoi", group=group, limit=10)
    status = {d.id: d.status for d in page}
    assert status == {"d00001": PERMANENT, "d00002": DELIVERED}, "a complaint leaves the delivery delivered"
    assert sorted(told) == ["d00001", "d00002"], "the survey hears of the bounce and of the complaint"
    counts = service.progress(tenant="hanoi", group=group).counts
    assert handle_ses_records([{"messageId": "again", "body": b} for b in bodies]) == []
    assert service.progress(tenant="hanoi", group=group).counts == counts and sorted(told) == ["d00001", "d00002"]

    again = f"s{unique}.official"
    before = len(told)
    _send(again, [_invitation(again, f"BOUNCE@{SIM}", purpose, 3)])
    with acting_for("hanoi"):
        page, _ = service.list(tenant="hanoi", group=again, limit=10)
    assert page[0].status == PERMANENT and page[0].history[-1].detail == "suppressed" and page[0].provider_id is None
    assert len(told) == before + 1, "a suppressed address is not written to again, and the survey is told"
