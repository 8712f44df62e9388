"""A bounced invitation on the local stack (Art. 8 step 2: reserves stand in for the unreachable): the member with a
phone gets the invitation by SMS, the one without is replaced by the next reserve of their stratum, who is invited;
the tally counts the replacement and the address is suppressed."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.test_survey_frames import _upload
from tests.api.test_surveys import _approved, _until

SIM = "simulator.amazonses.com"


def _frame(officer: Any, run_jobs: Any, unique: str) -> tuple[str, dict[str, str]]:
    """Four people reachable by phone and four by e-mail only, every address bouncing; the frame id and their phones."""
    lines = ["Họ và tên;Số điện thoại;Email;Tỉnh/thành phố;Kênh"]
    phones = {f"bounce+p{i}{unique}@{SIM}": f"09{secrets.randbelow(10**8):08d}" for i in range(4)}
    for address, phone in phones.items():
        lines.append(f"Người gọi;{phone};{address};Hà Nội;Tổng đài")
    for i in range(4):
        lines.append(f"Người viết;;bounce+e{i}{unique}@{SIM};Hà Nội;Email")
    upload_id = _upload(officer, "doi.csv", ("\r\n".join(lines) + "\r\n").encode())
    started = officer.post(
        "/api/surveys/frames/import", {"upload_id": upload_id, "file_name": "doi.csv", "title": f"Địa chỉ hỏng {unique}"}
    )
    assert started.status == 202, started.text
    run_jobs()
    assert officer.get(f"/api/surveys/frames/{started.json['id']}").json["status"] == "ready"
    return str(started.json["id"]), phones


def test_a_bounce_goes_by_sms_to_a_member_with_a_phone_and_calls_in_a_reserve_for_one_without(
    api, unique, run_jobs, drain, ses_events, sent
) -> None:
    from chalicelib.links.delivery_store import DynamoDeliveryStore
    from chalicelib.shared.tenancy import acting_for

    officer, survey = _approved(api, unique)
    frame, phones = _frame(officer, run_jobs, unique)
    drawn = officer.post(
        f"/api/surveys/{survey['id']}/rounds",
        {
            "kind": "pilot",
            "frame_id": frame,
            "size": 2,
            "strata": ["channel"],
            "minimum": 1,
            "reserve_share": 1,
            "version": survey["version"],
        },
    )
    assert drawn.status == 201, drawn.text
    assert set(drawn.json["design"]["planned"].values()) == {1} and all(drawn.json["design"]["reserves"].values())
    version = officer.get(f"/api/surveys/{survey['id']}").json["version"]
    closes = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    opened = officer.post(
        f"/api/surveys/{survey['id']}/rounds/1/open", {"closes_at": closes, "reminders": [], "version": version}
    )
    assert opened.status == 200, opened.text
    members = officer.get(f"/api/surveys/{survey['id']}/rounds/1/members").json["items"]
    by_phone = next(m for m in members if m["role"] == "main" and m["phone"])
    by_mail = next(m for m in members if m["role"] == "main" and not m["phone"])
    mine = unique + "@"

    def bulk_to(address: str) -> list[Any]:
        return [d for m in sent()["bulk"] for d in m.destinations if d["Destination"]["ToAddresses"] == [address]]

    _until(lambda: bulk_to(by_phone["email"]) and bulk_to(by_mail["email"]), drain, run_jobs)
    sms_before = list(sent()["sms"])
    assert any("Bounce" in b for b in ses_events())
    reserve_of = {m["id"]: m for m in officer.get(f"/api/surveys/{survey['id']}/rounds/1/members").json["items"]}
    replaced = reserve_of[by_mail["id"]]
    assert replaced["status"] == "replaced" and replaced["replaced_by"], replaced
    reserve = reserve_of[replaced["replaced_by"]]
    assert (reserve["replaces"], reserve["role"], reserve["stratum"]) == (by_mail["id"], "main", by_mail["stratum"])
    assert reserve_of[by_phone["id"]]["status"] == "invited", "the member with a phone stays in the sample"

    phone = phones[by_phone["email"]]

    def texted() -> list[Any]:
        return [s for s in sent()["sms"] if s not in sms_before and s[0].endswith(phone[1:])]

    [sms] = _until(texted, drain, run_jobs)
    assert "/s/" in sms[1], "the SMS carries a new link"
    _until(lambda: bulk_to(reserve["email"]), drain, run_jobs)
    now = {m["id"]: m for m in officer.get(f"/api/surveys/{survey['id']}/rounds/1/members").json["items"]}
    assert now[reserve["id"]]["status"] == "invited" and now[reserve["id"]]["invited_at"]
    tally = officer.get(f"/api/surveys/{survey['id']}/tally").json
    assert (tally["overall"]["replaced"], tally["overall"]["planned"], tally["overall"]["invited"]) == (1, 3, 3)
    with acting_for("hanoi"):
        suppressed = DynamoDeliveryStore().suppressed(
            tenant="hanoi", addresses=[by_mail["email"], by_phone["email"], f"elsewhere{mine}example.vn"]
        )
    assert suppressed == {by_mail["email"], by_phone["email"]}
