"""What the personal-data use cases need from the requests capability, in the customers' terms (pure types)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .retention import RequestActivity


@dataclass(frozen=True)
class ExportedStep:
    """One step of a request's history as the customer is shown it: when and what, never which member of staff."""

    at: datetime
    step: str
    label: str


@dataclass(frozen=True)
class ExportedRequest:
    """A request as the customer's copy of their data holds it (Decree 13/2023 Art. 9.7, Art. 14)."""

    id: str
    reference: str
    channel: str
    channel_label: str
    kind: str
    kind_label: str
    category: str
    category_label: str
    status: str
    status_label: str
    received_at: datetime
    subject: str
    question: str
    answer: str | None
    answered_at: datetime | None
    callback_at: datetime | None
    satisfied: bool | None
    rating_reason: str | None
    steps: tuple[ExportedStep, ...]


@dataclass(frozen=True)
class Redaction:
    """What removing one request's content did: which other offices hold a copy of it (transfers, origin)."""

    request_id: str
    other_offices: tuple[str, ...] = ()


class CustomerRecords(Protocol):
    """The requests capability as seen from here (requests/privacy.py; tests/fakes.py)."""

    def activity(self, *, tenant: str, customer_id: str) -> list[RequestActivity]:
        """The customer's requests: open or not, their last step by a person, whether their content is gone."""
        ...

    def export(self, *, tenant: str, customer_id: str) -> list[ExportedRequest]:
        """The customer's requests with their content and history, newest first."""
        ...

    def redact(self, *, tenant: str, request_id: str, actor: str, reason: str, now: datetime) -> Redaction | None:
        """Remove a finished request's personal content, audited; None when it was gone already (or is unknown)."""
        ...
