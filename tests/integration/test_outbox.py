"""Notices go through the outbox: a failed send is retried, a notice that keeps failing is listed and can be resent."""

from __future__ import annotations

import pytest

from chalicelib.bootstrap import container
from chalicelib.notifications.domain import MAX_ATTEMPTS, Notice
from chalicelib.shared.errors import UnavailableError


def _queue_one(email: str) -> str:
    notifications = container().notifications
    (item,) = notifications.items(tenant="hanoi", notices=[Notice("email", email, "deadline-reminder",
                                                                 {"reference": "HANOI-X", "subject": "s", "level": "50", "due_local": "", "url": "u"})])
    item.save()
    return item.SK


def test_a_notice_is_sent_once_even_if_delivered_twice(stack, unique, sent):
    email = f"once.{unique}@example.vn"
    notice_id = _queue_one(email)
    notifications = container().notifications
    notifications.deliver(tenant="hanoi", notice_id=notice_id)
    notifications.deliver(tenant="hanoi", notice_id=notice_id)
    assert len([m for m in sent()["emails"] if email in m.destinations["ToAddresses"]]) == 1


def test_failing_notice_is_retried_then_listed_and_resent(api, unique, sent, drain, monkeypatch):
    email = f"fail.{unique}@example.vn"
    notice_id = _queue_one(email)
    notifications = container().notifications

    def down(**kwargs):
        raise UnavailableError()

    monkeypatch.setattr(notifications._mailer, "send", down)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(UnavailableError):
            notifications.deliver(tenant="hanoi", notice_id=notice_id, receive_count=attempt)
        status = "failed" if attempt == MAX_ATTEMPTS else "pending"
        assert notifications._store.get(tenant="hanoi", notice_id=notice_id).status == status
    admin = api("hanoi").login("tenant-admin")
    listed = admin.get("/api/notifications/failed").json["items"]
    mine = next(n for n in listed if n["id"] == notice_id)
    assert mine["attempts"] == MAX_ATTEMPTS and mine["last_error"] == "UnavailableError"
    assert email not in str(listed), "the list does not show the recipient's address"
    assert api("hanoi").login("agent").get("/api/notifications/failed").status == 403
    assert api("hcm").login("tenant-admin").post(f"/api/notifications/{notice_id}/resend").status == 404

    monkeypatch.undo()
    assert admin.post(f"/api/notifications/{notice_id}/resend").json["status"] == "pending"
    drain()
    assert len([m for m in sent()["emails"] if email in m.destinations["ToAddresses"]]) == 1
    assert notice_id not in [n["id"] for n in admin.get("/api/notifications/failed").json["items"]]
    assert admin.post(f"/api/notifications/{notice_id}/resend").status == 409


def test_the_console_lists_failed_notices_with_a_resend_button(api, unique, monkeypatch):
    from chalicelib.shared.auth import csrf_token

    notice_id = _queue_one(f"page.{unique}@example.vn")
    notifications = container().notifications
    monkeypatch.setattr(notifications._mailer, "send", lambda **kw: (_ for _ in ()).throw(UnavailableError()))
    with pytest.raises(UnavailableError):
        notifications.deliver(tenant="hanoi", notice_id=notice_id, receive_count=MAX_ATTEMPTS)
    admin = api("hanoi").login("tenant-admin")
    cookie = {"cookie": f"cskh_session={admin.token}"}
    listed = api("hanoi").get("/admin/notifications", headers=cookie)
    assert listed.status == 200 and f'data-notice="{notice_id}"' in listed.text and "Gửi lại" in listed.text
    form = f"csrf={csrf_token(admin.token)}".encode()
    resent = api("hanoi").call("POST", f"/admin/notifications/{notice_id}/resend", raw=form,
                               headers={**cookie, "content-type": "application/x-www-form-urlencoded"})
    assert resent.status == 303
    assert notifications._store.get(tenant="hanoi", notice_id=notice_id).status == "pending"
