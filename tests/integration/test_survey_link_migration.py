"""The one-off migration: an answer's survey token kept in clear (before issue 9) becomes a link of its hash."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from chalicelib.adapters.dynamo import tenant_key
from chalicelib.links.domain import Link, ResolveOutcome, token_hash
from chalicelib.links.service import LinkService
from chalicelib.links.store import DynamoLinkStore, LinkItem
from chalicelib.requests.store import RequestItem
from chalicelib.shared.clock import SystemClock
from scripts.migrate_survey_links import LegacySurveyToken, migrate
from tests.api.test_requests import _act, _intake


def _as_before_issue_9(request_id: str, token: str) -> None:
    """Rewrite an answered request as the old code left it: the token in its body and in a SurveyToken item."""
    pk = tenant_key("hanoi", "REQ", request_id)
    item = RequestItem.get(pk, "REQ")
    link_id = item.body.pop("survey_link_id")
    item.body["survey_token"] = token
    RequestItem._get_connection().update_item(pk, range_key="REQ", actions=[RequestItem.body.set(item.body)])
    LinkItem(tenant_key("hanoi", "LINK", link_id), "LINK").delete(add_version_condition=False)
    expires = int((datetime.now(UTC) + timedelta(days=20)).timestamp())
    LegacySurveyToken(
        tenant_key("hanoi", "SURVEY", token),
        "TOKEN",
        tenant="hanoi",
        request_id=request_id,
        customer_id=item.customer_id,
        channel="email",
        expires_at=expires,
    ).save()


def test_old_clear_tokens_become_links_and_keep_working(api, unique):
    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    request = _intake(officer, unique, channel="email", customer={"email": f"m.{unique}@example.vn"})
    drafted = _act(officer, request, "draft", text="Kính gửi Ông/Bà, …").json
    approved = _act(leader, drafted, "approve", draft_id=drafted["drafts"][0]["id"]).json
    token = f"legacy{unique}"
    _as_before_issue_9(approved["id"], token)

    migrated, refused = migrate()
    assert migrated >= 1 and refused == 0
    links = LinkService(store=DynamoLinkStore(), clock=SystemClock())
    link = links.resolve(tenant="hanoi", token=token, now=datetime.now(UTC))
    assert isinstance(link, Link) and link.purpose == "answer" and link.subject["request_id"] == approved["id"]
    stored = RequestItem.get(tenant_key("hanoi", "REQ", approved["id"]), "REQ")
    assert token not in json.dumps(stored.body) and stored.body["survey_link_id"] == token_hash(token)
    assert list(LegacySurveyToken.query(tenant_key("hanoi", "SURVEY", token))) == []
    again = leader.get(f"/api/requests/{approved['id']}").json
    assert again["survey"]["answered_at"] is None and again["survey"]["valid_until"]
    closed = _act(officer, again, "close")
    assert closed.status == 200, closed.text  # its version and its customer link moved together
    assert migrate() == (0, 0), "a second run finds nothing"
    assert links.resolve(tenant="hanoi", token="legacy-unknown", now=datetime.now(UTC)) is ResolveOutcome.UNKNOWN
