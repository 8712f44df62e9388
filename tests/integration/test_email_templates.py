"""E-mail bodies: the text as written, its line breaks kept, no markup of its own — in every template, and in the
answer a customer receives, rendered from what was sent by moto's SES (which, like SES, escapes nothing)."""

from __future__ import annotations

import email
import json
import re
from email.message import Message
from typing import Any

import pytest

from chalicelib.adapters.messaging import html_text, template_data
from infra.definitions import EMAIL_TEMPLATE_DIR

TEMPLATES = sorted(EMAIL_TEMPLATE_DIR.glob("*.json"))


def _variables(text: str) -> set[str]:
    return set(re.findall(r"{{\s*([^}\s]+)\s*}}", text))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_html_parts_use_only_escaped_values_and_the_same_ones_as_the_text(path):
    template = json.loads(path.read_text(encoding="utf-8"))
    in_html = _variables(template["html"])
    in_text = _variables(template["text"]) | _variables(template["subject"])
    assert all(name.endswith("_html") for name in in_html), in_html
    assert not any(name.endswith("_html") for name in in_text), in_text
    assert {name.removesuffix("_html") for name in in_html} == _variables(template["text"])
    assert "{{{" not in template["html"], "SES escapes nothing either way: the values come escaped"


def test_a_value_for_the_html_part_is_escaped_with_its_line_breaks_kept():
    assert (
        html_text('Dòng 1\r\nDòng 2\n<b>đậm</b> & "trích"')
        == "Dòng 1<br>\nDòng 2<br>\n&lt;b&gt;đậm&lt;/b&gt; &amp; &quot;trích&quot;"
    )
    assert template_data({"answer": "a\nb", "level": 50}) == {
        "answer": "a\nb",
        "answer_html": "a<br>\nb",
        "level": 50,
        "level_html": "50",
    }


def _parts(rendered: str) -> dict[str, str]:
    message: Message = email.message_from_string(rendered.split("\r\n", 2)[2])
    parts: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts[part.get_content_subtype()] = payload.decode("utf-8")
    subject = rendered.split("\r\n", 2)[1]
    parts["subject"] = subject.removeprefix("Subject: ")
    return parts


def test_the_answer_a_customer_receives_is_the_text_as_written(api, unique, drain, sent, stack):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    address = f"thu.{unique}@example.vn"
    name = 'Lý Thị <b>Hoa</b> & "con"'
    answer = "Kính gửi Ông/Bà,\nMức hưởng là 75% <script>alert(1)</script>.\n\nTrân trọng & cảm ơn."
    digits = str(int(unique, 16))[:9].rjust(9, "5")
    customer = {"kind": "individual", "full_name": name, "id_number": "004" + digits, "email": address}
    body = {"channel": "email", "kind": "information", "category": "policy", "subject": "Mức hưởng hưu trí"}
    request = officer.post("/api/requests", {**body, "question": "Mức hưởng của tôi?", "customer": customer}).json
    drafted = officer.post(f"/api/requests/{request['id']}/draft", {"version": request["version"], "text": answer}).json
    approved = leader.post(
        f"/api/requests/{request['id']}/approve", {"version": drafted["version"], "draft_id": drafted["drafts"][0]["id"]}
    )
    assert approved.status == 200, approved.text
    drain()
    (mail,) = [m for m in sent()["emails"] if address in m.destinations["ToAddresses"]]
    ses: Any = ses_backends[DEFAULT_ACCOUNT_ID][stack.region]
    parts = _parts(ses.render_template({"name": mail.template, "data": mail.template_data}))

    body_html = parts["html"]
    assert "Mức hưởng là 75% &lt;script&gt;alert(1)&lt;/script&gt;." in body_html
    assert "Kính gửi Ông/Bà,<br>\nMức hưởng" in body_html and ".<br>\n<br>\nTrân trọng &amp; cảm ơn." in body_html
    assert "Lý Thị &lt;b&gt;Hoa&lt;/b&gt; &amp; &quot;con&quot;" in body_html, "the customer's name is text too"
    assert "<script" not in body_html and "<b>" not in body_html and "&lt;br&gt;" not in body_html
    assert re.sub(r"<[^>]+>", "", body_html).count("Trân trọng") == 2  # the answer's and the letter's own
    assert answer in parts["plain"] and name in parts["plain"], "the text part is the text as written"
    assert parts["subject"] == f"Trả lời yêu cầu {approved.json['reference']} của Ông/Bà"
