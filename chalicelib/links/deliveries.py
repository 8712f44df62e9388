"""Deliveries (pure): one message to one destination, its status in the GOV.UK Notify manner, and SES's events.

pending (written, not yet handed over) → sending (the provider took it) → delivered | permanent-failure |
temporary-failure | technical-failure. A temporary failure may still end delivered or permanent; a delivered
message can still bounce later (SES reports some bounces after the delivery). Anything else is no change, so an
event delivered twice, or late, changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

PENDING = "pending"
SENDING = "sending"
DELIVERED = "delivered"
PERMANENT = "permanent-failure"
TEMPORARY = "temporary-failure"
TECHNICAL = "technical-failure"
STATUSES = (PENDING, SENDING, DELIVERED, PERMANENT, TEMPORARY, TECHNICAL)
STATUS_LABELS = {
    PENDING: "Chờ gửi",
    SENDING: "Đang gửi",
    DELIVERED: "Đã nhận",
    PERMANENT: "Không gửi được (địa chỉ sai hoặc bị chặn)",
    TEMPORARY: "Tạm thời chưa gửi được",
    TECHNICAL: "Lỗi kỹ thuật",
}
_NEXT: dict[str, frozenset[str]] = {
    PENDING: frozenset({SENDING, DELIVERED, PERMANENT, TEMPORARY, TECHNICAL}),
    SENDING: frozenset({DELIVERED, PERMANENT, TEMPORARY, TECHNICAL}),
    TEMPORARY: frozenset({DELIVERED, PERMANENT}),
    DELIVERED: frozenset({PERMANENT}),
    PERMANENT: frozenset(),
    TECHNICAL: frozenset(),
}
EMAIL, SMS = "email", "sms"
SUPPRESSED = "suppressed"  # the detail of a permanent failure decided without a call: the address is suppressed
_TAG_SAFE = re.compile(r"^[A-Za-z0-9_.@-]{1,200}$")  # what an SES message tag's value may hold


@dataclass(frozen=True)
class Step:
    """One change of status: when, to what, and why (the provider's reason; never the destination)."""

    at: datetime
    status: str
    detail: str = ""


@dataclass(frozen=True)
class Delivery:
    """One message to one destination (personal data: the destination is never logged)."""

    tenant: str
    group: str  # the deliveries listed together (a survey round): tag-safe
    id: str
    link_id: str
    purpose: str
    subject: dict[str, str]
    channel: str  # email | sms
    destination: str
    template: str
    data: dict[str, str] = field(default_factory=dict)
    status: str = PENDING
    history: tuple[Step, ...] = ()
    provider_id: str | None = None
    #: The link's URL until the message is sent (the sender needs it; it is blanked once the provider took it).
    secret: dict[str, str] = field(default_factory=dict)

    def advance(self, status: str, at: datetime, detail: str = "") -> Delivery | None:
        """The delivery in its new status, or None when the change is not one (repeated, late or impossible)."""
        if status not in _NEXT.get(self.status, frozenset()):
            return None
        return replace(self, status=status, history=(*self.history, Step(at, status, detail)))

    @property
    def sent(self) -> bool:
        """Whether it was handed over (or settled without a call)."""
        return self.status != PENDING


def tag_safe(value: str) -> bool:
    """Whether a value can ride as an SES message tag (letters, digits, _ - . @)."""
    return bool(_TAG_SAFE.match(value))


def address_hash(address: str) -> str:
    """The key of a suppressed address: SHA-256 of the address trimmed and lower-cased."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


@dataclass(frozen=True)
class SesEvent:
    """What an SES event (configuration set → SNS → SQS) says about one of our deliveries."""

    tenant: str
    group: str
    delivery_id: str
    status: str | None  # the status it leads to, or None (a complaint or a send changes no status)
    detail: str
    suppress: bool  # the address must not be written to again
    at: datetime | None = None


def ses_event(event: dict[str, Any]) -> SesEvent | None:
    """Map one SES event to our terms; None when it is not about a delivery of ours (no tags) or of no interest.

    Delivery → delivered; Bounce Permanent → permanent-failure (suppress), Transient or Undetermined →
    temporary-failure; Complaint → suppress (the status stays); Reject and Rendering Failure → technical-failure.
    """
    tags = (event.get("mail") or {}).get("tags") or {}

    def tag(name: str) -> str:
        values = tags.get(name) or [""]
        return str(values[0])

    tenant, group, delivery = tag("tenant"), tag("group"), tag("delivery")
    if not (tenant and group and delivery):
        return None
    kind = str(event.get("eventType") or event.get("notificationType") or "")
    if kind == "Delivery":
        return SesEvent(tenant, group, delivery, DELIVERED, "", False)
    if kind == "Bounce":
        bounce = event.get("bounce") or {}
        permanent = bounce.get("bounceType") == "Permanent"
        detail = f"{bounce.get('bounceType', '')}/{bounce.get('bounceSubType', '')}"
        return SesEvent(tenant, group, delivery, PERMANENT if permanent else TEMPORARY, detail, permanent)
    if kind == "Complaint":
        return SesEvent(tenant, group, delivery, None, "complaint", True)
    if kind == "Reject":
        return SesEvent(tenant, group, delivery, TECHNICAL, "reject", False)
    if kind == "Rendering Failure":
        return SesEvent(tenant, group, delivery, TECHNICAL, "rendering-failure", False)
    return None
