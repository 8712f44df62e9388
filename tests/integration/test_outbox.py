"""Notices go through the outbox: a failed send is retried, a notice that keeps failing is listed and can be resent."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.adapters.messaging import Mailer, OutboxQueue, Sms
from chalicelib.bootstrap import container
from chalicelib.notifications.domain import MAX_ATTEMPTS, Notice
from chalicelib.notifications.service import NotificationService
from chalicelib.notifications.store import OutboxStore
from chalicelib.shared.clock import SystemClock
from chalicelib.shared.errors import UnavailableError


def _queue_one(email: str) -> str:
    notice = Notice(
        "email", email, "deadline-reminder", {"reference": "HANOI-X", "subject": "s", "level": "50", "due_local": "", "url": "u"}
    )
    OutboxStore(clock=SystemClock()).entry(tenant="hanoi", notice=notice).save()
    return notice.id


class DownMailer(Mailer):
    """SES answering 5xx to every call (a Mailer with no client: every send fails before reaching one)."""

    def __init__(self) -> None:
        pass

    def send(self, *, to: str, template: str, data: dict[str, str]) -> str:
        raise UnavailableError()


def _status(notice_id: str) -> str:
    """The outbox item's status (it must exist)."""
    item = OutboxStore(clock=SystemClock()).get(tenant="hanoi", notice_id=notice_id)
    assert item is not None, notice_id
    return item.status


def _with_mail_down() -> NotificationService:
    """The outbox's service as the running stack has it, but with SES down (its queue and SMS are the real ones)."""
    c = container()
    queue = OutboxQueue(
        boto3.client("sqs", region_name=c.settings.region, endpoint_url=c.settings.endpoint_url), url=c.settings.outbox_queue_url
    )
    sms = Sms(boto3.client("sns", region_name=c.settings.region, endpoint_url=c.settings.endpoint_url))
    return NotificationService(
        store=OutboxStore(clock=SystemClock()), queue=queue, mailer=DownMailer(), sms=sms, clock=SystemClock()
    )


def test_a_notice_is_sent_once_even_if_delivered_twice(stack, unique, sent):
    email = f"once.{unique}@example.vn"
    notice_id = _queue_one(email)
    notifications = container().notifications
    notifications.deliver(tenant="hanoi", notice_id=notice_id)
    notifications.deliver(tenant="hanoi", notice_id=notice_id)
    assert len([m for m in sent()["emails"] if email in m.destinations["ToAddresses"]]) == 1


def test_failing_notice_is_retried_then_listed_and_resent(api, unique, sent, drain):
    email = f"fail.{unique}@example.vn"
    notice_id = _queue_one(email)
    down = _with_mail_down()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(UnavailableError):
            down.deliver(tenant="hanoi", notice_id=notice_id, receive_count=attempt)
        status = "failed" if attempt == MAX_ATTEMPTS else "pending"
        assert _status(notice_id) == status
    admin = api("hanoi").login("tenant-admin")
    listed = admin.get("/api/notifications/failed").json["items"]
    mine = next(n for n in listed if n["id"] == notice_id)
    assert mine["attempts"] == MAX_ATTEMPTS and mine["last_error"] == "UnavailableError"
    assert email not in str(listed), "the list does not show the recipient's address"
    assert api("hanoi").login("agent").get("/api/notifications/failed").status == 403
    assert api("hcm").login("tenant-admin").post(f"/api/notifications/{notice_id}/resend").status == 404

    assert admin.post(f"/api/notifications/{notice_id}/resend").json["status"] == "pending"
    drain()
    assert len([m for m in sent()["emails"] if email in m.destinations["ToAddresses"]]) == 1
    assert notice_id not in [n["id"] for n in admin.get("/api/notifications/failed").json["items"]]
    assert admin.post(f"/api/notifications/{notice_id}/resend").status == 409


def test_the_console_lists_failed_notices_with_a_resend_button(api, unique):
    from chalicelib.shared.auth import csrf_token

    notice_id = _queue_one(f"page.{unique}@example.vn")
    with pytest.raises(UnavailableError):
        _with_mail_down().deliver(tenant="hanoi", notice_id=notice_id, receive_count=MAX_ATTEMPTS)
    admin = api("hanoi").login("tenant-admin")
    cookie = {"cookie": f"cskh_session={admin.token}"}
    listed = api("hanoi").get("/admin/notifications", headers=cookie)
    assert listed.status == 200 and f'data-notice="{notice_id}"' in listed.text and "Gửi lại" in listed.text
    form = f"csrf={csrf_token(admin.token)}".encode()
    resent = api("hanoi").call(
        "POST",
        f"/admin/notifications/{notice_id}/resend",
        raw=form,
        headers={**cookie, "content-type": "application/x-www-form-urlencoded"},
    )
    assert resent.status == 303
    assert _status(notice_id) == "pending"


def test_a_notice_whose_outcome_is_unknown_is_listed_with_a_warning_before_resending(api, unique):
    from chalicelib.notifications.domain import OUTCOME_UNKNOWN

    notice_id = _queue_one(f"unknown.{unique}@example.vn")
    store = OutboxStore(clock=SystemClock())
    item = store.get(tenant="hanoi", notice_id=notice_id)
    assert item is not None and store.claim(item, at=SystemClock().now())
    assert store.abandon(item, error=OUTCOME_UNKNOWN)
    admin = api("hanoi").login("tenant-admin")
    page = api("hanoi").get("/admin/notifications", headers={"cookie": f"cskh_session={admin.token}"})
    row = page.text.split(f'data-notice="{notice_id}"', 1)[1].split("</tr>", 1)[0]
    assert "Không rõ đã gửi đi hay chưa" in row and "Gửi lại" in row
