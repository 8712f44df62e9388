"""SES's events, emulated for the local stack (moto sends nothing): after each bulk templated send, the events SES
would publish through the configuration set reach its topic (and so the events queue, SNS-wrapped, as in AWS).

The mailbox simulator's addresses behave as SES documents them — `success@simulator.amazonses.com` delivered,
`bounce@…` a permanent bounce, `complaint@…` delivered then a complaint, `ooto@…` delivered (the auto-reply is
not emulated), `suppressionlist@…` a permanent bounce (on the account's suppression list), each with any `+label`
— and any other address is delivered. Only messages with tags (the deliveries' `tenant`, `group`, `delivery`) produce events here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.ses.models import SESBackend
from moto.sns.models import sns_backends

from infra.definitions import MAIL_EVENTS

SIMULATOR = "simulator.amazonses.com"
ORIGINAL: dict[str, Callable[..., Any]] = {}


def events_for(address: str) -> list[dict[str, Any]]:
    """The event parts SES would publish for one recipient (eventType and its detail)."""
    local, _, domain = address.lower().partition("@")
    local = local.split("+", 1)[0]  # the simulator takes labels: bounce+label@… bounces as bounce@… does
    hard = {"bounceType": "Permanent", "bounceSubType": "General", "bouncedRecipients": [{"emailAddress": address}]}
    if domain == SIMULATOR and local == "bounce":
        return [{"eventType": "Bounce", "bounce": hard}]
    if domain == SIMULATOR and local == "suppressionlist":
        return [{"eventType": "Bounce", "bounce": {**hard, "bounceSubType": "OnAccountSuppressionList"}}]
    delivered = {"eventType": "Delivery", "delivery": {"recipients": [address]}}
    if domain == SIMULATOR and local == "complaint":
        return [delivered, {"eventType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": address}]}}]
    return [delivered]


def _tags(destination: dict[str, Any]) -> dict[str, list[str]]:
    tags = destination.get("ReplacementTags") or []
    return {str(t.get("Name")): [str(t.get("Value"))] for t in tags if isinstance(t, dict)}


def _send_bulk(self: SESBackend, source: str, template: str, template_data: str, destinations: list[Any]) -> Any:
    result = ORIGINAL["send_bulk"](self, source, template, template_data, destinations)
    backend = sns_backends[self.account_id][self.region_name]
    topic_arn = f"arn:aws:sns:{self.region_name}:{self.account_id}:{MAIL_EVENTS.topic}"
    if topic_arn not in backend.topics:
        return result
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    for destination, message_id in zip(destinations, result.ids, strict=False):
        tags = _tags(destination)
        if not tags:
            continue
        for address in (destination.get("Destination") or {}).get("ToAddresses") or []:
            mail = {"timestamp": now, "messageId": message_id, "source": source, "destination": [address], "tags": tags}
            for part in events_for(address):
                backend.publish(message=json.dumps({**part, "mail": mail}), arn=topic_arn)
    return result


def apply() -> None:
    """Emit events after each bulk send (idempotent)."""
    if "send_bulk" not in ORIGINAL:
        ORIGINAL["send_bulk"] = SESBackend.send_bulk_templated_email
        SESBackend.send_bulk_templated_email = _send_bulk  # type: ignore[method-assign]
